/* storage-prune.c - delete the stored bounces older than a date (see
 * storage-prune.h), in the portable SQL of the backend seam. */
#include "storage-prune.h"
#include "storage-private.h"

/* The messages a prune selects: the bounce's time before ?, else (undated)
 * ingested before ? (ingested_at is UTC "YYYY-MM-DDTHH:MM:SSZ", so text order is time order). */
#define OLD_MESSAGES                                                                               \
    "SELECT id FROM messages WHERE (bounce_time IS NOT NULL AND bounce_time < ?)"                 \
    " OR (bounce_time IS NULL AND ingested_at < ?)"

typedef struct {
    gint64 before;
    char *before_iso;
} cut;

/* Bind the cut to the @n OLD_MESSAGES selections of @s. */
static void
bind_cut (ba_stmt *s, const cut *c, int n)
{
    for (int i = 0; i < n; i++) {
        ba_sql_int (s, 2 * i + 1, c->before);
        ba_sql_text (s, 2 * i + 2, c->before_iso);
    }
}

static gboolean
count_old (ba_store *st, const cut *c, ba_prune_counts *counts, GError **error)
{
    ba_stmt *s = ba_sql_prepare (st,
        "SELECT (SELECT count(*) FROM messages WHERE id IN (" OLD_MESSAGES ")),"
        " (SELECT count(*) FROM recipients WHERE message_id IN (" OLD_MESSAGES "))", error);
    gboolean ok;
    if (!s)
        return FALSE;
    bind_cut (s, c, 2);
    ok = ba_sql_step (s, error) == BA_SQL_ROW;
    if (ok) {
        counts->messages = ba_sql_col_int (s, 0);
        counts->diagnoses = ba_sql_col_int (s, 1);
    }
    ba_sql_finalize (s);
    return ok;
}

static gboolean
delete_old (ba_store *st, const char *sql, const cut *c, GError **error)
{
    ba_stmt *s = ba_sql_prepare (st, sql, error);
    gboolean ok;
    if (!s)
        return FALSE;
    bind_cut (s, c, 1);
    ok = ba_sql_run (s, error);
    ba_sql_finalize (s);
    return ok;
}

gboolean
ba_store_prune (ba_store *st, gint64 before, gboolean dry_run, ba_prune_counts *counts, GError **error)
{
    GDateTime *dt = g_date_time_new_from_unix_utc (before);
    cut c = { before, dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("0000") };
    gboolean ok;

    if (dt)
        g_date_time_unref (dt);
    counts->messages = counts->diagnoses = 0;
    if (dry_run) {
        ok = count_old (st, &c, counts, error);
    } else if (st->read_only) {
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_READ_ONLY, "%s is open read-only", st->path);
        ok = FALSE;
    } else if (!ba_sql_exec (st, st->be->begin_write, error)) {
        ok = FALSE;
    } else {
        /* diagnoses first, each a DELETE: the engine's index of their words follows */
        ok = count_old (st, &c, counts, error) &&
             delete_old (st, "DELETE FROM recipients WHERE message_id IN (" OLD_MESSAGES ")", &c, error) &&
             delete_old (st, "DELETE FROM messages WHERE id IN (" OLD_MESSAGES ")", &c, error) &&
             ba_sql_exec (st, "COMMIT", error);
        if (!ok)
            ba_sql_exec (st, "ROLLBACK", NULL);
    }
    g_free (c.before_iso);
    return ok;
}
