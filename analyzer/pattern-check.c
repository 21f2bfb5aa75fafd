/* pattern-check.c - a static check of a pattern's source for the shapes
 * that make PCRE2 matching superlinear (see rules.h, ba_pattern_hazard).
 *
 * Over the tree of pattern-parse.h, a walk carries the set of characters
 * that an unbounded, backtrackable run just before the current position
 * could still take ("trail"); an unbounded item whose first characters
 * overlap it is a hazard, since the text between them can be split in
 * as many ways as it is long.  An unanchored pattern starts with the
 * trail of PCRE2's own search loop (every character), a line start (^)
 * with newline only.  The check is conservative: syntax it does not know
 * makes it say nothing. */
#include "rules.h"
#include "pattern-parse.h"

#include <string.h>

static gboolean seq_nullable (GPtrArray *seq);

static gboolean
node_nullable (const node *n)
{
    if (n->kind == NODE_ANCHOR || n->kind == NODE_LOOK || n->min == 0)
        return TRUE;
    if (n->kind == NODE_GROUP)
        for (guint i = 0; i < n->alts->len; i++)
            if (seq_nullable (g_ptr_array_index (n->alts, i)))
                return TRUE;
    return FALSE;
}

static gboolean
seq_nullable (GPtrArray *seq)
{
    for (guint i = 0; i < seq->len; i++)
        if (!node_nullable (g_ptr_array_index (seq, i)))
            return FALSE;
    return TRUE;
}

static void seq_chars (GPtrArray *seq, cset *out, gboolean first_only);

/* Characters @n can match: all of them, or only those it can start with. */
static void
node_chars (const node *n, cset *out, gboolean first_only)
{
    if (n->kind == NODE_SET)
        cset_union (out, &n->set);
    else if (n->kind == NODE_GROUP)
        for (guint i = 0; i < n->alts->len; i++)
            seq_chars (g_ptr_array_index (n->alts, i), out, first_only);
}

static void
seq_chars (GPtrArray *seq, cset *out, gboolean first_only)
{
    for (guint i = 0; i < seq->len; i++) {
        const node *n = g_ptr_array_index (seq, i);
        node_chars (n, out, first_only);
        if (first_only && !node_nullable (n))
            return;
    }
}

typedef struct {
    char *hazard;               /* the first one found */
} walk_state;

static void
flag (walk_state *ws, const char *what)
{
    if (!ws->hazard)
        ws->hazard = g_strdup (what);
}

/* What must hold after an item for the match to succeed: NOT_TAIL when
 * more pattern follows, else the strongest anchor after it. */
enum { NOT_TAIL = -1, TAIL_END = 0, TAIL_LINE_END = 1, TAIL_TEXT_END = 2 };

static int
tail_after (GPtrArray *seq, guint i, int inherited)
{
    int need = inherited;
    for (guint j = i + 1; j < seq->len && need != NOT_TAIL; j++) {
        const node *m = g_ptr_array_index (seq, j);
        if (m->kind == NODE_ANCHOR && m->anchor == '$')
            need = MAX (need, TAIL_LINE_END);
        else if (m->kind == NODE_ANCHOR && m->anchor == 'z')
            need = MAX (need, TAIL_TEXT_END);
        else
            need = NOT_TAIL;
    }
    return need;
}

/* Can nothing after @n fail once @n, greedy, has taken what it can?  Then
 * no split between @n and an earlier run is ever retried: "\s*(.*)$". */
static gboolean
rest_cannot_fail (const node *n, int need)
{
    cset all = cset_all (), no_nl = all;
    no_nl.bits['\n' >> 5] &= ~(1u << ('\n' & 31));

    if (need == NOT_TAIL || n->lazy || n->kind != NODE_SET || n->max != -1)
        return FALSE;
    if (need == TAIL_LINE_END)
        return cset_within (&no_nl, &n->set);
    if (need == TAIL_TEXT_END)
        return cset_within (&all, &n->set);
    return TRUE;
}

