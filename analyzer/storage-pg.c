/* storage-pg.c - the PostgreSQL backend of the store (the seam is in
 * storage-private.h): connecting through libpq (URI, key=value string or
 * service file; TLS and password from libpq's own environment and files),
 * statements, and PostgreSQL's dialect.
 *
 * Round trips, not the server, bound an ingest over a network, so:
 * - a plain INSERT (no RETURNING, no ON CONFLICT, no SELECT) is not sent
 *   when it is stepped: its rows wait and go as one multi-row INSERT when
 *   DEFER_ROWS have gathered, or before any other statement but another
 *   plain INSERT, and before every exec (COMMIT);
 * - a statement is sent unnamed the first time and prepared the second;
 * - rows are read one at a time (single-row mode), so memory does not grow
 *   with a query's answer; a statement run while another's rows are being
 *   read first takes the rest of those rows into memory. */
#include "storage-pg.h"

#include <string.h>

/* Rows of one INSERT sent together; PostgreSQL takes at most 65535 values. */
#define DEFER_ROWS 256
#define INT8OID 20

typedef enum { V_NULL, V_TEXT, V_INT } value_kind;

struct ba_pg_stmt {
    ba_stmt base;
    char *sql;                  /* with $1, $2, ... */
    int n_params;
    char **values;              /* bound, owned; NULL: SQL NULL */
    value_kind *kinds;
    char *name;                 /* prepared under this name, once run twice */
    guint runs;

    /* reading rows */
    gboolean sent;              /* results are coming (or buffered) */
    GQueue rows;                /* of PGresult*: taken in before they were read */
    PGresult *row;              /* the current row */

    /* an INSERT that reads no table: the table it writes */
    char *table;
    /* a deferrable INSERT: "INSERT INTO table (cols) VALUES " + (...) */
    char *insert_head;
    GPtrArray *pending;         /* of char**: each row's n_params values */
    char *batch_name;           /* prepared for DEFER_ROWS rows */
};

#define PGSTMT(x) ((ba_pg_stmt *) (x))

static ba_pg_conn *
conn_of (ba_store *st)
{
    return st->conn;
}

/* ---- errors ------------------------------------------------------------- */

static int
error_code_of (const char *sqlstate)
{
    if (!sqlstate)
        return BA_STORE_ERROR_SQL;
    if (!strcmp (sqlstate, "53100"))                /* disk_full */
        return BA_STORE_ERROR_FULL;
    if (!strcmp (sqlstate, "25006") || !strcmp (sqlstate, "42501"))  /* read-only, no privilege */
        return BA_STORE_ERROR_READ_ONLY;
    if (g_str_has_prefix (sqlstate, "XX") || !strcmp (sqlstate, "58030"))  /* internal, I/O */
        return BA_STORE_ERROR_CORRUPT;
    return BA_STORE_ERROR_SQL;
}

gboolean
ba_pg_fail (ba_store *st, const PGresult *res, GError **error, const char *what)
{
    const char *msg = res ? PQresultErrorMessage (res) : PQerrorMessage (ba_pg_db (st));
    const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
    char *clean = g_strstrip (g_strdup (msg && *msg ? msg : "unknown failure"));
    g_set_error (error, BA_STORE_ERROR, error_code_of (state), "%s: PostgreSQL failed while %s: %s",
                 st->path, what, clean);
    g_free (clean);
    return FALSE;
}

/* ---- rows being read ---------------------------------------------------- */

/* Read the rest of @s's results into memory, so the connection is free. */
static void
take_in (ba_pg_stmt *s)
{
    PGconn *pg = ba_pg_db (s->base.st);
    PGresult *r;
    while ((r = PQgetResult (pg)))
        g_queue_push_tail (&s->rows, r);
    if (conn_of (s->base.st)->streaming == s)
        conn_of (s->base.st)->streaming = NULL;
}

static void
discard_rows (ba_pg_stmt *s)
{
    PGresult *r;
    if (conn_of (s->base.st)->streaming == s)
        take_in (s);
    while ((r = g_queue_pop_head (&s->rows)))
        PQclear (r);
    g_clear_pointer (&s->row, ba_libpq ()->PQclear);
    s->sent = FALSE;
}

/* ---- deferred inserts --------------------------------------------------- */

static void
free_row (char **values, int n)
{
    for (int i = 0; i < n; i++)
        g_free (values[i]);
    g_free (values);
}

static void
clear_pending (ba_pg_stmt *s)
{
    for (guint i = 0; s->pending && i < s->pending->len; i++)
        free_row (g_ptr_array_index (s->pending, i), s->n_params);
    if (s->pending)
        g_ptr_array_set_size (s->pending, 0);
}

