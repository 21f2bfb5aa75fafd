/* pattern-literals.c - the literals a pattern's every match must contain
 * one of (see rules.h, ba_pattern_literal_set), read from its regex tree:
 * "\b(?:mail ?box|inbox) (?:is )?full" gives {"mailbox", "mail box",
 * "inbox"} or {" full"}, whichever tells texts apart better, so a text
 * holding none of them is never handed to PCRE2. */
#include "rules.h"
#include "pattern-parse.h"

#include <string.h>

/* Bounds that keep the sets small and the work at load linear. */
#define MAX_STRINGS 24          /* alternatives in one set */
#define MAX_LENGTH 48           /* bytes kept of one literal (a prefix of a required text is required) */
#define MAX_REPEAT 8            /* c{n} spelled out up to this n */
#define MIN_USEFUL 3            /* a set with a shorter literal is not worth a scan */

typedef GPtrArray strset;       /* of char*, owned; NULL: not a finite set / no requirement */

/* node_exact's answers, by node: a group's set is asked for again by each
 * enclosing group, so without them the work grows with the nesting depth. */
typedef struct {
    GHashTable *exact;          /* node* -> strset* (a copy is handed out), or NOT_FINITE */
} reader;

static char not_finite;
#define NOT_FINITE ((gpointer) &not_finite)

static strset *
strset_new (void)
{
    return g_ptr_array_new_with_free_func (g_free);
}

static void
strset_free (strset *s)
{
    if (s)
        g_ptr_array_unref (s);
}

static gboolean
strset_has (const strset *s, const char *str)
{
    for (guint i = 0; i < s->len; i++)
        if (!strcmp (g_ptr_array_index (s, i), str))
            return TRUE;
    return FALSE;
}

static void
strset_add (strset *s, const char *str)
{
    if (!strset_has (s, str))
        g_ptr_array_add (s, g_strndup (str, MAX_LENGTH));
}

/* Every string of @a followed by every string of @b, or NULL when too many. */
static strset *
strset_product (const strset *a, const strset *b)
{
    strset *out;
    if (a->len * b->len > MAX_STRINGS)
        return NULL;
    out = strset_new ();
    for (guint i = 0; i < a->len; i++)
        for (guint j = 0; j < b->len; j++) {
            char *cat = g_strconcat (g_ptr_array_index (a, i), g_ptr_array_index (b, j), NULL);
            strset_add (out, cat);
            g_free (cat);
        }
    return out;
}

/* Adds @b's strings to @a; FALSE when the union grows too big. */
static gboolean
strset_merge (strset *a, const strset *b)
{
    for (guint i = 0; i < b->len; i++) {
        strset_add (a, g_ptr_array_index (b, i));
        if (a->len > MAX_STRINGS)
            return FALSE;
    }
    return TRUE;
}

static gsize
strset_min_length (const strset *s)
{
    gsize min = G_MAXSIZE;
    for (guint i = 0; i < s->len; i++)
        min = MIN (min, strlen (g_ptr_array_index (s, i)));
    return s->len ? min : 0;
}

/* Is @a a better requirement than @b: longer shortest literal, then fewer? */
static gboolean
strset_better (const strset *a, const strset *b)
{
    gsize la = strset_min_length (a), lb = b ? strset_min_length (b) : 0;
    if (!b)
        return la > 0;
    return la > lb || (la == lb && a->len < b->len);
}

/* The one ASCII character @c stands for (either case of a letter), or 0. */
static char
set_literal (const cset *c)
{
    int n = 0, word = -1;
    for (int i = 0; i < 8; i++)
        if (c->bits[i]) {
            n += __builtin_popcount (c->bits[i]);
            word = word < 0 ? i : word;
        }
    if (word < 0 || word >= 4 || n > 2)
        return 0;
    int first = word * 32 + __builtin_ctz (c->bits[word]);
    if (first == 0)
        return 0;
    if (n == 2) {
        /* the two must be the cases of one letter: 'A' then 'a' */
        if (!g_ascii_isupper (first) || !(c->bits[(first + 32) >> 5] >> ((first + 32) & 31) & 1))
            return 0;
        return (char) (first + 32);
    }
    return g_ascii_isalpha (first) ? 0 : (char) first;
}

/* A node that is one plain character, once: the common case, appended in place. */
static char
plain_char (const node *n)
{
    return n->kind == NODE_SET && n->min == 1 && n->max == 1 ? set_literal (&n->set) : 0;
}

static void
strset_append_char (strset *s, char c)
{
    for (guint i = 0; i < s->len; i++) {
        char *old = g_ptr_array_index (s, i);
        gsize len = strlen (old);
        if (len >= MAX_LENGTH)
            continue;
        old = g_realloc (old, len + 2);
        old[len] = c;
        old[len + 1] = '\0';
        s->pdata[i] = old;
    }
}

static strset *seq_exact (reader *rd, const GPtrArray *seq);
static strset *alts_exact (reader *rd, const GPtrArray *alts);
static strset *alts_required (reader *rd, const GPtrArray *alts);
static strset *node_exact_uncached (reader *rd, const node *n);

static strset *
strset_copy (const strset *s)
{
    strset *out = strset_new ();
    for (guint i = 0; i < s->len; i++)
        g_ptr_array_add (out, g_strdup (g_ptr_array_index (s, i)));
    return out;
}

