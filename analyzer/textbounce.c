/* textbounce.c - see textbounce.h.  The notice is scanned line by line:
 * a recipient line opens a recipient, following lines (those the format's
 * continue pattern accepts) add to its error text, a blank line closes it.
 * Detail lines anywhere in the notice (a Sendmail transcript) fill in the
 * error text of a recipient whose own text carries no SMTP code. */
#include "textbounce.h"
#include "util.h"

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
    g_free (r);
}

static gboolean
any_matches (ba_context *ctx, GPtrArray *patterns, const char *text)
{
    gsize len;
    if (!text)
        return FALSE;
    len = strlen (text);
    for (guint i = 0; i < patterns->len; i++)
        if (ba_match (ctx, g_ptr_array_index (patterns, i), text, len, 0))
            return TRUE;
    return FALSE;
}

gboolean
ba_format_detect (ba_context *ctx, const ba_format *fmt, const char *notice,
                  const char *headers, const char *subject, const char *from)
{
    if (any_matches (ctx, fmt->unless_from, from))
        return FALSE;
    return any_matches (ctx, fmt->detect, notice)
        || any_matches (ctx, fmt->detect_header, headers)
        || any_matches (ctx, fmt->detect_subject, subject)
        || any_matches (ctx, fmt->detect_from, from);
}

/* "<User@Example.COM>:" -> "User@Example.COM" */
static char *
clean_address (const char *raw)
{
    char *s = g_strdup (raw);
    gsize n;
    g_strstrip (s);
    n = strlen (s);
    while (n > 0 && strchr (">:;,.\"'", s[n - 1]))
        s[--n] = '\0';
    char *start = s;
    while (*start && strchr ("<\"' ", *start))
        start++;
    if (g_str_has_prefix (start, "mailto:"))
        start += 7;
    char *out = g_strdup (start);
    g_free (s);
    if (!strchr (out, '@') || strchr (out, ' ') || strlen (out) > 320) {
        g_free (out);
        return NULL;
    }
    return out;
}

static ba_text_recipient *
find_recipient (GPtrArray *list, const char *address)
{
    for (guint i = 0; i < list->len; i++) {
        ba_text_recipient *r = g_ptr_array_index (list, i);
        if (!g_ascii_strcasecmp (r->recipient, address))
            return r;
    }
    return NULL;
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

static gboolean
has_code (const char *s)
{
    char st[16];
    return s && (ba_find_reply_code (s) || ba_find_status (s, st));
}

GPtrArray *
ba_format_extract (ba_context *ctx, const ba_format *fmt, const char *notice,
                   guint max, gssize *original_at, char **reporting_mta)
{
    GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_text_recipient_free);
    GPtrArray *details = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_text_recipient_free);
    gsize len = strlen (notice), start = 0, end = len, s, e;
    ba_text_recipient *cur = NULL;

    *original_at = -1;
    if (fmt->original && ba_match (ctx, fmt->original, notice, len, 0)) {
        ba_match_span (ctx, &s, &e);
        const char *nl = strchr (notice + e, '\n');
        *original_at = nl ? (nl + 1 - notice) : (gssize) e;
        end = s;
    }
    if (fmt->begin && ba_match (ctx, fmt->begin, notice, end, 0)) {
        ba_match_span (ctx, &s, &e);
        start = e;
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
        gboolean blank = TRUE, opened = FALSE;
        char *ltext = g_strndup (line, llen);

        for (gsize i = 0; i < llen; i++)
            if (!g_ascii_isspace (line[i]))
                blank = FALSE;

        for (guint i = 0; !blank && i < fmt->recipient->len; i++) {
            const ba_pattern *p = g_ptr_array_index (fmt->recipient, i);
            if (!ba_match (ctx, p, ltext, llen, 0))
                continue;
            char *raw = ba_match_group (ctx, p, ltext, "recipient");
            char *diag = ba_match_group (ctx, p, ltext, "diagnostic");
            char *addr = raw ? clean_address (raw) : NULL;
            if (addr) {
                cur = find_recipient (out, addr);
                if (!cur && out->len < max) {
                    cur = g_new0 (ba_text_recipient, 1);
                    cur->recipient = g_strdup (addr);
                    cur->diagnostic = g_string_new (NULL);
                    g_ptr_array_add (out, cur);
                }
                if (cur && diag)
                    append_text (cur->diagnostic, diag, strlen (diag));
                opened = TRUE;
            }
            g_free (raw);
            g_free (diag);
            g_free (addr);
            if (opened)
                break;
        }
        if (!opened && cur) {
            if (blank)
                cur = NULL;
            else if (fmt->cont ? ba_match (ctx, fmt->cont, ltext, llen, 0) : TRUE)
                append_text (cur->diagnostic, line, llen);
            else
                cur = NULL;
        }
        g_free (ltext);
        pos += llen + (nl ? 1 : 0);
    }

    /* detail lines, anywhere before the original */
    if (fmt->detail->len) {
        gsize dend = *original_at >= 0 ? (gsize) *original_at : len;
        for (gsize pos = 0; pos < dend;) {
            const char *line = notice + pos;
            const char *nl = memchr (line, '\n', dend - pos);
            gsize llen = nl ? (gsize) (nl - line) : dend - pos;
            char *ltext = g_strndup (line, llen);
            for (guint i = 0; i < fmt->detail->len; i++) {
                const ba_pattern *p = g_ptr_array_index (fmt->detail, i);
                if (!ba_match (ctx, p, ltext, llen, 0))
                    continue;
                char *raw = ba_match_group (ctx, p, ltext, "recipient");
                char *diag = ba_match_group (ctx, p, ltext, "diagnostic");
                char *addr = raw ? clean_address (raw) : NULL;
                if (diag && details->len < 1000) {
                    ba_text_recipient *d = g_new0 (ba_text_recipient, 1);
                    d->recipient = addr ? addr : g_strdup ("");
                    addr = NULL;
                    d->diagnostic = g_string_new (NULL);
                    append_text (d->diagnostic, diag, strlen (diag));
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
            ba_text_recipient *r = g_ptr_array_index (out, i);
            if (has_code (r->diagnostic->str))
                continue;
            for (guint j = 0; j < details->len; j++) {
                ba_text_recipient *d = g_ptr_array_index (details, j);
                if (*d->recipient && g_ascii_strcasecmp (d->recipient, r->recipient))
                    continue;
                if (!*d->recipient && out->len > 1)
                    continue;
                if (r->diagnostic->len) {
                    g_string_prepend_c (r->diagnostic, ' ');
                    g_string_prepend (r->diagnostic, d->diagnostic->str);
                } else {
                    g_string_assign (r->diagnostic, d->diagnostic->str);
                }
                break;
            }
        }
    }
    g_ptr_array_unref (details);

    if (fmt->remote_mta)
        for (guint i = 0; i < out->len; i++) {
            ba_text_recipient *r = g_ptr_array_index (out, i);
            if (ba_match (ctx, fmt->remote_mta, r->diagnostic->str, r->diagnostic->len, 0))
                r->remote_mta = ba_match_group (ctx, fmt->remote_mta, r->diagnostic->str, "remote_mta");
        }
    return out;
}
