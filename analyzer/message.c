/* message.c - one parsed message in, one ba_report out: decide what the
 * message is, collect its per-recipient facts (from the DSN part, or from
 * the notice text through a format description) and classify each. */
#define _GNU_SOURCE            /* memmem */
#include "classify.h"
#include "dsn.h"
#include "textbounce.h"
#include "command.h"
#include "notice.h"
#include "reading.h"
#include "util.h"

#include <stdarg.h>
#include <string.h>

/* Hostile-input bounds: the text we read of one part, the parts and depth
 * we walk, the recipients we keep of one message. */
#define MAX_PART_TEXT   (1024 * 1024)
#define MAX_PARTS       256
#define MAX_DEPTH       16
#define MAX_RECIPIENTS  10000
#define MAX_TEXT_SEEN   (4 * MAX_RECIPIENTS)    /* recipients of a notice counted, to say how many were dropped */
#define MAX_DSN_SCAN    (64 * 1024 * 1024)  /* a DSN part past MAX_PART_TEXT is read this far, block by block */
#define MAX_DIAGNOSTIC  4096

const char *
ba_kind_name (ba_kind kind)
{
    switch (kind) {
    case BA_KIND_DSN: return "dsn";
    case BA_KIND_BOUNCE: return "bounce";
    case BA_KIND_AUTOREPLY: return "autoreply";
    case BA_KIND_FEEDBACK: return "feedback";
    default: return "other";
    }
}

static void
recipient_free (ba_recipient *r)
{
    if (!r)
        return;
    g_free (r->recipient);
    g_free (r->original_recipient);
    g_free (r->action);
    g_free (r->reported_status);
    g_free (r->status);
    g_free (r->remote_mta);
    g_free (r->diagnostic);
    g_free (r->last_attempt);
    g_free (r->feedback_type);
    g_free (r->format);
    g_free (r->rule);
    if (r->captures)
        g_ptr_array_unref (r->captures);
    g_free (r->dnsbl);
    g_free (r->listed);
    g_free (r->advice);
    g_free (r);
}

void
ba_report_free (ba_report *report)
{
    if (!report)
        return;
    g_free (report->source);
    g_free (report->format);
    g_free (report->reporting_mta);
    g_free (report->date);
    g_free (report->from);
    g_free (report->subject);
    g_free (report->original.message_id);
    g_free (report->original.from);
    g_free (report->original.to);
    g_free (report->original.subject);
    g_free (report->original.date);
    g_ptr_array_unref (report->recipients);
    if (report->warnings)
        g_ptr_array_unref (report->warnings);
    g_free (report);
}

void
ba_report_warn (ba_report *report, const char *fmt, ...)
{
    va_list ap;
    /* a hostile message could otherwise grow the list without bound */
    if (report->warnings && report->warnings->len >= 32)
        return;
    if (!report->warnings)
        report->warnings = g_ptr_array_new_with_free_func (g_free);
    va_start (ap, fmt);
    g_ptr_array_add (report->warnings, g_strdup_vprintf (fmt, ap));
    va_end (ap);
}

/* ---- reading parts ------------------------------------------------------ */

/* Decoded, UTF-8 text of a leaf part: at most @max bytes of its encoded
 * content are read, so a huge attachment costs nothing. */
static char *
part_text (GMimeObject *obj, gsize max)
{
    GMimePart *part = GMIME_PART (obj);
    GMimeDataWrapper *w = g_mime_part_get_content (part);
    GMimeStream *src, *sub, *mem, *filtered;
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

    mem = g_mime_stream_mem_new ();
    filtered = g_mime_stream_filter_new (mem);
    switch (g_mime_data_wrapper_get_encoding (w)) {
    case GMIME_CONTENT_ENCODING_BASE64:
    case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
    case GMIME_CONTENT_ENCODING_UUENCODE: {
        GMimeFilter *f = g_mime_filter_basic_new (g_mime_data_wrapper_get_encoding (w), FALSE);
        g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), f);
        g_object_unref (f);
        break;
    }
    default:
        break;
    }
    charset = g_mime_object_get_content_type_parameter (obj, "charset");
    if (charset && g_ascii_strcasecmp (charset, "utf-8") && g_ascii_strcasecmp (charset, "us-ascii")) {
        GMimeFilter *f = g_mime_filter_charset_new (charset, "UTF-8");
        if (f) {
            g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), f);
            g_object_unref (f);
        }
    }
    g_mime_stream_write_to_stream (sub, filtered);
    g_mime_stream_flush (filtered);
    bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
    text = NULL;
    /* Japanese servers write ISO-2022-JP into parts that declare no
     * charset (a Diagnostic-Code of Lotus Domino): its escapes tell */
    if ((!charset || !g_ascii_strcasecmp (charset, "us-ascii")) && bytes->len
        && (memmem (bytes->data, bytes->len, "\033$B", 3) || memmem (bytes->data, bytes->len, "\033$@", 3)))
        text = g_convert_with_fallback ((const char *) bytes->data, bytes->len, "UTF-8", "ISO-2022-JP",
                                        "?", NULL, NULL, NULL);
    if (!text)
        text = bytes->len ? g_utf8_make_valid ((const char *) bytes->data, bytes->len) : g_strdup ("");
    g_object_unref (filtered);
    g_object_unref (mem);
    g_object_unref (sub);

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

/* Say what the recipient caps left out. */
static void
warn_dropped_blocks (ba_report *rep, const ba_dsn *dsn, gint64 size_cap)
{
    if (dsn->over_cap)
        ba_report_warn (rep, "recipients: %u kept, %u dropped past the cap of %d",
                        dsn->recipients->len, dsn->over_cap, MAX_RECIPIENTS);
    if (dsn->cut_block)
        ba_report_warn (rep, "recipients: 1 recipient block dropped, cut by the %d MiB size cap",
                        (int) (size_cap >> 20));
}

