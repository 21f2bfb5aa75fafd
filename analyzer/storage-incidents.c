/* storage-incidents.c - the queries of storage-incidents.h, in the
 * portable SQL of the backend seam (storage-private.h): every value bound. */
#include "storage-incidents.h"
#include "storage-private.h"

#include <string.h>

/* " AND time >= ? AND time < ?" for the parts of @range that are set. */
static void
add_period (GString *sql, const ba_query *range)
{
    if (range && range->has_since)
        g_string_append (sql, " AND time >= ?");
    if (range && range->has_until)
        g_string_append (sql, " AND time < ?");
}

static void
bind_period (ba_stmt *s, const ba_query *range)
{
    int i = 1;
    if (range && range->has_since)
        ba_sql_int (s, i++, range->since);
    if (range && range->has_until)
        ba_sql_int (s, i++, range->until);
}

gboolean
ba_store_each_failure (ba_store *st, const ba_query *range, ba_failure_fn fn, void *data,
                       GError **error)
{
    GString *sql = g_string_new ("SELECT time, domain, remote_mta, reason, dnsbl, listed, fault,"
                                 " advice, original_sender, recipient FROM failures"
                                 " WHERE time IS NOT NULL");
    ba_sql_result rc;
    ba_stmt *s;

    add_period (sql, range);
    g_string_append (sql, " ORDER BY time, id");
    s = ba_sql_prepare (st, sql->str, error);
    g_string_free (sql, TRUE);
    if (!s)
        return FALSE;
    bind_period (s, range);
    while ((rc = ba_sql_step (s, error)) == BA_SQL_ROW) {
        ba_incident_failure x = {
            .time = ba_sql_col_int (s, 0),
            .domain = ba_sql_col_text (s, 1),
            .remote_mta = ba_sql_col_text (s, 2),
            .reason = ba_sql_col_text (s, 3),
            .dnsbl = ba_sql_col_text (s, 4),
            .listed = ba_sql_col_text (s, 5),
            .fault = ba_sql_col_text (s, 6),
            .advice = ba_sql_col_text (s, 7),
            .sender = ba_sql_col_text (s, 8),
            .recipient = ba_sql_col_text (s, 9),
        };
        if (!fn (&x, data)) {
            rc = BA_SQL_DONE;
            break;
        }
    }
    ba_sql_finalize (s);
    return rc == BA_SQL_DONE;
}

static gboolean
feed (const ba_incident_failure *x, void *data)
{
    ba_incident_finder_add (data, x);
    return TRUE;
}

GPtrArray *
ba_store_find_incidents (ba_store *st, const ba_query *range, gint64 gap, guint min, gint64 now,
                         GError **error)
{
    ba_incident_finder *f = ba_incident_finder_new (gap, min, now);
    gboolean ok = ba_store_each_failure (st, range, feed, f, error);
    GPtrArray *found = ba_incident_finder_finish (f);
    if (!ok)
        g_clear_pointer (&found, g_ptr_array_unref);
    return found;
}

void
ba_count_free (ba_count *c)
{
    if (!c)
        return;
    g_free (c->key);
    g_free (c->sub);
    g_free (c);
}

/* Rows of (key, sub or none, count) of @sql's statement. */
static GPtrArray *
counts (ba_store *st, GString *sql, const ba_query *range, gboolean with_sub, GError **error)
{
    GPtrArray *out;
    ba_sql_result rc;
    ba_stmt *s = ba_sql_prepare (st, sql->str, error);

    if (!s)
        return NULL;
    bind_period (s, range);
    out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_count_free);
    while ((rc = ba_sql_step (s, error)) == BA_SQL_ROW) {
        ba_count *c = g_new0 (ba_count, 1);
        c->key = g_strdup (ba_sql_col_text (s, 0) ? ba_sql_col_text (s, 0) : "unknown");
        c->sub = with_sub ? g_strdup (ba_sql_col_text (s, 1)) : NULL;
        c->count = ba_sql_col_int (s, with_sub ? 2 : 1);
        g_ptr_array_add (out, c);
    }
    ba_sql_finalize (s);
    if (rc != BA_SQL_DONE)
        g_clear_pointer (&out, g_ptr_array_unref);
    return out;
}

GPtrArray *
ba_store_failures_per_period (ba_store *st, const ba_query *range, ba_period period,
                              GError **error)
{
    GString *sql = g_string_new ("SELECT ");
    GPtrArray *days, *out;
    GHashTable *seen;
    gsize len = period == BA_PERIOD_YEAR ? 4 : period == BA_PERIOD_MONTH ? 7 : 10;

    g_string_append_printf (sql, st->be->local_day, "time");
    g_string_append (sql, ", reason, count(*) FROM failures WHERE time IS NOT NULL");
    add_period (sql, range);
    g_string_append (sql, " GROUP BY 1, 2 ORDER BY 1, 2");
    days = counts (st, sql, range, TRUE, error);
    g_string_free (sql, TRUE);
    if (!days || period == BA_PERIOD_DAY)
        return days;
    /* months and years from the local days ('YYYY-MM-DD'), still in order */
    out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_count_free);
    seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < days->len; i++) {
        ba_count *d = g_ptr_array_index (days, i);
        char *key = g_strndup (d->key, MIN (len, strlen (d->key)));
        char *both = g_strconcat (key, "\x1f", d->sub ? d->sub : "", NULL);
        ba_count *c = g_hash_table_lookup (seen, both);
        if (!c) {
            c = g_new0 (ba_count, 1);
            c->key = key;
            c->sub = g_strdup (d->sub);
            g_ptr_array_add (out, c);
            g_hash_table_insert (seen, both, c);
        } else {
            g_free (key);
            g_free (both);
        }
        c->count += d->count;
    }
    g_hash_table_unref (seen);
    g_ptr_array_unref (days);
    return out;
}

GPtrArray *
ba_store_fault_counts (ba_store *st, const ba_query *range, GError **error)
{
    GString *sql = g_string_new ("SELECT coalesce (fault, 'unknown'), count(*) FROM failures WHERE 1 = 1");
    GPtrArray *out;
    add_period (sql, range);
    g_string_append (sql, " GROUP BY 1 ORDER BY 2 DESC, 1");
    out = counts (st, sql, range, FALSE, error);
    g_string_free (sql, TRUE);
    return out;
}
