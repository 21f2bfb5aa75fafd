/* message-recipients.c - per-recipient facts from a DSN, a feedback
 * report or a format's findings, with their status and diagnostic settled. */
#include "message-private.h"
#include "smtp-reply.h"

#include <string.h>


void
ba_recipient_free (ba_recipient *r)
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

/* Say what the recipient caps left out. */
void
ba_report_warn_dropped (ba_report *rep, const ba_dsn *dsn, gint64 size_cap)
{
    if (dsn->over_cap)
        ba_report_warn (rep, "recipients: %u kept, %u dropped past the cap of %d",
                        dsn->recipients->len, dsn->over_cap, MAX_RECIPIENTS);
    if (dsn->cut_block)
        ba_report_warn (rep, "recipients: 1 recipient block dropped, cut by the %d MiB size cap",
                        (int) (size_cap >> 20));
}


ba_recipient *
ba_recipient_new (void)
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

void
ba_recipient_set_diagnostic (ba_recipient *r, const char *text)
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
/* The host name alone of a Remote-MTA value ("mx.example [192.0.2.1]",
 * "mx.example (TCP|192.0.2.9|...)", "[192.0.2.1]"), in lower case, so that
 * one host is one row in a report; NULL when there is no name in it. */
static char *
remote_host (const char *value)
{
    const char *p = value, *end;

    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '[') {
        end = strchr (++p, ']');
        if (!end)
            return NULL;
    } else {
        end = p + strcspn (p, " \t([;,<>\"'");
    }
    while (end > p && end[-1] == '.')
        end--;
    return end > p ? g_ascii_strdown (p, end - p) : NULL;
}

