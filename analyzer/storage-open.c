/* storage-open.c - the database's schema and its migrations, and the
 * connection: opening to write (checked) or to query (read-only), closing.
 * See storage.h. */
#include "storage-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "boun": marks the file as ours for PRAGMA application_id. */
#define APPLICATION_ID 0x626f756e

/* ---- the schema and its migrations -------------------------------------- */

/* Version 1.  Times are unix seconds (UTC); dates ISO 8601 as the
 * messages wrote them. */
static const char schema_v1[] =
    "CREATE TABLE messages (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  identity TEXT NOT NULL UNIQUE,\n"
    "  source TEXT NOT NULL,\n"
    "  mbox_offset INTEGER,\n"
    "  name TEXT,\n"
    "  size INTEGER,\n"
    "  content_hash TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  format TEXT,\n"
    "  bounce_date TEXT,\n"
    "  bounce_time INTEGER,\n"
    "  bounce_from TEXT,\n"
    "  bounce_subject TEXT,\n"
    "  reporting_mta TEXT,\n"
    "  original_message_id TEXT,\n"
    "  original_from TEXT,\n"
    "  original_sender TEXT,\n"
    "  original_to TEXT,\n"
    "  original_subject TEXT,\n"
    "  original_date TEXT,\n"
    "  ingested_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX messages_by_offset ON messages (mbox_offset) WHERE mbox_offset IS NOT NULL;\n"
    "CREATE INDEX messages_by_sender ON messages (original_sender);\n"
    "CREATE INDEX messages_by_time ON messages (bounce_time);\n"

    "CREATE TABLE recipients (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,\n"
    "  position INTEGER NOT NULL,\n"
    "  address TEXT NOT NULL,\n"
    "  domain TEXT,\n"
    "  original_recipient TEXT,\n"
    "  original_domain TEXT,\n"
    "  action TEXT,\n"
    "  status TEXT,\n"
    "  reported_status TEXT,\n"
    "  smtp_code INTEGER,\n"
    "  remote_mta TEXT,\n"
    "  command TEXT,\n"
    "  diagnostic TEXT,\n"
    "  last_attempt TEXT,\n"
    "  time INTEGER,\n"
    "  feedback_type TEXT,\n"
    "  reason TEXT NOT NULL,\n"
    "  hard INTEGER NOT NULL,\n"
    "  rule TEXT,\n"
    "  captures TEXT NOT NULL DEFAULT '{}',\n"
    "  dnsbl TEXT,\n"
    "  listed TEXT,\n"
    "  fault TEXT,\n"
    "  advice TEXT,\n"
    "  ruleset TEXT,\n"
    "  UNIQUE (message_id, position)\n"
    ");\n"
    "CREATE INDEX recipients_by_address ON recipients (address COLLATE NOCASE, time);\n"
    "CREATE INDEX recipients_by_domain ON recipients (domain, time);\n"
    "CREATE INDEX recipients_by_original ON recipients (original_recipient COLLATE NOCASE, time)\n"
    "  WHERE original_recipient IS NOT NULL;\n"
    "CREATE INDEX recipients_by_original_domain ON recipients (original_domain, time)\n"
    "  WHERE original_domain IS NOT NULL;\n"
    "CREATE INDEX recipients_by_reason ON recipients (reason, time);\n"
    "CREATE INDEX recipients_by_time ON recipients (time);\n"
    "CREATE INDEX recipients_by_dnsbl ON recipients (dnsbl, time) WHERE dnsbl IS NOT NULL;\n"

    /* full-text search over the servers' words.  Ingest adds each batch's
     * rows in one statement at commit (a row at a time costs FTS5 a flush
     * per row); triggers keep deletes and updates in step. */
    "CREATE VIRTUAL TABLE diagnostics_fts USING fts5 (\n"
    "  diagnostic, content = 'recipients', content_rowid = 'id',\n"
    "  tokenize = 'unicode61 remove_diacritics 2');\n"
    "CREATE TRIGGER recipients_fts_delete AFTER DELETE ON recipients BEGIN\n"
    "  INSERT INTO diagnostics_fts (diagnostics_fts, rowid, diagnostic)\n"
    "  VALUES ('delete', old.id, old.diagnostic);\n"
    " END;\n"
    "CREATE TRIGGER recipients_fts_update AFTER UPDATE OF diagnostic ON recipients BEGIN\n"
    "  INSERT INTO diagnostics_fts (diagnostics_fts, rowid, diagnostic)\n"
    "  VALUES ('delete', old.id, old.diagnostic);\n"
    "  INSERT INTO diagnostics_fts (rowid, diagnostic) VALUES (new.id, new.diagnostic);\n"
    " END;\n"

    "CREATE TABLE sources (\n"
    "  path TEXT PRIMARY KEY,\n"
    "  kind TEXT NOT NULL,\n"
    "  size INTEGER,\n"
    "  resume_offset INTEGER,\n"
    "  last_message_offset INTEGER,\n"
    "  head_length INTEGER,\n"
    "  head_hash TEXT,\n"
    "  tail_hash TEXT,\n"
    "  first_ingest TEXT NOT NULL,\n"
    "  last_ingest TEXT NOT NULL\n"
    ");\n"

    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);\n"

    "CREATE VIEW diagnoses AS SELECT\n"
    "  r.id, r.message_id, r.position, m.source, m.mbox_offset, m.name, m.content_hash, m.kind, m.format,\n"
    "  m.bounce_date, m.reporting_mta,\n"
    "  r.address AS recipient, r.domain, r.original_recipient, r.original_domain,\n"
    "  r.action, r.status, r.reported_status, r.smtp_code, r.remote_mta, r.command, r.diagnostic,\n"
    "  coalesce (r.last_attempt, m.bounce_date) AS date, r.time,\n"
    "  date (r.time, 'unixepoch') AS day,\n"
    "  r.reason, r.hard, r.rule, r.captures, r.dnsbl, r.listed, r.fault, r.advice, r.ruleset,\n"
    "  CASE WHEN r.reason = 'delivered' THEN 'delivered'\n"
    "       WHEN r.reason = 'vacation' OR m.kind = 'autoreply' THEN 'autoreply'\n"
    "       WHEN r.reason = 'feedback' OR m.kind = 'feedback' THEN 'feedback'\n"
    "       WHEN lower (r.action) = 'delayed' THEN 'delayed'\n"
    "       ELSE 'failed' END AS outcome,\n"
    "  m.original_message_id, m.original_from, m.original_sender, m.original_to,\n"
    "  m.original_subject, m.original_date, m.ingested_at\n"
    " FROM recipients r JOIN messages m ON m.id = r.message_id;\n"

    "CREATE VIEW failures AS SELECT * FROM diagnoses WHERE outcome = 'failed';\n"
    "CREATE VIEW failures_per_day AS\n"
    " SELECT day, domain, count(*) AS failures, sum (hard) AS hard\n"
    " FROM failures GROUP BY day, domain;\n"
    "CREATE VIEW failures_by_reason AS\n"
    " SELECT reason, count(*) AS failures, sum (hard) AS hard,\n"
    "  count (DISTINCT domain) AS domains,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', min (time), 'unixepoch') AS first_seen,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', max (time), 'unixepoch') AS last_seen\n"
    " FROM failures GROUP BY reason;\n"
    "CREATE VIEW failures_by_domain AS\n"
    " SELECT domain, count(*) AS failures, sum (hard) AS hard,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', min (time), 'unixepoch') AS first_seen,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', max (time), 'unixepoch') AS last_seen\n"
    " FROM failures GROUP BY domain;\n"
    "CREATE VIEW failures_by_remote_mta AS\n"
    " SELECT remote_mta, count(*) AS failures, count (DISTINCT domain) AS domains,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', min (time), 'unixepoch') AS first_seen,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', max (time), 'unixepoch') AS last_seen\n"
    " FROM failures WHERE remote_mta IS NOT NULL GROUP BY remote_mta;\n"
    "CREATE VIEW blacklists_cited AS\n"
    " SELECT dnsbl, count(*) AS citations, count (DISTINCT domain) AS domains,\n"
    "  count (DISTINCT listed) AS listed,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', min (time), 'unixepoch') AS first_seen,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', max (time), 'unixepoch') AS last_seen\n"
    " FROM diagnoses WHERE dnsbl IS NOT NULL GROUP BY dnsbl;\n";

