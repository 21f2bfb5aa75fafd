/* message-headers.c - header fields of a message: addresses, date, the
 * returned message's identity, the header block formats detect on. */
#include "message-private.h"
#include "address.h"

#include <string.h>


/* ASCII with no ACE label ("xn--"): libidn2 gives such a domain back as
 * it is (or fails on it), so GMime writes the address unchanged. */
static gboolean
ascii_without_idn (const char *addr)
{
    for (const char *p = addr; *p; p++) {
        if ((guchar) *p >= 0x80)
            return FALSE;
        if ((*p == 'x' || *p == 'X') && (p[1] == 'n' || p[1] == 'N') && p[2] == '-' && p[3] == '-')
            return FALSE;
    }
    return TRUE;
}

/* internet_address_list_to_string (list, NULL, FALSE) of GMime 3.2
 * (internet-address.c: mailbox_to_string, group_to_string), without its
 * libidn2 look-up of every ASCII domain. */
static void
append_address_list (GString *s, InternetAddressList *list)
{
    int n = internet_address_list_length (list);
    for (int i = 0; i < n; i++) {
        InternetAddress *ia = internet_address_list_get_address (list, i);
        const char *name = internet_address_get_name (ia);
        if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
            InternetAddressMailbox *mb = INTERNET_ADDRESS_MAILBOX (ia);
            const char *addr = internet_address_mailbox_get_addr (mb);
            if (!addr || !ascii_without_idn (addr))
                addr = internet_address_mailbox_get_idn_addr (mb);
            if (name && *name) {
                char *quoted = g_mime_utils_quote_string (name);
                g_string_append (s, quoted);
                g_string_append_len (s, " <", 2);
                g_string_append (s, addr ? addr : "");
                g_string_append_c (s, '>');
                g_free (quoted);
            } else {
                g_string_append (s, addr ? addr : "");
            }
        } else if (INTERNET_ADDRESS_IS_GROUP (ia)) {
            if (name) {
                char *quoted = g_mime_utils_quote_string (name);
                g_string_append (s, quoted);
                g_free (quoted);
            }
            g_string_append_len (s, ": ", 2);
            append_address_list (s, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)));
            g_string_append_c (s, ';');
        }
        if (i + 1 < n)
            g_string_append_len (s, ", ", 2);
    }
}

char *
ba_header_address_list (InternetAddressList *list)
{
    GString *s;
    if (!list || internet_address_list_length (list) == 0)
        return NULL;
    s = g_string_sized_new (64);
    append_address_list (s, list);
    if (!s->len) {
        g_string_free (s, TRUE);
        return NULL;
    }
    return g_string_free (s, FALSE);
}

/* The first addr-spec of a header's address list, or NULL. */
char *
ba_header_first_mailbox (InternetAddressList *list)
{
    for (int i = 0; list && i < internet_address_list_length (list); i++) {
        InternetAddress *ia = internet_address_list_get_address (list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX (ia))
            return g_strdup (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)));
    }
    return NULL;
}

char *
ba_header_date_iso (GMimeMessage *m)
{
    GDateTime *dt = g_mime_message_get_date (m);
    if (dt)
        return ba_iso_date (dt);
    {
        const char *raw = g_mime_object_get_header (GMIME_OBJECT (m), "Date");
        return raw ? ba_rfc5322_to_iso (raw) : NULL;
    }
}

/* Length of the RFC 2047 encoded word at @p ("=?cs?B?text?="), else 0. */
static gsize
encoded_word_len (const char *p)
{
    const char *q;
    int marks = 0;

    if (p[0] != '=' || p[1] != '?')
        return 0;
    for (q = p + 2; *q && *q != ' ' && *q != '\t'; q++) {
        if (*q != '?')
            continue;
        if (++marks == 3)
            return q[1] == '=' ? (gsize) (q + 2 - p) : 0;
    }
    return 0;
}

/* @raw decoded one encoded word at a time: GMime 3.2.13 joins the payloads
 * of adjacent base64 words before decoding, so a word ending in '=' padding
 * cuts off every word after it. */
