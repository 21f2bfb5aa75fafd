/* storage-pg.h - what the PostgreSQL backend's files share
 * (storage-pg.c: connection and statements; storage-pg-schema.c: the
 * schema and its migrations; storage-pg-text.c: full-text queries). */
#ifndef BA_STORAGE_PG_H
#define BA_STORAGE_PG_H

#include "storage-private.h"

#include "storage-pg-lib.h"

typedef struct ba_pg_stmt ba_pg_stmt;

typedef struct {
    PGconn *pg;
    char *conninfo;             /* as given, for a second connection */
    guint names;                /* prepared statements named so far */
    ba_pg_stmt *streaming;      /* the statement whose rows are being read, or NULL */
    GPtrArray *deferred;        /* of ba_pg_stmt*: inserts with rows not yet sent */
    GError *deferred_error;     /* a failure of rows sent when no one could be told */
} ba_pg_conn;

static inline PGconn *
ba_pg_db (const ba_store *st)
{
    return ((ba_pg_conn *) st->conn)->pg;
}

/* Set @error from @res (NULL: from the connection) while @what. */
gboolean ba_pg_fail (ba_store *st, const PGresult *res, GError **error, const char *what);

/* Run @sql with @n text @params (NULL: SQL NULL); the result (to be
 * cleared) or NULL with @error set. */
PGresult *ba_pg_query (ba_store *st, const char *sql, int n, const char *const *params,
                       GError **error);

/* Bring the database of @st to BA_STORE_SCHEMA_VERSION (@create: also an
 * empty one); for queries only (@read_only) check that it is there. */
gboolean ba_pg_prepare_schema (ba_store *st, gboolean create, gboolean read_only, GError **error);

/* The full-text condition of storage-private.h's text_match. */
gboolean ba_pg_text_match (const char *text, char **condition, char **value, GError **error);

/* The advisory lock that makes writers take turns (one transaction at a
 * time writes, as on SQLite), so overlapping ingests never deadlock. */
#define BA_PG_WRITE_LOCK "1651472750"  /* "boun" */

#endif
