/* message-parts.c - the MIME walk: which part of a message holds the DSN,
 * the feedback report, the notice, the returned headers; each part's text
 * decoded and bounded (see message-private.h). */
#define _GNU_SOURCE            /* memmem */
#include "message-private.h"

#include <string.h>


/* Is @charset one whose text is used as it is (UTF-8, ASCII, none)? */
static gboolean
charset_as_is (const char *charset)
{
    return !charset || !g_ascii_strcasecmp (charset, "utf-8") || !g_ascii_strcasecmp (charset, "us-ascii");
}

/* The bytes of @sub (@length of them), decoded in one pass when @enc is
 * base64 or quoted-printable (GMime's own decoder, as its filter runs it). */
static GByteArray *
read_decoded (GMimeStream *sub, gint64 length, GMimeContentEncoding enc)
{
    GByteArray *raw = g_byte_array_sized_new ((guint) length + 1), *out;
    GMimeEncoding state;

    g_byte_array_set_size (raw, (guint) length);
    gsize got = 0;
    while (got < (gsize) length) {
        ssize_t n = g_mime_stream_read (sub, (char *) raw->data + got, (gsize) length - got);
        if (n <= 0)
            break;
        got += (gsize) n;
    }
    g_byte_array_set_size (raw, (guint) got);
    if (enc != GMIME_CONTENT_ENCODING_BASE64 && enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
        return raw;
    g_mime_encoding_init_decode (&state, enc);
    out = g_byte_array_sized_new ((guint) g_mime_encoding_outlen (&state, got) + 1);
    g_byte_array_set_size (out, (guint) g_mime_encoding_step (&state, (const char *) raw->data, got, (char *) out->data));
    g_byte_array_unref (raw);
    return out;
}

/* The bytes of @sub through GMime's decoding and charset filters. */
static GByteArray *
filter_decoded (GMimeStream *sub, GMimeContentEncoding enc, const char *charset)
{
    GMimeStream *mem = g_mime_stream_mem_new (), *filtered = g_mime_stream_filter_new (mem);
    GByteArray *bytes;

    if (enc == GMIME_CONTENT_ENCODING_BASE64 || enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
        || enc == GMIME_CONTENT_ENCODING_UUENCODE) {
        GMimeFilter *f = g_mime_filter_basic_new (enc, FALSE);
        g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), f);
        g_object_unref (f);
    }
    if (!charset_as_is (charset)) {
        GMimeFilter *f = g_mime_filter_charset_new (charset, "UTF-8");
        if (f) {
            g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), f);
            g_object_unref (f);
        }
    }
    g_mime_stream_write_to_stream (sub, filtered);
    g_mime_stream_flush (filtered);
    /* the array outlives its stream (which frees it when it owns it) */
    g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
    bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
    g_object_unref (filtered);
    g_object_unref (mem);
    return bytes;
}

/* Decoded, UTF-8 text of a leaf part: at most @max bytes of its encoded
 * content are read, so a huge attachment costs nothing. */
static char *
part_text (GMimeObject *obj, gsize max)
{
    GMimePart *part = GMIME_PART (obj);
    GMimeDataWrapper *w = g_mime_part_get_content (part);
    GMimeStream *src, *sub;
    GMimeContentEncoding enc;
    GByteArray *bytes;
    const char *charset;
    gint64 start, length;
    char *text;

    if (!w || !(src = g_mime_data_wrapper_get_stream (w)))
        return g_strdup ("");
    start = src->bound_start;
    length = g_mime_stream_length (src);
    if (length < 0 || (gsize) length > max)
        length = max;
    sub = g_mime_stream_substream (src, start, start + length);
    g_mime_stream_reset (sub);

    enc = g_mime_data_wrapper_get_encoding (w);
    charset = g_mime_object_get_content_type_parameter (obj, "charset");
    /* the common case, UTF-8 or ASCII not uuencoded, without a stack of streams */
    if (charset_as_is (charset) && enc != GMIME_CONTENT_ENCODING_UUENCODE)
        bytes = read_decoded (sub, length, enc);
    else
        bytes = filter_decoded (sub, enc, charset);
    g_object_unref (sub);
    text = NULL;
    /* Japanese servers write ISO-2022-JP into parts that declare no
     * charset (a Diagnostic-Code of Lotus Domino): its escapes tell */
    if ((!charset || !g_ascii_strcasecmp (charset, "us-ascii")) && bytes->len
        && (memmem (bytes->data, bytes->len, "\033$B", 3) || memmem (bytes->data, bytes->len, "\033$@", 3)))
        text = g_convert_with_fallback ((const char *) bytes->data, bytes->len, "UTF-8", "ISO-2022-JP",
                                        "?", NULL, NULL, NULL);
    if (!text)
        text = bytes->len ? g_utf8_make_valid ((const char *) bytes->data, bytes->len) : g_strdup ("");
    g_byte_array_unref (bytes);

    /* CRLF and bare CR become LF; NUL bytes would cut the text short */
    {
        char *w2 = text;
        for (char *r = text; *r; r++) {
            if (*r == '\r') {
                if (r[1] != '\n')
                    *w2++ = '\n';
            } else {
                *w2++ = *r;
            }
        }
        *w2 = '\0';
    }
    return text;
}

