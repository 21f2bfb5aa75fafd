/* storage-private.h - what storage.c and storage-open.c share: the
 * connection and the SQL helpers that turn SQLite's failures into errors. */
#ifndef BA_STORAGE_PRIVATE_H
#define BA_STORAGE_PRIVATE_H

#include "storage.h"
#include "storage-errors.h"

#include <sqlite3.h>
#include <sys/stat.h>

struct ba_store {
    sqlite3 *db;
    char *path;
    gboolean read_only;         /* for queries: never writes */
    gboolean snapshot;          /* opened immutable: no locks, no WAL */
    struct stat seen;           /* the file as a snapshot was opened */
};

/* Set @error from the last failure on @st while @what ("reading", ...). */
gboolean ba_store_sql_fail (ba_store *st, GError **error, const char *what);
/* Run @sql (no rows); FALSE with @error set when it fails. */
gboolean ba_store_sql_exec (ba_store *st, const char *sql, GError **error);
/* A persistent prepared statement, or NULL with @error set. */
sqlite3_stmt *ba_store_sql_prepare (ba_store *st, const char *sql, GError **error);
/* The single integer a query returns; -1 (and @error) on failure. */
gint64 ba_store_sql_int (ba_store *st, const char *sql, GError **error);

#endif
