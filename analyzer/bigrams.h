/* bigrams.h - a text's set of byte pairs, for the literal prefilters: a
 * literal one of whose pairs the text lacks cannot be in it, which a few
 * bit tests tell where strstr would read the whole text. */
#ifndef BA_BIGRAMS_H
#define BA_BIGRAMS_H

#include <glib.h>
#include <string.h>

/* Pair "ab" is bit (a & 0x7f) << 7 | (b & 0x7f): a non-ASCII byte shares
 * the bit of an ASCII one, which only lets strstr decide more often, and
 * the set stays 2 KiB (it is cleared for every text). */
typedef struct ba_bigrams {
    guint64 bits[16384 / 64];
} ba_bigrams;

static inline guint
ba_bigram_bit (const guchar *p)
{
    return (guint) (p[0] & 0x7f) << 7 | (p[1] & 0x7f);
}

/* A copy of the @len bytes at @s in ASCII lower case, for the prefilters
 * (a plain loop: g_ascii_strdown calls a function per byte). */
static inline char *
ba_lower_dup (const char *s, gsize len)
{
    char *out = g_malloc (len + 1);
    for (gsize i = 0; i < len; i++)
        out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char) (s[i] + 32) : s[i];
    out[len] = '\0';
    return out;
}

/* The pairs of the NUL-terminated @text (as strstr sees it). */
void ba_bigrams_fill (ba_bigrams *b, const char *text);

/* FALSE when @literal (at least 2 bytes) cannot occur in the text of @b;
 * TRUE when it may (strstr decides).  @b NULL: TRUE. */
static inline gboolean
ba_bigrams_may_hold (const ba_bigrams *b, const char *literal)
{
    if (!b)
        return TRUE;
    for (const guchar *p = (const guchar *) literal; p[0] && p[1]; p++) {
        guint pair = ba_bigram_bit (p);
        if (!(b->bits[pair >> 6] >> (pair & 63) & 1))
            return FALSE;
    }
    return TRUE;
}

/* Literal prefilter: might @lower (whose pairs are @b, or NULL) contain @literal? */
static inline gboolean
ba_literal_in (const ba_bigrams *b, const char *lower, const char *literal)
{
    return ba_bigrams_may_hold (b, literal) && strstr (lower, literal) != NULL;
}

#endif
