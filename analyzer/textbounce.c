/* textbounce.c - see textbounce.h.  The notice is scanned line by line:
 * a recipient line opens a recipient, following lines (those the format's
 * continue pattern accepts) add to its error text, a blank line closes it.
 * Detail lines anywhere in the notice (a Sendmail transcript) fill in the
 * error text of a recipient whose own text carries no SMTP code. */
#include "textbounce-private.h"
#include "util.h"
#include "mailbox-name.h"
#include "address.h"
#include "smtp-reply.h"

#include <string.h>

void
ba_text_recipient_free (ba_text_recipient *r)
{
    if (!r)
        return;
    g_free (r->recipient);
    if (r->diagnostic)
        g_string_free (r->diagnostic, TRUE);
    g_free (r->remote_mta);
    g_free (r->status);
    g_free (r->action);
    g_free (r->feedback_type);
    g_free (r);
}

char *
ba_json_unescape (const char *s)
{
    GString *out = g_string_sized_new (strlen (s));
    for (const char *p = s; *p; p++) {
        if (*p != '\\' || !p[1]) {
            g_string_append_c (out, *p);
            continue;
        }
        p++;
        switch (*p) {
        case 'n': case 'r': case 't': case 'b': case 'f':
            g_string_append_c (out, ' ');
            break;
        case 'u': {
            gunichar c = 0;
            int i;
            for (i = 1; i <= 4 && g_ascii_isxdigit (p[i]); i++)
                c = c * 16 + g_ascii_xdigit_value (p[i]);
            if (i <= 4) {
                g_string_append_c (out, 'u');
                break;
            }
            p += 4;
            /* a lone surrogate is not a character */
            g_string_append_unichar (out, c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c);
            break;
        }
        default:
            g_string_append_c (out, *p);
        }
    }
    return g_string_free (out, FALSE);
}

/* (a pattern whose literals @scan lacks cannot match, and PCRE2 is not
 * run: dozens of formats are tried on every message) */
gboolean
ba_patterns_any_match (ba_context *ctx, GPtrArray *patterns, const char *text, const ba_text_scan *scan)
{
    gssize len = -1;            /* measured once a pattern is run: most are not */
    if (!text)
        return FALSE;
    for (guint i = 0; i < patterns->len; i++) {
        const ba_pattern *p = g_ptr_array_index (patterns, i);
        if (!ba_text_may_match (scan, p))
            continue;
        if (len < 0)
            len = (gssize) strlen (text);
        if (ba_match (ctx, p, text, (gsize) len, 0))
            return TRUE;
    }
    return FALSE;
}

gboolean
ba_format_detect (ba_context *ctx, const ba_format *fmt, const ba_detect_input *in)
{
    if (ba_patterns_any_match (ctx, fmt->unless_from, in->from, in->from_scan))
        return FALSE;
    return ba_patterns_any_match (ctx, fmt->detect, in->notice, in->notice_scan)
        || ba_patterns_any_match (ctx, fmt->detect_header, in->headers, in->headers_scan)
        || ba_patterns_any_match (ctx, fmt->detect_subject, in->subject, in->subject_scan)
        || ba_patterns_any_match (ctx, fmt->detect_from, in->from, in->from_scan);
}

/* "<User@Example.COM>:" -> "User@Example.COM" */
char *
ba_text_clean_address (const char *raw)
{
    /* brackets, quotes, "mailto:", a comment's parentheses ("(addr)", as
     * Exchange prints a display name's address), a sentence's punctuation */
    char *out = ba_address_unwrap (raw);
    if (!ba_address_plausible (out, TRUE)) {
        g_free (out);
        return NULL;
    }
    return out;
}

gboolean
ba_address_plausible (const char *addr, gboolean need_at)
{
    gboolean quoted = FALSE;
    const char *at = NULL;

    if (!addr || !*addr || strlen (addr) > BA_MAX_ADDRESS || !g_utf8_validate (addr, -1, NULL))
        return FALSE;
    for (const char *p = addr; *p; p = g_utf8_next_char (p)) {
        gunichar c = g_utf8_get_char (p);
        GUnicodeType t = g_unichar_type (c);
        /* control and invisible format characters (bidi overrides, zero
         * widths) and line separators have no place in an address */
        if (t == G_UNICODE_CONTROL || t == G_UNICODE_FORMAT || t == G_UNICODE_LINE_SEPARATOR
            || t == G_UNICODE_PARAGRAPH_SEPARATOR)
            return FALSE;
        /* what decoding put for bytes that were not UTF-8 */
        if (c == 0xFFFD)
            return FALSE;
        if (c == '"')
            quoted = !quoted;
        else if (quoted && c == '\\' && p[1])
            p++;                /* a quoted pair: the next character is taken as is */
        else if (!quoted && (g_unichar_isspace (c) || c == '<' || c == '>'))
            return FALSE;
        else if (!quoted && c == '@')
            at = p;
    }
    if (quoted)
        return FALSE;
    if (!at)
        return !need_at;
    /* a local part and a domain on either side of the last @ */
    return at > addr && at[1] != '\0';
}