static char *
decode_words (const char *raw)
{
    GString *out = g_string_sized_new (strlen (raw));
    const char *p = raw;
    gboolean after_word = FALSE;

    while (*p) {
        gsize n = encoded_word_len (p), ws = 0;
        if (n) {
            char *word = g_strndup (p, n);
            char *text = g_mime_utils_header_decode_text (NULL, word);
            g_string_append (out, text);
            g_free (text);
            g_free (word);
            p += n;
            after_word = TRUE;
            continue;
        }
        while (p[ws] == ' ' || p[ws] == '\t')
            ws++;
        /* white space between two encoded words is not text (RFC 2047 6.2) */
        if (ws && after_word && encoded_word_len (p + ws)) {
            p += ws;
            continue;
        }
        if (ws) {
            g_string_append_len (out, p, ws);
            p += ws;
        } else {
            g_string_append_c (out, *p++);
            after_word = FALSE;
        }
    }
    return g_string_free (out, FALSE);
}

/* A Subject's raw value unfolded, decoded word by word (see decode_words)
 * and collapsed. */
static char *
subject_from_raw (const char *raw)
{
    GString *flat = g_string_sized_new (strlen (raw));
    char *decoded, *out;

    for (const char *p = raw; *p; p++)
        if (*p != '\r' && *p != '\n')
            g_string_append_c (flat, *p);
    decoded = decode_words (flat->str);
    if (!g_utf8_validate (decoded, -1, NULL)) {
        /* undeclared 8-bit text: GMime's own decoder guesses its charset */
        g_free (decoded);
        decoded = g_mime_utils_header_decode_text (NULL, flat->str);
    }
    out = ba_collapse_ws (decoded);
    g_free (decoded);
    g_string_free (flat, TRUE);
    return out;
}

/* The Subject decoded and collapsed, or NULL: from the raw value. */
char *
ba_header_subject (GMimeMessage *m)
{
    GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (m));
    GMimeHeader *h = list ? g_mime_header_list_get_header (list, "Subject") : NULL;
    const char *raw = h ? g_mime_header_get_raw_value (h) : NULL;

    if (!raw) {
        const char *s = g_mime_message_get_subject (m);
        return s ? ba_collapse_ws (s) : NULL;
    }
    return subject_from_raw (raw);
}

/* A field's value as GMime's g_mime_header_get_value gives it: unfolded, decoded. */
static char *
field_value (const char *raw)
{
    char *unfolded = g_mime_utils_header_unfold (raw);
    char *value = g_mime_utils_header_decode_text (NULL, unfolded);
    g_free (unfolded);
    return value;
}

void
ba_original_fill (ba_original *o, const ba_returned *r)
{
    const char *raw;
    if (!r)
        return;
    /* GMime's message keeps the last Message-Id, From, To and Date */
    if (!o->message_id && (raw = ba_returned_get (r, "Message-Id", TRUE))) {
        char *value = field_value (raw);
        char *id = g_mime_utils_decode_message_id (value);
        if (id && *id)
            o->message_id = g_steal_pointer (&id);
        g_free (id);
        g_free (value);
    }
    if (!o->from)
        o->from = ba_header_address_list (r->from);
    if (!o->to)
        o->to = ba_header_address_list (r->to);
    if (!o->subject && (raw = ba_returned_get (r, "Subject", FALSE)))
        o->subject = subject_from_raw (raw);
    if (!o->date && (raw = ba_returned_get (r, "Date", TRUE))) {
        char *value = field_value (raw);
        GDateTime *dt = g_mime_utils_header_decode_date (value);
        g_free (value);
        if (dt) {
            o->date = ba_iso_date (dt);
            g_date_time_unref (dt);
        } else {
            /* as ba_header_date_iso: the first Date's value, read leniently */
            value = field_value (ba_returned_get (r, "Date", FALSE));
            o->date = ba_rfc5322_to_iso (value);
            g_free (value);
        }
    }
}

/* The fields of a block of header text: leading blank lines and blanks
 * skipped, read as the top of a message ending at the text's end. */
