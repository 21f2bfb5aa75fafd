/* address.c - see address.h. */
#include "address.h"

#include <string.h>

/* wrappings nest a few deep at most: a hostile value is not peeled forever */
#define MAX_LAYERS 8

gsize
ba_address_opening (const char *s, gsize n)
{
    gsize i = 0;
    for (int layer = 0; layer < MAX_LAYERS && i < n; layer++) {
        if (strchr ("<([\"'", s[i]) && s[i])
            i++;
        else if (n - i > 7 && !g_ascii_strncasecmp (s + i, "mailto:", 7))
            i += 7;
        else
            break;
    }
    return i;
}

/* Is the quote at @q (in @s) the one closing a quoted local part ("…"@)? */
static gboolean
closes_local_part (const char *q)
{
    return q[1] == '@';
}

/* Is the "]" ending @s (of @n bytes) the end of a domain literal (a@[192.0.2.1])? */
static gboolean
ends_domain_literal (const char *s, gsize n)
{
    const char *open = g_strrstr_len (s, (gssize) n, "[");
    return s[n - 1] == ']' && open && open > s && open[-1] == '@'
        && !memchr (open, ']', (gsize) (s + n - 1 - open));
}

char *
ba_address_unwrap (const char *raw)
{
    char *s, *start;
    gsize n;

    if (!raw)
        return NULL;
    s = g_strstrip (g_strdup (raw));
    start = s;
    n = strlen (start);
    for (int layer = 0; layer < MAX_LAYERS && n > 0; layer++) {
        gsize before = n;
        /* the end: closing brackets and a sentence's or a list's punctuation */
        while (n > 0 && strchr (">)],;:.", start[n - 1]) && !ends_domain_literal (start, n))
            start[--n] = '\0';
        /* a closing quote, unless it closes a quoted local part */
        if (n > 0 && (start[n - 1] == '"' || start[n - 1] == '\'')) {
            const char *open = strchr (start, start[n - 1]);
            if (open == start + n - 1 || !closes_local_part (start + n - 1))
                start[--n] = '\0';
        }
        /* the start: opening brackets, "mailto:", a quote around the whole */
        if (*start == '<' || *start == '(' || *start == '[') {
            while (*start == '<' || *start == '(' || *start == '[') {
                start++;
                n--;
            }
        } else if (n > 7 && !g_ascii_strncasecmp (start, "mailto:", 7)) {
            start += 7;
            n -= 7;
        } else if (*start == '"' || *start == '\'') {
            const char *close = strchr (start + 1, *start);
            if (!close || !closes_local_part (close)) {
                start++;
                n--;
            }
        }
        while (n > 0 && g_ascii_isspace (*start)) {
            start++;
            n--;
        }
        while (n > 0 && g_ascii_isspace (start[n - 1]))
            start[--n] = '\0';
        if (n == before)
            break;
    }
    char *out = g_strndup (start, n);
    g_free (s);
    return out;
}
