/* storage-private.h - what the storage modules share: the connection, the
 * statements, and the backend seam.
 *
 * The seam.  The modules above it (ingest, writer, queries, reclassify)
 * speak one portable SQL through ba_sql_*(): '?' placeholders numbered in
 * order of appearance, ON CONFLICT ... DO NOTHING / DO UPDATE for upserts,
 * RETURNING id for a new row, CASE WHEN in sums, no engine functions.
 * What differs per SQL engine is one ba_store_backend: connecting, the
 * schema and its migrations (open), statements (prepare, bind, step,
 * columns), and the few dialect pieces a query is built from (below).
 * storage-sqlite.c implements it for SQLite; ba_store_backend_for() in
 * storage.c picks the backend from the form of the --db argument, where
 * another one (storage-pg.c) is added.
 */
#ifndef BA_STORAGE_PRIVATE_H
#define BA_STORAGE_PRIVATE_H

#include "storage.h"

typedef struct ba_store_backend ba_store_backend;
typedef struct ba_stmt ba_stmt;

struct ba_store {
    const ba_store_backend *be;
    char *path;                 /* as given: a file name, or a URI */
    gboolean read_only;         /* opened for queries: never writes */
    void *conn;                 /* the backend's connection */
};

/* A backend's statement begins with this. */
struct ba_stmt {
    ba_store *st;
};

typedef enum {
    BA_SQL_ERROR = -1,
    BA_SQL_DONE = 0,
    BA_SQL_ROW = 1,
} ba_sql_result;

struct ba_store_backend {
    const char *name;

    /* ba_store_open() and ba_store_open_readonly() as storage.h says,
     * including the schema checks and migrations; close frees @st. */
    ba_store *(*open) (const char *path, gboolean create, GError **error);
    ba_store *(*open_readonly) (const char *path, GError **error);
    /* Another connection to the database of @st, for a second thread. */
    ba_store *(*open_again) (ba_store *st, GError **error);
    void (*close) (ba_store *st);
    /* ba_store_unchanged(); NULL: always unchanged. */
    gboolean (*unchanged) (const ba_store *st, GError **error);

    /* Statements.  Errors are BA_STORE_ERROR, a bad full-text query
     * BA_STORE_ERROR_QUERY.  Text is bound as valid UTF-8 (ba_sql_text). */
    gboolean (*exec) (ba_store *st, const char *sql, GError **error);
    ba_stmt *(*prepare) (ba_store *st, const char *sql, GError **error);
    void (*bind_text) (ba_stmt *s, int i, const char *utf8);
    /* The same without a copy: @utf8 stays valid until @s is reset; NULL:
     * bind_text. */
    void (*bind_text_kept) (ba_stmt *s, int i, const char *utf8);
    void (*bind_int) (ba_stmt *s, int i, gint64 v);
    void (*bind_null) (ba_stmt *s, int i);
    ba_sql_result (*step) (ba_stmt *s, GError **error);
    /* Columns of the current row, from 0; text valid until the next step. */
    const char *(*column_text) (ba_stmt *s, int i);
    gint64 (*column_int) (ba_stmt *s, int i);
    gboolean (*column_is_null) (ba_stmt *s, int i);
    /* Make @s ready to run again, its bindings cleared. */
    void (*reset) (ba_stmt *s);
    void (*finalize) (ba_stmt *s);

    /* Dialect: formats of a column or expression, %s (or %1$s, twice). */
    const char *begin_write;    /* a transaction that will write */
    const char *nocase_equal;   /* %s equals ? ignoring ASCII case */
    const char *local_day;      /* the local day 'YYYY-MM-DD' of the unix time %s */
    const char *address_domain; /* what follows the '@' of %1$s */
    /* A condition "id IN (...)" with one ?, bound to *@value, selecting
     * the recipients whose diagnostic has the words of @text (see
     * ba_store_fts_query()); FALSE with a BA_STORE_ERROR_QUERY error. */
    gboolean (*text_match) (const char *text, char **condition, char **value, GError **error);
    /* Make the recipients from id @first on searchable (inside the write
     * transaction); NULL when the engine keeps its index itself. */
    gboolean (*index_text) (ba_store *st, gint64 first, GError **error);
};