static char *
multi_row_sql (const ba_pg_stmt *s, guint rows)
{
    GString *sql = g_string_new (s->insert_head);
    int n = 1;
    for (guint r = 0; r < rows; r++) {
        g_string_append (sql, r ? ", (" : "(");
        for (int i = 0; i < s->n_params; i++)
            g_string_append_printf (sql, i ? ", $%d" : "$%d", n++);
        g_string_append_c (sql, ')');
    }
    return g_string_free (sql, FALSE);
}

/* Send @s's waiting rows, DEFER_ROWS at a time. */
static gboolean
send_rows (ba_pg_stmt *s, GError **error)
{
    ba_store *st = s->base.st;
    ba_pg_conn *c = conn_of (st);
    guint done = 0, total = s->pending ? s->pending->len : 0;
    gboolean ok = TRUE;

    if (c->streaming)
        take_in (c->streaming);
    while (ok && done < total) {
        guint rows = MIN (DEFER_ROWS, total - done);
        int n = (int) rows * s->n_params;
        const char **params = g_new (const char *, n);
        PGresult *res;

        for (guint r = 0; r < rows; r++) {
            char **v = g_ptr_array_index (s->pending, done + r);
            for (int i = 0; i < s->n_params; i++)
                params[r * s->n_params + i] = v[i];
        }
        if (rows == DEFER_ROWS) {
            if (!s->batch_name) {
                char *sql = multi_row_sql (s, rows);
                char *name = g_strdup_printf ("ba_rows_%u", ++c->names);
                res = PQprepare (c->pg, name, sql, 0, NULL);
                g_free (sql);
                if (PQresultStatus (res) != PGRES_COMMAND_OK) {
                    ok = ba_pg_fail (st, res, error, "preparing an insert");
                    g_free (name);
                } else {
                    s->batch_name = name;
                }
                PQclear (res);
            }
            res = ok ? PQexecPrepared (c->pg, s->batch_name, n, params, NULL, NULL, 0) : NULL;
        } else {
            char *sql = multi_row_sql (s, rows);
            res = PQexecParams (c->pg, sql, n, NULL, params, NULL, NULL, 0);
            g_free (sql);
        }
        if (ok && PQresultStatus (res) != PGRES_COMMAND_OK)
            ok = ba_pg_fail (st, res, error, "writing");
        PQclear (res);
        g_free (params);
        done += rows;
    }
    clear_pending (s);
    g_ptr_array_remove (c->deferred, s);
    return ok;
}

/* Send every deferred row, and say a failure of rows sent earlier. */
static gboolean
send_deferred (ba_store *st, GError **error)
{
    ba_pg_conn *c = conn_of (st);
    while (c->deferred->len)
        if (!send_rows (g_ptr_array_index (c->deferred, 0), error))
            return FALSE;
    if (c->deferred_error) {
        g_propagate_error (error, c->deferred_error);
        c->deferred_error = NULL;
        return FALSE;
    }
    return TRUE;
}

/* Make the connection free for @s (NULL: for an exec): take in rows being
 * read, and send the deferred rows unless @s is an INSERT that reads no
 * table and writes none of theirs. */
static gboolean
free_connection (ba_store *st, ba_pg_stmt *s, GError **error)
{
    ba_pg_conn *c = conn_of (st);
    if (c->streaming && c->streaming != s)
        take_in (c->streaming);
    /* an INSERT that reads no table may pass the rows waiting for others */
    if (s && s->table && !c->deferred_error) {
        gboolean passes = TRUE;
        for (guint i = 0; i < c->deferred->len; i++) {
            ba_pg_stmt *d = g_ptr_array_index (c->deferred, i);
            if (d != s && !strcmp (d->table, s->table))
                passes = FALSE;
        }
        if (passes)
            return TRUE;
    }
    return send_deferred (st, error);
}

/* ---- statements --------------------------------------------------------- */

PGresult *
ba_pg_query (ba_store *st, const char *sql, int n, const char *const *params, GError **error)
{
    PGresult *res;
    if (!free_connection (st, NULL, error))
        return NULL;
    res = PQexecParams (ba_pg_db (st), sql, n, NULL, params, NULL, NULL, 0);
    if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK) {
        ba_pg_fail (st, res, error, "reading");
        PQclear (res);
        return NULL;
    }
    return res;
}