/* Step i takes the schema from version i to i + 1.  Append a step for
 * each schema change; never edit one that has shipped. */
static const char *const migrations[] = {
    schema_v1,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == BA_STORE_SCHEMA_VERSION);

/* ---- the connection ----------------------------------------------------- */


const char *
ba_store_default_path (void)
{
    const char *env = g_getenv ("BOUNCE_ANALYZER_DB");
    return env && *env ? env : "bounces.db";
}

const char *
ba_store_path (const ba_store *st)
{
    return st->path;
}

gboolean
ba_store_sql_fail (ba_store *st, GError **error, const char *what)
{
    GError *changed = NULL;
    /* a snapshot read while an ingest wrote may look damaged: say that */
    if (!ba_store_unchanged (st, &changed))
        g_propagate_error (error, changed);
    else
        ba_store_set_error (error, st->db, st->path, what);
    return FALSE;
}

gboolean
ba_store_sql_exec (ba_store *st, const char *sql, GError **error)
{
    if (sqlite3_exec (st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return ba_store_sql_fail (st, error, "writing it");
    return TRUE;
}

sqlite3_stmt *
ba_store_sql_prepare (ba_store *st, const char *sql, GError **error)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v3 (st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
        ba_store_sql_fail (st, error, "preparing a statement");
        return NULL;
    }
    return stmt;
}

/* The single integer a query returns; -1 on error. */
gint64
ba_store_sql_int (ba_store *st, const char *sql, GError **error)
{
    sqlite3_stmt *stmt = ba_store_sql_prepare (st, sql, error);
    gint64 v = -1;
    int rc;
    if (!stmt)
        return -1;
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
        v = sqlite3_column_int64 (stmt, 0);
    else
        ba_store_sql_fail (st, error, "reading the database");
    sqlite3_finalize (stmt);
    return v;
}

static gboolean
migrate (ba_store *st, int from, GError **error)
{
    for (int v = from; v < BA_STORE_SCHEMA_VERSION; v++) {
        char pragma[64];
        if (!ba_store_sql_exec (st, "BEGIN IMMEDIATE", error))
            return FALSE;
        /* another process may have migrated while we waited for the lock */
        if (ba_store_sql_int (st, "PRAGMA user_version", NULL) > v) {
            ba_store_sql_exec (st, "COMMIT", NULL);
            continue;
        }
        g_snprintf (pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (!ba_store_sql_exec (st, migrations[v], error) || !ba_store_sql_exec (st, pragma, error)) {
            ba_store_sql_exec (st, "ROLLBACK", NULL);
            g_prefix_error (error, "upgrading the database to schema version %d: ", v + 1);
            return FALSE;
        }
        if (v == 0) {
            g_snprintf (pragma, sizeof pragma, "PRAGMA application_id = %d", APPLICATION_ID);
            if (!ba_store_sql_exec (st, pragma, error)) {
                ba_store_sql_exec (st, "ROLLBACK", NULL);
                return FALSE;
            }
        }
        if (!ba_store_sql_exec (st, "COMMIT", error)) {
            ba_store_sql_exec (st, "ROLLBACK", NULL);
            return FALSE;
        }
    }
    return TRUE;
}

/* Is the database at @st bounce-analyzer's, of a schema this build
 * knows; its schema version into @version. */
static gboolean
check_identity (ba_store *st, gint64 *version, GError **error)
{
    gint64 app, tables = -1;

    app = ba_store_sql_int (st, "PRAGMA application_id", error);
    *version = app < 0 ? -1 : ba_store_sql_int (st, "PRAGMA user_version", error);
    if (*version >= 0)
        tables = ba_store_sql_int (st, "SELECT count(*) FROM sqlite_schema", error);
    if (tables < 0)
        return FALSE;
    if ((app != 0 && app != APPLICATION_ID) || (app == 0 && *version == 0 && tables > 0)) {
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_NOT_OURS,
                     "%s is an SQLite database of another program, not of bounce-analyzer", st->path);
        return FALSE;
    }
    if (*version > BA_STORE_SCHEMA_VERSION) {
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_TOO_NEW,
                     "%s has schema version %" G_GINT64_FORMAT ", newer than this bounce-analyzer "
                     "(%s) knows (up to %d): use a newer bounce-analyzer",
                     st->path, *version, BA_VERSION, BA_STORE_SCHEMA_VERSION);
        return FALSE;
    }
    return TRUE;
}

