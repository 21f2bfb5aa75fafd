/* dsn.h - the fields of an RFC 3464 message/delivery-status body (also
 * used for RFC 5965 message/feedback-report, which has the same syntax). */
#ifndef BA_DSN_H
#define BA_DSN_H

#include <glib.h>
#include <gmime/gmime.h>

typedef struct {
    GHashTable *message;        /* lower-case field name -> unfolded value */
    GPtrArray *recipients;      /* of GHashTable*, same keys, one per recipient block */
    guint over_cap;             /* recipient blocks past @max_recipients, dropped */
    gboolean cut_block;         /* the text ended inside a recipient block (a cap
                                 * cut it): that block was dropped */
} ba_dsn;

/* Parse @len bytes of @text.  Never fails; garbage yields empty tables.
 * At most @max_recipients blocks are kept.  When @cut, the text was cut
 * short (a size cap): its last block is dropped rather than kept partial. */
ba_dsn *ba_dsn_parse_cut (const char *text, gsize len, guint max_recipients, gboolean cut);
/* The same, @cut FALSE. */
ba_dsn *ba_dsn_parse (const char *text, gsize len, guint max_recipients);

/* The same from @stream (decoded text), block by block, reading at most
 * @max_bytes: memory holds the kept blocks only. */
ba_dsn *ba_dsn_parse_stream (GMimeStream *stream, guint max_recipients, gint64 max_bytes);
void ba_dsn_free (ba_dsn *dsn);

/* A DSN part (a GMimePart) parsed with ba_dsn_parse_stream() as its
 * content is decoded (transfer encoding, charset): for a part too long to
 * be read whole, so the cut falls between blocks and the blocks past the
 * recipient cap are counted. */
ba_dsn *ba_dsn_parse_part (GMimeObject *part, guint max_recipients, gint64 max_bytes);
/* Is the content of @part (a GMimePart) longer than @max bytes, or of unknown length? */
gboolean ba_part_longer_than (GMimeObject *part, gint64 max);

/* The value of @field (lower case) in @fields, or NULL. */
const char *ba_dsn_get (GHashTable *fields, const char *field);

#endif