static gboolean
is_type (GMimeContentType *ct, const char *type, const char *subtype)
{
    return ct && g_mime_content_type_is_type (ct, type, subtype);
}

/* The prologue of a multipart, line ends made LF, bounded, valid UTF-8. */
static char *
prologue_text (const char *pro)
{
    char *t = ba_strndup_utf8 (pro, MAX_PART_TEXT), *w = t, *v;
    for (char *r = t; *r; r++)
        if (*r != '\r')
            *w++ = *r;
        else if (r[1] != '\n')
            *w++ = '\n';
    *w = '\0';
    v = g_utf8_make_valid (t, -1);
    g_free (t);
    return v;
}

/* Where, in a text, RFC 3464 fields begin: the start of the paragraph
 * holding the first recipient field (Final-Recipient or Original-Recipient
 * with an Action or Status after it), or -1.  For DSNs pasted into the
 * notice, or sent as text/plain. */
/* The first line of the paragraph (lines up to a blank one) holding @p. */
static const char *
para_start (const char *text, const char *p)
{
    while (p > text && p[-1] != '\n')
        p--;
    while (p > text && !(p - 1 == text || p[-2] == '\n')) {
        p--;
        while (p > text && p[-1] != '\n')
            p--;
    }
    return p;
}

gssize
ba_parts_dsn_offset (const char *text)
{
    static const char *const keys[] = { "final-recipient:", "original-recipient:" };
    const char *p = text;
    int tries = 0;

    /* bounded: a hostile text of recipient fields without an Action is
     * given up after a few looks back */
    for (int lines = 0; p && *p && lines < 5000 && tries < 16; lines++) {
        for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
            if (g_ascii_strncasecmp (p, keys[i], strlen (keys[i])))
                continue;
            /* the block must say what happened: Action or Status in it */
            const char *q = para_start (text, p);
            tries++;
            gboolean told = FALSE;
            for (int k = 0; k < 24 && q && *q && *q != '\n'; k++) {
                if (!g_ascii_strncasecmp (q, "action:", 7) || !g_ascii_strncasecmp (q, "status:", 7))
                    told = TRUE;
                q = strchr (q, '\n');
                if (q)
                    q++;
            }
            if (!told)
                continue;
            /* back to the paragraph's start, and to a per-message block
             * (Reporting-MTA) just before it */
            const char *ps = para_start (text, p), *prev = ps;
            while (prev > text && prev[-1] == '\n')
                prev--;
            if (prev < ps && prev > text) {
                prev = para_start (text, prev - 1);
                if (!g_ascii_strncasecmp (prev, "reporting-mta:", 14))
                    ps = prev;
            }
            return ps - text;
        }
        p = strchr (p, '\n');
        if (p)
            p++;
    }
    return -1;
}

