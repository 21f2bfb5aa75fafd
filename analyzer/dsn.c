/* dsn.c - RFC 3464 section 2: blocks of header-style fields separated by
 * blank lines; the first block is per message, each later one per
 * recipient.  Real DSNs stray: the per-message block may be missing, fields
 * may be folded with tabs, lines may end in CRLF; a block is a recipient
 * block when it names a recipient, whatever its position. */
#include "dsn.h"

#include <gmime/gmime.h>
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
        || g_hash_table_contains (block, "original-rcpt-to")
        /* RFC 3464 gives Action to recipient blocks only: one whose address
         * line is missing is still a recipient's (named by the notice) */
        || (g_hash_table_contains (block, "action") && !g_hash_table_contains (block, "reporting-mta"));
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

/* A field value longer than this is cut: no DSN field is near it. */
#define MAX_VALUE (64 * 1024)
/* A line longer than this is cut (its rest skipped) in a stream. */
#define MAX_LINE  (64 * 1024)

typedef struct {
    ba_dsn *dsn;
    GHashTable *block;
    GString *name, *value;
    guint max_recipients;
    GHashTable *seen;           /* keys of the recipient blocks kept (block_key) */
} dsn_parser;

/* What @block says about its recipient, as one key (each value with its
 * length before it, so no two blocks share a key): the same DSN pasted
 * twice (its text and its part, forwarded inline) repeats every block. */
static char *
block_key (GHashTable *block)
{
    static const char *const keys[] = {
        "final-recipient", "original-recipient", "original-rcpt-to", "x-actual-recipient",
        "action", "status", "diagnostic-code", "remote-mta",
    };
    GString *key = g_string_new (NULL);
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
        const char *v = g_hash_table_lookup (block, keys[i]);
        if (v)
            g_string_append_printf (key, "%zu:%s", strlen (v), v);
        else
            g_string_append_c (key, '-');
    }
    return g_string_free (key, FALSE);
}

