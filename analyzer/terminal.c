/* terminal.c - see terminal.h */
#include "terminal.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int
terminal_columns (int fd)
{
    struct winsize ws;
    const char *env;

    if (ioctl (fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    env = g_getenv ("COLUMNS");
    if (env) {
        char *end;
        long n = strtol (env, &end, 10);
        if (*env && !*end && n > 0 && n <= 10000)
            return (int) n;
    }
    return 80;
}

static int
char_width (gunichar c)
{
    if (g_unichar_iszerowidth (c))
        return 0;
    return g_unichar_iswide (c) ? 2 : 1;
}

int
terminal_width (const char *s)
{
    int w = 0;
    for (const char *p = s; *p; p = g_utf8_next_char (p))
        w += char_width (g_utf8_get_char (p));
    return w;
}

char *
terminal_cut (const char *s, int columns)
{
    const char *p, *fits = s;
    int w = 0;

    if (terminal_width (s) <= columns)
        return g_strdup (s);
    if (columns <= 0)
        return g_strdup ("");
    /* keep one column for the ellipsis */
    for (p = s; *p; p = g_utf8_next_char (p)) {
        int cw = char_width (g_utf8_get_char (p));
        if (w + cw > columns - 1)
            break;
        w += cw;
        fits = g_utf8_next_char (p);
    }
    /* combining marks after the last character kept belong to it */
    while (*fits && g_unichar_iszerowidth (g_utf8_get_char (fits)))
        fits = g_utf8_next_char (fits);
    {
        GString *out = g_string_new_len (s, fits - s);
        g_string_append (out, "\u2026");
        return g_string_free (out, FALSE);
    }
}

void
terminal_pad (GString *out, const char *s, int columns)
{
    char *cut = terminal_cut (s, columns);
    int w = terminal_width (cut);
    g_string_append (out, cut);
    for (; w < columns; w++)
        g_string_append_c (out, ' ');
    g_free (cut);
}