/* The finite set of texts @n matches (the caller's to free), or NULL. */
static strset *
node_exact (reader *rd, const node *n)
{
    gpointer known = g_hash_table_lookup (rd->exact, n);
    strset *e;
    if (known)
        return known == NOT_FINITE ? NULL : strset_copy (known);
    e = node_exact_uncached (rd, n);
    g_hash_table_insert (rd->exact, (gpointer) n, e ? (gpointer) strset_copy (e) : NOT_FINITE);
    return e;
}

static strset *
node_exact_uncached (reader *rd, const node *n)
{
    strset *one = NULL, *out;

    if (n->kind == NODE_SET) {
        char c = set_literal (&n->set);
        char buf[MAX_REPEAT + 1];
        /* c, c{n} or c? */
        if (!c || n->max < 1 || n->max > MAX_REPEAT || (n->min != n->max && !(n->min == 0 && n->max == 1)))
            return NULL;
        out = strset_new ();
        if (n->min == 0)
            strset_add (out, "");
        memset (buf, c, n->max);
        buf[n->max] = '\0';
        strset_add (out, buf);
        return out;
    }
    if (n->kind != NODE_GROUP)
        return NULL;
    if (!(n->min == 1 && n->max == 1) && !(n->min == 0 && n->max == 1))
        return NULL;
    one = alts_exact (rd, n->alts);
    if (one && n->min == 0)
        strset_add (one, "");
    if (one && one->len > MAX_STRINGS) {
        strset_free (one);
        return NULL;
    }
    return one;
}

static gboolean
zero_width (const node *n)
{
    return n->kind == NODE_ANCHOR || n->kind == NODE_LOOK;
}

static strset *
seq_exact (reader *rd, const GPtrArray *seq)
{
    strset *acc = strset_new ();
    strset_add (acc, "");
    for (guint i = 0; i < seq->len && acc; i++) {
        const node *n = g_ptr_array_index (seq, i);
        strset *e, *next;
        char c;
        if (zero_width (n))
            continue;
        if ((c = plain_char (n))) {
            strset_append_char (acc, c);
            continue;
        }
        e = node_exact (rd, n);
        next = e ? strset_product (acc, e) : NULL;
        strset_free (e);
        strset_free (acc);
        acc = next;
    }
    return acc;
}

/* The union of what @each gives for every alternative of @alts, or NULL
 * when one of them gives nothing (or the union grows too big). */
static strset *
alts_union (reader *rd, const GPtrArray *alts, strset *(*each) (reader *, const GPtrArray *))
{
    strset *out = strset_new ();
    for (guint i = 0; i < alts->len; i++) {
        strset *e = each (rd, g_ptr_array_index (alts, i));
        gboolean ok = e && strset_merge (out, e);
        strset_free (e);
        if (!ok) {
            strset_free (out);
            return NULL;
        }
    }
    return out;
}

static strset *
alts_exact (reader *rd, const GPtrArray *alts)
{
    return alts_union (rd, alts, seq_exact);
}

/* Keep @cand in *@best when better (a set holding "" requires nothing). */
static void
offer (strset **best, strset *cand)
{
    if (cand && strset_min_length (cand) > 0 && strset_better (cand, *best)) {
        strset_free (*best);
        *best = cand;
    } else {
        strset_free (cand);
    }
}

/* The best set one of whose strings every match of @seq contains, or NULL. */
static strset *
seq_required (reader *rd, const GPtrArray *seq)
{
    strset *best = NULL, *run = strset_new ();
    strset_add (run, "");
    for (guint i = 0; i < seq->len; i++) {
        const node *n = g_ptr_array_index (seq, i);
        strset *e, *next = NULL;
        char c;
        if (zero_width (n))
            continue;           /* "foo\b bar" still holds "foo bar" */
        if ((c = plain_char (n))) {
            strset_append_char (run, c);
            continue;
        }
        e = node_exact (rd, n);
        if (e && (next = strset_product (run, e))) {
            strset_free (run);
            run = next;
            strset_free (e);
            continue;
        }
        offer (&best, run);
        if (e) {
            run = e;            /* too many combinations: a new run starts here */
            continue;
        }
        run = strset_new ();
        strset_add (run, "");
        if (n->kind == NODE_GROUP && n->min >= 1)
            offer (&best, alts_required (rd, n->alts));
    }
    offer (&best, run);
    return best;
}

/* Every alternative must give a set; their union is required. */
static strset *
alts_required (reader *rd, const GPtrArray *alts)
{
    return alts_union (rd, alts, seq_required);
}

static void
free_known (gpointer v)
{
    if (v != NOT_FINITE)
        strset_free (v);
}

char **
ba_pattern_literal_set (const char *source)
{
    regex_tree *t = regex_tree_parse (source, FALSE);
    reader rd;
    strset *req;
    char **out;

    if (!t)
        return NULL;
    rd.exact = g_hash_table_new_full (NULL, NULL, NULL, free_known);
    req = alts_required (&rd, t->alts);
    g_hash_table_unref (rd.exact);
    regex_tree_free (t);
    if (!req || strset_min_length (req) < MIN_USEFUL) {
        strset_free (req);
        return NULL;
    }
    g_ptr_array_add (req, NULL);
    out = (char **) g_ptr_array_free (req, FALSE);
    return out;
}
