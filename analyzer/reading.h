/* reading.h - the reading of a notice's text before any format sees it:
 * what a forwarding mail client or a relay did to the lines (quoting them
 * with "> ", indenting them) is undone, so that formats and the DSN finder
 * read the MTA's own lines. */
#ifndef BA_READING_H
#define BA_READING_H

#include <glib.h>

/* A new copy of @text (LF line ends) with "> " quoting (up to four
 * levels) removed from every quoted block of at least three lines, and the
 * indentation common to all its non-blank lines removed; NULL when
 * nothing had to change. */
char *ba_reading_unwrap (const char *text);



/* @text with the lines a mail client broke to fit its width joined again,
 * or NULL when no line looks broken.  A line is taken as broken when the
 * next one starts at column 0 with a word that would have made it longer
 * than the text's widest line: the break a composer makes at its width. */
typedef enum {
    BA_REFLOW_GREEDY,           /* every line that looks broken */
    BA_REFLOW_KEEP_SENTENCES,   /* not a line ending a sentence or an address */
    BA_REFLOW_KEEP_ENDS,        /* nor one ending with a colon */
} ba_reflow;
char *ba_reading_reflow (const char *text, ba_reflow caution);

/* The readings of one notice a format is tried on, each bolder than the
 * one before: as it came, then re-joined from the most cautious way to
 * the greedy one (each only when it differs from the one before). */
#define BA_READINGS 4
typedef struct {
    char *text[BA_READINGS];
    char *lower[BA_READINGS];    /* each in ASCII lower case */
    gboolean by_text[BA_READINGS]; /* may win by more error text alone (not greedy) */
    int n;
} ba_readings;

void ba_readings_init (ba_readings *r, const char *notice);
void ba_readings_clear (ba_readings *r);
/* Where, in @text, the fields of a feedback report pasted as text begin
 * (the paragraph with Feedback-Type and Version or User-Agent), or -1. */
gssize ba_reading_feedback_offset (const char *text);

/* Does @line open with the banner a mail client writes above a message it
 * forwards inline (its From:, Date: or Sent:, To:, Subject: follow)? */
gboolean ba_reading_forward_banner (const char *line);

/* The length of the DSN fields at the start of @text pasted as text: up to
 * the paragraph where a returned message's header begins (a header field
 * no DSN has: Received, Return-Path, Message-ID, From, Subject). */
gsize ba_reading_fields_len (const char *text);

#endif