static gboolean
pg_exec (ba_store *st, const char *sql, GError **error)
{
    PGresult *res;
    gboolean ok;
    if (!free_connection (st, NULL, error))
        return FALSE;
    res = PQexec (ba_pg_db (st), sql);
    ok = PQresultStatus (res) == PGRES_COMMAND_OK || PQresultStatus (res) == PGRES_TUPLES_OK;
    if (!ok)
        ba_pg_fail (st, res, error, "writing it");
    PQclear (res);
    return ok;
}

/* @sql with each ? outside quotes as $1, $2, ...; their count into @n. */
static char *
number_placeholders (const char *sql, int *n)
{
    GString *out = g_string_sized_new (strlen (sql) + 16);
    char quote = 0;
    *n = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            g_string_append_c (out, *p);
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            g_string_append_c (out, *p);
        } else if (*p == '?') {
            g_string_append_printf (out, "$%d", ++*n);
        } else {
            g_string_append_c (out, *p);
        }
    }
    return g_string_free (out, FALSE);
}

/* The table an INSERT that reads no table writes, or NULL. */
static char *
insert_table (const char *sql)
{
    if (g_ascii_strncasecmp (sql, "INSERT INTO ", 12) != 0 || strstr (sql, "SELECT"))
        return NULL;
    return g_strndup (sql + 12, strcspn (sql + 12, " ("));
}

/* For "INSERT INTO t (...) VALUES (?, ...)" and nothing after: the part
 * up to VALUES; else FALSE. */
static gboolean
plain_insert (const char *sql, const char *table, char **head)
{
    const char *values, *p, *close;
    if (!table || strstr (sql, "RETURNING") || strstr (sql, "ON CONFLICT"))
        return FALSE;
    values = strstr (sql, " VALUES (");
    if (!values)
        return FALSE;
    /* one row of plain placeholders, and the statement ends there */
    for (p = values + 9; *p && (*p == '?' || *p == ',' || *p == ' '); p++)
        ;
    close = p;
    if (*close != ')' || close[1 + strspn (close + 1, " ;\n")] != '\0')
        return FALSE;
    *head = g_strndup (sql, values - sql + 8);
    return TRUE;
}

static ba_stmt *
pg_prepare (ba_store *st, const char *sql, GError **error)
{
    ba_pg_stmt *s = g_new0 (ba_pg_stmt, 1);
    s->base.st = st;
    s->sql = number_placeholders (sql, &s->n_params);
    s->values = g_new0 (char *, s->n_params + 1);
    s->kinds = g_new0 (value_kind, s->n_params + 1);
    g_queue_init (&s->rows);
    s->table = insert_table (sql);
    if (plain_insert (sql, s->table, &s->insert_head))
        s->pending = g_ptr_array_new ();
    return &s->base;
}

static void
set_value (ba_stmt *bs, int i, value_kind kind, char *v)
{
    ba_pg_stmt *s = PGSTMT (bs);
    if (i < 1 || i > s->n_params) {
        g_free (v);
        return;
    }
    g_free (s->values[i - 1]);
    s->values[i - 1] = v;
    s->kinds[i - 1] = kind;
}

static void
pg_bind_text (ba_stmt *s, int i, const char *utf8)
{
    set_value (s, i, V_TEXT, g_strdup (utf8));
}

static void
pg_bind_int (ba_stmt *s, int i, gint64 v)
{
    set_value (s, i, V_INT, g_strdup_printf ("%" G_GINT64_FORMAT, v));
}

static void
pg_bind_null (ba_stmt *s, int i)
{
    set_value (s, i, V_NULL, NULL);
}

/* Send @s: unnamed the first time, prepared from the second on. */
static gboolean
send_stmt (ba_pg_stmt *s, GError **error)
{
    ba_store *st = s->base.st;
    ba_pg_conn *c = conn_of (st);
    Oid *types = g_new0 (Oid, s->n_params + 1);
    int sent;

    for (int i = 0; i < s->n_params; i++)
        types[i] = s->kinds[i] == V_INT ? INT8OID : 0;
    if (s->runs++ == 1 && !s->name) {
        char *name = g_strdup_printf ("ba_stmt_%u", ++c->names);
        PGresult *res = PQprepare (c->pg, name, s->sql, s->n_params, types);
        if (PQresultStatus (res) == PGRES_COMMAND_OK)
            s->name = name;
        else
            g_free (name);      /* sent unnamed again: the server says what is wrong */
        PQclear (res);
    }
    if (s->name)
        sent = PQsendQueryPrepared (c->pg, s->name, s->n_params, (const char *const *) s->values,
                                    NULL, NULL, 0);
    else
        sent = PQsendQueryParams (c->pg, s->sql, s->n_params, types, (const char *const *) s->values,
                                  NULL, NULL, 0);
    g_free (types);
    if (!sent)
        return ba_pg_fail (st, NULL, error, "sending a statement");
    PQsetSingleRowMode (c->pg);
    s->sent = TRUE;
    c->streaming = s;
    return TRUE;
}