ba_returned *
ba_headers_parse_text (const char *text, gsize len)
{
    GString *buf = g_string_new_len (text, MIN (len, 256 * 1024));
    gsize skip = 0;
    ba_returned *r;

    while (skip < buf->len && (buf->str[skip] == '\n' || buf->str[skip] == ' ' || buf->str[skip] == '\t'))
        skip++;
    g_string_append (buf, "\n\n");
    r = ba_returned_read (buf->str + skip, buf->len - skip, TRUE);
    g_string_free (buf, TRUE);
    return r;
}

/* Is a raw header value plain ASCII text without encoded words, so that
 * decoding it would change nothing but its folding? */
static gboolean
plain_ascii (const char *raw)
{
    for (const char *p = raw; *p; p++) {
        guchar c = (guchar) *p;
        if ((c < ' ' && c != '\t' && c != '\r' && c != '\n') || c > '~' || (c == '=' && p[1] == '?'))
            return FALSE;
    }
    return TRUE;
}

/* Append @v with its whitespace runs collapsed to one space, ends trimmed
 * (as ba_collapse_ws does, without a copy). */
static void
append_collapsed (GString *s, const char *v)
{
    const guchar *p = (const guchar *) v;
    gboolean any = FALSE;
    while (*p) {
        const guchar *word = p;
        while (*p > ' ' && *p != 0x7f)
            p++;
        if (p > word) {
            if (any)
                g_string_append_c (s, ' ');
            g_string_append_len (s, (const char *) word, p - word);
            any = TRUE;
        }
        while (*p && (*p <= ' ' || *p == 0x7f))
            p++;
    }
}

/* One "Name: value" line of the header block, the value collapsed; a
 * plain ASCII value is used raw: GMime's decoding is the costly part. */
static void
block_line (GString *s, const char *name, const char *raw, const char *value)
{
    g_string_append (s, name);
    g_string_append_len (s, ": ", 2);
    append_collapsed (s, value ? value : "");
    g_string_append_c (s, '\n');
}

/* The message's headers as "Name: value" lines, for detect-header. */
char *
ba_header_block (GMimeObject *obj)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list (obj);
    GString *s = g_string_sized_new (2048);
    int n = hl ? g_mime_header_list_get_count (hl) : 0;
    for (int i = 0; i < n && s->len < 65536; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at (hl, i);
        const char *raw = g_mime_header_get_raw_value (h);
        block_line (s, g_mime_header_get_name (h), raw,
                    raw && plain_ascii (raw) ? raw : g_mime_header_get_value (h));
    }
    return g_string_free (s, FALSE);
}

char *
ba_returned_block (const ba_returned *r)
{
    GString *s = g_string_sized_new (2048);
    for (guint i = 0; i < r->names->len && s->len < 65536; i++) {
        const char *raw = g_ptr_array_index (r->values, i);
        if (plain_ascii (raw)) {
            block_line (s, g_ptr_array_index (r->names, i), raw, raw);
        } else {
            char *value = field_value (raw);
            block_line (s, g_ptr_array_index (r->names, i), raw, value);
            g_free (value);
        }
    }
    return g_string_free (s, FALSE);
}

/* X-Failed-Recipients (Exim and others): the addresses that failed. */
GPtrArray *
ba_header_failed_recipients (GMimeMessage *msg)
{
    GPtrArray *out = NULL;
    const char *v = g_mime_object_get_header (GMIME_OBJECT (msg), "X-Failed-Recipients");
    char **parts;

    if (!v)
        return NULL;
    GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    parts = g_strsplit_set (v, ",; \t\r\n", -1);
    for (int i = 0; parts[i]; i++) {
        g_autofree char *a = ba_address_unwrap (parts[i]);
        if (!ba_address_plausible (a, TRUE))
            continue;
        if (!out)
            out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_text_recipient_free);
        if (out->len >= MAX_TEXT_SEEN || !g_hash_table_add (seen, g_ascii_strdown (a, -1)))
            continue;
        ba_text_recipient *t = g_new0 (ba_text_recipient, 1);
        t->recipient = g_strdup (a);
        t->diagnostic = g_string_new (NULL);
        g_ptr_array_add (out, t);
    }
    g_strfreev (parts);
    g_hash_table_unref (seen);
    return out;
}
