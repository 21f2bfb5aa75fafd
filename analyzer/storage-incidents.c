/* storage-incidents.c - the SQL of storage-incidents.h: every value bound. */
#include "storage-incidents.h"
#include "storage-private.h"

#include <string.h>

static const char *
text_at (sqlite3_stmt *s, int i)
{
    return (const char *) sqlite3_column_text (s, i);
}

/* " AND time >= ?1 AND time < ?2" for the parts of @range that are set. */
static void
add_period (GString *sql, const ba_query *range)
{
    if (range && range->has_since)
        g_string_append (sql, " AND time >= ?1");
    if (range && range->has_until)
        g_string_append (sql, " AND time < ?2");
}

static void
bind_period (sqlite3_stmt *s, const ba_query *range)
{
    if (range && range->has_since)
        sqlite3_bind_int64 (s, 1, range->since);
    if (range && range->has_until)
        sqlite3_bind_int64 (s, 2, range->until);
}

gboolean
ba_store_each_failure (ba_store *st, const ba_query *range, ba_failure_fn fn, void *data,
                       GError **error)
{
    GString *sql = g_string_new ("SELECT time, domain, remote_mta, reason, dnsbl, listed, fault,"
                                 " advice, original_sender, recipient FROM failures"
                                 " WHERE time IS NOT NULL");
    sqlite3_stmt *s;
    int rc;

    add_period (sql, range);
    g_string_append (sql, " ORDER BY time, id");
    s = ba_store_sql_prepare (st, sql->str, error);
    g_string_free (sql, TRUE);
    if (!s)
        return FALSE;
    bind_period (s, range);
    while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
        ba_incident_failure x = {
            .time = sqlite3_column_int64 (s, 0),
            .domain = text_at (s, 1),
            .remote_mta = text_at (s, 2),
            .reason = text_at (s, 3),
            .dnsbl = text_at (s, 4),
            .listed = text_at (s, 5),
            .fault = text_at (s, 6),
            .advice = text_at (s, 7),
            .sender = text_at (s, 8),
            .recipient = text_at (s, 9),
        };
        if (!fn (&x, data)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize (s);
    if (rc != SQLITE_DONE)
        return ba_store_sql_fail (st, error, "reading");
    return TRUE;
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

static GPtrArray *
counts (ba_store *st, const char *select, const ba_query *range, const char *tail,
        const char *format, GError **error)
{
    GString *sql = g_string_new (select);
    GPtrArray *out;
    sqlite3_stmt *s;
    int rc;

    g_string_append (sql, " FROM failures WHERE 1");
    add_period (sql, range);
    g_string_append (sql, tail);
    s = ba_store_sql_prepare (st, sql->str, error);
    g_string_free (sql, TRUE);
    if (!s)
        return NULL;
    bind_period (s, range);
    if (format)
        sqlite3_bind_text (s, 3, format, -1, SQLITE_STATIC);
    out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_count_free);
    while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
        ba_count *c = g_new0 (ba_count, 1);
        c->key = g_strdup (text_at (s, 0) ? text_at (s, 0) : "unknown");
        c->sub = g_strdup (text_at (s, 1));
        c->count = sqlite3_column_int64 (s, 2);
        g_ptr_array_add (out, c);
    }
    sqlite3_finalize (s);
    if (rc != SQLITE_DONE) {
        g_ptr_array_unref (out);
        ba_store_sql_fail (st, error, "reading");
        return NULL;
    }
    return out;
}

GPtrArray *
ba_store_failures_per_period (ba_store *st, const ba_query *range, ba_period period,
                              GError **error)
{
    const char *format = period == BA_PERIOD_YEAR ? "%Y" : period == BA_PERIOD_MONTH ? "%Y-%m" : "%Y-%m-%d";
    return counts (st, "SELECT strftime (?3, time, 'unixepoch', 'localtime'), reason, count(*)", range,
                   " AND time IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2", format, error);
}

GPtrArray *
ba_store_failures_by_fault (ba_store *st, const ba_query *range, GError **error)
{
    return counts (st, "SELECT coalesce (fault, 'unknown'), NULL, count(*)", range,
                   " GROUP BY 1 ORDER BY 3 DESC, 1", NULL, error);
}
