/* notice-lines.h - the notice as the generic reader reads it: unquoted,
 * line ends made LF, cut where the returned message begins, as lines.
 * Internal to notice*.c. */
#ifndef BA_NOTICE_LINES_H
#define BA_NOTICE_LINES_H

#include "notice.h"
#include "pattern-scan.h"

/* Hostile-input bounds: the text read and its lines. */
#define BA_NOTICE_MAX_TEXT  (256 * 1024)
#define BA_NOTICE_MAX_LINES 5000

typedef struct {
    GString *text;              /* unquoted, cut at the returned message */
    GArray *starts;             /* of gsize: each line's offset */
    char *lower;                /* text in ASCII lower case, for the literal prefilter */
    ba_text_scan scan;          /* its literals (BA_SCAN_NOTICE) */
    GPtrArray *senders;         /* of char*: From, Sender, Reply-To and Return-Path
                                 * addresses of the returned message's header */
} ba_notice_lines;

void ba_notice_lines_init (ba_context *ctx, ba_notice_lines *nl, const char *notice);
void ba_notice_lines_clear (ba_notice_lines *nl);

gsize ba_notice_line_len (const ba_notice_lines *nl, guint i);
const char *ba_notice_line_at (const ba_notice_lines *nl, guint i);
gboolean ba_notice_line_blank (const ba_notice_lines *nl, guint i);
/* The line holding byte @offset. */
guint ba_notice_line_of (const ba_notice_lines *nl, gsize offset);

/* Does a pattern of a group of @kind match @text (with @subject, the
 * group's Subject patterns)?  @scan is the literal scan of @text (NULL:
 * made here): a pattern whose literals it lacks is not run. */
gboolean ba_notice_any_matches (ba_context *ctx, ba_notice_kind kind, gboolean subject, const char *text,
                                const ba_text_scan *scan);

/* Can @p match the notice at all (its required literal is in it)? */
gboolean ba_notice_may_match (const ba_pattern *p, const ba_notice_lines *nl);

/* notice-items.c.  Does line @i end a sentence the address on the next
 * line goes on ("... mail from" then "<addr> rejected")? */
gboolean ba_notice_sentence_goes_on (const ba_notice_lines *nl, guint i);
/* Does the rest of a listed line after its address say it succeeded? */
gboolean ba_notice_says_success (const char *rest, gsize n);
/* Is line @i letters without small ones (a button label, "LEARN MORE")? */
gboolean ba_notice_no_small_letters (const ba_notice_lines *nl, guint i);

#endif
