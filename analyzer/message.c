/* message.c - one parsed message in, one ba_report out: decide what the
 * message is, collect its per-recipient facts (from the DSN part, or from
 * the notice text through a format description) and classify each. */
#include "message-private.h"

#include <stdarg.h>
#include <string.h>

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

/* The returned message analysed as a forwarded bounce: parsed whole
 * only now (the walk read its header block alone). */
static gboolean
adopt_returned (ba_context *ctx, ba_report *rep, const ba_parts_found *pf, int depth)
{
    GMimeMessage *whole;
    gboolean ok;

    if (!pf->original_part || depth >= 2)
        return FALSE;
    if (GMIME_IS_MESSAGE_PART (pf->original_part))
        return adopt_forwarded (ctx, rep, g_mime_message_part_get_message (GMIME_MESSAGE_PART (pf->original_part)), depth);
    whole = ba_original_message (pf->original_part);
    ok = adopt_forwarded (ctx, rep, whole, depth);
    if (whole)
        g_object_unref (whole);
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
        ba_recipient_settle_codes (r);
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
    ba_parts_found pf = { 0 };
    GPtrArray *text_found = NULL, *weak_found = NULL;
    const ba_format *fmt = NULL, *autoreply = NULL, *weak_fmt = NULL;
    gssize weak_at = -1;
    char *weak_rmta = NULL;
    char *headers_text, *from_addr, *headers_lower, *original_headers = NULL;
    ba_detect_input din = { 0 };
    ba_text_scan *scans;        /* of the header block and each reading, for the formats' literals */
    ba_text_scan subject_scan, from_scan;
    char *subject_lower, *from_lower;
    ba_readings readings;
    int text_reading = 0, weak_reading = 0;
    gssize original_at = -1;
    const char *notice;
    InternetAddressList *original_from;     /* the returned message's From, when there is one */

    rep->source = g_strdup (source);
    rep->offset = offset;
    rep->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_recipient_free);
    rep->kind = BA_KIND_OTHER;
    if (!msg)
        return rep;

    rep->date = ba_header_date_iso (msg);
    rep->from = ba_header_address_list (g_mime_message_get_from (msg));
    rep->subject = ba_header_subject (msg);
    ba_parts_walk (g_mime_message_get_mime_part (msg), &pf, 0);
    original_from = pf.original ? pf.original->from : NULL;
    if (!pf.notice && pf.html) {
        pf.notice = ba_html_to_text (pf.html);
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
        gssize at = ba_parts_dsn_offset (notice);
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
    /* a message that words itself as no bounce (a challenge, a reply
     * quoting a bounce): no format and no fallback reads failures from it */
    char *dsn_unnamed = NULL;   /* a DSN's action when its blocks name nobody */
    ba_not_bounce not_bounce = pf.dsn || pf.feedback || pf.report_feedback
        || g_mime_object_get_header (GMIME_OBJECT (msg), "X-Failed-Recipients")
        ? BA_NOT_BOUNCE_NO : ba_notice_not_bounce (ctx, notice, rep->subject, rep->from);
    /* a message forwarded inline by a mail client: what it forwards is
     * read first, the forwarder's own words are not the notice */
    if (depth < 2 && !pf.original) {
        GMimeMessage *em = embedded_message (notice, TRUE);
        if (em) {
            adopt_forwarded (ctx, rep, em, depth);
            g_object_unref (em);
        }
    }
    headers_text = ba_header_block (GMIME_OBJECT (msg));
    from_addr = rep->from ? g_strdup (rep->from) : g_strdup ("");

    /* which format describes the notice, if any */
    headers_lower = ascii_lower (headers_text);
    din.headers = headers_text;
    scans = g_new (ba_text_scan, 1 + BA_READINGS);
    ba_text_scan_init (&scans[0], ctx, BA_SCAN_NOTICE, headers_lower);
    din.headers_scan = &scans[0];
    din.subject = rep->subject;
    din.from = from_addr;
    subject_lower = rep->subject ? ba_lower_dup (rep->subject, strlen (rep->subject)) : NULL;
    from_lower = ba_lower_dup (from_addr, strlen (from_addr));
    ba_text_scan_init (&subject_scan, ctx, BA_SCAN_NOTICE, subject_lower);
    ba_text_scan_init (&from_scan, ctx, BA_SCAN_NOTICE, from_lower);
    din.subject_scan = &subject_scan;
    din.from_scan = &from_scan;
    /* the notice as it came, and as it was before a client re-wrapped it */
    ba_readings_init (&readings, notice);
    for (int k = 0; k < readings.n; k++)
        ba_text_scan_init (&scans[1 + k], ctx, BA_SCAN_NOTICE, readings.lower[k]);
    for (guint i = 0; i < ctx->set->formats->len && rep->kind == BA_KIND_OTHER; i++) {
        const ba_format *f = g_ptr_array_index (ctx->set->formats, i);
        gboolean detected = FALSE;
        if (not_bounce && !f->autoreply)
            continue;
        for (int k = 0; k < readings.n && !detected; k++) {
            din.notice = readings.text[k];
            din.notice_scan = &scans[1 + k];
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
            original_headers = ba_returned_block (pf.original);
        GPtrArray *found = ba_format_extract_readings (ctx, f, (const char *const *) readings.text,
                                                       scans + 1, readings.by_text, readings.n,
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
    if (rep->kind == BA_KIND_OTHER && fmt && text_found && !pf.dsn) {
        ba_notice_fill_texts (ctx, msg, original_from, notice, text_found);
        /* a line a re-flowed reading joined to the one before still names its address as sent */
        if (text_reading != 0)
            ba_notice_fill_texts (ctx, msg, original_from, readings.text[0], text_found);
    }

    if (rep->kind != BA_KIND_OTHER) {
        /* adopted from the message forwarded inline */
    } else if (pf.feedback || pf.report_feedback) {
        ba_dsn *fb = ba_dsn_parse (pf.feedback ? pf.feedback : "", pf.feedback ? strlen (pf.feedback) : 0, 16);
        rep->kind = BA_KIND_FEEDBACK;
        rep->format = g_strdup ("arf");
        ba_original_fill (&rep->original, pf.original);
        if (pf.headers) {
            ba_returned *hm = ba_headers_parse_text (pf.headers, strlen (pf.headers));
            ba_original_fill (&rep->original, hm);
            ba_returned_free (hm);
        }
        ba_report_from_feedback (rep, fb, pf.feedback ? pf.feedback : "");
        ba_dsn_free (fb);
    } else {
        if (pf.dsn) {
            ba_dsn *dsn = pf.long_dsn ? ba_dsn_parse_part (pf.long_dsn, MAX_RECIPIENTS, MAX_DSN_SCAN)
                : ba_dsn_parse_cut (pf.dsn, strlen (pf.dsn), MAX_RECIPIENTS, pf.dsn_cut);
            ba_report_warn_dropped (rep, dsn, pf.long_dsn ? MAX_DSN_SCAN : MAX_PART_TEXT);
            ba_report_from_dsn (ctx, rep, dsn, text_found, msg, original_from, notice);
            for (guint i = 0; !rep->recipients->len && !dsn_unnamed && i < dsn->recipients->len; i++) {
                const char *a = ba_dsn_get (g_ptr_array_index (dsn->recipients, i), "action");
                if (a && (!g_ascii_strcasecmp (a, "failed") || !g_ascii_strcasecmp (a, "delayed")))
                    dsn_unnamed = g_ascii_strdown (a, -1);
            }
            ba_dsn_free (dsn);
            if (rep->recipients->len) {
                rep->kind = BA_KIND_DSN;
                rep->format = g_strdup_printf ("dsn%s%s", fmt ? "+" : "", fmt ? fmt->id : "");
            }
        }
        if (rep->kind == BA_KIND_OTHER && text_found && text_found->len) {
            rep->kind = BA_KIND_BOUNCE;
            rep->format = g_strdup (fmt->id);
            ba_report_add_text_recipients (rep, text_found, fmt->action);
            ba_notice_settle_delay (ctx, rep, text_found, fmt->action, notice);
            if (!g_strcmp0 (fmt->action, "delayed"))
                ba_report_add_permanent (ctx, rep, msg, original_from, notice);
            for (guint i = 0; i < rep->recipients->len; i++)
                if (((ba_recipient *) g_ptr_array_index (rep->recipients, i))->feedback_type)
                    rep->kind = BA_KIND_FEEDBACK;
        }
        if (rep->kind == BA_KIND_OTHER && !autoreply && !adopt_returned (ctx, rep, &pf, depth)
            && !not_bounce) {
            GMimeMessage *em = depth < 2 ? embedded_message (notice, FALSE) : NULL;
            if (em) {
                adopt_forwarded (ctx, rep, em, depth);
                g_object_unref (em);
            }
        }
        if (rep->kind == BA_KIND_OTHER && !not_bounce) {
            /* no format read it: the wording MTAs share, and X-Failed-Recipients
             * (an Auto-Submitted bounce from an unknown sender may look like
             * an autoreply: the reader's From/Subject test decides) */
            GPtrArray *hdr = autoreply ? NULL : ba_header_failed_recipients (msg);
            GPtrArray *gen = ba_notice_read_message (ctx, msg, original_from, notice, FALSE, MAX_RECIPIENTS);
            if (hdr) {
                const char *action = ba_notice_action (ctx, notice, rep->subject);
                for (guint i = 0; i < hdr->len; i++) {
                    ba_text_recipient *t = g_ptr_array_index (hdr, i), *g = ba_text_found_find (gen, t->recipient);
                    if (g)
                        g_string_assign (t->diagnostic, g->diagnostic->str);
                }
                ba_text_found_diagnose (hdr, notice);
                /* one address and still no words: the notice's own */
                if (hdr->len == 1 && !((ba_text_recipient *) hdr->pdata[0])->diagnostic->len) {
                    char *words = ba_notice_words (ctx, notice, 1000);
                    g_string_assign (((ba_text_recipient *) hdr->pdata[0])->diagnostic, words);
                    g_free (words);
                }
                rep->kind = BA_KIND_BOUNCE;
                rep->format = g_strdup ("x-failed-recipients");
                ba_report_add_text_recipients (rep, hdr, action ? action : "failed");
                g_ptr_array_unref (hdr);
            } else if (gen && gen->len) {
                rep->kind = BA_KIND_BOUNCE;
                rep->format = g_strdup ("notice");
                ba_report_add_text_recipients (rep, gen, "failed");
            }
            if (gen)
                g_ptr_array_unref (gen);
        }
        /* a bounce that names nobody is still a bounce, of an unknown recipient */
        if (rep->kind == BA_KIND_OTHER && !autoreply && !not_bounce
            && (dsn_unnamed || ba_notice_addressless_bounce (ctx, msg, notice))) {
            ba_recipient *r = ba_recipient_new ();
            const char *action = dsn_unnamed ? dsn_unnamed : ba_notice_action (ctx, notice, rep->subject);
            char *words = ba_notice_words (ctx, notice, 1000);
            rep->kind = BA_KIND_BOUNCE;
            rep->format = g_strdup ("notice");
            r->recipient = g_strdup ("");
            r->action = g_strdup (action ? action : "failed");
            ba_recipient_set_diagnostic (r, words);
            g_free (words);
            g_ptr_array_add (rep->recipients, r);
        }
        if (rep->kind == BA_KIND_OTHER && (autoreply || not_bounce == BA_NOT_BOUNCE_CHALLENGE)) {
            ba_recipient *r = ba_recipient_new ();
            char *first;
            rep->kind = BA_KIND_AUTOREPLY;
            rep->format = g_strdup (autoreply ? autoreply->id : "challenge");
            r->recipient = ba_header_first_mailbox (g_mime_message_get_from (msg));
            if (!r->recipient)
                r->recipient = g_strdup ("");
            r->action = g_strdup ("vacation");
            first = ba_strndup_utf8 (notice, 300);
            ba_recipient_set_diagnostic (r, *first ? first : rep->subject);
            g_free (first);
            g_ptr_array_add (rep->recipients, r);
        }

        if (rep->kind != BA_KIND_OTHER && rep->kind != BA_KIND_AUTOREPLY) {
            ba_original_fill (&rep->original, pf.original);
            if (pf.headers) {
                ba_returned *hm = ba_headers_parse_text (pf.headers, strlen (pf.headers));
                ba_original_fill (&rep->original, hm);
                ba_returned_free (hm);
            }
            if (original_at >= 0 && (gsize) original_at < strlen (notice)) {
                ba_returned *im = ba_headers_parse_text (notice + original_at, strlen (notice + original_at));
                ba_original_fill (&rep->original, im);
                ba_returned_free (im);
            }
        }
    }
    if (rep->kind == BA_KIND_AUTOREPLY)
        ba_original_fill (&rep->original, pf.original);

    /* the SMTP command refused, while the notice's words are at hand
     * (the notice before the returned message: the MTA's words) */
    if (rep->recipients->len) {
        gsize nlen = original_at >= 0 ? MIN ((gsize) original_at, strlen (notice)) : strlen (notice);
        ba_command_scan *scan = ba_command_scan_new (ctx, notice, nlen, rep->recipients->len == 1);
        for (guint i = 0; i < rep->recipients->len; i++) {
            ba_recipient *r = g_ptr_array_index (rep->recipients, i);
            ba_text_recipient *t = ba_text_found_find (text_found, r->recipient);
            ba_command_settle (ctx, r, t ? t->diagnostic->str : NULL, scan,
                               rep->recipients->len == 1,
                               fmt && rep->kind != BA_KIND_AUTOREPLY ? fmt->command : NULL);
        }
        ba_command_scan_free (scan);
    }

    if (text_found)
        g_ptr_array_unref (text_found);
    g_free (dsn_unnamed);
    g_free (headers_text);
    for (int k = 0; k < 1 + readings.n; k++)
        ba_text_scan_clear (&scans[k]);
    g_free (scans);
    ba_text_scan_clear (&subject_scan);
    ba_text_scan_clear (&from_scan);
    g_free (subject_lower);
    g_free (from_lower);
    ba_readings_clear (&readings);
    g_free (headers_lower);
    g_free (original_headers);
    g_free (from_addr);
    g_free (pf.dsn);
    g_free (pf.feedback);
    g_free (pf.notice);
    g_free (pf.html);
    g_free (pf.headers);
    ba_returned_free (pf.original);
    return rep;
}

