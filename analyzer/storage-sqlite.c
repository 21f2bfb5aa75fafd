/* storage-sqlite.c - the SQLite backend of the store (the seam is in
 * storage-private.h): opening to write (checked, migrated) or to query
 * (read-only), statements, and SQLite's dialect and full-text index. */
#include "storage-sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    ba_stmt base;
    sqlite3_stmt *s;
} sqlite_stmt;

#define STMT(x) (((sqlite_stmt *) (x))->s)

/* ---- errors ------------------------------------------------------------- */

gboolean
ba_sqlite_fail (ba_store *st, GError **error, const char *what)
{
    GError *changed = NULL;
    /* a snapshot read while an ingest wrote may look damaged: say that */
    if (!ba_store_unchanged (st, &changed))
        g_propagate_error (error, changed);
    else
        ba_store_set_error (error, ba_sqlite_db (st), st->path, what);
    return FALSE;
}

/* ---- statements --------------------------------------------------------- */

static gboolean
sqlite_exec (ba_store *st, const char *sql, GError **error)
{
    if (sqlite3_exec (ba_sqlite_db (st), sql, NULL, NULL, NULL) != SQLITE_OK)
        return ba_sqlite_fail (st, error, "writing it");
    return TRUE;
}

static ba_stmt *
sqlite_prepare (ba_store *st, const char *sql, GError **error)
{
    sqlite3_stmt *stmt = NULL;
    sqlite_stmt *s;
    if (sqlite3_prepare_v3 (ba_sqlite_db (st), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL)
        != SQLITE_OK) {
        ba_sqlite_fail (st, error, "preparing a statement");
        sqlite3_finalize (stmt);
        return NULL;
    }
    s = g_new0 (sqlite_stmt, 1);
    s->base.st = st;
    s->s = stmt;
    return &s->base;
}

static void
sqlite_bind_text (ba_stmt *s, int i, const char *utf8)
{
    sqlite3_bind_text (STMT (s), i, utf8, -1, SQLITE_TRANSIENT);
}

static void
sqlite_bind_text_kept (ba_stmt *s, int i, const char *utf8)
{
    sqlite3_bind_text (STMT (s), i, utf8, -1, SQLITE_STATIC);
}

static void
sqlite_bind_int (ba_stmt *s, int i, gint64 v)
{
    sqlite3_bind_int64 (STMT (s), i, v);
}

static void
sqlite_bind_null (ba_stmt *s, int i)
{
    sqlite3_bind_null (STMT (s), i);
}

static ba_sql_result
sqlite_step (ba_stmt *s, GError **error)
{
    int rc = sqlite3_step (STMT (s));
    const char *msg;

    if (rc == SQLITE_ROW)
        return BA_SQL_ROW;
    if (rc == SQLITE_DONE)
        return BA_SQL_DONE;
    msg = sqlite3_errmsg (ba_sqlite_db (s->st));
    /* a malformed full-text query is the user's to fix, not a failure */
    if (strstr (msg, "fts5") || strstr (msg, "syntax error"))
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_QUERY, "bad search text: %s", msg);
    else
        ba_sqlite_fail (s->st, error, sqlite3_stmt_readonly (STMT (s)) ? "reading" : "writing");
    return BA_SQL_ERROR;
}

static const char *
sqlite_column_text (ba_stmt *s, int i)
{
    return (const char *) sqlite3_column_text (STMT (s), i);
}

static gint64
sqlite_column_int (ba_stmt *s, int i)
{
    return sqlite3_column_int64 (STMT (s), i);
}

static gboolean
sqlite_column_is_null (ba_stmt *s, int i)
{
    return sqlite3_column_type (STMT (s), i) == SQLITE_NULL;
}

static void
sqlite_reset (ba_stmt *s)
{
    sqlite3_reset (STMT (s));
    sqlite3_clear_bindings (STMT (s));
}

static void
sqlite_finalize (ba_stmt *s)
{
    sqlite3_finalize (STMT (s));
    g_free (s);
}

gint64
ba_sqlite_int (ba_store *st, const char *sql, GError **error)
{
    sqlite3_stmt *stmt = NULL;
    gint64 v = -1;
    if (sqlite3_prepare_v2 (ba_sqlite_db (st), sql, -1, &stmt, NULL) != SQLITE_OK) {
        ba_sqlite_fail (st, error, "reading the database");
        sqlite3_finalize (stmt);
        return -1;
    }
    if (sqlite3_step (stmt) == SQLITE_ROW)
        v = sqlite3_column_int64 (stmt, 0);
    else
        ba_sqlite_fail (st, error, "reading the database");
    sqlite3_finalize (stmt);
    return v;
}

/* ---- full text ---------------------------------------------------------- */

