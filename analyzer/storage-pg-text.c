/* storage-pg-text.c - full-text search on PostgreSQL: the user's words as
 * a tsquery that finds what SQLite's FTS5 query (ba_store_fts_query())
 * finds.  The stored side is the recipients.words column (see
 * storage-pg-schema.c): the diagnostic with ASCII punctuation as spaces,
 * so that "5.7.1" is three words there as in FTS5's unicode61 tokenizer,
 * through the bounce_words configuration (simple, with unaccent when the
 * server has it, as remove_diacritics does). */
#include "storage-pg.h"

#include <string.h>

static gboolean
word_char (char c)
{
    return g_ascii_isalnum (c) || (guchar) c >= 0x80;
}

/* Append the words of @text[0..len) as a tsquery phrase; FALSE when it
 * has none.  @prefix: its last word may be the start of a longer one. */
static gboolean
append_phrase (GString *q, const char *text, gsize len, gboolean prefix)
{
    gsize i = 0;
    gboolean any = FALSE;

    while (i < len) {
        gsize start;
        while (i < len && !word_char (text[i]))
            i++;
        if (i >= len)
            break;
        start = i;
        while (i < len && word_char (text[i]))
            i++;
        g_string_append (q, any ? " <-> '" : "'");
        for (gsize k = start; k < i; k++) {
            if (text[k] == '\'' || text[k] == '\\')
                g_string_append_c (q, text[k]);
            g_string_append_c (q, text[k]);
        }
        g_string_append_c (q, '\'');
        any = TRUE;
    }
    if (any && prefix)
        g_string_append (q, ":*");
    return any;
}

/* The same reading of the user's words as ba_store_fts_query(). */
static char *
tsquery_of (const char *text)
{
    GString *q = g_string_new (NULL);
    gboolean pending_or = FALSE, have_term = FALSE;
    const char *p = text ? text : "";

    for (;;) {
        const char *start;
        gsize len, mark;
        gboolean prefix, is_or;

        if (!ba_search_next_word (&p, &start, &len, &prefix, &is_or))
            break;
        if (is_or) {
            pending_or = have_term;
            continue;
        }
        mark = q->len;
        if (have_term)
            g_string_append (q, pending_or ? " | " : " & ");
        g_string_append_c (q, '(');
        if (!append_phrase (q, start, len, prefix)) {
            g_string_truncate (q, mark);
            continue;
        }
        g_string_append_c (q, ')');
        pending_or = FALSE;
        have_term = TRUE;
    }
    if (!have_term) {
        g_string_free (q, TRUE);
        return NULL;
    }
    return g_string_free (q, FALSE);
}

gboolean
ba_pg_text_match (const char *text, char **condition, char **value, GError **error)
{
    char *tsquery = tsquery_of (text);
    if (!tsquery) {
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_QUERY,
                     "the search text '%s' has no word to look for", text);
        return FALSE;
    }
    *condition = g_strdup ("id IN (SELECT id FROM recipients WHERE words @@ to_tsquery ('bounce_words', ?))");
    *value = tsquery;
    return TRUE;
}
