/* storage-sqlite.h - what the SQLite backend's two files share
 * (storage-sqlite.c: connection and statements; storage-sqlite-schema.c:
 * the schema and its migrations). */
#ifndef BA_STORAGE_SQLITE_H
#define BA_STORAGE_SQLITE_H

#include "storage-private.h"
#include "storage-errors.h"

#include <sqlite3.h>
#include <sys/stat.h>

typedef struct {
    sqlite3 *db;
    gboolean snapshot;          /* opened immutable: no locks, no WAL */
    struct stat seen;           /* the file as a snapshot was opened */
} ba_sqlite_conn;

static inline sqlite3 *
ba_sqlite_db (const ba_store *st)
{
    return ((ba_sqlite_conn *) st->conn)->db;
}

/* Set @error from the last failure on @st while @what ("reading", ...). */
gboolean ba_sqlite_fail (ba_store *st, GError **error, const char *what);
/* The single integer a query returns; -1 (and @error) on failure. */
gint64 ba_sqlite_int (ba_store *st, const char *sql, GError **error);

/* Is the database bounce-analyzer's, of a schema this build knows; its
 * schema version (PRAGMA user_version) into @version. */
gboolean ba_sqlite_check_identity (ba_store *st, gint64 *version, GError **error);
/* Bring the schema from version @from to BA_STORE_SCHEMA_VERSION. */
gboolean ba_sqlite_migrate (ba_store *st, int from, GError **error);

#endif
