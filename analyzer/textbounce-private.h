/* textbounce-private.h - what textbounce.c and textbounce-bare.c share. */
#ifndef BA_TEXTBOUNCE_PRIVATE_H
#define BA_TEXTBOUNCE_PRIVATE_H

#include "textbounce.h"

/* @raw without its brackets, quotes, "mailto:" and trailing punctuation,
 * when it is a plausible address; else NULL. */
char *ba_text_clean_address (const char *raw);

/* Bare mailbox names in @out become the returned message's To/Cc address
 * with that local part, else name@domain, else the one address their own
 * error text gives; a name that stays bare is dropped. */
void ba_text_complete_bare_names (ba_context *ctx, const ba_format *fmt, GPtrArray *out,
                                  const char *notice, const char *headers,
                                  const char *original_headers, gssize original_at);

#endif
