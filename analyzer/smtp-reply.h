/* smtp-reply.h - the lines of a multi-line SMTP reply (RFC 5321 section
 * 4.2.1: "550-…" lines continued, a last "550 …" line) as notices quote
 * them: a transcript gives every line, a summary sometimes only the first. */
#ifndef BA_SMTP_REPLY_H
#define BA_SMTP_REPLY_H

#include <glib.h>

/* The reply code when @text starts with a line that another continues
 * ("550-5.1.1 …"), else 0. */
int ba_reply_continued (const char *text);

/* Does @text start with a line of reply @code ("550-…" or "550 …")? */
gboolean ba_reply_continues (const char *text, int code);

/* Does @text hold the first line of a multi-line reply without the rest
 * (Sendmail's "(reason: 550-5.1.1 … Please try)")?  Then its start and
 * length (up to a closing ")" or the end) are set. */
gboolean ba_reply_cut (const char *text, gsize *start, gsize *len);

/* Does @whole begin with the @len bytes of @line, a reply's first line
 * (as ba_reply_cut finds it), and go on with that reply's next line? */
gboolean ba_reply_goes_on (const char *whole, const char *line, gsize len);

/* @whole when it holds the first line that @cut cuts (ba_reply_cut) and
 * says more; else NULL.  Not a copy. */
const char *ba_reply_completing (const char *cut, const char *whole);

#endif