static void
finish_block (dsn_parser *ps)
{
    ba_dsn *dsn = ps->dsn;
    GHashTable *block = ps->block;

    ps->block = fields_new ();
    if (g_hash_table_size (block) == 0) {
        g_hash_table_unref (block);
    } else if (is_recipient_block (block)) {
        char *key = block_key (block);
        if (g_hash_table_contains (ps->seen, key)) {
            /* a repeat of a kept block says nothing new */
            g_free (key);
            g_hash_table_unref (block);
        } else if (dsn->recipients->len < ps->max_recipients) {
            g_hash_table_add (ps->seen, key);
            g_ptr_array_add (dsn->recipients, block);
        } else {
            g_free (key);
            dsn->over_cap++;
            g_hash_table_unref (block);
        }
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
store_field (dsn_parser *ps)
{
    GHashTable *block = ps->block;
    GString *name = ps->name, *value = ps->value;
    char *key, *val;

    if (name->len == 0)
        return;
    key = g_ascii_strdown (name->str, name->len);
    val = g_strstrip (g_utf8_make_valid (value->str, value->len));
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

static void
append_value (GString *value, const char *p, gsize n)
{
    if (value->len < MAX_VALUE)
        g_string_append_len (value, p, MIN (n, MAX_VALUE - value->len));
}

static void
parser_init (dsn_parser *ps, guint max_recipients)
{
    ps->dsn = g_new0 (ba_dsn, 1);
    ps->dsn->message = fields_new ();
    ps->dsn->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
    ps->block = fields_new ();
    ps->name = g_string_new (NULL);
    ps->value = g_string_new (NULL);
    ps->max_recipients = max_recipients;
    ps->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Does line @p (of @n bytes, not folded) go on an open Diagnostic-Code?
 * A DSN pasted into a notice whose indentation a mail path stripped keeps
 * the reply's further lines unfolded; they are not "Name: value" fields. */
static gboolean
continues_diagnostic (const dsn_parser *ps, const char *p, gsize n)
{
    const char *q = p;

    if (ps->name->len != strlen ("diagnostic-code")
        || g_ascii_strncasecmp (ps->name->str, "diagnostic-code", ps->name->len))
        return FALSE;
    /* a MIME boundary or a notice's "----- ... -----" banner ends it */
    if (n >= 2 && g_ascii_ispunct (p[0]) && p[1] == p[0])
        return FALSE;
    while (q < p + n && (g_ascii_isalnum (*q) || *q == '-' || *q == '_'))
        q++;
    return !(q > p && q < p + n && *q == ':');
}

/* One line, without its line end. */
static void
parse_line (dsn_parser *ps, const char *p, gsize n)
{
    const char *colon;

    while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n == 0) {
        /* a blank line ends a block */
        store_field (ps);
        finish_block (ps);
    } else if ((*p == ' ' || *p == '\t') && ps->name->len > 0) {
        /* folded continuation */
        const char *q = p;
        while (q < p + n && (*q == ' ' || *q == '\t'))
            q++;
        if (ps->value->len)
            append_value (ps->value, " ", 1);
        append_value (ps->value, q, p + n - q);
    } else if (continues_diagnostic (ps, p, n)) {
        append_value (ps->value, " ", 1);
        append_value (ps->value, p, n);
    } else if ((colon = memchr (p, ':', n)) && colon > p) {
        const char *q;
        gboolean ok = TRUE;
        for (q = p; q < colon; q++)
            if (!(g_ascii_isalnum (*q) || *q == '-' || *q == '_'))
                ok = FALSE;
        store_field (ps);
        /* a second recipient without a blank line before it (seen
         * in the wild): its first field starts a new block */
        if (ok && starts_recipient (ps->block, p, colon - p))
            finish_block (ps);
        if (ok) {
            append_value (ps->name, p, MIN ((gsize) (colon - p), 256));
            q = colon + 1;
            while (q < p + n && (*q == ' ' || *q == '\t'))
                q++;
            append_value (ps->value, q, p + n - q);
        }
    } else {
        /* not a field: ignore, but it ends a folded value */
        store_field (ps);
    }
}

static ba_dsn *
parser_finish (dsn_parser *ps, gboolean cut)
{
    ba_dsn *dsn = ps->dsn;

    store_field (ps);
    if (cut && g_hash_table_size (ps->block) > 0) {
        /* the cap fell inside this block: a partial recipient is garbage */
        if (is_recipient_block (ps->block))
            dsn->cut_block = TRUE;
        g_hash_table_remove_all (ps->block);
    }
    finish_block (ps);
    g_hash_table_unref (ps->block);
    g_string_free (ps->name, TRUE);
    g_string_free (ps->value, TRUE);
    g_hash_table_unref (ps->seen);
    return dsn;
}

ba_dsn *
ba_dsn_parse_cut (const char *text, gsize len, guint max_recipients, gboolean cut)
{
    dsn_parser ps;
    const char *p = text, *end = text + len;

    parser_init (&ps, max_recipients);
    while (p < end) {
        const char *nl = memchr (p, '\n', end - p);
        parse_line (&ps, p, (nl ? nl : end) - p);
        p = nl ? nl + 1 : end;
    }
    /* text that ends without a line end may be cut inside a line */
    return parser_finish (&ps, cut);
}

ba_dsn *
ba_dsn_parse (const char *text, gsize len, guint max_recipients)
{
    return ba_dsn_parse_cut (text, len, max_recipients, FALSE);
}

ba_dsn *
ba_dsn_parse_stream (GMimeStream *stream, guint max_recipients, gint64 max_bytes)
{
    dsn_parser ps;
    GString *line = g_string_new (NULL);
    char buf[65536];
    gint64 total = 0;
    gboolean cut = FALSE, line_cut = FALSE;
    ssize_t n;

    parser_init (&ps, max_recipients);
    while ((n = g_mime_stream_read (stream, buf, sizeof buf)) > 0) {
        const char *p = buf, *end;
        if (total + n > max_bytes) {
            n = max_bytes - total;
            cut = TRUE;
        }
        total += n;
        end = buf + n;
        while (p < end) {
            const char *nl = memchr (p, '\n', end - p);
            const char *stop = nl ? nl : end;
            if (!line_cut) {
                gsize room = MAX_LINE - line->len;
                gsize take = MIN ((gsize) (stop - p), room);
                g_string_append_len (line, p, take);
                line_cut = take < (gsize) (stop - p);
            }
            if (nl) {
                parse_line (&ps, line->str, line->len);
                g_string_truncate (line, 0);
                line_cut = FALSE;
            }
            p = nl ? nl + 1 : end;
        }
        if (cut)
            break;
    }
    if (line->len)
        parse_line (&ps, line->str, line->len);
    g_string_free (line, TRUE);
    return parser_finish (&ps, cut);
}

gboolean
ba_part_longer_than (GMimeObject *obj, gint64 max)
{
    GMimeDataWrapper *w = g_mime_part_get_content (GMIME_PART (obj));
    GMimeStream *src = w ? g_mime_data_wrapper_get_stream (w) : NULL;
    gint64 length = src ? g_mime_stream_length (src) : 0;
    return length < 0 || length > max;
}

ba_dsn *
ba_dsn_parse_part (GMimeObject *obj, guint max_recipients, gint64 max_bytes)
{
    GMimeDataWrapper *w = g_mime_part_get_content (GMIME_PART (obj));
    GMimeStream *src = g_mime_data_wrapper_get_stream (w);
    GMimeStream *sub = g_mime_stream_substream (src, src->bound_start, src->bound_end);
    GMimeStream *decoded = g_mime_stream_filter_new (sub);
    GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding (w);
    const char *charset = g_mime_object_get_content_type_parameter (obj, "charset");
    ba_dsn *dsn;

    if (enc == GMIME_CONTENT_ENCODING_BASE64 || enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
        || enc == GMIME_CONTENT_ENCODING_UUENCODE) {
        GMimeFilter *f = g_mime_filter_basic_new (enc, FALSE);
        g_mime_stream_filter_add (GMIME_STREAM_FILTER (decoded), f);
        g_object_unref (f);
    }
    if (charset && g_ascii_strcasecmp (charset, "utf-8") && g_ascii_strcasecmp (charset, "us-ascii")) {
        GMimeFilter *f = g_mime_filter_charset_new (charset, "UTF-8");
        if (f) {
            g_mime_stream_filter_add (GMIME_STREAM_FILTER (decoded), f);
            g_object_unref (f);
        }
    }
    g_mime_stream_reset (sub);
    dsn = ba_dsn_parse_stream (decoded, max_recipients, max_bytes);
    g_object_unref (decoded);
    g_object_unref (sub);
    return dsn;
}