static void
append_text (GString *s, const char *text, gsize len)
{
    while (len > 0 && g_ascii_isspace (*text)) {
        text++;
        len--;
    }
    while (len > 0 && g_ascii_isspace (text[len - 1]))
        len--;
    if (len == 0)
        return;
    if (s->len)
        g_string_append_c (s, ' ');
    /* a notice line of a hostile size must not make the text unbounded */
    if (s->len < 8192)
        g_string_append_len (s, text, MIN (len, 8192 - s->len));
}

/* A text that ends in its colon ("Deferred:", "connect to host[ip]:25:")
 * was cut by a line wrap: the next line is its rest, indented or not. */
static gboolean
cut_after_colon (const GString *s)
{
    return s->len > 0 && s->str[s->len - 1] == ':';
}

static gboolean
has_code (const char *s)
{
    char st[16];
    return s && (ba_find_reply_code (s) || ba_find_status (s, st));
}

/* @r's text quotes only the first line of a multi-line reply (Sendmail's
 * "(reason: 550-5.1.1 …)"): a transcript's detail holding the whole reply
 * replaces it. */
static void
complete_cut_reply (ba_text_recipient *r, GPtrArray *details)
{
    gsize start, len;
    if (!ba_reply_cut (r->diagnostic->str, &start, &len))
        return;
    /* a transcript's reply starts its detail: a comparison of the first line each */
    for (guint j = 0; j < details->len; j++) {
        ba_text_recipient *d = g_ptr_array_index (details, j);
        if ((!*d->recipient || !g_ascii_strcasecmp (d->recipient, r->recipient))
            && ba_reply_goes_on (d->diagnostic->str, r->diagnostic->str + start, len)) {
            g_string_assign (r->diagnostic, d->diagnostic->str);
            return;
        }
    }
}

/* A named group of the current match; JSON escapes decoded when the
 * format's text is a JSON document. */
static char *
group (ba_context *ctx, const ba_format *fmt, const ba_pattern *p, const char *text,
       const char *name)
{
    char *v = ba_match_group (ctx, p, text, name);
    for (int i = 0; v && i < fmt->unescape_json; i++) {
        char *u = ba_json_unescape (v);
        g_free (v);
        v = u;
    }
    return v;
}

static void
take_group (ba_context *ctx, const ba_format *fmt, const ba_pattern *p, const char *text,
            const char *name, char **slot)
{
    char *v;
    if (*slot)
        return;
    v = group (ctx, fmt, p, text, name);
    if (v && *v)
        *slot = g_strstrip (v);
    else
        g_free (v);
}

/* A match of a pattern marked with an empty (?<expanded_from>) group names
 * the address the one before it was expanded from (Sendmail's
 * "(expanded from: <addr>)"): a recipient only when no address came before. */
static gboolean
names_alias_of_address (ba_context *ctx, const ba_pattern *p, const char *text, gboolean after_address)
{
    char *mark;
    if (!after_address)
        return FALSE;
    mark = ba_match_group (ctx, p, text, "expanded_from");
    g_free (mark);
    return mark != NULL;
}

/* The action a section heading in @text[@start, @len) gives the recipients
 * listed under it (Sendmail's transient errors, successful deliveries), or NULL. */
static const char *
section_heading (ba_context *ctx, const ba_format *fmt, const char *text, gsize len, gsize start)
{
    if (fmt->delayed_section && ba_match (ctx, fmt->delayed_section, text, len, start))
        return "delayed";
    if (fmt->delivered_section && ba_match (ctx, fmt->delivered_section, text, len, start))
        return "delivered";
    return NULL;
}

/* Apply the recipient patterns to @text (a line, or the header block).
 * Every match of a pattern counts, so one line (a JSON document, a list)
 * may name several recipients; the first pattern that finds one wins.
 * Returns the last recipient named, or NULL. */