static gboolean
sqlite_text_match (const char *text, char **condition, char **value, GError **error)
{
    char *fts = ba_store_fts_query (text);
    if (!fts) {
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_QUERY,
                     "the search text '%s' has no word to look for", text);
        return FALSE;
    }
    *condition = g_strdup ("id IN (SELECT rowid FROM diagnostics_fts WHERE diagnostics_fts MATCH ?)");
    *value = fts;
    return TRUE;
}

/* Ingest adds each batch's rows to the index in one statement (a row at
 * a time costs FTS5 a flush per row); triggers keep deletes and updates
 * in step. */
static gboolean
sqlite_index_text (ba_store *st, gint64 first, GError **error)
{
    ba_stmt *s = sqlite_prepare (st, "INSERT INTO diagnostics_fts (rowid, diagnostic)"
                                     " SELECT id, diagnostic FROM recipients WHERE id >= ? ORDER BY id",
                                 error);
    gboolean ok;
    if (!s)
        return FALSE;
    sqlite_bind_int (s, 1, first);
    ok = sqlite_step (s, error) != BA_SQL_ERROR;
    sqlite_finalize (s);
    return ok;
}

/* ---- the connection ----------------------------------------------------- */

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

static void sqlite_close (ba_store *st);

static ba_store *
store_connect (const char *path, const char *name, int flags, gboolean read_only, GError **error)
{
    static gsize configured = 0;
    ba_store *st;
    ba_sqlite_conn *c;

    if (g_once_init_enter (&configured)) {
        /* No allocation statistics (nothing reads them): each of SQLite's
         * allocations and frees took a global mutex for them, a tenth of
         * ingest's writer thread.  Only before SQLite starts: else ignored. */
        sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
        g_once_init_leave (&configured, 1);
    }
    st = g_new0 (ba_store, 1);
    c = g_new0 (ba_sqlite_conn, 1);
    st->be = &ba_store_sqlite_backend;
    st->path = g_strdup (path);
    st->read_only = read_only;
    st->conn = c;
    if (sqlite3_open_v2 (name, &c->db, flags, NULL) != SQLITE_OK) {
        ba_store_set_error (error, c->db, path, NULL);
        sqlite_close (st);
        return NULL;
    }
    sqlite3_extended_result_codes (c->db, 1);
    /* an ingest from cron and a helpdesk query may meet */
    sqlite3_busy_timeout (c->db, 30000);
    return st;
}

/* Create the database file at @path, if there is none, as the umask
 * allows, and group-writable in a setgid directory (a group's shared
 * store): SQLite gives its -wal and -shm the same mode.  A failure is
 * left for SQLite to report. */
static void
create_file (const char *path)
{
    char *dir = g_path_get_dirname (path);
    struct stat sb;
    gboolean shared = stat (dir, &sb) == 0 && (sb.st_mode & S_ISGID);
    int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);

    g_free (dir);
    if (fd < 0)
        return;
    if (shared && fstat (fd, &sb) == 0)
        fchmod (fd, (sb.st_mode & 0777) | S_IRGRP | S_IWGRP);
    close (fd);
}

static ba_store *
sqlite_open (const char *path, gboolean create, GError **error)
{
    ba_store *st;
    gint64 version;

    if (missing (path, create, error))
        return NULL;
    if (create)
        create_file (path);
    /* read_only until it is known to be ours, so that closing writes nothing */
    st = store_connect (path, path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), TRUE, error);
    if (!st)
        return NULL;
    /* SQLite opens a file it may not write read-only without a word;
     * reading it would then leave a -wal and -shm no one may remove */
    if (sqlite3_db_readonly (ba_sqlite_db (st), "main") == 1) {
        int code;
        char *msg = ba_store_describe_failure (SQLITE_READONLY, 0, path, "opening it to store",
                                               NULL, &code);
        g_set_error_literal (error, BA_STORE_ERROR, code, msg);
        g_free (msg);
        sqlite_close (st);
        return NULL;
    }
    if (!ba_sqlite_check_identity (st, &version, error)) {
        sqlite_close (st);
        return NULL;
    }
    /* never write into a damaged database: it would spread the damage */
    if (version > 0 && !ba_store_quick_check (ba_sqlite_db (st), path, error)) {
        sqlite_close (st);
        return NULL;
    }
    /* WAL: readers go on while an ingest writes, and a killed writer
     * leaves the last commit intact.  NORMAL sync is safe in WAL mode. */
    if (!sqlite_exec (st, "PRAGMA journal_mode = WAL", NULL) && version == 0) {
        ba_sqlite_fail (st, error, "setting WAL mode");
        sqlite_close (st);
        return NULL;
    }
    /* Index pages are touched all over by every ingest batch: keep them in
     * memory, and checkpoint less often so fewer are written twice.  Each
     * insert inside a batch saves the pages it changes to a statement
     * journal: in memory (it holds one statement's pages), as a temporary
     * file it was a write per page and half of an ingest's writer time. */
    if (!sqlite_exec (st, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                          " PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 4000;"
                          " PRAGMA temp_store = MEMORY", error)
        || !ba_sqlite_migrate (st, (int) version, error)) {
        sqlite_close (st);
        return NULL;
    }
    st->read_only = FALSE;
    return st;
}