static cset walk_seq (walk_state *ws, GPtrArray *seq, cset trail, int tail);

/* Does some alternative of @n end with an unbounded run that backtracks,
 * lazy or greedy, as in "(?<diagnostic>.+?)" or "(?<recipient>[^\s]+)"? */
static gboolean
group_ends_run (const node *n)
{
    if (n->atomic || n->possessive)
        return FALSE;
    for (guint i = 0; n->alts && i < n->alts->len; i++) {
        GPtrArray *seq = g_ptr_array_index (n->alts, i);
        const node *last = seq->len ? g_ptr_array_index (seq, seq->len - 1) : NULL;
        if (last && ((last->kind == NODE_SET && last->max == -1 && !last->possessive)
                     || (last->kind == NODE_GROUP && group_ends_run (last))))
            return TRUE;
    }
    return FALSE;
}

/* Is @seq a run of single characters (a word)? */
static gboolean
is_word (GPtrArray *seq)
{
    for (guint i = 0; i < seq->len; i++) {
        const node *n = g_ptr_array_index (seq, i);
        if (n->kind != NODE_SET || n->min != 1 || n->max != 1)
            return FALSE;
    }
    return TRUE;
}

/* Can two alternatives of a repeated group start the same text?  Words
 * can when one is a prefix of the other ("the " and "the allowed "),
 * anything else when their first characters overlap. */
static gboolean
alternatives_ambiguous (GPtrArray *a, GPtrArray *b)
{
    cset fa = { { 0 } }, fb = { { 0 } };
    guint n = MIN (a->len, b->len);
    for (guint i = 0; i < n; i++) {
        const node *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);
        if (x->kind != NODE_SET || y->kind != NODE_SET || x->min != 1 || x->max != 1
            || y->min != 1 || y->max != 1)
            break;
        if (!cset_overlaps (&x->set, &y->set))
            return FALSE;
        if (i + 1 == n && is_word (a) && is_word (b))
            return TRUE;
    }
    seq_chars (a, &fa, TRUE);
    seq_chars (b, &fb, TRUE);
    return cset_overlaps (&fa, &fb);
}

static cset
walk_group (walk_state *ws, const node *n, cset trail, int tail)
{
    cset out = { { 0 } }, body_trail = { { 0 } }, entry = trail, first = { { 0 } };
    gboolean repeats = n->max == -1 || n->max > 1;
    gboolean backtracks = !n->atomic && !n->possessive;

    node_chars (n, &first, TRUE);
    if (n->max == -1 && backtracks) {
        cset none = { { 0 } };
        /* what one iteration leaves behind meets the next iteration */
        for (guint i = 0; i < n->alts->len; i++) {
            cset t = walk_seq (ws, g_ptr_array_index (n->alts, i), none, NOT_TAIL);
            cset_union (&body_trail, &t);
        }
        cset_union (&entry, &body_trail);
        for (guint i = 0; i < n->alts->len; i++)
            if (seq_nullable (g_ptr_array_index (n->alts, i)))
                flag (ws, "a repeated group that can match the empty string");
        for (guint i = 0; i < n->alts->len; i++)
            for (guint j = i + 1; j < n->alts->len; j++)
                if (alternatives_ambiguous (g_ptr_array_index (n->alts, i), g_ptr_array_index (n->alts, j)))
                    flag (ws, "alternatives of a repeated group can match the same text");
        if (cset_overlaps (&trail, &first))
            flag (ws, "a repeated group right after an unbounded run that can take its characters");
    }
    for (guint i = 0; i < n->alts->len; i++) {
        cset t = walk_seq (ws, g_ptr_array_index (n->alts, i), entry, repeats ? NOT_TAIL : tail);
        cset_union (&out, &t);
    }
    if (!backtracks)
        out = (cset) { { 0 } };
    if (node_nullable (n))
        cset_union (&out, &trail);
    return out;
}

