/* terminal.h - text for a terminal: its width, and display widths (East
 * Asian wide characters take two columns, combining marks none). */
#ifndef BA_TERMINAL_H
#define BA_TERMINAL_H

#include <glib.h>

/* The columns of the terminal on @fd (TIOCGWINSZ), else $COLUMNS, else 80. */
int terminal_columns (int fd);

/* Columns @s takes on a terminal (UTF-8, already made safe). */
int terminal_width (const char *s);

/* @s cut to at most @columns columns, never inside a character, with "…"
 * when cut; a copy. */
char *terminal_cut (const char *s, int columns);

/* @s cut to @columns (terminal_cut) and padded with spaces to exactly
 * @columns, appended to @out. */
void terminal_pad (GString *out, const char *s, int columns);

#endif
