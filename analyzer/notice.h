/* notice.h - the reading of a notice's text before any format sees it:
 * what a forwarding mail client or a relay did to the lines (quoting them
 * with "> ", indenting them) is undone, so that formats and the DSN finder
 * read the MTA's own lines. */
#ifndef BA_NOTICE_H
#define BA_NOTICE_H

#include <glib.h>

/* A new copy of @text (LF line ends) with one level of "> " quoting
 * removed from every quoted block of at least three lines, and the
 * indentation common to all its non-blank lines removed; NULL when
 * nothing had to change. */
char *ba_notice_unwrap (const char *text);



/* @text with the lines a mail client broke to fit its width joined again,
 * or NULL when no line looks broken.  A line is taken as broken when the
 * next one starts at column 0 with a word that would have made it longer
 * than the text's widest line: the break a composer makes at its width. */
char *ba_notice_reflow (const char *text);
#endif
