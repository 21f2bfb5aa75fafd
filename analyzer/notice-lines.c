/* notice-lines.c - see notice-lines.h. */
#include "notice-lines.h"
#include "textbounce.h"

#include <string.h>

gsize
ba_notice_line_len (const ba_notice_lines *nl, guint i)
{
    gsize s = g_array_index (nl->starts, gsize, i);
    gsize e = i + 1 < nl->starts->len ? g_array_index (nl->starts, gsize, i + 1) - 1 : nl->text->len;
    if (e > s && e <= nl->text->len && nl->text->str[e - 1] == '\n')
        e--;
    return e > s ? e - s : 0;
}

const char *
ba_notice_line_at (const ba_notice_lines *nl, guint i)
{
    return nl->text->str + g_array_index (nl->starts, gsize, i);
}

gboolean
ba_notice_line_blank (const ba_notice_lines *nl, guint i)
{
    const char *l = ba_notice_line_at (nl, i);
    for (gsize k = 0, n = ba_notice_line_len (nl, i); k < n; k++)
        if (!g_ascii_isspace (l[k]))
            return FALSE;
    return TRUE;
}

guint
ba_notice_line_of (const ba_notice_lines *nl, gsize offset)
{
    guint lo = 0, hi = nl->starts->len;
    while (hi - lo > 1) {
        guint mid = (lo + hi) / 2;
        if (g_array_index (nl->starts, gsize, mid) <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

gboolean
ba_notice_any_matches (ba_context *ctx, ba_notice_kind kind, gboolean subject, const char *text,
                       const ba_text_scan *scan)
{
    gboolean hit = FALSE;
    char *lower = NULL;
    ba_text_scan own;

    if (text && !scan) {
        /* (a Subject or From: short, and looked at by every group of the kind) */
        lower = ba_lower_dup (text, strlen (text));
        ba_text_scan_init (&own, ctx, BA_SCAN_NOTICE, lower);
        scan = &own;
    }
    for (guint g = 0; text && !hit && g < ctx->set->notice->len; g++) {
        const ba_notice_group *grp = g_ptr_array_index (ctx->set->notice, g);
        hit = grp->kind == kind && ba_patterns_any_match (ctx, subject ? grp->subject : grp->patterns, text, scan);
    }
    if (lower) {
        ba_text_scan_clear (&own);
        g_free (lower);
    }
    return hit;
}

gboolean
ba_notice_may_match (const ba_pattern *p, const ba_notice_lines *nl)
{
    return ba_text_may_match (&nl->scan, p);
}

/* A header line at column 0 that only a message's own header block has. */
static gboolean
original_header_line (const char *l, gsize n)
{
    static const char *const names[] = {
        "received:", "return-path:", "message-id:", "dkim-signature:", "mime-version:",
        "delivered-to:", "x-mailer:", "authentication-results:",
    };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
        gsize k = strlen (names[i]);
        if (n > k && !g_ascii_strncasecmp (l, names[i], k))
            return TRUE;
    }
    return FALSE;
}

/* Is the line at @l a header field ("Name: value" at column 0), or with
 * @folded also a folded continuation? */
static gboolean
header_field (const char *l, gboolean folded)
{
    gsize i = 0;
    if (folded && (*l == ' ' || *l == '\t'))
        return l[1] && l[1] != '\n';
    while (l[i] && (g_ascii_isalnum (l[i]) || l[i] == '-') && i < 40)
        i++;
    return i > 0 && l[i] == ':';
}

/* Is the header block around @pos a bounce's own (a forwarded or pasted
 * bounce, whose notice follows), by its From or Subject? */
static gboolean
bounce_header_block (ba_context *ctx, const ba_notice_lines *nl, gsize pos)
{
    const char *start = nl->text->str, *p = start + pos;
    gboolean yes = FALSE;
    /* back to the block's first line (after a blank line), bounded */
    for (int k = 0; k < 60 && p > start; k++) {
        const char *prev = p - 1;
        while (prev > start && prev[-1] != '\n')
            prev--;
        if (prev == p - 1)
            break;
        p = prev;
    }
    for (int k = 0; k < 60 && *p && *p != '\n' && !yes; k++) {
        const char *e = strchr (p, '\n');
        gsize n = e ? (gsize) (e - p) : strlen (p);
        if (n > 5 && (!g_ascii_strncasecmp (p, "from:", 5) || !g_ascii_strncasecmp (p, "subject:", 8))) {
            char *v = g_strndup (p, n);
            yes = p[0] == 'f' || p[0] == 'F' ? ba_notice_any_matches (ctx, BA_NOTICE_FROM, FALSE, v + 5, NULL)
                : ba_notice_any_matches (ctx, BA_NOTICE_SUBJECT, FALSE, g_strstrip (v + 8), NULL);
            g_free (v);
        }
        p = e ? e + 1 : p + n;
    }
    return yes;
}

/* Unquote each line ("> ", ">> ") into @out, bounded. */
static void
unquote_into (GString *out, const char *notice)
{
    const char *p = notice;
    while (*p && out->len < BA_NOTICE_MAX_TEXT) {
        const char *nl = strchr (p, '\n');
        gsize full = nl ? (gsize) (nl - p) : strlen (p), n, advance, i = 0;
        /* CRLF and bare CR line ends, from a caller that kept them */
        const char *cr = memchr (p, '\r', full);
        n = cr ? (gsize) (cr - p) : full;
        advance = cr && cr + 1 < p + full ? n + 1 : full + (nl ? 1 : 0);
        /* quote markers, after any indentation; a transcript's ">>> " is
         * no quote */
        gsize q = 0, depth = 0;
        while (q < n && q < 16 && (p[q] == ' ' || p[q] == '\t'))
            q++;
        while (q < n && depth < 16 && p[q] == '>' && !(n - q >= 4 && !strncmp (p + q, ">>> ", 4))) {
            q++;
            depth++;
            if (q < n && p[q] == ' ')
                q++;
        }
        if (depth)
            i = q;
        g_string_append_len (out, p + i, MIN (n - i, BA_NOTICE_MAX_TEXT - out->len));
        g_string_append_c (out, '\n');
        p += advance;
    }
}

/* The notice up to the returned message: an `original` line of the
 * data, or the header block of a message (two header lines at column 0,
 * one of them a line only a message's own header has). */
/* The sender addresses of the header block at the start of @tail (the
 * returned message, where the reader stops), into @out, bounded. */
static void
collect_senders (const char *tail, GPtrArray *out)
{
    static const char *const fields[] = { "from:", "sender:", "reply-to:", "return-path:" };
    const char *p = tail;
    for (int k = 0; k < 100 && *p && out->len < 16; k++) {
        const char *e = strchr (p, '\n');
        gsize n = e ? (gsize) (e - p) : strlen (p);
        for (guint f = 0; f < G_N_ELEMENTS (fields); f++) {
            gsize fl = strlen (fields[f]);
            if (n <= fl || g_ascii_strncasecmp (p, fields[f], fl))
                continue;
            char *value = g_strndup (p + fl, MIN (n - fl, 1000));
            char **tokens = g_strsplit_set (value, " \t,;", 32);
            for (int t = 0; tokens[t] && out->len < 16; t++) {
                gsize s, a;
                if (ba_notice_line_address (tokens[t], strlen (tokens[t]), &s, &a))
                    g_ptr_array_add (out, g_strndup (tokens[t] + s, a));
            }
            g_strfreev (tokens);
            g_free (value);
        }
        p = e ? e + 1 : p + n;
    }
}

void
ba_notice_lines_init (ba_context *ctx, ba_notice_lines *nl, const char *notice)
{
    gsize cut;

    nl->text = g_string_new (NULL);
    unquote_into (nl->text, notice ? notice : "");
    cut = nl->text->len;
    for (guint g = 0; g < ctx->set->notice->len; g++) {
        const ba_notice_group *grp = g_ptr_array_index (ctx->set->notice, g);
        gsize s, e;
        if (grp->kind != BA_NOTICE_ORIGINAL)
            continue;
        for (guint i = 0; i < grp->patterns->len; i++)
            if (ba_match (ctx, g_ptr_array_index (grp->patterns, i), nl->text->str, cut, 0)) {
                ba_match_span (ctx, &s, &e);
                while (s > 0 && nl->text->str[s - 1] != '\n')
                    s--;
                cut = s;
            }
    }
    nl->senders = g_ptr_array_new_with_free_func (g_free);
    if (cut < nl->text->len) {
        const char *nl_after = strchr (nl->text->str + cut, '\n');
        if (nl_after)
            collect_senders (nl_after + 1, nl->senders);
    }
    g_string_truncate (nl->text, cut);

    nl->starts = g_array_new (FALSE, FALSE, sizeof (gsize));
    gsize pos = 0;
    while (pos < nl->text->len && nl->starts->len < BA_NOTICE_MAX_LINES) {
        const char *l = nl->text->str + pos;
        const char *end = memchr (l, '\n', nl->text->len - pos);
        gsize n = end ? (gsize) (end - l) : nl->text->len - pos;
        if (original_header_line (l, n) && end && header_field (end + 1, TRUE)
            && !bounce_header_block (ctx, nl, pos)) {
            /* the block starts at the field lines just before this one */
            guint first = nl->starts->len;
            while (first > 0 && header_field (nl->text->str + g_array_index (nl->starts, gsize, first - 1), FALSE))
                first--;
            gsize at = first < nl->starts->len ? g_array_index (nl->starts, gsize, first) : pos;
            if (at == 0) {
                /* a header block at the very top is the bounce's own, pasted or forwarded */
                g_array_append_val (nl->starts, pos);
                pos += n + 1;
                continue;
            }
            collect_senders (nl->text->str + at, nl->senders);
            g_string_truncate (nl->text, at);
            g_array_set_size (nl->starts, first);
            break;
        }
        g_array_append_val (nl->starts, pos);
        pos += n + 1;
    }
    /* the lines past the bound are not read */
    if (pos < nl->text->len)
        g_string_truncate (nl->text, pos);
    if (nl->starts->len == 0) {
        gsize zero = 0;
        g_array_append_val (nl->starts, zero);
    }
    nl->lower = ba_lower_dup (nl->text->str, nl->text->len);
    ba_text_scan_init (&nl->scan, ctx, BA_SCAN_NOTICE, nl->lower);
}

void
ba_notice_lines_clear (ba_notice_lines *nl)
{
    g_string_free (nl->text, TRUE);
    g_array_unref (nl->starts);
    g_ptr_array_unref (nl->senders);
    ba_text_scan_clear (&nl->scan);
    g_free (nl->lower);
}