static PGresult *
next_result (ba_pg_stmt *s)
{
    if (!g_queue_is_empty (&s->rows))
        return g_queue_pop_head (&s->rows);
    if (conn_of (s->base.st)->streaming == s) {
        PGresult *r = PQgetResult (ba_pg_db (s->base.st));
        if (!r)
            conn_of (s->base.st)->streaming = NULL;
        return r;
    }
    return NULL;
}

static ba_sql_result
pg_step (ba_stmt *bs, GError **error)
{
    ba_pg_stmt *s = PGSTMT (bs);
    ba_store *st = bs->st;
    ba_sql_result result = BA_SQL_DONE;
    PGresult *r;

    if (s->pending && !s->sent) {
        /* a plain insert: keep the row for a multi-row INSERT */
        char **row = g_new0 (char *, s->n_params + 1);
        if (!free_connection (st, s, error)) {
            g_free (row);
            return BA_SQL_ERROR;
        }
        for (int i = 0; i < s->n_params; i++)
            row[i] = g_strdup (s->values[i]);
        g_ptr_array_add (s->pending, row);
        if (s->pending->len == 1)
            g_ptr_array_add (conn_of (st)->deferred, s);
        if (s->pending->len >= DEFER_ROWS && !send_rows (s, error))
            return BA_SQL_ERROR;
        return BA_SQL_DONE;
    }
    if (!s->sent && (!free_connection (st, s, error) || !send_stmt (s, error)))
        return BA_SQL_ERROR;
    g_clear_pointer (&s->row, ba_libpq ()->PQclear);
    while ((r = next_result (s))) {
        ExecStatusType status = PQresultStatus (r);
        if (status == PGRES_SINGLE_TUPLE && result == BA_SQL_DONE) {
            s->row = r;
            return BA_SQL_ROW;
        }
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && status != PGRES_SINGLE_TUPLE
            && result != BA_SQL_ERROR) {
            ba_pg_fail (st, r, error, "running a statement");
            result = BA_SQL_ERROR;
        }
        PQclear (r);
    }
    return result;
}

static const char *
pg_column_text (ba_stmt *bs, int i)
{
    ba_pg_stmt *s = PGSTMT (bs);
    if (!s->row || i >= PQnfields (s->row) || PQgetisnull (s->row, 0, i))
        return NULL;
    return PQgetvalue (s->row, 0, i);
}

static gint64
pg_column_int (ba_stmt *bs, int i)
{
    const char *v = pg_column_text (bs, i);
    if (!v)
        return 0;
    /* a boolean (a comparison) reads as 1 or 0, as in SQLite */
    if (!strcmp (v, "t"))
        return 1;
    return g_ascii_strtoll (v, NULL, 10);
}

static gboolean
pg_column_is_null (ba_stmt *bs, int i)
{
    ba_pg_stmt *s = PGSTMT (bs);
    return !s->row || i >= PQnfields (s->row) || PQgetisnull (s->row, 0, i);
}

static void
pg_reset (ba_stmt *bs)
{
    ba_pg_stmt *s = PGSTMT (bs);
    discard_rows (s);
    for (int i = 0; i < s->n_params; i++) {
        g_clear_pointer (&s->values[i], g_free);
        s->kinds[i] = V_NULL;
    }
}

static void
pg_finalize (ba_stmt *bs)
{
    ba_pg_stmt *s = PGSTMT (bs);
    ba_pg_conn *c = conn_of (bs->st);
    GError *err = NULL;

    if (s->pending && s->pending->len && !send_rows (s, &err)) {
        /* told by the next statement or exec (the COMMIT) */
        if (!c->deferred_error)
            c->deferred_error = err;
        else
            g_error_free (err);
    }
    pg_reset (bs);
    g_ptr_array_remove (c->deferred, s);
    if (c->streaming)
        take_in (c->streaming);
    if (s->pending)
        g_ptr_array_unref (s->pending);
    /* prepared statements end with the session: a long one frees them */
    if (c->pg && PQstatus (c->pg) == CONNECTION_OK) {
        for (int k = 0; k < 2; k++) {
            const char *name = k ? s->batch_name : s->name;
            if (name) {
                char *sql = g_strdup_printf ("DEALLOCATE %s", name);
                PQclear (PQexec (c->pg, sql));
                g_free (sql);
            }
        }
    }
    g_free (s->name);
    g_free (s->batch_name);
    g_free (s->insert_head);
    g_free (s->table);
    g_free (s->values);
    g_free (s->kinds);
    g_free (s->sql);
    g_free (s);
}