static ba_text_recipient *
match_recipients (ba_context *ctx, const ba_format *fmt, GPtrArray *patterns,
                  const char *text, const ba_text_scan *scan, gsize offset, gsize len, GPtrArray *out,
                  GHashTable *index, guint max, gboolean after_address)
{
    ba_text_recipient *last = NULL;

    for (guint i = 0; i < patterns->len && !last; i++) {
        const ba_pattern *p = g_ptr_array_index (patterns, i);
        gsize from = 0, s, e;
        guint n = 0;

        if (!ba_text_may_match_in (scan, p, offset, len))
            continue;
        while (from <= len && n++ < max && ba_match (ctx, p, text, len, from)) {
            if (names_alias_of_address (ctx, p, text, after_address))
                break;
            char *raw = group (ctx, fmt, p, text, "recipient");
            char *addr = raw ? ba_text_clean_address (raw) : NULL;
            if (!addr && raw && fmt->bare_recipient) {
                /* a mailbox name alone, completed once the original is known */
                char *name = g_strstrip (g_strdup (raw));
                g_strdelimit (name, "<>\"", ' ');
                g_strstrip (name);
                if (ba_mailbox_name_plausible (name) || ba_display_name_plausible (name))
                    addr = name;
                else
                    g_free (name);
            }
            ba_match_span (ctx, &s, &e);
            if (addr) {
                /* the index (lower-case address) keeps a long list linear */
                char *key = g_ascii_strdown (addr, -1);
                ba_text_recipient *r = g_hash_table_lookup (index, key);
                if (!r && out->len < max) {
                    r = g_new0 (ba_text_recipient, 1);
                    r->recipient = g_strdup (addr);
                    r->diagnostic = g_string_new (NULL);
                    r->at = -1;
                    g_ptr_array_add (out, r);
                    g_hash_table_insert (index, key, r);
                    key = NULL;
                }
                g_free (key);
                if (r) {
                    char *diag = group (ctx, fmt, p, text, "diagnostic");
                    if (diag)
                        append_text (r->diagnostic, diag, strlen (diag));
                    g_free (diag);
                    take_group (ctx, fmt, p, text, "status", &r->status);
                    take_group (ctx, fmt, p, text, "action", &r->action);
                    take_group (ctx, fmt, p, text, "feedback_type", &r->feedback_type);
                    last = r;
                }
            }
            g_free (raw);
            g_free (addr);
            /* go on after the match, at a character boundary */
            from = e > s ? e : s + 1;
            while (from < len && ((guchar) text[from] & 0xC0) == 0x80)
                from++;
        }
    }
    return last;
}

/* The header block of a message copied into the notice at @text: from
 * its first non-blank line to the next blank one. */
static char *
inline_header_block (const char *text)
{
    const char *p = text, *q;
    while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
        p++;
    for (q = p; *q; ) {
        const char *nl = strchr (q, '\n');
        gsize n = nl ? (gsize) (nl - q) : strlen (q);
        if (n == 0 || (n == 1 && q[0] == '\r'))
            break;
        q += n + (nl ? 1 : 0);
    }
    return g_strndup (p, (gsize) (q - p));
}

gboolean
ba_text_found_only_original (const GPtrArray *found)
{
    for (guint i = 0; found && i < found->len; i++)
        if (!((const ba_text_recipient *) g_ptr_array_index (found, i))->from_original)
            return FALSE;
    return found && found->len > 0;
}

