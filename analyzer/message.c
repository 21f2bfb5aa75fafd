/* message.c - one parsed message in, one ba_report out: decide what the
 * message is, collect its per-recipient facts (from the DSN part, or from
 * the notice text through a format description) and classify each. */
#include "classify.h"
#include "dsn.h"
#include "textbounce.h"
#include "util.h"

#include <string.h>

/* Hostile-input bounds: the text we read of one part, the parts and depth
 * we walk, the recipients we keep of one message. */
#define MAX_PART_TEXT   (1024 * 1024)
#define MAX_PARTS       256
#define MAX_DEPTH       16
#define MAX_RECIPIENTS  10000
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
    g_free (report);
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
    char *headers;              /* text/rfc822-headers body */
    gboolean report_feedback;   /* multipart/report; report-type=feedback-report */
    gboolean report_dsn;        /* multipart/report; report-type=delivery-status */
    int parts;
} parts_found;

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
        if (!pf->dsn)
            pf->dsn = part_text (obj, MAX_PART_TEXT);
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
        if (!pf->notice)
            pf->notice = part_text (obj, MAX_PART_TEXT);
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
    r->diagnostic = ba_strndup_utf8 (collapsed, MAX_DIAGNOSTIC);
    g_free (decoded);
    g_free (collapsed);
    if (!*r->diagnostic)
        g_clear_pointer (&r->diagnostic, g_free);
}

/* Status and reply code from what the bounce says, before any rule. */
static void
settle_codes (ba_recipient *r)
{
    char found[16];
    gboolean have_text_status = r->diagnostic && ba_find_status (r->diagnostic, found);

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
    if (r->reported_status && !(g_str_has_suffix (r->reported_status, ".0.0") && have_text_status
                                && found[0] == r->reported_status[0]))
        r->status = g_strdup (r->reported_status);
    else if (have_text_status)
        r->status = g_strdup (found);
    else
        r->status = NULL;
    if (!r->smtp_code && r->diagnostic)
        r->smtp_code = ba_find_reply_code (r->diagnostic);
}

