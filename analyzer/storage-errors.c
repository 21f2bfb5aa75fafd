/* storage-errors.c - see storage-errors.h */
#include "storage-errors.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

static gboolean
on_read_only_fs (const char *path)
{
    struct statvfs vfs;
    char *dir = g_path_get_dirname (path);
    gboolean ro = statvfs (g_file_test (path, G_FILE_TEST_EXISTS) ? path : dir, &vfs) == 0
                  && (vfs.f_flag & ST_RDONLY);
    g_free (dir);
    return ro;
}

/* Why SQLite may not write @path: the file system, the file, the directory. */
static char *
read_only_why (const char *path, int rc)
{
    char *dir = g_path_get_dirname (path), *why;

    if (rc == SQLITE_READONLY_DBMOVED)
        why = g_strdup_printf ("%s was moved or deleted while it was open", path);
    else if (on_read_only_fs (path))
        why = g_strdup_printf ("%s is on a read-only file system", path);
    else if (g_file_test (path, G_FILE_TEST_EXISTS) && access (path, W_OK) != 0)
        why = g_strdup_printf ("%s is read-only for this user (its permissions)", path);
    else if (access (dir, W_OK) != 0)
        why = g_strdup_printf ("the directory %s is read-only for this user, and SQLite must create "
                               "%s-wal and %s-shm (or a -journal) next to the database", dir, path, path);
    else
        why = g_strdup_printf ("%s cannot be written (SQLite: read-only)", path);
    g_free (dir);
    return why;
}

char *
ba_store_describe_failure (int rc, int sys_errno, const char *path, const char *doing,
                           const char *sqlite_msg, int *code)
{
    const char *what = doing ? doing : "opening";
    const char *said = sqlite_msg && *sqlite_msg ? sqlite_msg : sqlite3_errstr (rc);
    char *why, *msg;

    *code = BA_STORE_ERROR_SQL;
    switch (rc & 0xff) {
    case SQLITE_CORRUPT:
        *code = BA_STORE_ERROR_CORRUPT;
        /* only a check at opening knows that nothing was written yet */
        return g_strdup_printf ("%s is damaged (SQLite: %s)%s: restore it from a backup, or save "
                                "what can still be read with 'sqlite3 %s .recover | sqlite3 NEW.db', "
                                "or ingest the mail again into a new database", path, said,
                                !doing || !strcmp (doing, "checking it") ? " and was left as it was" : "",
                                path);
    case SQLITE_NOTADB:
        *code = BA_STORE_ERROR_NOT_OURS;
        return g_strdup_printf ("%s is not an SQLite database (nor an encrypted one this build "
                                "can read): give the bounce-analyzer database with --db", path);
    case SQLITE_FULL:
        *code = BA_STORE_ERROR_FULL;
        return g_strdup_printf ("%s: no space left on its file system (disk or quota full) while %s: "
                                "free some space and run it again", path, what);
    case SQLITE_READONLY:
        *code = BA_STORE_ERROR_READ_ONLY;
        why = read_only_why (path, rc);
        msg = g_strdup_printf ("%s: cannot write it while %s", why, what);
        g_free (why);
        return msg;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return g_strdup_printf ("%s is locked by another program (waited 30 seconds) while %s: "
                                "try again when it is done", path, what);
    case SQLITE_NOMEM:
        return g_strdup_printf ("%s: out of memory while %s", path, what);
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return g_strdup_printf ("%s: permission denied while %s", path, what);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
        if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
            char *dir = g_path_get_dirname (path);
            gboolean no_dir = !g_file_test (dir, G_FILE_TEST_IS_DIR), locked = access (dir, W_OK) != 0;
            msg = no_dir ? g_strdup_printf ("%s cannot be created: there is no directory %s", path, dir)
                         : NULL;
            g_free (dir);
            if (msg)
                return msg;
            if (locked) {
                *code = BA_STORE_ERROR_READ_ONLY;
                why = read_only_why (path, rc);
                msg = g_strdup_printf ("%s: cannot create the database", why);
                g_free (why);
                return msg;
            }
        }
        if (sys_errno == ENOSPC || sys_errno == EDQUOT) {
            *code = BA_STORE_ERROR_FULL;
            return g_strdup_printf ("%s: no space left on its file system (disk or quota full) "
                                    "while %s: free some space and run it again", path, what);
        }
        if (sys_errno == EROFS
            || ((sys_errno == EACCES || sys_errno == EPERM) && access (path, R_OK) == 0)) {
            /* it can be read, so what is refused is writing it or beside it */
            *code = BA_STORE_ERROR_READ_ONLY;
            why = read_only_why (path, rc);
            msg = g_strdup_printf ("%s: cannot write it while %s", why, what);
            g_free (why);
            return msg;
        }
        if (sys_errno == EACCES || sys_errno == EPERM)
            return g_strdup_printf ("%s: permission denied: this user may not read it", path);
        if (sys_errno == EISDIR || g_file_test (path, G_FILE_TEST_IS_DIR))
            return g_strdup_printf ("%s is a directory, not a database file", path);
        if (sys_errno)
            return g_strdup_printf ("%s: %s while %s (SQLite: %s)", path, g_strerror (sys_errno), what, said);
        return g_strdup_printf ("%s: %s while %s", path, said, what);
    default:
        return g_strdup_printf ("%s: %s while %s", path, said, what);
    }
}

void
ba_store_set_error (GError **error, sqlite3 *db, const char *path, const char *doing)
{
    int code;
    int rc = db ? sqlite3_extended_errcode (db) : SQLITE_NOMEM;
    char *msg = ba_store_describe_failure (rc, db ? sqlite3_system_errno (db) : 0, path, doing,
                                           db ? sqlite3_errmsg (db) : NULL, &code);
    g_set_error_literal (error, BA_STORE_ERROR, code, msg);
    g_free (msg);
}

gboolean
ba_store_quick_check (sqlite3 *db, const char *path, GError **error)
{
    sqlite3_stmt *stmt = NULL;
    GString *found = g_string_new (NULL);
    int rc, rows = 0;

    /* quick_check(N) stops after N problems; three say enough */
    if (sqlite3_prepare_v2 (db, "PRAGMA quick_check(3)", -1, &stmt, NULL) != SQLITE_OK) {
        ba_store_set_error (error, db, path, "checking it");
        g_string_free (found, TRUE);
        return FALSE;
    }
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
        const char *line = (const char *) sqlite3_column_text (stmt, 0);
        if (line && strcmp (line, "ok"))
            g_string_append_printf (found, "%s%s", rows++ ? "; " : "", line);
    }
    if (rc != SQLITE_DONE) {
        ba_store_set_error (error, db, path, "checking it");
    } else if (found->len) {
        int code;
        char *msg = ba_store_describe_failure (SQLITE_CORRUPT, 0, path, "checking it", found->str, &code);
        g_set_error_literal (error, BA_STORE_ERROR, code, msg);
        g_free (msg);
    }
    sqlite3_finalize (stmt);
    g_string_free (found, TRUE);
    return rc == SQLITE_DONE && rows == 0;
}
