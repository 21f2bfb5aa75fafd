/* textbounce.h - the format engine: find failed recipients and their
 * error text in an MTA's human-readable notice, following a format
 * description of rules/NN-name.formats. */
#ifndef BA_TEXTBOUNCE_H
#define BA_TEXTBOUNCE_H

#include "context.h"

typedef struct {
    char *recipient;
    GString *diagnostic;
    char *remote_mta;
} ba_text_recipient;

void ba_text_recipient_free (ba_text_recipient *r);

/* Does @fmt describe this message?  @notice is the notice text, @headers
 * the bounce's header block ("Name: value" lines). */
gboolean ba_format_detect (ba_context *ctx, const ba_format *fmt, const char *notice,
                           const char *headers, const char *subject, const char *from);

/* The recipients @fmt finds in @notice (of ba_text_recipient*), at most
 * @max.  *@original_at is set to the offset in @notice where an inline
 * copy of the original message begins, or -1. */
GPtrArray *ba_format_extract (ba_context *ctx, const ba_format *fmt, const char *notice,
                              guint max, gssize *original_at, char **reporting_mta);

#endif