/* Is there no database file at @path (nothing, or a directory, FIFO,
 * socket or device, which opening could block on or misread)?  Nothing
 * is missing only when @create. */
static gboolean
missing (const char *path, gboolean create, GError **error)
{
    struct stat sb;

    if (stat (path, &sb) != 0) {
        if (create)
            return FALSE;
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_MISSING,
                     "no database at %s: 'bounce-analyzer ingest PATH...' creates it "
                     "(or give --db FILE, or set BOUNCE_ANALYZER_DB)", path);
        return TRUE;
    }
    if (S_ISREG (sb.st_mode))
        return FALSE;
    g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_NOT_OURS,
                 S_ISDIR (sb.st_mode) ? "%s is a directory, not a database file"
                                      : "%s is not a regular file (a FIFO, socket or device), not a database",
                 path);
    return TRUE;
}

static ba_store *
store_connect (const char *path, const char *name, int flags, gboolean read_only, GError **error)
{
    ba_store *st = g_new0 (ba_store, 1);
    st->path = g_strdup (path);
    st->read_only = read_only;
    if (sqlite3_open_v2 (name, &st->db, flags, NULL) != SQLITE_OK) {
        ba_store_set_error (error, st->db, path, NULL);
        ba_store_free (st);
        return NULL;
    }
    sqlite3_extended_result_codes (st->db, 1);
    /* an ingest from cron and a helpdesk query may meet */
    sqlite3_busy_timeout (st->db, 30000);
    return st;
}

