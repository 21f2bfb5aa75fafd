/* notice.c - undo quoting and common indentation in a notice's text. */
#include "notice.h"

#include <string.h>

/* Fewer quoted lines than this are a quotation inside the notice (a
 * returned message's reply chain), not a forwarded notice. */
#define MIN_QUOTED_BLOCK 3

/* A line quoted one level deep: "> text" or a bare ">".  ">>>" lines
 * (Sendmail's transcript of commands) are not quoting. */
static gboolean
quoted_line (const char *line, gsize len)
{
    return (len == 1 && line[0] == '>') || (len >= 2 && line[0] == '>' && line[1] == ' ');
}

static gsize
line_len (const char *p)
{
    const char *nl = strchr (p, '\n');
    return nl ? (gsize) (nl - p) : strlen (p);
}

static gboolean
blank (const char *p, gsize len)
{
    for (gsize i = 0; i < len; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return FALSE;
    return TRUE;
}

/* @text with "> " removed from quoted blocks, or NULL when it has none. */
static char *
dequote (const char *text)
{
    GString *out = NULL;
    const char *p = text, *copied = text;

    while (*p) {
        const char *start = p;
        int run = 0;
        while (*p && quoted_line (p, line_len (p))) {
            run++;
            p += line_len (p);
            if (*p == '\n')
                p++;
        }
        if (run >= MIN_QUOTED_BLOCK) {
            if (!out)
                out = g_string_sized_new (strlen (text));
            g_string_append_len (out, copied, start - copied);
            for (const char *q = start; q < p;) {
                gsize n = line_len (q);
                gsize skip = n >= 2 ? 2 : 1;
                g_string_append_len (out, q + skip, n - skip);
                q += n;
                if (*q == '\n') {
                    g_string_append_c (out, '\n');
                    q++;
                }
            }
            copied = p;
        }
        if (run == 0) {
            p += line_len (p);
            if (*p == '\n')
                p++;
        }
    }
    if (!out)
        return NULL;
    g_string_append (out, copied);
    return g_string_free (out, FALSE);
}

/* The whitespace every non-blank line of @text begins with: its length. */
static gsize
common_indent (const char *text)
{
    const char *first = NULL;
    gsize common = 0;

    for (const char *p = text; *p;) {
        gsize n = line_len (p);
        if (!blank (p, n)) {
            gsize k = 0;
            if (!first) {
                first = p;
                while (k < n && (p[k] == ' ' || p[k] == '\t'))
                    k++;
                common = k;
            } else {
                while (k < common && k < n && p[k] == first[k])
                    k++;
                common = k;
            }
            if (common == 0)
                return 0;
        }
        p += n;
        if (*p == '\n')
            p++;
    }
    return common;
}

static char *
dedent (const char *text, gsize indent)
{
    GString *out = g_string_sized_new (strlen (text));
    for (const char *p = text; *p;) {
        gsize n = line_len (p);
        gsize skip = MIN (indent, n);
        if (blank (p, n))
            skip = n;
        g_string_append_len (out, p + skip, n - skip);
        p += n;
        if (*p == '\n') {
            g_string_append_c (out, '\n');
            p++;
        }
    }
    return g_string_free (out, FALSE);
}

char *
ba_notice_unwrap (const char *text)
{
    char *unquoted, *result = NULL;
    const char *cur;
    gsize indent;

    if (!text)
        return NULL;
    unquoted = dequote (text);
    cur = unquoted ? unquoted : text;
    indent = common_indent (cur);
    if (indent)
        result = dedent (cur, indent);
    if (result) {
        g_free (unquoted);
        return result;
    }
    return unquoted;
}
