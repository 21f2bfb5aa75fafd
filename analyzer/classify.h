/* classify.h - internal parts of classification shared with the
 * knowledge module. */
#ifndef BA_CLASSIFY_H
#define BA_CLASSIFY_H

#include "context.h"

/* Fill dnsbl, listed, fault and advice of @rcpt from the blacklist
 * knowledge and the advice templates for its reason and the @cause its
 * rule names (NULL: none) (knowledge.c). */
void ba_apply_knowledge (ba_context *ctx, ba_recipient *rcpt, const char *bounce_date,
                         const char *reporting_mta, const char *cause);

/* The value of capture @name of @rcpt, or NULL. */
const char *ba_recipient_capture (const ba_recipient *rcpt, const char *name);

#endif
