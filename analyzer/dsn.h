/* dsn.h - the fields of an RFC 3464 message/delivery-status body (also
 * used for RFC 5965 message/feedback-report, which has the same syntax). */
#ifndef BA_DSN_H
#define BA_DSN_H

#include <glib.h>

typedef struct {
    GHashTable *message;        /* lower-case field name -> unfolded value */
    GPtrArray *recipients;      /* of GHashTable*, same keys, one per recipient block */
} ba_dsn;

/* Parse @len bytes of @text.  Never fails; garbage yields empty tables.
 * At most @max_recipients blocks are kept. */
ba_dsn *ba_dsn_parse (const char *text, gsize len, guint max_recipients);
void ba_dsn_free (ba_dsn *dsn);

/* The value of @field (lower case) in @fields, or NULL. */
const char *ba_dsn_get (GHashTable *fields, const char *field);

#endif