static void
add_text_recipients (ba_report *rep, GPtrArray *found, const char *action)
{
    for (guint i = 0; i < found->len && rep->recipients->len < MAX_RECIPIENTS; i++) {
        ba_text_recipient *t = g_ptr_array_index (found, i);
        ba_recipient *r = recipient_new ();
        r->recipient = g_strdup (t->recipient);
        r->action = g_strdup (action);
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

static void
from_dsn (ba_report *rep, ba_dsn *dsn, GPtrArray *text_found)
{
    const char *v;

    if ((v = ba_dsn_get (dsn->message, "reporting-mta")))
        rep->reporting_mta = ba_dsn_strip_type (v, FALSE);
    for (guint i = 0; i < dsn->recipients->len && rep->recipients->len < MAX_RECIPIENTS; i++) {
        GHashTable *f = g_ptr_array_index (dsn->recipients, i);
        ba_recipient *r = recipient_new ();
        ba_text_recipient *t;

        if ((v = ba_dsn_get (f, "final-recipient")))
            r->recipient = ba_dsn_strip_type (v, TRUE);
        if ((v = ba_dsn_get (f, "original-recipient")))
            r->original_recipient = ba_dsn_strip_type (v, TRUE);
        if ((!r->recipient || !strchr (r->recipient, '@')) && r->original_recipient
            && strchr (r->original_recipient, '@')) {
            g_free (r->recipient);
            r->recipient = g_strdup (r->original_recipient);
        }
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
        /* a DSN without diagnostic text: take the notice's words */
        t = find_text (text_found, r->recipient);
        if (!t && text_found && text_found->len == 1 && dsn->recipients->len == 1)
            t = g_ptr_array_index (text_found, 0);
        if (t && t->diagnostic->len) {
            if (!r->diagnostic)
                set_diagnostic (r, t->diagnostic->str);
            else if (!ba_find_reply_code (r->diagnostic) && ba_find_reply_code (t->diagnostic->str)
                     && !strstr (t->diagnostic->str, r->diagnostic)) {
                char *both = g_strconcat (r->diagnostic, " ", t->diagnostic->str, NULL);
                set_diagnostic (r, both);
                g_free (both);
            }
        }
        if (!r->remote_mta && t && t->remote_mta)
            r->remote_mta = g_strdup (t->remote_mta);
        g_ptr_array_add (rep->recipients, r);
    }
}

static void
from_feedback (ba_report *rep, ba_dsn *fb, GMimeMessage *msg)
{
    const char *type = ba_dsn_get (fb->message, "feedback-type");
    const char *rcpt = ba_dsn_get (fb->message, "original-rcpt-to");
    ba_recipient *r = recipient_new ();

    if (!rcpt)
        rcpt = ba_dsn_get (fb->message, "removal-recipient");
    r->recipient = rcpt ? ba_dsn_strip_type (rcpt, TRUE) : NULL;
    if (!r->recipient && rep->original.to)
        r->recipient = g_strdup (rep->original.to);
    if (!r->recipient)
        r->recipient = first_mailbox (g_mime_message_get_to (msg));
    r->feedback_type = g_ascii_strdown (type ? type : "other", -1);
    r->action = g_strdup ("feedback");
    {
        const char *ua = ba_dsn_get (fb->message, "user-agent");
        const char *src = ba_dsn_get (fb->message, "source-ip");
        char *d = g_strdup_printf ("Feedback-Type: %s%s%s%s%s", r->feedback_type,
                                   ua ? "; User-Agent: " : "", ua ? ua : "",
                                   src ? "; Source-IP: " : "", src ? src : "");
        set_diagnostic (r, d);
        g_free (d);
    }
    if ((type = ba_dsn_get (fb->message, "reporting-mta")))
        rep->reporting_mta = ba_dsn_strip_type (type, FALSE);
    g_ptr_array_add (rep->recipients, r);
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
    parts = g_strsplit_set (v, ",; \t\r\n", -1);
    for (int i = 0; parts[i]; i++) {
        char *a = g_strstrip (parts[i]);
        if (*a == '<')
            a++;
        gsize n = strlen (a);
        if (n && a[n - 1] == '>')
            a[n - 1] = '\0';
        if (!strchr (a, '@'))
            continue;
        if (!out)
            out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_text_recipient_free);
        if (find_text (out, a) || out->len >= MAX_RECIPIENTS)
            continue;
        ba_text_recipient *t = g_new0 (ba_text_recipient, 1);
        t->recipient = g_strdup (a);
        t->diagnostic = g_string_new (NULL);
        g_ptr_array_add (out, t);
    }
    g_strfreev (parts);
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

ba_report *
ba_analyze_message (ba_context *ctx, GMimeMessage *msg, const char *source, gint64 offset)
{
    ba_report *rep = g_new0 (ba_report, 1);
    parts_found pf = { 0 };
    GPtrArray *text_found = NULL;
    const ba_format *fmt = NULL, *autoreply = NULL;
    char *headers_text, *from_addr;
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
    notice = pf.notice ? pf.notice : "";
    headers_text = header_block (GMIME_OBJECT (msg));
    from_addr = rep->from ? g_strdup (rep->from) : g_strdup ("");

    /* which format describes the notice, if any */
    for (guint i = 0; i < ctx->set->formats->len; i++) {
        const ba_format *f = g_ptr_array_index (ctx->set->formats, i);
        if (!ba_format_detect (ctx, f, notice, headers_text, rep->subject, from_addr))
            continue;
        if (f->autoreply) {
            if (!autoreply)
                autoreply = f;
            continue;
        }
        char *rmta = NULL;
        gssize oat = -1;
        GPtrArray *found = ba_format_extract (ctx, f, notice, MAX_RECIPIENTS, &oat, &rmta);
        if (found->len > 0 || (pf.dsn && !fmt)) {
            if (text_found)
                g_ptr_array_unref (text_found);
            text_found = found;
            fmt = f;
            original_at = oat;
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

    if (pf.feedback || pf.report_feedback) {
        ba_dsn *fb = ba_dsn_parse (pf.feedback ? pf.feedback : "", pf.feedback ? strlen (pf.feedback) : 0, 16);
        rep->kind = BA_KIND_FEEDBACK;
        rep->format = g_strdup ("arf");
        fill_original (&rep->original, pf.original);
        from_feedback (rep, fb, msg);
        ba_dsn_free (fb);
    } else {
        if (pf.dsn) {
            ba_dsn *dsn = ba_dsn_parse (pf.dsn, strlen (pf.dsn), MAX_RECIPIENTS);
            from_dsn (rep, dsn, text_found);
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
        }
        if (rep->kind == BA_KIND_OTHER && !autoreply) {
            GPtrArray *hdr = failed_recipients_header (msg);
            if (hdr) {
                diagnose_from_notice (hdr, notice);
                rep->kind = BA_KIND_BOUNCE;
                rep->format = g_strdup ("x-failed-recipients");
                add_text_recipients (rep, hdr, "failed");
                g_ptr_array_unref (hdr);
            }
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

    for (guint i = 0; i < rep->recipients->len; i++) {
        ba_recipient *r = g_ptr_array_index (rep->recipients, i);
        settle_codes (r);
        ba_classify (ctx, r, rep->date, NULL);
    }

    if (text_found)
        g_ptr_array_unref (text_found);
    g_free (headers_text);
    g_free (from_addr);
    g_free (pf.dsn);
    g_free (pf.feedback);
    g_free (pf.notice);
    g_free (pf.html);
    g_free (pf.headers);
    return rep;
}
