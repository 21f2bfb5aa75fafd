/* textbounce.h - the format engine: find failed recipients and their
 * error text in an MTA's human-readable notice, following a format
 * description of rules/NN-name.formats. */
#ifndef BA_TEXTBOUNCE_H
#define BA_TEXTBOUNCE_H

#include "context.h"
#include "pattern-scan.h"

typedef struct {
    char *recipient;
    GString *diagnostic;
    char *remote_mta;
    char *status;               /* (?<status>) of the format, when it has one */
    char *action;               /* (?<action>) */
    char *feedback_type;        /* (?<feedback_type>): a complaint, not a failure */
    gssize at;                  /* offset of its line in the notice, -1 if none */
    gboolean from_original;     /* named only by the returned message (recipient-original) */
} ba_text_recipient;

/* Did @found come only from recipient-original, a weaker guess than a
 * later format's own recipient lines? */
gboolean ba_text_found_only_original (const GPtrArray *found);

void ba_text_recipient_free (ba_text_recipient *r);

/* What format detection looks at: the notice text, the bounce's header
 * block ("Name: value" lines), the Subject and From, each with its literal
 * scan (BA_SCAN_NOTICE, for the prefilter; may be NULL). */
typedef struct {
    const char *notice, *headers;
    const ba_text_scan *notice_scan, *headers_scan;
    const char *subject, *from;
    const ba_text_scan *subject_scan, *from_scan;
} ba_detect_input;

/* Does a pattern of @patterns match @text?  @scan, the literals of @text
 * (may be NULL), lets a pattern whose literals are absent be skipped. */
gboolean ba_patterns_any_match (ba_context *ctx, GPtrArray *patterns, const char *text, const ba_text_scan *scan);

/* Does @fmt describe this message? */
gboolean ba_format_detect (ba_context *ctx, const ba_format *fmt, const ba_detect_input *in);

/* The recipients @fmt finds in @notice (of ba_text_recipient*), at most
 * @max; @scan is the notice's literal scan (BA_SCAN_NOTICE; NULL: made
 * here); @headers is the header block, for recipient-header, and
 * @original_headers that of the returned message (may be NULL: then an
 * inline copy after the format's original marker is read), for
 * recipient-original and for completing bare mailbox names.  *@original_at
 * is set to the offset in @notice where an inline copy of the original
 * message begins, or -1. */
GPtrArray *ba_format_extract (ba_context *ctx, const ba_format *fmt, const char *notice,
                              const ba_text_scan *scan, const char *headers, const char *original_headers, guint max,
                              gssize *original_at, char **reporting_mta);

/* An address longer than this (RFC 5321's path limit less its angle brackets) is not one. */
#define BA_MAX_ADDRESS 254

/* Could @addr be a mail address: valid UTF-8, at most BA_MAX_ADDRESS
 * bytes, no control or invisible format character, no blank or angle
 * bracket outside quotes, and, when @need_at, a local part @ domain.  What
 * is not plausible is never a recipient. */
gboolean ba_address_plausible (const char *addr, gboolean need_at);

/* JSON string escapes (\" \n \uXXXX ...) of @s decoded, as a new string. */
char *ba_json_unescape (const char *s);

/* ba_format_extract on each of @n readings of one notice (as it came,
 * re-joined ...), whose literal scans are @scans: the result of the one that reads most, *@reading its
 * index; a reading wins by more error text alone only if @by_text says
 * so.  Only readings where the format's begin line matches are used when
 * there is one. */
GPtrArray *ba_format_extract_readings (ba_context *ctx, const ba_format *fmt, const char *const *readings,
                                       const ba_text_scan *scans, const gboolean *by_text, int n,
                                       const char *headers, const char *original_headers, guint max,
                                       gssize *original_at, char **reporting_mta, int *reading);

#endif
