/* escape.h - which characters may reach an output raw, and the CSV cell
 * (the JSON string is in sprinter-json.c, terminal text in emit.c). */
#ifndef BA_ESCAPE_H
#define BA_ESCAPE_H

#include <glib.h>

/* Is @c a character no output may carry raw: a C0 or C1 control, DEL, a
 * Unicode format character (bidi controls, zero-width characters, the BOM,
 * tags: G_UNICODE_FORMAT), or the line or paragraph separator. */
gboolean ba_unichar_is_hidden (gunichar c);

/* Is @s printable ASCII only (0x20-0x7e), the common case no output
 * needs to clean? */
gboolean ba_printable_ascii (const char *s);

/* Append @s to @line as one CSV cell (RFC 4180), always quoted, quotes
 * doubled; invalid UTF-8 becomes U+FFFD, tabs and line breaks a space,
 * other hidden characters are dropped, and a cell a spreadsheet would
 * read as a formula (its first visible character = + - @, or their
 * full-width forms) gets a leading single quote (OWASP's advice on CSV
 * injection).  NULL is an empty, unquoted cell. */
void ba_csv_cell (GString *line, const char *s);

#endif
