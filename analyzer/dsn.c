/* dsn.c - RFC 3464 section 2: blocks of header-style fields separated by
 * blank lines; the first block is per message, each later one per
 * recipient.  Real DSNs stray: the per-message block may be missing, fields
 * may be folded with tabs, lines may end in CRLF; a block is a recipient
 * block when it names a recipient, whatever its position. */
#include "dsn.h"

#include <string.h>

static GHashTable *
fields_new (void)
{
    return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
ba_dsn_free (ba_dsn *dsn)
{
    if (!dsn)
        return;
    g_hash_table_unref (dsn->message);
    g_ptr_array_unref (dsn->recipients);
    g_free (dsn);
}

const char *
ba_dsn_get (GHashTable *fields, const char *field)
{
    const char *v = fields ? g_hash_table_lookup (fields, field) : NULL;
    return v && *v ? v : NULL;
}

static gboolean
is_recipient_block (GHashTable *block)
{
    return g_hash_table_contains (block, "final-recipient")
        || g_hash_table_contains (block, "original-recipient")
        || g_hash_table_contains (block, "original-rcpt-to");
}

/* Would field @name (of @len bytes) repeat a recipient field of @block? */
static gboolean
starts_recipient (GHashTable *block, const char *name, gsize len)
{
    static const char *const keys[] = { "final-recipient", "original-recipient" };
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        if (len == strlen (keys[i]) && !g_ascii_strncasecmp (name, keys[i], len)
            && g_hash_table_contains (block, keys[i]))
            return TRUE;
    return FALSE;
}

static void
finish_block (ba_dsn *dsn, GHashTable *block, guint max_recipients)
{
    if (g_hash_table_size (block) == 0) {
        g_hash_table_unref (block);
    } else if (is_recipient_block (block)) {
        if (dsn->recipients->len < max_recipients)
            g_ptr_array_add (dsn->recipients, block);
        else
            g_hash_table_unref (block);
    } else {
        /* per-message fields; keep the first value of each */
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init (&it, block);
        while (g_hash_table_iter_next (&it, &k, &v))
            if (!g_hash_table_contains (dsn->message, k))
                g_hash_table_insert (dsn->message, g_strdup (k), g_strdup (v));
        g_hash_table_unref (block);
    }
}

static void
store_field (GHashTable *block, GString *name, GString *value)
{
    char *key, *val;

    if (name->len == 0)
        return;
    key = g_ascii_strdown (name->str, name->len);
    val = g_strstrip (g_strdup (value->str));
    /* a repeated field keeps its first value, as a reader would */
    if (!g_hash_table_contains (block, key))
        g_hash_table_insert (block, key, val);
    else {
        g_free (key);
        g_free (val);
    }
    g_string_truncate (name, 0);
    g_string_truncate (value, 0);
}

ba_dsn *
ba_dsn_parse (const char *text, gsize len, guint max_recipients)
{
    ba_dsn *dsn = g_new0 (ba_dsn, 1);
    GHashTable *block = fields_new ();
    GString *name = g_string_new (NULL), *value = g_string_new (NULL);
    const char *p = text, *end = text + len;

    dsn->message = fields_new ();
    dsn->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);

    while (p < end) {
        const char *nl = memchr (p, '\n', end - p);
        const char *eol = nl ? nl : end;
        const char *colon;
        gsize n;

        n = eol - p;
        while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;

        if (n == 0) {
            /* a blank line ends a block */
            store_field (block, name, value);
            finish_block (dsn, block, max_recipients);
            block = fields_new ();
        } else if ((*p == ' ' || *p == '\t') && name->len > 0) {
            /* folded continuation */
            const char *q = p;
            while (q < p + n && (*q == ' ' || *q == '\t'))
                q++;
            if (value->len)
                g_string_append_c (value, ' ');
            g_string_append_len (value, q, p + n - q);
        } else if ((colon = memchr (p, ':', n)) && colon > p) {
            const char *q;
            gboolean ok = TRUE;
            for (q = p; q < colon; q++)
                if (!(g_ascii_isalnum (*q) || *q == '-' || *q == '_'))
                    ok = FALSE;
            store_field (block, name, value);
            /* a second recipient without a blank line before it (seen
             * in the wild): its first field starts a new block */
            if (ok && starts_recipient (block, p, colon - p)) {
                finish_block (dsn, block, max_recipients);
                block = fields_new ();
            }
            if (ok) {
                g_string_append_len (name, p, colon - p);
                q = colon + 1;
                while (q < p + n && (*q == ' ' || *q == '\t'))
                    q++;
                g_string_append_len (value, q, p + n - q);
            }
        } else {
            /* not a field: ignore, but it ends a folded value */
            store_field (block, name, value);
        }
        p = nl ? nl + 1 : end;
    }
    store_field (block, name, value);
    finish_block (dsn, block, max_recipients);
    g_string_free (name, TRUE);
    g_string_free (value, TRUE);
    return dsn;
}