GPtrArray *
ba_format_extract (ba_context *ctx, const ba_format *fmt, const char *notice,
                   const ba_text_scan *scan, const char *headers, const char *original_headers, guint max,
                   gssize *original_at, char **reporting_mta)
{
    GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_text_recipient_free);
    GPtrArray *details = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_text_recipient_free);
    gsize len = strlen (notice), start = 0, end = len, s, e, before_original = len;
    ba_text_recipient *cur = NULL;
    GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    /* the line patterns' literals are looked for in its lines */
    char *lower = NULL;
    ba_text_scan own_scan;
    const char *section_action = NULL; /* of the section heading the lines are under */

    if (!scan) {
        lower = ba_lower_dup (notice, len);
        ba_text_scan_init (&own_scan, ctx, BA_SCAN_NOTICE, lower);
        scan = &own_scan;
    }
    *original_at = -1;
    if (fmt->original && ba_match (ctx, fmt->original, notice, len, 0)) {
        ba_match_span (ctx, &s, &e);
        before_original = s;
        const char *nl = strchr (notice + e, '\n');
        *original_at = nl ? (nl + 1 - notice) : (gssize) e;
        end = s;
    }
    if (fmt->begin && ba_match (ctx, fmt->begin, notice, end, 0)) {
        ba_match_span (ctx, &s, &e);
        start = e;
        section_action = section_heading (ctx, fmt, notice, e, s);
    }
    if (fmt->end && ba_match (ctx, fmt->end, notice, end, start)) {
        ba_match_span (ctx, &s, &e);
        end = s;
    }
    if (reporting_mta && fmt->reporting_mta && ba_match (ctx, fmt->reporting_mta, notice, len, 0))
        *reporting_mta = ba_match_group (ctx, fmt->reporting_mta, notice, "reporting_mta");

    for (gsize pos = start; pos < end;) {
        const char *line = notice + pos;
        const char *nl = memchr (line, '\n', end - pos);
        gsize llen = nl ? (gsize) (nl - line) : end - pos;
        gboolean blank = TRUE;
        ba_text_recipient *opened = NULL;
        char *ltext = g_strndup (line, llen);

        for (gsize i = 0; i < llen; i++)
            if (!g_ascii_isspace (line[i]))
                blank = FALSE;

        if (!blank && (fmt->delayed_section || fmt->delivered_section)) {
            const char *a = section_heading (ctx, fmt, ltext, llen, 0);
            if (a)
                section_action = a;
            else if (fmt->begin && ba_match (ctx, fmt->begin, ltext, llen, 0))
                section_action = NULL;
        }
        if (!blank)
            opened = match_recipients (ctx, fmt, fmt->recipient, ltext, scan, pos, llen, out, index, max, cur != NULL);
        if (opened && section_action && !opened->action)
            opened->action = g_strdup (section_action);
        if (opened) {
            cur = opened;
            if (cur->at < 0)
                cur->at = (gssize) pos;
        } else if (cur) {
            /* span = region: only the next recipient or the region's end
             * closes a recipient's text */
            if (blank) {
                if (!fmt->span_region)
                    cur = NULL;
            } else if (cut_after_colon (cur->diagnostic) || (fmt->cont ? ba_match (ctx, fmt->cont, ltext, llen, 0) : TRUE)) {
                append_text (cur->diagnostic, line, llen);
            } else if (!fmt->span_region) {
                cur = NULL;
            }
        }
        g_free (ltext);
        pos += llen + (nl ? 1 : 0);
    }

    /* recipients named only in a header (X-Failed-Recipients, ...), when
     * the notice names none */
    if (headers && fmt->recipient_header->len && out->len == 0)
        match_recipients (ctx, fmt, fmt->recipient_header, headers, NULL, 0, strlen (headers), out, index, max, FALSE);
    /* ... or only in the returned message's (a complaint that attaches it,
     * a notice that gives the reason alone), attached or inline */
    if (fmt->recipient_original->len && out->len == 0) {
        char *inline_headers = original_headers || *original_at < 0 ? NULL
                             : inline_header_block (notice + *original_at);
        const char *oh = original_headers ? original_headers : inline_headers;
        if (oh)
            match_recipients (ctx, fmt, fmt->recipient_original, oh, NULL, 0, strlen (oh), out, index, max, FALSE);
        for (guint i = 0; i < out->len; i++)
            ((ba_text_recipient *) g_ptr_array_index (out, i))->from_original = TRUE;
        g_free (inline_headers);
    }

    /* error text given once for all (before the recipient list, or for
     * recipients named in a header): for those without text of their own */
    if (fmt->diagnostic && out->len
        && ba_match (ctx, fmt->diagnostic, notice, *original_at >= 0 ? before_original : len, 0)) {
        char *diag = group (ctx, fmt, fmt->diagnostic, notice, "diagnostic");
        char *ftype = group (ctx, fmt, fmt->diagnostic, notice, "feedback_type");
        for (guint i = 0; diag && i < out->len; i++) {
            ba_text_recipient *r = g_ptr_array_index (out, i);
            if (r->diagnostic->len == 0)
                append_text (r->diagnostic, diag, strlen (diag));
            if (ftype && *ftype && !r->feedback_type)
                r->feedback_type = g_strdup (ftype);
        }
        g_free (diag);
        g_free (ftype);
    }

    /* detail lines, anywhere before the original */
    if (fmt->detail->len) {
        gsize dend = *original_at >= 0 ? (gsize) *original_at : len;
        /* a transcript's multi-line reply ("<<< 550-…" lines) is one detail */
        int open_code = 0;
        gsize open_next = 0;
        for (gsize pos = 0; pos < dend;) {
            const char *line = notice + pos;
            const char *nl = memchr (line, '\n', dend - pos);
            gsize llen = nl ? (gsize) (nl - line) : dend - pos;
            char *ltext = g_strndup (line, llen);
            for (guint i = 0; i < fmt->detail->len; i++) {
                const ba_pattern *p = g_ptr_array_index (fmt->detail, i);
                if (!ba_text_may_match_in (scan, p, pos, llen) || !ba_match (ctx, p, ltext, llen, 0))
                    continue;
                char *raw = ba_match_group (ctx, p, ltext, "recipient");
                char *diag = ba_match_group (ctx, p, ltext, "diagnostic");
                char *addr = raw ? ba_text_clean_address (raw) : NULL;
                ba_text_recipient *last = details->len ? g_ptr_array_index (details, details->len - 1) : NULL;
                if (diag && last && open_code && pos == open_next && !addr && ba_reply_continues (diag, open_code)) {
                    append_text (last->diagnostic, diag, strlen (diag));
                    open_code = ba_reply_continued (diag);
                    open_next = pos + llen + (nl ? 1 : 0);
                } else if (diag && *diag && details->len < 1000) {
                    ba_text_recipient *d = g_new0 (ba_text_recipient, 1);
                    d->at = (gssize) pos;
                    d->recipient = addr ? addr : g_strdup ("");
                    addr = NULL;
                    d->diagnostic = g_string_new (NULL);
                    append_text (d->diagnostic, diag, strlen (diag));
                    /* a detail wrapped after its colon: its rest, up to the
                     * sentence's end, a blank line, or three lines */
                    for (int more = 0; more < 3 && nl; more++) {
                        const GString *dg = d->diagnostic;
                        gboolean unfinished = more == 0 ? cut_after_colon (dg) : dg->len > 0 && dg->str[dg->len - 1] != '.';
                        const char *next = nl + 1;     /* nl < notice + dend */
                        gsize rest = dend - (gsize) (next - notice);
                        const char *nnl = memchr (next, '\n', rest);
                        gsize nlen = nnl ? (gsize) (nnl - next) : rest;
                        gsize k = 0;
                        while (k < nlen && g_ascii_isspace (next[k]))
                            k++;
                        if (!unfinished || k == nlen)
                            break;
                        append_text (d->diagnostic, next, nlen);
                        llen = (gsize) (next + nlen - line);
                        nl = nnl;
                    }
                    open_code = ba_reply_continued (diag);
                    open_next = pos + llen + (nl ? 1 : 0);
                    g_ptr_array_add (details, d);
                }
                g_free (raw);
                g_free (diag);
                g_free (addr);
                break;
            }
            g_free (ltext);
            pos += llen + (nl ? 1 : 0);
        }
        for (guint i = 0; i < out->len; i++) {
            ba_text_recipient *r = g_ptr_array_index (out, i), *pick = NULL;
            gssize prev = -1;
            if (has_code (r->diagnostic->str)) {
                complete_cut_reply (r, details);
                continue;
            }
            /* a detail naming it; else the nearest anonymous one between the
             * previous recipient line and its own (a transcript's "<<< 550 ..."
             * before "554 <user>... User unknown"; recipients are added in
             * line order); else, when it is alone, the first anonymous one */
            if (i > 0)
                prev = ((ba_text_recipient *) g_ptr_array_index (out, i - 1))->at;
            for (guint j = 0; j < details->len && !pick; j++) {
                ba_text_recipient *d = g_ptr_array_index (details, j);
                if (*d->recipient && !g_ascii_strcasecmp (d->recipient, r->recipient))
                    pick = d;
            }
            for (guint j = details->len; j > 0 && !pick && r->at >= 0; j--) {
                ba_text_recipient *d = g_ptr_array_index (details, j - 1);
                if (!*d->recipient && d->at < r->at && d->at > prev)
                    pick = d;
            }
            for (guint j = 0; j < details->len && !pick && out->len == 1; j++) {
                ba_text_recipient *d = g_ptr_array_index (details, j);
                if (!*d->recipient)
                    pick = d;
            }
            if (pick) {
                ba_text_recipient *d = pick;
                if (r->diagnostic->len) {
                    g_string_prepend_c (r->diagnostic, ' ');
                    g_string_prepend (r->diagnostic, d->diagnostic->str);
                } else {
                    g_string_assign (r->diagnostic, d->diagnostic->str);
                }
            }
        }
    }
    g_ptr_array_unref (details);
    g_hash_table_unref (index);
    if (lower) {
        ba_text_scan_clear (&own_scan);
        g_free (lower);
    }

    if (fmt->bare_recipient)
        ba_text_complete_bare_names (ctx, fmt, out, notice, headers, original_headers, *original_at);

    for (guint i = 0; fmt->feedback_type && i < out->len; i++) {
        ba_text_recipient *r = g_ptr_array_index (out, i);
        if (!r->feedback_type)
            r->feedback_type = g_strdup (fmt->feedback_type);
    }
    if (fmt->remote_mta)
        for (guint i = 0; i < out->len; i++) {
            ba_text_recipient *r = g_ptr_array_index (out, i);
            if (ba_match (ctx, fmt->remote_mta, r->diagnostic->str, r->diagnostic->len, 0))
                r->remote_mta = ba_match_group (ctx, fmt->remote_mta, r->diagnostic->str, "remote_mta");
        }
    return out;
}

