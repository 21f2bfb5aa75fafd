/* pattern-parse.h - a PCRE2 pattern's source as a small tree of
 * character sets, groups, quantifiers and zero-width items, for the static
 * checks of pattern-check.c.  Internal to the library. */
#ifndef BA_PATTERN_PARSE_H
#define BA_PATTERN_PARSE_H

#include <glib.h>

typedef struct { guint32 bits[8]; } cset;   /* bytes; 0x80 stands for every non-ASCII character */

typedef enum { NODE_SET, NODE_GROUP, NODE_ANCHOR, NODE_LOOK } node_kind;

typedef struct node node;
struct node {
    node_kind kind;
    cset set;                   /* NODE_SET */
    GPtrArray *alts;            /* NODE_GROUP, NODE_LOOK: of GPtrArray* of node* */
    char anchor;                /* '^' line start, 'A' text start, '$', 'z' end, 'b' other */
    int min, max;               /* max -1: unbounded */
    gboolean lazy, possessive, atomic;
    gboolean negative_behind;   /* NODE_LOOK: (?<!...) */
};

typedef struct {
    GPtrArray *alts;            /* the top-level alternatives, of GPtrArray* of node* */
    GPtrArray *nodes;           /* every node, for freeing */
} regex_tree;

/* Parse @source as it is compiled (caseless, multiline, UTF); @one_line:
 * the text it meets is one line, so "^" is its start and no set holds a
 * newline.  NULL for syntax the parser does not know (back references,
 * \Q...\E, verbs, recursion). */
regex_tree *regex_tree_parse (const char *source, gboolean one_line);
void regex_tree_free (regex_tree *t);

static inline void cset_add (cset *c, guchar b) { c->bits[b >> 5] |= 1u << (b & 31); }

static inline void
cset_union (cset *a, const cset *b)
{
    for (int i = 0; i < 8; i++)
        a->bits[i] |= b->bits[i];
}

static inline gboolean
cset_overlaps (const cset *a, const cset *b)
{
    for (int i = 0; i < 8; i++)
        if (a->bits[i] & b->bits[i])
            return TRUE;
    return FALSE;
}

static inline gboolean
cset_within (const cset *a, const cset *b)
{
    for (int i = 0; i < 8; i++)
        if (a->bits[i] & ~b->bits[i])
            return FALSE;
    return TRUE;
}

/* Every byte but the non-ASCII ones beyond 0x80 (which 0x80 stands for). */
static inline cset
cset_all (void)
{
    /* bytes 0x00-0x7F (words 0-3) and 0x80 (bit 0 of word 4) */
    const cset c = { { ~0u, ~0u, ~0u, ~0u, 1u, 0, 0, 0 } };
    return c;
}

#endif
