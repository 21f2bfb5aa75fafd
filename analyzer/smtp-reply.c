/* smtp-reply.c - see smtp-reply.h. */
#include "smtp-reply.h"

#include <string.h>

static int
code_at (const char *p)
{
    if ((p[0] == '4' || p[0] == '5') && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]))
        return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    return 0;
}

int
ba_reply_continued (const char *text)
{
    int code = text ? code_at (text) : 0;
    return code && text[3] == '-' ? code : 0;
}

gboolean
ba_reply_continues (const char *text, int code)
{
    return text && code && code_at (text) == code && (text[3] == '-' || text[3] == ' ');
}

gboolean
ba_reply_cut (const char *text, gsize *start, gsize *len)
{
    const char *p;
    if (!text)
        return FALSE;
    for (p = text; *p; p++) {
        int code = (p == text || strchr (" :;(<[", p[-1])) ? ba_reply_continued (p) : 0;
        if (!code)
            continue;
        /* the rest of the text, to the summary's closing bracket, must be
         * that one line: a second line of the reply means it is whole */
        const char *end = p + strlen (p);
        while (end > p && (g_ascii_isspace (end[-1]) || end[-1] == ')'))
            end--;
        char again[5];
        g_snprintf (again, sizeof again, "%.3s", p);
        for (const char *q = p + 4; q < end; q++)
            if (q[-1] == ' ' && !strncmp (q, again, 3) && (q[3] == '-' || q[3] == ' '))
                return FALSE;
        *start = (gsize) (p - text);
        *len = (gsize) (end - p);
        return end > p + 4;
    }
    return FALSE;
}

gboolean
ba_reply_goes_on (const char *whole, const char *line, gsize len)
{
    if (!whole || strncmp (whole, line, len))
        return FALSE;
    /* the next line of the same reply follows the cut one */
    return ba_reply_continues (whole + len + strspn (whole + len, " \t\r\n"), ba_reply_continued (line));
}

const char *
ba_reply_completing (const char *cut, const char *whole)
{
    gsize start, len;
    if (!whole || !ba_reply_cut (cut, &start, &len))
        return NULL;
    char *line = g_strndup (cut + start, len);
    const char *found = strstr (whole, line);
    gboolean more = found && ba_reply_goes_on (found, line, len);
    g_free (line);
    return more ? whole : NULL;
}
