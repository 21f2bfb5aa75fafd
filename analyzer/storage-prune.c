/* storage-prune.c - delete the stored bounces older than a date (see storage-prune.h). */
#include "storage-prune.h"
#include "storage-private.h"

/* The messages a prune selects: bounce time, else ingest time, before ?1. */
#define OLD_MESSAGES                                                                                  \
    "SELECT id FROM messages WHERE coalesce (bounce_time, CAST (strftime ('%s', ingested_at) AS INTEGER)) < ?1"

static gboolean
count_old (ba_store *st, gint64 before, ba_prune_counts *counts, GError **error)
{
    sqlite3_stmt *s = ba_store_sql_prepare (st,
        "SELECT (SELECT count(*) FROM (" OLD_MESSAGES ")),"
        " (SELECT count(*) FROM recipients WHERE message_id IN (" OLD_MESSAGES "))", error);
    gboolean ok;
    if (!s)
        return FALSE;
    sqlite3_bind_int64 (s, 1, before);
    ok = sqlite3_step (s) == SQLITE_ROW;
    if (ok) {
        counts->messages = sqlite3_column_int64 (s, 0);
        counts->diagnoses = sqlite3_column_int64 (s, 1);
    } else {
        ba_store_sql_fail (st, error, "counting old bounces");
    }
    sqlite3_finalize (s);
    return ok;
}

static gboolean
delete_old (ba_store *st, const char *sql, gint64 before, GError **error)
{
    sqlite3_stmt *s = ba_store_sql_prepare (st, sql, error);
    gboolean ok;
    if (!s)
        return FALSE;
    sqlite3_bind_int64 (s, 1, before);
    ok = sqlite3_step (s) == SQLITE_DONE;
    if (!ok)
        ba_store_sql_fail (st, error, "deleting old bounces");
    sqlite3_finalize (s);
    return ok;
}

gboolean
ba_store_prune (ba_store *st, gint64 before, gboolean dry_run, ba_prune_counts *counts, GError **error)
{
    gboolean ok;

    counts->messages = counts->diagnoses = 0;
    if (dry_run)
        return count_old (st, before, counts, error);
    if (st->read_only) {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM, "%s is open read-only", st->path);
        return FALSE;
    }
    if (!ba_store_sql_exec (st, "BEGIN IMMEDIATE", error))
        return FALSE;
    /* diagnoses first, one DELETE each: the recipients' trigger removes their FTS entries */
    ok = count_old (st, before, counts, error) &&
         delete_old (st, "DELETE FROM recipients WHERE message_id IN (" OLD_MESSAGES ")", before, error) &&
         delete_old (st, "DELETE FROM messages WHERE id IN (" OLD_MESSAGES ")", before, error) &&
         ba_store_sql_exec (st, "COMMIT", error);
    if (!ok)
        ba_store_sql_exec (st, "ROLLBACK", NULL);
    return ok;
}
