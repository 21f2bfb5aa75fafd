/* storage-report.c - see storage-report.h; portable SQL through the
 * backend seam (storage-private.h). */
#include "storage-report.h"
#include "storage-private.h"

#include <string.h>

/* " AND time >= ? AND time < ?" for @range, and its values in @values. */
static int
period (GString *sql, const ba_query *range, gint64 values[2])
{
    int n = 0;
    if (range && range->has_since) {
        g_string_append (sql, " AND time >= ?");
        values[n++] = range->since;
    }
    if (range && range->has_until) {
        g_string_append (sql, " AND time < ?");
        values[n++] = range->until;
    }
    return n;
}

static ba_stmt *
prepare_period (ba_store *st, GString *sql, const char *tail, const ba_query *range, GError **error)
{
    gint64 values[2];
    int n = period (sql, range, values);
    ba_stmt *s;

    g_string_append (sql, tail);
    s = ba_sql_prepare (st, sql->str, error);
    for (int i = 0; s && i < n; i++)
        ba_sql_int (s, i + 1, values[i]);
    return s;
}

GPtrArray *
ba_store_failures_by_fault (ba_store *st, const ba_query *range, GError **error)
{
    GString *sql = g_string_new ("SELECT coalesce (fault, 'unknown'), count(*),"
                                 " sum (hard),"
                                 " count (DISTINCT domain), min (time), max (time)"
                                 " FROM diagnoses WHERE outcome = 'failed'");
    ba_stmt *s = prepare_period (st, sql, " GROUP BY 1 ORDER BY 2 DESC, 1", range, error);
    GPtrArray *out;
    ba_sql_result rc;

    g_string_free (sql, TRUE);
    if (!s)
        return NULL;
    out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_tally_free);
    while ((rc = ba_sql_step (s, error)) == BA_SQL_ROW) {
        ba_tally *t = g_new0 (ba_tally, 1);
        t->key = g_strdup (ba_sql_col_text (s, 0));
        t->total = t->failed = ba_sql_col_int (s, 1);
        t->hard = ba_sql_col_int (s, 2);
        t->domains = ba_sql_col_int (s, 3);
        t->has_time = !ba_sql_col_null (s, 4);
        t->first = ba_sql_col_int (s, 4);
        t->last = ba_sql_col_int (s, 5);
        g_ptr_array_add (out, t);
    }
    if (rc == BA_SQL_ERROR)
        g_clear_pointer (&out, g_ptr_array_unref);
    ba_sql_finalize (s);
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

/* "YYYY-MM-DD" of UTC day number @n (days since 1970-01-01). */
static char *
utc_day (gint64 n)
{
    GDateTime *dt = g_date_time_new_from_unix_utc (n * 86400);
    char *s = dt ? g_date_time_format (dt, "%Y-%m-%d") : NULL;
    if (dt)
        g_date_time_unref (dt);
    return s;
}

GPtrArray *
ba_store_failures_by_day_reason (ba_store *st, const ba_query *range, gboolean local, GError **error)
{
    GString *sql = g_string_new ("SELECT ");
    ba_stmt *s;
    GPtrArray *out;
    ba_sql_result rc;

    /* a UTC day is the whole days since the epoch (times before 1970 are
     * not bounces anyone still reads), so no engine function is needed */
    if (local)
        g_string_append_printf (sql, st->be->local_day, "time");
    else
        g_string_append (sql, "(time - (time % 86400)) / 86400");
    g_string_append (sql, ", reason, count(*) FROM diagnoses WHERE outcome = 'failed' AND time IS NOT NULL"
                          " AND time >= 0");
    s = prepare_period (st, sql, " GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2", range, error);
    g_string_free (sql, TRUE);
    if (!s)
        return NULL;
    out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_day_reason_free);
    while ((rc = ba_sql_step (s, error)) == BA_SQL_ROW) {
        ba_day_reason *d = g_new0 (ba_day_reason, 1);
        d->day = local ? g_strdup (ba_sql_col_text (s, 0)) : utc_day (ba_sql_col_int (s, 0));
        d->reason = g_strdup (ba_sql_col_text (s, 1));
        d->failed = ba_sql_col_int (s, 2);
        if (!d->day || !d->reason) {
            ba_day_reason_free (d);
            continue;
        }
        g_ptr_array_add (out, d);
    }
    if (rc == BA_SQL_ERROR)
        g_clear_pointer (&out, g_ptr_array_unref);
    ba_sql_finalize (s);
    return out;
}

char *
ba_store_feedback_type (ba_store *st, gint64 id)
{
    ba_stmt *s = ba_sql_prepare (st, "SELECT feedback_type FROM recipients WHERE id = ?", NULL);
    char *type = NULL;
    if (!s)
        return NULL;
    ba_sql_int (s, 1, id);
    if (ba_sql_step (s, NULL) == BA_SQL_ROW && !ba_sql_col_null (s, 0))
        type = g_strdup (ba_sql_col_text (s, 0));
    ba_sql_finalize (s);
    return type;
}