ba_store *
ba_store_open (const char *path, gboolean create, GError **error)
{
    ba_store *st;
    gint64 version;

    if (missing (path, create, error))
        return NULL;
    /* read_only until it is known to be ours, so that closing writes nothing */
    st = store_connect (path, path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), TRUE, error);
    if (!st)
        return NULL;
    /* SQLite opens a file it may not write read-only without a word;
     * reading it would then leave a -wal and -shm no one may remove */
    if (sqlite3_db_readonly (st->db, "main") == 1) {
        int code;
        char *msg = ba_store_describe_failure (SQLITE_READONLY, 0, path, "opening it to store",
                                               NULL, &code);
        g_set_error_literal (error, BA_STORE_ERROR, code, msg);
        g_free (msg);
        ba_store_free (st);
        return NULL;
    }
    if (!check_identity (st, &version, error)) {
        ba_store_free (st);
        return NULL;
    }
    /* never write into a damaged database: it would spread the damage */
    if (version > 0 && !ba_store_quick_check (st->db, path, error)) {
        ba_store_free (st);
        return NULL;
    }
    /* WAL: readers go on while an ingest writes, and a killed writer
     * leaves the last commit intact.  NORMAL sync is safe in WAL mode. */
    if (!ba_store_sql_exec (st, "PRAGMA journal_mode = WAL", NULL) && version == 0) {
        ba_store_sql_fail (st, error, "setting WAL mode");
        ba_store_free (st);
        return NULL;
    }
    if (!ba_store_sql_exec (st, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", error)
        || !migrate (st, (int) version, error)) {
        ba_store_free (st);
        return NULL;
    }
    st->read_only = FALSE;
    return st;
}