static ba_store *
sqlite_open_again (ba_store *st, GError **error)
{
    ba_store *again = store_connect (st->path, st->path, SQLITE_OPEN_READWRITE, TRUE, error);
    if (again)
        sqlite_exec (again, "PRAGMA foreign_keys = ON", NULL);
    return again;
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

static ba_store *
sqlite_open_readonly (const char *path, GError **error)
{
    ba_store *st;
    ba_sqlite_conn *c;
    char *wal, *shm, *uri = NULL;
    gboolean wal_mode, has_wal, snapshot, shm_only_open;
    struct stat sb;
    struct stat seen = { 0 };
    gint64 version;
    GError *err = NULL;

    if (missing (path, FALSE, error))
        return NULL;
    /* Read-only, SQLite would create -wal and -shm beside a WAL database
     * no one has open, and could not remove them; a snapshot needs none. */
    wal = g_strconcat (path, "-wal", NULL);
    shm = g_strconcat (path, "-shm", NULL);
    wal_mode = in_wal_mode (path);
    has_wal = g_file_test (wal, G_FILE_TEST_EXISTS);
    snapshot = wal_mode && !has_wal && stat (path, &seen) == 0;
    /* A -shm this user creates is this user's, with the database's mode:
     * unless that lets the group write it, the postmaster's next ingest
     * could not, so it is only opened, never created. */
    shm_only_open = wal_mode && has_wal && !g_file_test (shm, G_FILE_TEST_EXISTS)
                    && geteuid () != 0 && stat (path, &sb) == 0 && !(sb.st_mode & S_IWGRP);
    g_free (wal);
    g_free (shm);
    if (snapshot || shm_only_open) {
        char *abs = g_canonicalize_filename (path, NULL);
        char *file_uri = g_filename_to_uri (abs, NULL, NULL);
        uri = file_uri ? g_strconcat (file_uri, snapshot ? "?immutable=1" : "?readonly_shm=1", NULL) : NULL;
        g_free (file_uri);
        g_free (abs);
    }
    st = store_connect (path, uri ? uri : path, SQLITE_OPEN_READONLY | (uri ? SQLITE_OPEN_URI : 0), TRUE, error);
    g_free (uri);
    if (!st)
        return NULL;
    c = st->conn;
    c->snapshot = snapshot;
    c->seen = seen;
    if (!ba_sqlite_check_identity (st, &version, &err)) {
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
        sqlite_close (st);
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
        sqlite_close (st);
        return NULL;
    }
    return st;
}

static gboolean
sqlite_unchanged (const ba_store *st, GError **error)
{
    const ba_sqlite_conn *c = st->conn;
    struct stat now;
    if (!c->snapshot)
        return TRUE;
    if (stat (st->path, &now) == 0 && now.st_dev == c->seen.st_dev && now.st_ino == c->seen.st_ino
        && now.st_size == c->seen.st_size && now.st_mtim.tv_sec == c->seen.st_mtim.tv_sec
        && now.st_mtim.tv_nsec == c->seen.st_mtim.tv_nsec)
        return TRUE;
    g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_SQL,
                 "%s was written while it was read (an ingest ran): the answer may be incomplete; "
                 "run the command again", st->path);
    return FALSE;
}

static void
sqlite_close (ba_store *st)
{
    ba_sqlite_conn *c = st->conn;
    if (c && c->db) {
        if (!st->read_only)
            sqlite3_exec (c->db, "PRAGMA optimize", NULL, NULL, NULL);
        sqlite3_close_v2 (c->db);
    }
    g_free (c);
    g_free (st->path);
    g_free (st);
}

const ba_store_backend ba_store_sqlite_backend = {
    .name = "sqlite",
    .open = sqlite_open,
    .open_readonly = sqlite_open_readonly,
    .open_again = sqlite_open_again,
    .close = sqlite_close,
    .unchanged = sqlite_unchanged,
    .exec = sqlite_exec,
    .prepare = sqlite_prepare,
    .bind_text = sqlite_bind_text,
    .bind_text_kept = sqlite_bind_text_kept,
    .bind_int = sqlite_bind_int,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .column_text = sqlite_column_text,
    .column_int = sqlite_column_int,
    .column_is_null = sqlite_column_is_null,
    .reset = sqlite_reset,
    .finalize = sqlite_finalize,
    .begin_write = "BEGIN IMMEDIATE",
    .nocase_equal = "%s = ? COLLATE NOCASE",
    .local_day = "date (%s, 'unixepoch', 'localtime')",
    .address_domain = "substr (%1$s, instr (%1$s, '@') + 1)",
    .text_match = sqlite_text_match,
    .index_text = sqlite_index_text,
};