static gboolean
is_type (GMimeContentType *ct, const char *type, const char *subtype)
{
    return ct && g_mime_content_type_is_type (ct, type, subtype);
}

typedef struct {
    char *dsn;                  /* message/delivery-status body */
    char *feedback;             /* message/feedback-report body */
    char *notice;               /* first text/plain outside the original */
    char *html;                 /* first text/html, when no text/plain */
    GMimeMessage *original;     /* from message/rfc822 (borrowed) */
    GMimeObject *long_dsn;      /* the DSN part, when longer than MAX_PART_TEXT (borrowed) */
    gboolean notice_cut, dsn_cut;   /* the part their text came from was longer than MAX_PART_TEXT */
    char *headers;              /* text/rfc822-headers body */
    gboolean report_feedback;   /* multipart/report; report-type=feedback-report */
    gboolean report_dsn;        /* multipart/report; report-type=delivery-status */
    int parts;
} parts_found;

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

static gssize
dsn_offset (const char *text)
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

static void
walk (GMimeObject *obj, parts_found *pf, int depth)
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
            walk (g_mime_multipart_get_part (mp, i), pf, depth + 1);
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
        if (!pf->original && m)
            pf->original = m;
        return;
    }
    if (!GMIME_IS_PART (obj))
        return;

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
            at = dsn_offset (t);
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
static char *
html_to_text (const char *html)
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

/* ---- headers ------------------------------------------------------------ */

static char *
address_list (InternetAddressList *list)
{
    char *s;
    if (!list || internet_address_list_length (list) == 0)
        return NULL;
    s = internet_address_list_to_string (list, NULL, FALSE);
    if (s && !*s) {
        g_free (s);
        return NULL;
    }
    return s;
}

/* The first addr-spec of a header's address list, or NULL. */
static char *
first_mailbox (InternetAddressList *list)
{
    for (int i = 0; list && i < internet_address_list_length (list); i++) {
        InternetAddress *ia = internet_address_list_get_address (list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX (ia))
            return g_strdup (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)));
    }
    return NULL;
}

static char *
message_date_iso (GMimeMessage *m)
{
    GDateTime *dt = g_mime_message_get_date (m);
    if (dt)
        return ba_iso_date (dt);
    {
        const char *raw = g_mime_object_get_header (GMIME_OBJECT (m), "Date");
        return raw ? ba_rfc5322_to_iso (raw) : NULL;
    }
}

static void
fill_original (ba_original *o, GMimeMessage *m)
{
    const char *s;
    if (!m)
        return;
    if (!o->message_id && (s = g_mime_message_get_message_id (m)) && *s)
        o->message_id = g_strdup (s);
    if (!o->from)
        o->from = address_list (g_mime_message_get_from (m));
    if (!o->to)
        o->to = address_list (g_mime_message_get_to (m));
    if (!o->subject && (s = g_mime_message_get_subject (m)))
        o->subject = ba_collapse_ws (s);
    if (!o->date)
        o->date = message_date_iso (m);
}

/* Parse a block of header text (text/rfc822-headers, an inline copy). */
static GMimeMessage *
parse_headers_text (const char *text, gsize len)
{
    GMimeStream *mem;
    GMimeParser *parser;
    GMimeMessage *m;
    GString *buf = g_string_new_len (text, MIN (len, 256 * 1024));

    /* skip leading blank lines, end the header block */
    while (buf->len && (buf->str[0] == '\n' || buf->str[0] == ' ' || buf->str[0] == '\t')) {
        g_string_erase (buf, 0, 1);
    }
    g_string_append (buf, "\n\n");
    mem = g_mime_stream_mem_new_with_buffer (buf->str, buf->len);
    parser = g_mime_parser_new_with_stream (mem);
    m = g_mime_parser_construct_message (parser, NULL);
    g_object_unref (parser);
    g_object_unref (mem);
    g_string_free (buf, TRUE);
    return m;
}

/* The message's headers as "Name: value" lines, for detect-header. */
static char *
header_block (GMimeObject *obj)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list (obj);
    GString *s = g_string_new (NULL);
    int n = hl ? g_mime_header_list_get_count (hl) : 0;
    for (int i = 0; i < n && s->len < 65536; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at (hl, i);
        const char *v = g_mime_header_get_value (h);
        char *cv = ba_collapse_ws (v ? v : "");
        g_string_append_printf (s, "%s: %s\n", g_mime_header_get_name (h), cv);
        g_free (cv);
    }
    return g_string_free (s, FALSE);
}

/* ---- recipients --------------------------------------------------------- */

static ba_recipient *
recipient_new (void)
{
    return g_new0 (ba_recipient, 1);
}

/* Length of an RFC 3463 status at @p followed by a space, or 0. */
static gsize
status_len (const char *p)
{
    const char *q = p;
    if (*q != '2' && *q != '4' && *q != '5')
        return 0;
    q++;
    for (int part = 0; part < 2; part++) {
        int digits = 0;
        if (*q++ != '.')
            return 0;
        while (g_ascii_isdigit (*q) && digits < 4) {
            q++;
            digits++;
        }
        if (digits == 0 || digits > 3)
            return 0;
    }
    return *q == ' ' ? (gsize) (q - p) : 0;
}