void
ba_recipient_settle_codes (ba_recipient *r)
{
    if (r->remote_mta) {
        char *host = remote_host (r->remote_mta);
        if (host) {
            g_free (r->remote_mta);
            r->remote_mta = host;
        }
    }
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

void
ba_report_add_text_recipients (ba_report *rep, GPtrArray *found, const char *action)
{
    if (found->len > MAX_RECIPIENTS)
        ba_report_warn (rep, "recipients: %d kept, %s%u dropped past the cap of %d", MAX_RECIPIENTS,
                        found->len >= MAX_TEXT_SEEN ? "at least " : "", found->len - MAX_RECIPIENTS,
                        MAX_RECIPIENTS);
    for (guint i = 0; i < found->len && rep->recipients->len < MAX_RECIPIENTS; i++) {
        ba_text_recipient *t = g_ptr_array_index (found, i);
        ba_recipient *r = ba_recipient_new ();
        r->recipient = g_strdup (t->recipient);
        r->action = t->action ? g_ascii_strdown (t->action, -1) : g_strdup (action);
        r->reported_status = g_strdup (t->status);
        r->feedback_type = t->feedback_type ? g_ascii_strdown (t->feedback_type, -1) : NULL;
        if (r->feedback_type) {
            g_free (r->action);
            r->action = g_strdup ("feedback");
        }
        ba_recipient_set_diagnostic (r, t->diagnostic->str);
        r->remote_mta = g_strdup (t->remote_mta);
        g_ptr_array_add (rep->recipients, r);
    }
}

void
ba_report_add_permanent (ba_context *ctx, ba_report *rep, GMimeMessage *msg, InternetAddressList *original_from,
                         const char *notice)
{
    GPtrArray *gen = ba_notice_read_message (ctx, msg, original_from, notice, TRUE, MAX_RECIPIENTS);
    GPtrArray *add = g_ptr_array_new ();

    for (guint i = 0; i < gen->len; i++) {
        ba_text_recipient *g = g_ptr_array_index (gen, i);
        gboolean named = FALSE;
        if (g_strcmp0 (g->action, "failed"))
            continue;
        for (guint j = 0; j < rep->recipients->len && !named; j++)
            named = !g_ascii_strcasecmp (((ba_recipient *) rep->recipients->pdata[j])->recipient, g->recipient);
        if (!named)
            g_ptr_array_add (add, g);
    }
    if (add->len)
        ba_report_add_text_recipients (rep, add, "failed");
    g_ptr_array_unref (add);
    g_ptr_array_unref (gen);
}

ba_text_recipient *
ba_text_found_find (GPtrArray *found, const char *address)
{
    for (guint i = 0; found && address && i < found->len; i++) {
        ba_text_recipient *t = g_ptr_array_index (found, i);
        if (!g_ascii_strcasecmp (t->recipient, address))
            return t;
    }
    return NULL;
}

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

/* Is @r's address one an earlier block of the DSN named already (in any
 * case)?  Then that one keeps it, with @r's words when it had none. */
static gboolean
same_recipient_merged (ba_report *rep, ba_recipient *r)
{
    for (guint i = 0; i < rep->recipients->len; i++) {
        ba_recipient *o = g_ptr_array_index (rep->recipients, i);
        if (!o->recipient || g_ascii_strcasecmp (o->recipient, r->recipient))
            continue;
        if (!o->diagnostic && r->diagnostic)
            o->diagnostic = g_steal_pointer (&r->diagnostic);
        return TRUE;
    }
    return FALSE;
}

/* The recipients of a DSN.  A recipient whose Final-Recipient is no
 * address (a pipe, a file, "@host", empty, missing) is the Original-Recipient,
 * else one X-Failed-Recipients names, else one the notice names. */
void
ba_report_from_dsn (ba_context *ctx, ba_report *rep, ba_dsn *dsn, GPtrArray *text_found, GMimeMessage *msg,
          InternetAddressList *original_from, const char *notice)
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
        ba_recipient *r = ba_recipient_new ();
        ba_text_recipient *t;

        if ((v = ba_dsn_get (f, "final-recipient")))
            r->recipient = ba_notice_dsn_address (v);
        if ((v = ba_dsn_get (f, "original-recipient")))
            r->original_recipient = ba_notice_dsn_address (v);
        /* Sendmail's and Exchange's X-Actual-Recipient: the address a pipe or
         * file delivery was made for, when Original-Recipient is missing */
        if (!r->original_recipient && (v = ba_dsn_get (f, "x-actual-recipient")))
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
            ba_recipient_set_diagnostic (r, d);
            g_free (d);
        }
        if ((v = ba_dsn_get (f, "last-attempt-date")))
            r->last_attempt = ba_rfc5322_to_iso (v);
        if (!r->recipient) {
            ba_recipient_free (r);
            continue;
        }
        /* the header is read once, and only for a few such recipients */
        if (!ba_notice_usable_address (r->recipient) && local_tries++ < 16) {
            if (!hdr_read) {
                hdr = msg ? ba_header_failed_recipients (msg) : NULL;
                hdr_read = TRUE;
            }
            address_for_local_delivery (rep, r, hdr);
            address_for_local_delivery (rep, r, text_found);
            if (!ba_notice_usable_address (r->recipient) && ctx && msg) {
                if (!gen)
                    gen = ba_notice_read_message (ctx, msg, original_from, notice, TRUE, 64);
                address_for_local_delivery (rep, r, gen);
            }
        }
        /* a pipe or a file nothing names the address of: an unknown recipient,
         * the delivery kept as original_recipient */
        if ((*r->recipient == '|' || *r->recipient == '/') && !ba_notice_usable_address (r->original_recipient)) {
            g_free (r->original_recipient);
            r->original_recipient = r->recipient;
            r->recipient = g_strdup ("");
        } else if (!*r->recipient || same_recipient_merged (rep, r)) {
            ba_recipient_free (r);
            continue;
        }
        /* a DSN without diagnostic text: take the notice's words */
        t = ba_text_found_find (text_found, r->recipient);
        if (!t && text_found && text_found->len == 1 && dsn->recipients->len == 1)
            t = g_ptr_array_index (text_found, 0);
        if (t && t->diagnostic->len) {
            if (!r->diagnostic)
                ba_recipient_set_diagnostic (r, t->diagnostic->str);
            else if (ba_reply_completing (ba_dsn_get (f, "diagnostic-code"), t->diagnostic->str))
                /* the DSN quotes a multi-line reply's first line, the notice all of it */
                ba_recipient_set_diagnostic (r, t->diagnostic->str);
            else if (!failure_code (r->diagnostic) && failure_code (t->diagnostic->str)) {
                /* the notice's words, which may already hold the DSN's */
                char *both = strstr (t->diagnostic->str, r->diagnostic)
                    ? g_strdup (t->diagnostic->str)
                    : g_strconcat (r->diagnostic, " ", t->diagnostic->str, NULL);
                ba_recipient_set_diagnostic (r, both);
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
                gen = ba_notice_read_message (ctx, msg, original_from, notice, TRUE, 64);
            for (guint j = 0; j < gen->len && !r->diagnostic; j++) {
                ba_text_recipient *g = g_ptr_array_index (gen, j);
                if (!g_ascii_strcasecmp (g->recipient, r->recipient) && g->diagnostic->len)
                    ba_recipient_set_diagnostic (r, g->diagnostic->str);
            }
        }
        /* no words at all: the comment of "Status: 4.0.0 (host name lookup
         * failure)" is the reporting MTA's */
        if (!r->diagnostic && r->reported_status) {
            const char *open = strchr (r->reported_status, '('), *close;
            if (open && (close = strrchr (open, ')')) && close > open + 1) {
                char *comment = g_strndup (open + 1, close - open - 1);
                ba_recipient_set_diagnostic (r, comment);
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
    ba_recipient *r = ba_recipient_new ();
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
    ba_recipient_set_diagnostic (r, d);
    g_free (d);
    return r;
}

void
ba_report_from_feedback (ba_report *rep, ba_dsn *fb, const char *raw)
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

/* For a header-only fallback: the notice line that mentions the address
 * (or, failing that, the first line with an SMTP code). */
void
ba_text_found_diagnose (GPtrArray *found, const char *notice)
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
