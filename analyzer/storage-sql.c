/* storage-sql.c - the portable statement calls of storage-private.h: each
 * goes to the statement's backend. */
#include "storage-private.h"

gboolean
ba_sql_exec (ba_store *st, const char *sql, GError **error)
{
    return st->be->exec (st, sql, error);
}

ba_stmt *
ba_sql_prepare (ba_store *st, const char *sql, GError **error)
{
    return st->be->prepare (st, sql, error);
}

void
ba_sql_text (ba_stmt *s, int i, const char *text)
{
    if (!text) {
        s->st->be->bind_null (s, i);
    } else if (g_utf8_validate (text, -1, NULL)) {
        s->st->be->bind_text (s, i, text);
    } else {
        char *valid = g_utf8_make_valid (text, -1);
        s->st->be->bind_text (s, i, valid);
        g_free (valid);
    }
}

void
ba_sql_text_kept (ba_stmt *s, int i, const char *text)
{
    if (text && s->st->be->bind_text_kept && g_utf8_validate (text, -1, NULL))
        s->st->be->bind_text_kept (s, i, text);
    else
        ba_sql_text (s, i, text);
}

void
ba_sql_int (ba_stmt *s, int i, gint64 v)
{
    s->st->be->bind_int (s, i, v);
}

void
ba_sql_null (ba_stmt *s, int i)
{
    s->st->be->bind_null (s, i);
}

void
ba_sql_int_or_null (ba_stmt *s, int i, gboolean set, gint64 v)
{
    if (set)
        s->st->be->bind_int (s, i, v);
    else
        s->st->be->bind_null (s, i);
}

ba_sql_result
ba_sql_step (ba_stmt *s, GError **error)
{
    return s->st->be->step (s, error);
}

gboolean
ba_sql_run (ba_stmt *s, GError **error)
{
    ba_sql_result r = s->st->be->step (s, error);
    s->st->be->reset (s);
    return r != BA_SQL_ERROR;
}

const char *
ba_sql_col_text (ba_stmt *s, int i)
{
    return s->st->be->column_text (s, i);
}

gint64
ba_sql_col_int (ba_stmt *s, int i)
{
    return s->st->be->column_int (s, i);
}

gboolean
ba_sql_col_null (ba_stmt *s, int i)
{
    return s->st->be->column_is_null (s, i);
}

void
ba_sql_reset (ba_stmt *s)
{
    s->st->be->reset (s);
}

void
ba_sql_finalize (ba_stmt *s)
{
    if (s)
        s->st->be->finalize (s);
}

ba_stmt *
ba_sql_cached (ba_store *st, ba_stmt **cache, const char *sql, GError **error)
{
    if (!*cache)
        *cache = ba_sql_prepare (st, sql, error);
    else
        ba_sql_reset (*cache);
    return *cache;
}