/* Total length of the error texts found. */
static gsize
diagnostic_total (GPtrArray *found)
{
    gsize n = 0;
    for (guint i = 0; i < found->len; i++)
        n += ((ba_text_recipient *) g_ptr_array_index (found, i))->diagnostic->len;
    return n;
}

/* Recipients whose error text has an SMTP code or a status. */
static guint
coded_total (GPtrArray *found)
{
    guint n = 0;
    for (guint i = 0; i < found->len; i++)
        n += has_code (((ba_text_recipient *) g_ptr_array_index (found, i))->diagnostic->str);
    return n;
}

/* Does result @a read more than @b: more recipients, or as many with
 * more of them coded; or, when @more_text counts (@a is from a cautious
 * re-joining), as many with more error text? */
static guint
named_in_notice (GPtrArray *found)
{
    guint n = 0;
    for (guint i = 0; i < found->len; i++)
        n += !((const ba_text_recipient *) g_ptr_array_index (found, i))->from_original;
    return n;
}

static gboolean
text_reads_more (GPtrArray *a, GPtrArray *b, gboolean more_text)
{
    /* a recipient the notice names beats one guessed from the returned message */
    if (named_in_notice (a) != named_in_notice (b))
        return named_in_notice (a) > named_in_notice (b);
    if (a->len != b->len)
        return a->len > b->len;
    if (a->len == 0)
        return FALSE;
    if (coded_total (a) != coded_total (b))
        return coded_total (a) > coded_total (b);
    return more_text && diagnostic_total (a) > diagnostic_total (b);
}

