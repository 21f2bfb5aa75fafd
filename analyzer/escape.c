/* escape.c - see escape.h */
#include "escape.h"

#include <string.h>

gboolean
ba_unichar_is_hidden (gunichar c)
{
    if (c < 0x7f)
        return c < 0x20;
    if (c < 0xa0)
        return TRUE;
    switch (g_unichar_type (c)) {
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
        return TRUE;
    default:
        return FALSE;
    }
}

/* Spreadsheets (Excel, LibreOffice, Google Sheets) start a formula with
 * these, also after leading blanks. */
static gboolean
starts_formula (const char *s)
{
    while (*s == ' ')
        s++;
    switch (g_utf8_get_char (s)) {
    case '=': case '+': case '-': case '@':
    case 0xff1d: case 0xff0b: case 0xff0d: case 0xff20:  /* their full-width forms */
        return TRUE;
    default:
        return FALSE;
    }
}

gboolean
ba_printable_ascii (const char *s)
{
    for (; *s; s++)
        if ((guchar) *s < 0x20 || (guchar) *s >= 0x7f)
            return FALSE;
    return TRUE;
}

/* @s without hidden characters (tabs, line breaks and U+2028/9 as a space). */
static char *
clean_cell (const char *s)
{
    char *valid = g_utf8_make_valid (s, -1);
    GString *cell = g_string_sized_new (strlen (valid));
    for (const char *p = valid; *p; p = g_utf8_next_char (p)) {
        gunichar c = g_utf8_get_char (p);
        if (c == '\t' || c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029)
            g_string_append_c (cell, ' ');
        else if (!ba_unichar_is_hidden (c))
            g_string_append_len (cell, p, g_utf8_next_char (p) - p);
    }
    g_free (valid);
    return g_string_free (cell, FALSE);
}

void
ba_csv_cell (GString *line, const char *s)
{
    char *cleaned = NULL;
    const char *cell;

    if (line->len)
        g_string_append_c (line, ',');
    if (!s)
        return;
    cell = ba_printable_ascii (s) ? s : (cleaned = clean_cell (s));
    g_string_append_c (line, '"');
    if (starts_formula (cell))
        g_string_append_c (line, '\'');
    for (const char *p = cell; *p; p++) {
        if (*p == '"')
            g_string_append_c (line, '"');
        g_string_append_c (line, *p);
    }
    g_string_append_c (line, '"');
    g_free (cleaned);
}