/* Does the header of the database at @path say WAL mode (bytes 18 and
 * 19, the file format versions, are 2)? */
static gboolean
in_wal_mode (const char *path)
{
    unsigned char head[20];
    int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    gboolean wal;
    if (fd < 0)
        return FALSE;
    wal = pread (fd, head, sizeof head, 0) == (ssize_t) sizeof head && head[18] == 2 && head[19] == 2;
    close (fd);
    return wal;
}

ba_store *
ba_store_open_readonly (const char *path, GError **error)
{
    ba_store *st;
    char *wal, *uri = NULL;
    gboolean wal_mode, has_wal, snapshot;
    struct stat seen = { 0 };
    gint64 version;
    GError *err = NULL;

    if (missing (path, FALSE, error))
        return NULL;
    /* Read-only, SQLite would create -wal and -shm beside a WAL database
     * no one has open, and could not remove them; a snapshot needs none. */
    wal = g_strconcat (path, "-wal", NULL);
    wal_mode = in_wal_mode (path);
    has_wal = g_file_test (wal, G_FILE_TEST_EXISTS);
    snapshot = wal_mode && !has_wal && stat (path, &seen) == 0;
    g_free (wal);
    if (snapshot) {
        char *abs = g_canonicalize_filename (path, NULL);
        char *file_uri = g_filename_to_uri (abs, NULL, NULL);
        uri = file_uri ? g_strconcat (file_uri, "?immutable=1", NULL) : NULL;
        g_free (file_uri);
        g_free (abs);
    }
    st = store_connect (path, uri ? uri : path, SQLITE_OPEN_READONLY | (uri ? SQLITE_OPEN_URI : 0), TRUE, error);
    g_free (uri);
    if (!st)
        return NULL;
    st->snapshot = snapshot;
    st->seen = seen;
    if (!check_identity (st, &version, &err)) {
        /* a WAL file to read through needs the -shm index beside it */
        if (wal_mode && has_wal
            && (err->code == BA_STORE_ERROR_SQL || err->code == BA_STORE_ERROR_READ_ONLY)) {
            g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_READ_ONLY,
                         "%s cannot be read by this user now: it has a -wal file (an ingest is running, "
                         "or one was stopped) and its -shm file is missing or not writable here; try "
                         "again after the ingest, or after the next one, which removes both (%s)",
                         path, err->message);
            g_error_free (err);
        } else {
            g_propagate_error (error, err);
        }
        ba_store_free (st);
        return NULL;
    }
    if (version < BA_STORE_SCHEMA_VERSION) {
        if (version == 0)
            g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_MISSING,
                         "%s is empty: 'bounce-analyzer ingest --db %s PATH...' fills it", path, path);
        else
            g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_TOO_NEW,
                         "%s has schema version %" G_GINT64_FORMAT " and a query does not upgrade it: "
                         "run 'bounce-analyzer ingest' on it once", path, version);
        ba_store_free (st);
        return NULL;
    }
    return st;
}

gboolean
ba_store_unchanged (const ba_store *st, GError **error)
{
    struct stat now;
    if (!st->snapshot)
        return TRUE;
    if (stat (st->path, &now) == 0 && now.st_dev == st->seen.st_dev && now.st_ino == st->seen.st_ino
        && now.st_size == st->seen.st_size && now.st_mtim.tv_sec == st->seen.st_mtim.tv_sec
        && now.st_mtim.tv_nsec == st->seen.st_mtim.tv_nsec)
        return TRUE;
    g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_SQL,
                 "%s was written while it was read (an ingest ran): the answer may be incomplete; "
                 "run the command again", st->path);
    return FALSE;
}

void
ba_store_free (ba_store *st)
{
    if (!st)
        return;
    if (st->db) {
        if (!st->read_only)
            sqlite3_exec (st->db, "PRAGMA optimize", NULL, NULL, NULL);
        sqlite3_close_v2 (st->db);
    }
    g_free (st->path);
    g_free (st);
}