extern const ba_store_backend ba_store_sqlite_backend;
/* storage-pg.c; in a build without libpq, storage-pg-name.c's, which says so */
extern const ba_store_backend ba_store_pg_backend;
/* @conninfo with its password replaced by "...", to show. */
char *ba_store_pg_redact (const char *conninfo);

/* The backend for the database named @path. */
const ba_store_backend *ba_store_backend_for (const char *path);

/* ---- the portable statement calls (storage-sql.c) ----------------------- */

gboolean ba_sql_exec (ba_store *st, const char *sql, GError **error);
ba_stmt *ba_sql_prepare (ba_store *st, const char *sql, GError **error);
/* NULL binds NULL; invalid UTF-8 is bound with U+FFFD for its bytes. */
void ba_sql_text (ba_stmt *s, int i, const char *text);
/* ba_sql_text for @text that stays valid until @s is reset (the writer's
 * many columns a row): bound without a copy where the engine can. */
void ba_sql_text_kept (ba_stmt *s, int i, const char *text);
void ba_sql_int (ba_stmt *s, int i, gint64 v);
void ba_sql_null (ba_stmt *s, int i);
void ba_sql_int_or_null (ba_stmt *s, int i, gboolean set, gint64 v);
ba_sql_result ba_sql_step (ba_stmt *s, GError **error);
/* Run a statement that returns no row, then reset it. */
gboolean ba_sql_run (ba_stmt *s, GError **error);
const char *ba_sql_col_text (ba_stmt *s, int i);
gint64 ba_sql_col_int (ba_stmt *s, int i);
gboolean ba_sql_col_null (ba_stmt *s, int i);
void ba_sql_reset (ba_stmt *s);
void ba_sql_finalize (ba_stmt *s);
/* A statement kept in *@cache: prepared once, reset for each use. */
ba_stmt *ba_sql_cached (ba_store *st, ba_stmt **cache, const char *sql, GError **error);

/* ---- shared helpers ----------------------------------------------------- */

/* storage-time.c */
gboolean ba_store_iso_to_unix (const char *iso, gint64 *out);
char *ba_store_now_iso (void);

/* storage-captures.c: the captures column of @r, a flat JSON object. */
char *ba_store_captures_json (const ba_recipient *r);

/* storage-hash.c */
/* SHA-256 (hex) of @len bytes of @fd at @offset, into @out; when
 * @prefix_len is in (0, len), also of its first @prefix_len bytes. */
gboolean ba_hash_range (int fd, gint64 offset, gint64 len, char out[65], gint64 prefix_len,
                        char prefix_out[65]);
void ba_hash_string (const char *s, gsize len, char out[65]);
/* A message's content_hash (SHA-256 of its bytes, @len at @offset of
 * @fd) and its content key, which is the same for the same message filed
 * elsewhere (see storage-hash.c); @message_id is the message's own. */
gboolean ba_hash_message_at (int fd, gint64 offset, gint64 len, const char *message_id,
                             char hash[65], char **key);
void ba_hash_message_text (const char *text, gsize len, const char *message_id, char hash[65],
                           char **key);
/* The canonical path of @path ("-" stays "-"). */
char *ba_store_canonical (const char *path);
/* The identity of the single-message file at canonical path @canon. */
char *ba_store_file_identity (const char *canon);

/* storage-parse.c: the next of the user's search words at *@pos (a word,
 * or a "quoted phrase"), as both engines' query builders read them: FALSE
 * at the end; @is_or for a bare OR; @prefix for a trailing '*' (cut off). */
gboolean ba_search_next_word (const char **pos, const char **start, gsize *len, gboolean *prefix,
                              gboolean *is_or);

#endif