GPtrArray *
ba_format_extract_readings (ba_context *ctx, const ba_format *fmt, const char *const *readings,
                            const ba_text_scan *scans, const gboolean *by_text, int n,
                            const char *headers, const char *original_headers, guint max,
                            gssize *original_at, char **reporting_mta, int *reading)
{
    /* a reading where the format's opening line is whole is the one it is
     * written for: the others would be read from the top */
    gboolean begun[16] = { FALSE }, any_begun = FALSE;
    GPtrArray *found = NULL;

    n = MIN (n, 16);
    for (int k = 0; fmt->begin && k < n; k++)
        any_begun |= begun[k] = ba_match (ctx, fmt->begin, readings[k], strlen (readings[k]), 0);
    *reading = 0;
    for (int k = 0; k < n; k++) {
        char *rmta = NULL;
        gssize oat = -1;
        if (any_begun && !begun[k])
            continue;
        GPtrArray *next = ba_format_extract (ctx, fmt, readings[k], scans ? &scans[k] : NULL, headers, original_headers, max, &oat,
                                             reporting_mta ? &rmta : NULL);
        /* a cautious re-joining wins by more text; the greedy one only by
         * more facts: it also joins lines the MTA ended */
        if (!found || text_reads_more (next, found, by_text[k])) {
            if (found)
                g_ptr_array_unref (found);
            if (reporting_mta) {
                g_free (*reporting_mta);
                *reporting_mta = rmta;
            }
            found = next;
            *original_at = oat;
            *reading = k;
        } else {
            g_ptr_array_unref (next);
            g_free (rmta);
        }
    }
    return found ? found : g_ptr_array_new_with_free_func ((GDestroyNotify) ba_text_recipient_free);
}