/* A multi-line SMTP reply quoted on one line repeats its code on every
 * line: "550-5.1.1 The email account ... Please try 550-5.1.1 double-checking
 * ... 550 5.1.1 https://...".  Keep the first code, drop the repeats, so
 * the server's sentence reads whole.  In place; the text only shrinks. */
static void
unfold_reply (char *text)
{
    char *p = text, *w, *r;
    char code[4];
    gsize slen;

    /* the first "4NN-" or "5NN-" that starts a reply */
    for (; *p; p++)
        if ((*p == '4' || *p == '5') && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2])
            && p[3] == '-' && (p == text || strchr (" :;'\"(<[", p[-1])))
            break;
    if (!*p)
        return;
    memcpy (code, p, 3);
    code[3] = '\0';
    p[3] = ' ';
    slen = status_len (p + 4);
    w = r = p + 4 + (slen ? slen + 1 : 0);
    while (*r) {
        if (r[-1] == ' ' && !strncmp (r, code, 3) && (r[3] == '-' || r[3] == ' ')
            && (!slen || (!strncmp (r + 4, p + 4, slen) && r[4 + slen] == ' '))) {
            r += 4 + (slen ? slen + 1 : 0);
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}

static void
set_diagnostic (ba_recipient *r, const char *text)
{
    char *decoded, *collapsed;
    g_free (r->diagnostic);
    r->diagnostic = NULL;
    if (!text || !*text)
        return;
    /* a few MTAs put RFC 2047 encoded words into Diagnostic-Code */
    decoded = strstr (text, "=?") ? g_mime_utils_header_decode_text (NULL, text) : g_strdup (text);
    collapsed = ba_collapse_ws (decoded);
    unfold_reply (collapsed);
    r->diagnostic = ba_strndup_utf8 (collapsed, MAX_DIAGNOSTIC);
    g_free (decoded);
    g_free (collapsed);
    if (!*r->diagnostic)
        g_clear_pointer (&r->diagnostic, g_free);
}

/* The status code the remote server gave in @text: the last specific
 * one (a reply quoted inside a summary, "554 4.4.7 Message expired ...
 * <421 4.4.2 Connection timed out>", is the cause), else the last one. */
static gboolean
remote_status (const char *text, char out[16])
{
    char st[16];
    gboolean any = FALSE, specific = FALSE;
    const char *p = text;

    for (int n = 0; p && n < 64 && ba_find_status (p, st); n++) {
        const char *at = strstr (p, st);
        gboolean sp = !g_str_has_suffix (st, ".0.0");
        if (sp || !specific) {
            memcpy (out, st, sizeof st);
            specific = sp;
        }
        any = TRUE;
        p = at ? at + strlen (st) : NULL;
    }
    return any;
}

char *
ba_status_before_rules (const char *reported, const char *diagnostic)
{
    char found[16];
    gboolean text = diagnostic && remote_status (diagnostic, found);
    if (text && !(reported && !g_str_has_suffix (reported, ".0.0") && g_str_has_suffix (found, ".0.0")))
        return g_strdup (found);
    return g_strdup (reported);
}

/* Status and reply code from what the bounce says, before any rule.  The
 * remote server's code, when the error text has one, is more precise than
 * the reporting MTA's summary ("4.4.7" for a delivery given up, "5.0.0"). */
static void
settle_codes (ba_recipient *r)
{
    if (r->reported_status && !ba_status_valid (r->reported_status)) {
        char st[16];
        if (ba_find_status (r->reported_status, st)) {
            g_free (r->reported_status);
            r->reported_status = g_strdup (st);
        } else {
            g_clear_pointer (&r->reported_status, g_free);
        }
    }
    g_free (r->status);
    r->status = ba_status_before_rules (r->reported_status, r->diagnostic);
    if (!r->smtp_code && r->diagnostic)
        r->smtp_code = ba_find_reply_code (r->diagnostic);
}

static void
add_text_recipients (ba_report *rep, GPtrArray *found, const char *action)
{
    if (found->len > MAX_RECIPIENTS)
        ba_report_warn (rep, "recipients: %d kept, %s%u dropped past the cap of %d", MAX_RECIPIENTS,
                        found->len >= MAX_TEXT_SEEN ? "at least " : "", found->len - MAX_RECIPIENTS,
                        MAX_RECIPIENTS);
    for (guint i = 0; i < found->len && rep->recipients->len < MAX_RECIPIENTS; i++) {
        ba_text_recipient *t = g_ptr_array_index (found, i);
        ba_recipient *r = recipient_new ();
        r->recipient = g_strdup (t->recipient);
        r->action = t->action ? g_ascii_strdown (t->action, -1) : g_strdup (action);
        r->reported_status = g_strdup (t->status);
        r->feedback_type = t->feedback_type ? g_ascii_strdown (t->feedback_type, -1) : NULL;
        if (r->feedback_type) {
            g_free (r->action);
            r->action = g_strdup ("feedback");
        }
        set_diagnostic (r, t->diagnostic->str);
        r->remote_mta = g_strdup (t->remote_mta);
        g_ptr_array_add (rep->recipients, r);
    }
}

static ba_text_recipient *
find_text (GPtrArray *found, const char *address)
{
    for (guint i = 0; found && address && i < found->len; i++) {
        ba_text_recipient *t = g_ptr_array_index (found, i);
        if (!g_ascii_strcasecmp (t->recipient, address))
            return t;
    }
    return NULL;
}

static GPtrArray *failed_recipients_header (GMimeMessage *msg);

/* Does @text carry a failure code: a 4xx/5xx reply or a status? ("255",
 * a program's exit code, does not.) */
static gboolean
failure_code (const char *text)
{
    char st[16];
    return ba_find_reply_code (text) >= 400 || ba_find_status (text, st);
}

/* A Final-Recipient that is a file or a pipe ("/var/mail/u", "|prog"):
 * the address that led to it, from X-Failed-Recipients, when that names
 * one no other recipient of the DSN has. */
static void
address_for_local_delivery (ba_report *rep, ba_recipient *r, GPtrArray *hdr)
{
    if (!hdr || ba_notice_usable_address (r->recipient))
        return;
    for (guint i = 0; i < hdr->len && i < 64; i++) {
        ba_text_recipient *t = g_ptr_array_index (hdr, i);
        gboolean used = !ba_notice_usable_address (t->recipient);
        for (guint j = 0; j < rep->recipients->len && !used; j++) {
            ba_recipient *o = g_ptr_array_index (rep->recipients, j);
            used = o->recipient && !g_ascii_strcasecmp (o->recipient, t->recipient);
        }
        if (!used) {
            if (*r->recipient) {
                g_free (r->original_recipient);
                r->original_recipient = r->recipient;
            } else {
                g_free (r->recipient);
            }
            r->recipient = g_strdup (t->recipient);
            break;
        }
    }
}

/* The recipients of a DSN.  A recipient whose Final-Recipient is no
 * address (a pipe, a file, "@host", empty, missing) is the Original-Recipient,
 * else one X-Failed-Recipients names, else one the notice names. */
static void
from_dsn (ba_context *ctx, ba_report *rep, ba_dsn *dsn, GPtrArray *text_found, GMimeMessage *msg,
          GMimeMessage *original, const char *notice)
{
    const char *v;
    GPtrArray *hdr = NULL, *gen = NULL;
    gboolean hdr_read = FALSE;
    int local_tries = 0;

    if ((v = ba_dsn_get (dsn->message, "reporting-mta"))) {
        g_free (rep->reporting_mta);
        rep->reporting_mta = ba_dsn_strip_type (v, FALSE);
    }
    for (guint i = 0; i < dsn->recipients->len && rep->recipients->len < MAX_RECIPIENTS; i++) {
        GHashTable *f = g_ptr_array_index (dsn->recipients, i);
        ba_recipient *r = recipient_new ();
        ba_text_recipient *t;

        if ((v = ba_dsn_get (f, "final-recipient")))
            r->recipient = ba_notice_dsn_address (v);
        if ((v = ba_dsn_get (f, "original-recipient")))
            r->original_recipient = ba_notice_dsn_address (v);
        /* a local delivery may name a user without a domain, but never garbage */
        if (r->recipient && !ba_address_plausible (r->recipient, FALSE))
            g_clear_pointer (&r->recipient, g_free);
        if (r->original_recipient && !ba_address_plausible (r->original_recipient, FALSE))
            g_clear_pointer (&r->original_recipient, g_free);
        if (!ba_notice_usable_address (r->recipient) && ba_notice_usable_address (r->original_recipient)) {
            char *final = r->recipient;
            r->recipient = g_strdup (r->original_recipient);
            g_free (final);
        }
        /* a block that says what happened but not to whom: the header or
         * the notice may tell */
        if (!r->recipient && (ba_dsn_get (f, "action") || ba_dsn_get (f, "status")))
            r->recipient = g_strdup ("");
        if ((v = ba_dsn_get (f, "action")))
            r->action = g_ascii_strdown (v, -1);
        if ((v = ba_dsn_get (f, "status")))
            r->reported_status = g_strdup (v);
        if ((v = ba_dsn_get (f, "remote-mta")))
            r->remote_mta = ba_dsn_strip_type (v, FALSE);
        if ((v = ba_dsn_get (f, "diagnostic-code"))) {
            char *d = ba_dsn_strip_type (v, FALSE);
            set_diagnostic (r, d);
            g_free (d);
        }
        if ((v = ba_dsn_get (f, "last-attempt-date")))
            r->last_attempt = ba_rfc5322_to_iso (v);
        if (!r->recipient) {
            recipient_free (r);
            continue;
        }
        /* the header is read once, and only for a few such recipients */
        if (!ba_notice_usable_address (r->recipient) && local_tries++ < 16) {
            if (!hdr_read) {
                hdr = msg ? failed_recipients_header (msg) : NULL;
                hdr_read = TRUE;
            }
            address_for_local_delivery (rep, r, hdr);
            address_for_local_delivery (rep, r, text_found);
            if (!ba_notice_usable_address (r->recipient) && ctx && msg) {
                if (!gen)
                    gen = ba_notice_read_message (ctx, msg, original, notice, TRUE, 64);
                address_for_local_delivery (rep, r, gen);
            }
        }
        if (!*r->recipient) {
            recipient_free (r);
            continue;
        }
        /* a DSN without diagnostic text: take the notice's words */
        t = find_text (text_found, r->recipient);
        if (!t && text_found && text_found->len == 1 && dsn->recipients->len == 1)
            t = g_ptr_array_index (text_found, 0);
        if (t && t->diagnostic->len) {
            if (!r->diagnostic)
                set_diagnostic (r, t->diagnostic->str);
            else if (!failure_code (r->diagnostic) && failure_code (t->diagnostic->str)) {
                /* the notice's words, which may already hold the DSN's */
                char *both = strstr (t->diagnostic->str, r->diagnostic)
                    ? g_strdup (t->diagnostic->str)
                    : g_strconcat (r->diagnostic, " ", t->diagnostic->str, NULL);
                set_diagnostic (r, both);
                g_free (both);
            }
        }
        if (!r->remote_mta && t && t->remote_mta)
            r->remote_mta = g_strdup (t->remote_mta);
        if (!r->reported_status && t && t->status)
            r->reported_status = g_strdup (t->status);
        /* no words in the DSN nor from a format: the generic reader's */
        if (!r->diagnostic && ctx && msg) {
            if (!gen)
                gen = ba_notice_read_message (ctx, msg, original, notice, TRUE, 64);
            for (guint j = 0; j < gen->len && !r->diagnostic; j++) {
                ba_text_recipient *g = g_ptr_array_index (gen, j);
                if (!g_ascii_strcasecmp (g->recipient, r->recipient) && g->diagnostic->len)
                    set_diagnostic (r, g->diagnostic->str);
            }
        }
        /* no words at all: the comment of "Status: 4.0.0 (host name lookup
         * failure)" is the reporting MTA's */
        if (!r->diagnostic && r->reported_status) {
            const char *open = strchr (r->reported_status, '('), *close;
            if (open && (close = strrchr (open, ')')) && close > open + 1) {
                char *comment = g_strndup (open + 1, close - open - 1);
                set_diagnostic (r, comment);
                g_free (comment);
            }
        }
        g_ptr_array_add (rep->recipients, r);
    }
    if (hdr)
        g_ptr_array_unref (hdr);
    if (gen)
        g_ptr_array_unref (gen);
}

/* A feedback report field, wherever its block landed (a report that
 * names Original-Rcpt-To looks like a recipient block to the parser). */
static const char *
feedback_get (ba_dsn *fb, const char *field)
{
    const char *v = ba_dsn_get (fb->message, field);
    for (guint i = 0; !v && i < fb->recipients->len; i++)
        v = ba_dsn_get (g_ptr_array_index (fb->recipients, i), field);
    return v;
}

static ba_recipient *
feedback_recipient (ba_dsn *fb, const char *address)
{
    ba_recipient *r = recipient_new ();
    const char *type = feedback_get (fb, "feedback-type");
    const char *ua = feedback_get (fb, "user-agent");
    const char *src = feedback_get (fb, "source-ip");
    char *d;

    r->recipient = g_strdup (address);
    r->feedback_type = g_ascii_strdown (type ? type : "other", -1);
    r->action = g_strdup ("feedback");
    d = g_strdup_printf ("Feedback-Type: %s%s%s%s%s", r->feedback_type,
                         ua ? "; User-Agent: " : "", ua ? ua : "",
                         src ? "; Source-IP: " : "", src ? src : "");
    set_diagnostic (r, d);
    g_free (d);
    return r;
}

static void
from_feedback (ba_report *rep, ba_dsn *fb, const char *raw)
{
    const char *v;
    char *addr = NULL;

    /* every Original-Rcpt-To line: a report may name several */
    for (const char *p = raw; p && *p && rep->recipients->len < 100;) {
        const char *nl = strchr (p, '\n');
        if (!g_ascii_strncasecmp (p, "original-rcpt-to:", 17)) {
            char *line = g_strndup (p + 17, nl ? (gsize) (nl - p - 17) : strlen (p + 17));
            char *a = ba_dsn_strip_type (g_strstrip (line), TRUE);
            if (ba_address_plausible (a, TRUE))
                g_ptr_array_add (rep->recipients, feedback_recipient (fb, a));
            g_free (a);
            g_free (line);
        }
        p = nl ? nl + 1 : NULL;
    }
    if (rep->recipients->len == 0) {
        if ((v = feedback_get (fb, "removal-recipient")))
            addr = ba_dsn_strip_type (v, TRUE);
        if (addr && !ba_address_plausible (addr, TRUE))
            g_clear_pointer (&addr, g_free);
        /* else the original's addressee, when it is an address */
        if (!addr && rep->original.to && strchr (rep->original.to, '@'))
            addr = g_strdup (rep->original.to);
        /* (not the report's own To: that is the sender's abuse desk) */
        g_ptr_array_add (rep->recipients, feedback_recipient (fb, addr ? addr : ""));
        g_free (addr);
    }
    if ((v = feedback_get (fb, "reporting-mta"))) {
        g_free (rep->reporting_mta);
        rep->reporting_mta = ba_dsn_strip_type (v, FALSE);
    }
}

/* X-Failed-Recipients (Exim and others): the addresses that failed. */
static GPtrArray *
failed_recipients_header (GMimeMessage *msg)
{
    GPtrArray *out = NULL;
    const char *v = g_mime_object_get_header (GMIME_OBJECT (msg), "X-Failed-Recipients");
    char **parts;

    if (!v)
        return NULL;
    GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    parts = g_strsplit_set (v, ",; \t\r\n", -1);
    for (int i = 0; parts[i]; i++) {
        char *a = g_strstrip (parts[i]);
        if (*a == '<')
            a++;
        gsize n = strlen (a);
        if (n && a[n - 1] == '>')
            a[n - 1] = '\0';
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

/* For a header-only fallback: the notice line that mentions the address
 * (or, failing that, the first line with an SMTP code). */
static void
diagnose_from_notice (GPtrArray *found, const char *notice)
{
    char **lines;
    if (!notice)
        return;
    lines = g_strsplit (notice, "\n", 2000);
    for (guint i = 0; i < found->len; i++) {
        ba_text_recipient *t = g_ptr_array_index (found, i);
        const char *pick = NULL;
        if (t->diagnostic->len)
            continue;
        for (int j = 0; lines[j] && !pick; j++)
            if (ba_find_reply_code (lines[j]) && strstr (lines[j], t->recipient))
                pick = lines[j];
        for (int j = 0; lines[j] && !pick; j++)
            if (ba_find_reply_code (lines[j]))
                pick = lines[j];
        if (pick)
            g_string_assign (t->diagnostic, pick);
    }
    g_strfreev (lines);
}

/* ---- the stage ---------------------------------------------------------- */

static ba_report *analyze (ba_context *ctx, GMimeMessage *msg, const char *source,
                           gint64 offset, int depth);

/* A lower-case copy for the literal prefilter (a plain loop: this runs
 * over every notice). */
static char *
ascii_lower (const char *s)
{
    gsize n = strlen (s);
    char *out = g_malloc (n + 1);
    for (gsize i = 0; i < n; i++)
        out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i];
    out[n] = '\0';
    return out;
}

/* A bounce forwarded to us (a postmaster passing it on, a helpdesk
 * ticket): the returned message is itself the bounce.  Adopt what the
 * inner analysis found, keeping our own source and offset. */
static gboolean
adopt_forwarded (ba_context *ctx, ba_report *rep, GMimeMessage *inner, int depth)
{
    ba_report *in;
    gboolean ok;

    if (!inner || depth >= 2)
        return FALSE;
    in = analyze (ctx, inner, rep->source, rep->offset, depth + 1);
    ok = (in->kind == BA_KIND_DSN || in->kind == BA_KIND_BOUNCE || in->kind == BA_KIND_FEEDBACK
          || in->kind == BA_KIND_AUTOREPLY)
        && in->recipients->len > 0;
    if (ok) {
        GPtrArray *t = rep->recipients;
        rep->recipients = in->recipients;
        in->recipients = t;
        rep->kind = in->kind;
        g_free (rep->format);
        rep->format = g_strdup_printf ("forwarded+%s", in->format ? in->format : "");
        if (!rep->reporting_mta)
            rep->reporting_mta = g_steal_pointer (&in->reporting_mta);
        rep->original = in->original;
        memset (&in->original, 0, sizeof in->original);
    }
    ba_report_free (in);
    return ok;
}

/* A bounce pasted into the notice as text (headers and body), after a
 * line of dashes, an mbox "From " line or a forwarding banner: parse it
 * as a message. */
static GMimeMessage *
embedded_message (const char *notice, gboolean banner_only)
{
    const char *p = notice;
    for (int lines = 0; p && *p && lines < 2000; lines++) {
        gboolean banner = ba_reading_forward_banner (p);
        if (banner || (!banner_only && (!strncmp (p, "From MAILER-DAEMON ", 19)
                                        || !g_ascii_strncasecmp (p, "Return-Path: <>", 15)))) {
            const char *body = p;
            GMimeStream *mem;
            GMimeParser *parser;
            GMimeMessage *m;
            if (*p == 'F' || banner)
                body = strchr (p, '\n') ? strchr (p, '\n') + 1 : p;
            while (banner && (*body == ' ' || *body == '\t' || *body == '\n'))
                body++;
            mem = g_mime_stream_mem_new_with_buffer (body, MIN (strlen (body), MAX_PART_TEXT));
            parser = g_mime_parser_new_with_stream (mem);
            m = g_mime_parser_construct_message (parser, NULL);
            g_object_unref (parser);
            g_object_unref (mem);
            return m;
        }
        p = strchr (p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

ba_report *
ba_analyze_message (ba_context *ctx, GMimeMessage *msg, const char *source, gint64 offset)
{
    ba_report *rep;
    GPtrArray *cut = msg ? g_object_get_data (G_OBJECT (msg), BA_READ_WARNINGS) : NULL;
    char **warnings;

    ba_context_begin (ctx);
    rep = analyze (ctx, msg, source, offset, 0);
    for (guint i = 0; cut && i < cut->len; i++)
        ba_report_warn (rep, "%s", (const char *) g_ptr_array_index (cut, i));
    for (guint i = 0; i < rep->recipients->len; i++) {
        ba_recipient *r = g_ptr_array_index (rep->recipients, i);
        settle_codes (r);
        g_free (r->format);
        r->format = g_strdup (rep->format);
        ba_classify (ctx, r, rep->date, NULL);
    }
    warnings = ba_context_warnings (ctx);
    for (int i = 0; warnings[i]; i++)
        ba_report_warn (rep, "%s", warnings[i]);
    g_strfreev (warnings);
    ba_context_end (ctx);
    return rep;
}

static ba_report *
analyze (ba_context *ctx, GMimeMessage *msg, const char *source, gint64 offset, int depth)
{
    ba_report *rep = g_new0 (ba_report, 1);
    parts_found pf = { 0 };
    GPtrArray *text_found = NULL, *weak_found = NULL;
    const ba_format *fmt = NULL, *autoreply = NULL, *weak_fmt = NULL;
    gssize weak_at = -1;
    char *weak_rmta = NULL;
    char *headers_text, *from_addr, *headers_lower, *original_headers = NULL;
    ba_detect_input din;
    ba_readings readings;
    int text_reading = 0, weak_reading = 0;
    gssize original_at = -1;
    const char *notice;

    rep->source = g_strdup (source);
    rep->offset = offset;
    rep->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) recipient_free);
    rep->kind = BA_KIND_OTHER;
    if (!msg)
        return rep;

    rep->date = message_date_iso (msg);
    rep->from = address_list (g_mime_message_get_from (msg));
    rep->subject = g_mime_message_get_subject (msg) ? ba_collapse_ws (g_mime_message_get_subject (msg)) : NULL;
    walk (g_mime_message_get_mime_part (msg), &pf, 0);
    if (!pf.notice && pf.html) {
        pf.notice = html_to_text (pf.html);
    }
    if (pf.notice) {
        char *unwrapped = ba_reading_unwrap (pf.notice);
        if (unwrapped) {
            g_free (pf.notice);
            pf.notice = unwrapped;
        }
    }
    notice = pf.notice ? pf.notice : "";
    if (!pf.dsn) {
        /* a DSN pasted into the notice, or a multipart that lost its parts */
        gssize at = dsn_offset (notice);
        if (at >= 0)
            pf.dsn = g_strndup (notice + at, ba_reading_fields_len (notice + at));
        pf.dsn_cut = at >= 0 && pf.notice_cut;
    }
    if (!pf.feedback && !pf.dsn) {
        /* a feedback report forwarded inline: its fields are in the text */
        gssize at = ba_reading_feedback_offset (notice);
        if (at >= 0)
            pf.feedback = g_strdup (notice + at);
    }
    /* a message forwarded inline by a mail client: what it forwards is
     * read first, the forwarder's own words are not the notice */
    if (depth < 2 && !pf.original) {
        GMimeMessage *em = embedded_message (notice, TRUE);
        if (em) {
            adopt_forwarded (ctx, rep, em, depth);
            g_object_unref (em);
        }
    }
    headers_text = header_block (GMIME_OBJECT (msg));
    from_addr = rep->from ? g_strdup (rep->from) : g_strdup ("");

    /* which format describes the notice, if any */
    headers_lower = ascii_lower (headers_text);
    din.headers = headers_text;
    din.headers_lower = headers_lower;
    din.subject = rep->subject;
    din.from = from_addr;
    /* the notice as it came, and as it was before a client re-wrapped it */
    ba_readings_init (&readings, notice);
    for (guint i = 0; i < ctx->set->formats->len && rep->kind == BA_KIND_OTHER; i++) {
        const ba_format *f = g_ptr_array_index (ctx->set->formats, i);
        gboolean detected = FALSE;
        for (int k = 0; k < readings.n && !detected; k++) {
            din.notice = readings.text[k];
            din.notice_lower = readings.lower[k];
            detected = ba_format_detect (ctx, f, &din);
        }
        if (!detected)
            continue;
        if (f->autoreply) {
            if (!autoreply)
                autoreply = f;
            continue;
        }
        char *rmta = NULL;
        gssize oat = -1;
        int reading = 0;
        if ((f->recipient_original->len || f->bare_recipient) && !original_headers && pf.original)
            original_headers = header_block (GMIME_OBJECT (pf.original));
        GPtrArray *found = ba_format_extract_readings (ctx, f, (const char *const *) readings.text,
                                                       readings.by_text, readings.n,
                                                       headers_text, original_headers, MAX_TEXT_SEEN,
                                                       &oat, &rmta, &reading);
        if (ba_text_found_only_original (found)) {
            /* the returned message's To is a last resort: a later format
             * may name the recipient in the notice itself */
            if (!weak_found) {
                weak_found = found;
                weak_fmt = f;
                weak_at = oat;
                weak_rmta = rmta;
                weak_reading = reading;
            } else {
                g_ptr_array_unref (found);
                g_free (rmta);
            }
            continue;
        }
        if (found->len > 0 || (pf.dsn && !fmt)) {
            if (text_found)
                g_ptr_array_unref (text_found);
            text_found = found;
            fmt = f;
            original_at = oat;
            text_reading = reading;
            if (!rep->reporting_mta)
                rep->reporting_mta = rmta;
            else
                g_free (rmta);
            if (found->len > 0)
                break;
        } else {
            g_ptr_array_unref (found);
            g_free (rmta);
        }
    }
    if (weak_found && !(text_found && text_found->len) && !(pf.dsn && fmt)) {
        if (text_found)
            g_ptr_array_unref (text_found);
        text_found = g_steal_pointer (&weak_found);
        fmt = weak_fmt;
        original_at = weak_at;
        text_reading = weak_reading;
        if (!rep->reporting_mta)
            rep->reporting_mta = g_steal_pointer (&weak_rmta);
    }
    if (weak_found)
        g_ptr_array_unref (weak_found);
    g_free (weak_rmta);

    /* offsets into the notice found by the format are offsets into the text it read */
    notice = readings.text[text_reading];

    /* what a format found without words, in a notice without a DSN: the
     * generic reader's */
    if (rep->kind == BA_KIND_OTHER && fmt && text_found && !pf.dsn)
        ba_notice_fill_texts (ctx, msg, pf.original, notice, text_found);

    if (rep->kind != BA_KIND_OTHER) {
        /* adopted from the message forwarded inline */
    } else if (pf.feedback || pf.report_feedback) {
        ba_dsn *fb = ba_dsn_parse (pf.feedback ? pf.feedback : "", pf.feedback ? strlen (pf.feedback) : 0, 16);
        rep->kind = BA_KIND_FEEDBACK;
        rep->format = g_strdup ("arf");
        fill_original (&rep->original, pf.original);
        if (pf.headers) {
            GMimeMessage *hm = parse_headers_text (pf.headers, strlen (pf.headers));
            fill_original (&rep->original, hm);
            if (hm)
                g_object_unref (hm);
        }
        from_feedback (rep, fb, pf.feedback ? pf.feedback : "");
        ba_dsn_free (fb);
    } else {
        if (pf.dsn) {
            ba_dsn *dsn = pf.long_dsn ? ba_dsn_parse_part (pf.long_dsn, MAX_RECIPIENTS, MAX_DSN_SCAN)
                : ba_dsn_parse_cut (pf.dsn, strlen (pf.dsn), MAX_RECIPIENTS, pf.dsn_cut);
            warn_dropped_blocks (rep, dsn, pf.long_dsn ? MAX_DSN_SCAN : MAX_PART_TEXT);
            from_dsn (ctx, rep, dsn, text_found, msg, pf.original, notice);
            ba_dsn_free (dsn);
            if (rep->recipients->len) {
                rep->kind = BA_KIND_DSN;
                rep->format = g_strdup_printf ("dsn%s%s", fmt ? "+" : "", fmt ? fmt->id : "");
            }
        }
        if (rep->kind == BA_KIND_OTHER && text_found && text_found->len) {
            rep->kind = BA_KIND_BOUNCE;
            rep->format = g_strdup (fmt->id);
            add_text_recipients (rep, text_found, fmt->action);
            ba_notice_settle_delay (ctx, rep, text_found, fmt->action, notice);
            for (guint i = 0; i < rep->recipients->len; i++)
                if (((ba_recipient *) g_ptr_array_index (rep->recipients, i))->feedback_type)
                    rep->kind = BA_KIND_FEEDBACK;
        }
        if (rep->kind == BA_KIND_OTHER && !autoreply && !adopt_forwarded (ctx, rep, pf.original, depth)) {
            GMimeMessage *em = depth < 2 ? embedded_message (notice, FALSE) : NULL;
            if (em) {
                adopt_forwarded (ctx, rep, em, depth);
                g_object_unref (em);
            }
        }
        if (rep->kind == BA_KIND_OTHER) {
            /* no format read it: the wording MTAs share, and X-Failed-Recipients
             * (an Auto-Submitted bounce from an unknown sender may look like
             * an autoreply: the reader's From/Subject test decides) */
            GPtrArray *hdr = autoreply ? NULL : failed_recipients_header (msg);
            GPtrArray *gen = ba_notice_read_message (ctx, msg, pf.original, notice, FALSE, MAX_RECIPIENTS);
            if (hdr) {
                const char *action = ba_notice_action (ctx, notice, rep->subject);
                for (guint i = 0; i < hdr->len; i++) {
                    ba_text_recipient *t = g_ptr_array_index (hdr, i), *g = find_text (gen, t->recipient);
                    if (g)
                        g_string_assign (t->diagnostic, g->diagnostic->str);
                }
                diagnose_from_notice (hdr, notice);
                /* one address and still no words: the notice's own */
                if (hdr->len == 1 && !((ba_text_recipient *) hdr->pdata[0])->diagnostic->len) {
                    char *words = ba_notice_words (ctx, notice, 1000);
                    g_string_assign (((ba_text_recipient *) hdr->pdata[0])->diagnostic, words);
                    g_free (words);
                }
                rep->kind = BA_KIND_BOUNCE;
                rep->format = g_strdup ("x-failed-recipients");
                add_text_recipients (rep, hdr, action ? action : "failed");
                g_ptr_array_unref (hdr);
            } else if (gen && gen->len) {
                rep->kind = BA_KIND_BOUNCE;
                rep->format = g_strdup ("notice");
                add_text_recipients (rep, gen, "failed");
            }
            if (gen)
                g_ptr_array_unref (gen);
        }
        if (rep->kind == BA_KIND_OTHER && autoreply) {
            ba_recipient *r = recipient_new ();
            char *first;
            rep->kind = BA_KIND_AUTOREPLY;
            rep->format = g_strdup (autoreply->id);
            r->recipient = first_mailbox (g_mime_message_get_from (msg));
            if (!r->recipient)
                r->recipient = g_strdup ("");
            r->action = g_strdup ("vacation");
            first = ba_strndup_utf8 (notice, 300);
            set_diagnostic (r, *first ? first : rep->subject);
            g_free (first);
            g_ptr_array_add (rep->recipients, r);
        }

        if (rep->kind != BA_KIND_OTHER && rep->kind != BA_KIND_AUTOREPLY) {
            fill_original (&rep->original, pf.original);
            if (pf.headers) {
                GMimeMessage *hm = parse_headers_text (pf.headers, strlen (pf.headers));
                fill_original (&rep->original, hm);
                if (hm)
                    g_object_unref (hm);
            }
            if (original_at >= 0 && (gsize) original_at < strlen (notice)) {
                GMimeMessage *im = parse_headers_text (notice + original_at, strlen (notice + original_at));
                fill_original (&rep->original, im);
                if (im)
                    g_object_unref (im);
            }
        }
    }
    if (rep->kind == BA_KIND_AUTOREPLY)
        fill_original (&rep->original, pf.original);

    /* the SMTP command refused, while the notice's words are at hand
     * (the notice before the returned message: the MTA's words) */
    if (rep->recipients->len) {
        gsize nlen = original_at >= 0 ? MIN ((gsize) original_at, strlen (notice)) : strlen (notice);
        ba_command_scan *scan = ba_command_scan_new (ctx, notice, nlen, rep->recipients->len == 1);
        for (guint i = 0; i < rep->recipients->len; i++) {
            ba_recipient *r = g_ptr_array_index (rep->recipients, i);
            ba_text_recipient *t = find_text (text_found, r->recipient);
            ba_command_settle (ctx, r, t ? t->diagnostic->str : NULL, scan,
                               rep->recipients->len == 1,
                               fmt && rep->kind != BA_KIND_AUTOREPLY ? fmt->command : NULL);
        }
        ba_command_scan_free (scan);
    }

    if (text_found)
        g_ptr_array_unref (text_found);
    g_free (headers_text);
    ba_readings_clear (&readings);
    g_free (headers_lower);
    g_free (original_headers);
    g_free (from_addr);
    g_free (pf.dsn);
    g_free (pf.feedback);
    g_free (pf.notice);
    g_free (pf.html);
    g_free (pf.headers);
    return rep;
}
