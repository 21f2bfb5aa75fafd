/* notice-items.c - what a line of a notice is, as the generic reader
 * reads a list of failed addresses (see notice-lines.h): a display name
 * before an address, a sentence going on onto the next line, a line
 * saying it succeeded, a button label. */
#include "notice-lines.h"

#include <string.h>

gboolean
ba_notice_line_named_address (const char *line, gsize n, gsize *start, gsize *alen)
{
    gsize i = 0, e = n;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    while (e > i && (line[e - 1] == ' ' || line[e - 1] == '\t'))
        e--;
    /* "Name <addr>" or "\"Name\" <addr>": a display name of a few words, no address in it */
    if (e - i < 6 || line[e - 1] != '>' || e - i > 160 || !g_ascii_isalpha (line[i] == '"' ? line[i + 1] : line[i]))
        return FALSE;
    const char *open = memchr (line + i, '<', e - i);
    if (!open || open == line + i || memchr (line + i, '@', (gsize) (open - line - i))
        || memchr (open + 1, '<', (gsize) (line + e - open - 1)) || open[-1] != ' ')
        return FALSE;
    gsize s, a;
    if (!ba_notice_line_address (open + 1, (gsize) (line + e - open - 1), &s, &a) || s != 0)
        return FALSE;
    *start = (gsize) (open + 1 - line);
    *alen = a;
    return *start + *alen == e - 1;
}

/* Does line @i end a sentence the address on the next line goes on
 * ("... mail from" then "<addr> rejected", a wrapped reply)? */
gboolean
ba_notice_sentence_goes_on (const ba_notice_lines *nl, guint i)
{
    static const char *const words[] = { "from", "sender", "by", "envelope", "of", "for" };
    const char *l = ba_notice_line_at (nl, i);
    gsize n = ba_notice_line_len (nl, i), w;
    while (n && g_ascii_isspace (l[n - 1]))
        n--;
    for (w = n; w && g_ascii_isalpha (l[w - 1]); w--)
        ;
    if (w == n || (w && !g_ascii_isspace (l[w - 1])))
        return FALSE;
    for (guint k = 0; k < G_N_ELEMENTS (words); k++)
        if (n - w == strlen (words[k]) && !g_ascii_strncasecmp (l + w, words[k], n - w))
            return TRUE;
    return FALSE;
}

/* Does the rest of a listed line, after its address, say it succeeded
 * (a transcript's "<addr>... Sent (ok)", "250 2.1.5 Recipient ok")? */
gboolean
ba_notice_says_success (const char *rest, gsize n)
{
    static const char *const words[] = { "sent", "recipient ok", "sender ok", "delivered", "ok ", "ok)" };
    while (n && strchr (" \t>.:;,-(", *rest)) {
        rest++;
        n--;
    }
    if (n >= 4 && rest[0] == '2' && g_ascii_isdigit (rest[1]) && g_ascii_isdigit (rest[2]) && (rest[3] == ' ' || rest[3] == '-'))
        return TRUE;
    for (guint k = 0; k < G_N_ELEMENTS (words); k++)
        if (n >= strlen (words[k]) && !g_ascii_strncasecmp (rest, words[k], strlen (words[k]))
            && (n == strlen (words[k]) || !g_ascii_isalnum (rest[strlen (words[k])])))
            return TRUE;
    return FALSE;
}

gboolean
ba_notice_no_small_letters (const ba_notice_lines *nl, guint i)
{
    const char *l = ba_notice_line_at (nl, i);
    gsize n = ba_notice_line_len (nl, i), letters = 0;
    for (gsize k = 0; k < n; k++) {
        if (g_ascii_islower (l[k]) || (guchar) l[k] >= 0x80)
            return FALSE;
        letters += g_ascii_isupper (l[k]) != 0;
    }
    return letters >= 2;
}