/* ---- the connection ----------------------------------------------------- */

static ba_store *
pg_connect (const char *conninfo, gboolean read_only, GError **error)
{
    ba_store *st;
    ba_pg_conn *c;
    PGresult *res;

    if (!ba_libpq_load (error))
        return NULL;
    st = g_new0 (ba_store, 1);
    c = g_new0 (ba_pg_conn, 1);
    st->be = &ba_store_pg_backend;
    st->path = ba_store_pg_redact (conninfo);
    st->read_only = read_only;
    st->conn = c;
    c->conninfo = g_strdup (conninfo);
    c->deferred = g_ptr_array_new ();
    /* libpq reads the password, TLS and service settings from its own
     * environment (PGPASSWORD, PGPASSFILE, PGSSLMODE, PGSERVICEFILE...) */
    c->pg = PQconnectdb (conninfo);
    if (!c->pg || PQstatus (c->pg) != CONNECTION_OK) {
        char *msg = g_strstrip (g_strdup (c->pg ? PQerrorMessage (c->pg) : "out of memory"));
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_MISSING,
                     "cannot connect to the PostgreSQL database %s: %s", st->path, msg);
        g_free (msg);
        st->be->close (st);
        return NULL;
    }
    /* UTF-8 both ways, UTC for stored dates, and the local zone's days
     * as the client has them (for tallies by day) */
    PQsetClientEncoding (c->pg, "UTF8");
    res = PQexec (c->pg, read_only ? "SET default_transaction_read_only = on; SET client_min_messages = warning"
                                   : "SET client_min_messages = warning");
    PQclear (res);
    {
        GTimeZone *tz = g_time_zone_new_local ();
        const char *id = g_time_zone_get_identifier (tz);
        const char *env = g_getenv ("TZ");
        const char *zone = env && *env ? (env[0] == ':' ? env + 1 : env) : id;
        const char *params[1] = { zone };
        if (zone && *zone && zone[0] != '/') {
            res = PQexecParams (c->pg, "SELECT set_config ('TimeZone', $1, false)", 1, NULL, params,
                                NULL, NULL, 0);
            PQclear (res);
        }
        g_time_zone_unref (tz);
    }
    return st;
}

static ba_store *
pg_open (const char *path, gboolean create, GError **error)
{
    ba_store *st = pg_connect (path, FALSE, error);
    if (st && !ba_pg_prepare_schema (st, create, FALSE, error)) {
        st->be->close (st);
        return NULL;
    }
    return st;
}

static ba_store *
pg_open_readonly (const char *path, GError **error)
{
    ba_store *st = pg_connect (path, TRUE, error);
    if (st && !ba_pg_prepare_schema (st, FALSE, TRUE, error)) {
        st->be->close (st);
        return NULL;
    }
    return st;
}

static ba_store *
pg_open_again (ba_store *st, GError **error)
{
    return pg_connect (conn_of (st)->conninfo, st->read_only, error);
}

static void
pg_close (ba_store *st)
{
    ba_pg_conn *c = st->conn;
    if (c) {
        if (c->pg)
            PQfinish (c->pg);
        g_clear_error (&c->deferred_error);
        if (c->deferred)
            g_ptr_array_unref (c->deferred);
        g_free (c->conninfo);
        g_free (c);
    }
    g_free (st->path);
    g_free (st);
}

const ba_store_backend ba_store_pg_backend = {
    .name = "postgresql",
    .open = pg_open,
    .open_readonly = pg_open_readonly,
    .open_again = pg_open_again,
    .close = pg_close,
    .unchanged = NULL,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_text = pg_column_text,
    .column_int = pg_column_int,
    .column_is_null = pg_column_is_null,
    .reset = pg_reset,
    .finalize = pg_finalize,
    /* writers take turns: see BA_PG_WRITE_LOCK */
    .begin_write = "BEGIN; SELECT pg_advisory_xact_lock (" BA_PG_WRITE_LOCK ")",
    .nocase_equal = "lower (%s) = lower (?)",
    .local_day = "to_char (to_timestamp (%s), 'YYYY-MM-DD')",
    .address_domain = "substr (%1$s, strpos (%1$s, '@') + 1)",
    .text_match = ba_pg_text_match,
    .index_text = NULL,
};