void
ba_parts_walk (GMimeObject *obj, ba_parts_found *pf, int depth)
{
    GMimeContentType *ct;

    if (!obj || depth > MAX_DEPTH || pf->parts++ > MAX_PARTS)
        return;
    ct = g_mime_object_get_content_type (obj);

    if (GMIME_IS_MULTIPART (obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART (obj);
        if (is_type (ct, "multipart", "report")) {
            const char *rt = g_mime_content_type_get_parameter (ct, "report-type");
            if (rt && !g_ascii_strcasecmp (rt, "feedback-report"))
                pf->report_feedback = TRUE;
            if (rt && (!g_ascii_strcasecmp (rt, "delivery-status")
                       || !g_ascii_strcasecmp (rt, "global-delivery-status")))
                pf->report_dsn = TRUE;
        }
        for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
            ba_parts_walk (g_mime_multipart_get_part (mp, i), pf, depth + 1);
        /* boundary lines missing or not matching the header's: the whole
         * body is left in the prologue, and it is the notice */
        if (g_mime_multipart_get_count (mp) == 0 && !pf->notice) {
            const char *pro = g_mime_multipart_get_prologue (mp);
            if (pro && *pro)
                pf->notice = prologue_text (pro);
            pf->notice_cut = pro && strlen (pro) >= MAX_PART_TEXT;   /* cut here or by the reader */
        }
        return;
    }
    if (GMIME_IS_MESSAGE_PART (obj)) {
        GMimeMessage *m = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
        if (!pf->original && m) {
            pf->original = ba_returned_from_message (m);
            pf->original_part = obj;
        }
        return;
    }
    if (!GMIME_IS_PART (obj))
        return;
    if (ba_original_is_message (obj)) {
        /* a message GMime left unparsed (ba_original_register): its header block */
        if (!pf->original && (pf->original = ba_original_headers (obj)))
            pf->original_part = obj;
        return;
    }

    if (is_type (ct, "message", "delivery-status") || is_type (ct, "message", "global-delivery-status")
        || (is_type (ct, "text", "delivery-status"))) {
        if (!pf->dsn) {
            pf->dsn = part_text (obj, MAX_PART_TEXT);
            if (ba_part_longer_than (obj, MAX_PART_TEXT))
                pf->long_dsn = obj;
        }
    } else if (is_type (ct, "message", "feedback-report")) {
        if (!pf->feedback)
            pf->feedback = part_text (obj, MAX_PART_TEXT);
    } else if (is_type (ct, "text", "rfc822-headers") || is_type (ct, "message", "rfc822-headers")
               || is_type (ct, "message", "global-headers")) {
        if (!pf->headers)
            pf->headers = part_text (obj, MAX_PART_TEXT);
    } else if (is_type (ct, "message", "rfc822")) {
        /* left as a plain part (e.g. a bad encoding): its text still holds headers */
        if (!pf->headers)
            pf->headers = part_text (obj, MAX_PART_TEXT);
    } else if (is_type (ct, "text", "plain") || (!ct && depth == 0)) {
        if (!pf->notice) {
            pf->notice = part_text (obj, MAX_PART_TEXT);
            pf->notice_cut = ba_part_longer_than (obj, MAX_PART_TEXT);
        } else if (!pf->dsn) {
            /* a delivery-status part sent as text/plain ("details.txt") */
            char *t = part_text (obj, MAX_PART_TEXT), *unwrapped = ba_reading_unwrap (t);
            gssize at;
            if (unwrapped) {
                g_free (t);
                t = unwrapped;
            }
            at = ba_parts_dsn_offset (t);
            if (at >= 0)
                pf->dsn = g_strndup (t + at, ba_reading_fields_len (t + at));
            pf->dsn_cut = at >= 0 && ba_part_longer_than (obj, MAX_PART_TEXT);
            g_free (t);
        }
    } else if (is_type (ct, "text", "html")) {
        if (!pf->html)
            pf->html = part_text (obj, MAX_PART_TEXT);
    }
}

/* Crude but safe: drop tags, decode the few entities error texts use. */
char *
ba_html_to_text (const char *html)
{
    GString *out = g_string_new (NULL);
    gboolean in_tag = FALSE;
    for (const char *p = html; *p; p++) {
        if (in_tag) {
            if (*p == '>')
                in_tag = FALSE;
            continue;
        }
        if (*p == '<') {
            in_tag = TRUE;
            if (!g_ascii_strncasecmp (p, "<br", 3) || !g_ascii_strncasecmp (p, "<p", 2)
                || !g_ascii_strncasecmp (p, "</p", 3) || !g_ascii_strncasecmp (p, "<div", 4)
                || !g_ascii_strncasecmp (p, "<tr", 3) || !g_ascii_strncasecmp (p, "<li", 3))
                g_string_append_c (out, '\n');
            continue;
        }
        if (*p == '&') {
            static const struct { const char *e; char c; } ents[] = {
                { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' },
                { "&#39;", '\'' }, { "&nbsp;", ' ' }, { "&apos;", '\'' },
            };
            gboolean done = FALSE;
            for (guint i = 0; i < G_N_ELEMENTS (ents); i++) {
                gsize n = strlen (ents[i].e);
                if (!g_ascii_strncasecmp (p, ents[i].e, n)) {
                    g_string_append_c (out, ents[i].c);
                    p += n - 1;
                    done = TRUE;
                    break;
                }
            }
            if (done)
                continue;
        }
        g_string_append_c (out, *p);
    }
    return g_string_free (out, FALSE);
}
