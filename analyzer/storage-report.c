/* storage-report.c - see storage-report.h */
#include "storage-report.h"
#include "storage-private.h"

#include <string.h>

/* " AND time >= ? AND time < ?" for @range, and its values in @values. */
static void
period (GString *sql, const ba_query *range, gint64 values[2], int *n)
{
    *n = 0;
    if (range && range->has_since) {
        g_string_append (sql, " AND time >= ?");
        values[(*n)++] = range->since;
    }
    if (range && range->has_until) {
        g_string_append (sql, " AND time < ?");
        values[(*n)++] = range->until;
    }
}

static sqlite3_stmt *
prepare_period (ba_store *st, GString *sql, const char *tail, const ba_query *range, GError **error)
{
    gint64 values[2];
    int n;
    sqlite3_stmt *s;

    period (sql, range, values, &n);
    g_string_append (sql, tail);
    s = ba_store_sql_prepare (st, sql->str, error);
    for (int i = 0; s && i < n; i++)
        sqlite3_bind_int64 (s, i + 1, values[i]);
    return s;
}

GPtrArray *
ba_store_failures_by_fault (ba_store *st, const ba_query *range, GError **error)
{
    GString *sql = g_string_new ("SELECT coalesce (fault, 'unknown'), count(*), sum (hard),"
                                 " count (DISTINCT domain), min (time), max (time)"
                                 " FROM diagnoses WHERE outcome = 'failed'");
    sqlite3_stmt *s = prepare_period (st, sql, " GROUP BY 1 ORDER BY 2 DESC, 1", range, error);
    GPtrArray *out;
    int rc;

    g_string_free (sql, TRUE);
    if (!s)
        return NULL;
    out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_tally_free);
    while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
        ba_tally *t = g_new0 (ba_tally, 1);
        t->key = g_strdup ((const char *) sqlite3_column_text (s, 0));
        t->total = t->failed = sqlite3_column_int64 (s, 1);
        t->hard = sqlite3_column_int64 (s, 2);
        t->domains = sqlite3_column_int64 (s, 3);
        t->has_time = sqlite3_column_type (s, 4) != SQLITE_NULL;
        t->first = sqlite3_column_int64 (s, 4);
        t->last = sqlite3_column_int64 (s, 5);
        g_ptr_array_add (out, t);
    }
    if (rc != SQLITE_DONE) {
        ba_store_sql_fail (st, error, "counting failures by fault");
        g_clear_pointer (&out, g_ptr_array_unref);
    }
    sqlite3_finalize (s);
    return out;
}

void
ba_day_reason_free (ba_day_reason *d)
{
    if (!d)
        return;
    g_free (d->day);
    g_free (d->reason);
    g_free (d);
}

GPtrArray *
ba_store_failures_by_day_reason (ba_store *st, const ba_query *range, gboolean local, GError **error)
{
    GString *sql = g_string_new (NULL);
    sqlite3_stmt *s;
    GPtrArray *out;
    int rc;

    g_string_printf (sql, "SELECT date (time, 'unixepoch'%s), reason, count(*) FROM diagnoses"
                     " WHERE outcome = 'failed' AND time IS NOT NULL", local ? ", 'localtime'" : "");
    s = prepare_period (st, sql, " GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2", range, error);
    g_string_free (sql, TRUE);
    if (!s)
        return NULL;
    out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_day_reason_free);
    while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
        ba_day_reason *d = g_new0 (ba_day_reason, 1);
        d->day = g_strdup ((const char *) sqlite3_column_text (s, 0));
        d->reason = g_strdup ((const char *) sqlite3_column_text (s, 1));
        d->failed = sqlite3_column_int64 (s, 2);
        if (!d->day || !d->reason) {
            ba_day_reason_free (d);
            continue;
        }
        g_ptr_array_add (out, d);
    }
    if (rc != SQLITE_DONE) {
        ba_store_sql_fail (st, error, "counting failures by day");
        g_clear_pointer (&out, g_ptr_array_unref);
    }
    sqlite3_finalize (s);
    return out;
}

char *
ba_store_feedback_type (ba_store *st, gint64 id)
{
    sqlite3_stmt *s = ba_store_sql_prepare (st, "SELECT feedback_type FROM recipients WHERE id = ?", NULL);
    char *type = NULL;
    if (!s)
        return NULL;
    sqlite3_bind_int64 (s, 1, id);
    if (sqlite3_step (s) == SQLITE_ROW && sqlite3_column_type (s, 0) != SQLITE_NULL)
        type = g_strdup ((const char *) sqlite3_column_text (s, 0));
    sqlite3_finalize (s);
    return type;
}
