/* bigrams.c - see bigrams.h */
#include <string.h>

#include "bigrams.h"

void
ba_bigrams_fill (ba_bigrams *b, const char *text)
{
    const guchar *p = (const guchar *) text;
    memset (b->bits, 0, sizeof b->bits);
    for (; p[0] && p[1]; p++) {
        guint pair = ba_bigram_bit (p);
        b->bits[pair >> 6] |= (guint64) 1 << (pair & 63);
    }
}