/* Is @n a negative lookbehind, "(?<![...])" or "(?<![a-z]\\.)", made of
 * characters @next takes?  Then a run of @next cannot start where one
 * could have gone on, and PCRE2's search loop does not retry inside it. */
static gboolean
lookbehind_guard (const node *n, const node *next)
{
    GPtrArray *seq;
    cset chars = { { 0 } };
    if (n->kind != NODE_LOOK || !n->negative_behind || n->alts->len != 1)
        return FALSE;
    seq = g_ptr_array_index (n->alts, 0);
    node_chars (next, &chars, FALSE);
    for (guint i = 0; i < seq->len; i++) {
        const node *m = g_ptr_array_index (seq, i);
        if (m->kind != NODE_SET || m->min != 1 || m->max != 1 || !cset_within (&m->set, &chars))
            return FALSE;
    }
    return seq->len > 0;
}

static cset
walk_seq (walk_state *ws, GPtrArray *seq, cset trail, int tail)
{
    gboolean run_trail = FALSE;
    for (guint i = 0; i < seq->len && !ws->hazard; i++) {
        const node *n = g_ptr_array_index (seq, i);
        int item_tail = tail_after (seq, i, tail);
        cset next = { { 0 } };
        cset nl = { { 0 } };

        switch (n->kind) {
        case NODE_ANCHOR:
            cset_add (&nl, '\n');
            if (n->anchor == '^' || n->anchor == '$') {
                for (int k = 0; k < 8; k++)
                    trail.bits[k] &= nl.bits[k];
            } else if (n->anchor == 'A' || n->anchor == 'z') {
                trail = (cset) { { 0 } };
            }
            break;
        case NODE_LOOK: {
            cset none = { { 0 } };
            const node *m = i + 1 < seq->len ? g_ptr_array_index (seq, i + 1) : NULL;
            if (m && lookbehind_guard (n, m))
                trail = none;
            for (guint k = 0; k < n->alts->len; k++)
                walk_seq (ws, g_ptr_array_index (n->alts, k), none, NOT_TAIL);
            break;
        }
        case NODE_SET:
            if (n->max == -1 && cset_overlaps (&trail, &n->set)
                && !rest_cannot_fail (n, item_tail))
                flag (ws, "an unbounded run right after another unbounded run that can take the same characters");
            if (n->max == -1 && !n->possessive)
                next = n->set;
            if (n->min == 0)
                cset_union (&next, &trail);
            else if (n->max != -1 && run_trail)
                /* a run that backtracks, lazy or greedy, meets the next
                 * run through a character both can take ("X+@X+" on
                 * "a@a@a@..."): the text can be split at each of them */
                for (int k = 0; k < 8; k++)
                    next.bits[k] |= trail.bits[k] & n->set.bits[k];
            run_trail = n->max == -1 ? !n->possessive : (n->min == 0 && run_trail);
            trail = next;
            break;
        case NODE_GROUP:
            trail = walk_group (ws, n, trail, item_tail);
            run_trail = group_ends_run (n);
            break;
        }
    }
    return trail;
}

char *
ba_pattern_hazard (const char *source, gboolean one_line)
{
    regex_tree *t = regex_tree_parse (source, one_line);
    walk_state ws = { 0 };
    char *msg;

    if (!t)
        return NULL;
    /* PCRE2 tries every start position: an unanchored pattern begins
     * after a run of anything */
    for (guint i = 0; i < t->alts->len; i++)
        walk_seq (&ws, g_ptr_array_index (t->alts, i), cset_all (), TAIL_END);
    regex_tree_free (t);
    if (!ws.hazard)
        return NULL;
    msg = g_strdup_printf ("%s (superlinear on long text; see README, \"Patterns that stay linear\")",
                           ws.hazard);
    g_free (ws.hazard);
    return msg;
}
