/* pattern-check.c - a static check of a pattern's source for the shapes
 * that make PCRE2 matching superlinear (see rules.h, ba_pattern_hazard).
 *
 * The pattern is parsed into a small tree of character sets, groups,
 * quantifiers and zero-width items.  A walk carries the set of characters
 * that an unbounded, backtrackable run just before the current position
 * could still take ("trail"); an unbounded item whose first characters
 * overlap it is a hazard, since the text between them can be split in
 * as many ways as it is long.  An unanchored pattern starts with the
 * trail of PCRE2's own search loop (every character), a line start (^)
 * with newline only.  The check is conservative: syntax it does not know
 * makes it say nothing. */
#include "rules.h"

#include <string.h>

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
    const char *s;
    gboolean dotall, extended, failed;
    gboolean one_line;          /* the text is one line: no newline to match */
    GPtrArray *nodes;           /* every node, for freeing */
} parser;

static void cset_add (cset *c, guchar b) { c->bits[b >> 5] |= 1u << (b & 31); }

static void
cset_add_folded (cset *c, guchar b)
{
    cset_add (c, b >= 0x80 ? 0x80 : b);
    if (g_ascii_isalpha (b)) {
        cset_add (c, g_ascii_tolower (b));
        cset_add (c, g_ascii_toupper (b));
    }
}

static void
cset_range (cset *c, guchar lo, guchar hi)
{
    for (unsigned b = lo; b <= hi; b++)
        cset_add_folded (c, (guchar) b);
}

static void
cset_invert (cset *c)
{
    for (int i = 0; i < 8; i++)
        c->bits[i] = ~c->bits[i];
    for (unsigned b = 0x81; b < 0x100; b++)
        c->bits[b >> 5] &= ~(1u << (b & 31));
}

static void
cset_union (cset *a, const cset *b)
{
    for (int i = 0; i < 8; i++)
        a->bits[i] |= b->bits[i];
}

static gboolean
cset_overlaps (const cset *a, const cset *b)
{
    for (int i = 0; i < 8; i++)
        if (a->bits[i] & b->bits[i])
            return TRUE;
    return FALSE;
}

static cset
cset_all (void)
{
    cset c = { { 0 } };
    cset_invert (&c);
    return c;
}

static node *
node_new (parser *ps, node_kind kind)
{
    node *n = g_new0 (node, 1);
    n->kind = kind;
    n->min = n->max = 1;
    g_ptr_array_add (ps->nodes, n);
    return n;
}

/* The set of a class escape (\s, \d, ...); FALSE when @c is none. */
static gboolean
class_escape (char c, cset *out)
{
    cset s = { { 0 } };
    gboolean negate = g_ascii_isupper (c);
    switch (g_ascii_tolower (c)) {
    case 's':
        for (const char *p = " \t\n\v\f\r"; *p; p++)
            cset_add (&s, (guchar) *p);
        break;
    case 'd':
        cset_range (&s, '0', '9');
        break;
    case 'w':
        cset_range (&s, 'a', 'z');
        cset_range (&s, '0', '9');
        cset_add (&s, '_');
        break;
    case 'h':
        cset_add (&s, ' ');
        cset_add (&s, '\t');
        cset_add (&s, 0x80);
        break;
    case 'v':
        for (const char *p = "\n\v\f\r"; *p; p++)
            cset_add (&s, (guchar) *p);
        cset_add (&s, 0x80);
        break;
    case 'n':
        if (!negate)
            return FALSE;       /* \n is a character, \N "not a newline" */
        cset_add (&s, '\n');
        break;
    case 'p':
        s = cset_all ();
        negate = FALSE;
        break;
    default:
        return FALSE;
    }
    if (negate)
        cset_invert (&s);
    *out = s;
    return TRUE;
}

/* One escaped character after the backslash at *s; advances *s. */
static int
escaped_char (parser *ps)
{
    char c = *ps->s++;
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'f': return '\f';
    case 'e': return 27;
    case 'a': return 7;
    case 'x': {
        unsigned v = 0;
        if (*ps->s == '{') {
            const char *close = strchr (ps->s, '}');
            if (!close)
                break;
            v = (unsigned) strtoul (ps->s + 1, NULL, 16);
            ps->s = close + 1;
        } else {
            for (int i = 0; i < 2 && g_ascii_isxdigit (*ps->s); i++)
                v = v * 16 + g_ascii_xdigit_value (*ps->s++);
        }
        return v >= 0x80 ? 0x80 : (int) v;
    }
    default:
        if (g_ascii_isalnum (c))
            break;              /* an escape this check does not know */
        return (guchar) c;
    }
    ps->failed = TRUE;
    return 0;
}

static void
skip_utf8_tail (parser *ps)
{
    while (((guchar) *ps->s & 0xC0) == 0x80)
        ps->s++;
}

static void
parse_class (parser *ps, cset *out)
{
    cset c = { { 0 } };
    gboolean negate = FALSE, first = TRUE;

    if (*ps->s == '^') {
        negate = TRUE;
        ps->s++;
    }
    while (*ps->s && (*ps->s != ']' || first)) {
        int lo;
        first = FALSE;
        if (!strncmp (ps->s, "[:", 2)) {
            const char *close = strstr (ps->s, ":]");
            if (!close) {
                ps->failed = TRUE;
                return;
            }
            /* a POSIX class: over-approximate as every ASCII character */
            cset_range (&c, 0, 0x7F);
            ps->s = close + 2;
            continue;
        }
        if (*ps->s == '\\') {
            cset esc;
            ps->s++;
            if (class_escape (*ps->s, &esc)) {
                cset_union (&c, &esc);
                ps->s++;
                continue;
            }
            if (*ps->s == 'b') {
                ps->s++;
                lo = 8;
            } else {
                lo = escaped_char (ps);
            }
        } else {
            lo = (guchar) *ps->s++;
            if (lo >= 0x80)
                skip_utf8_tail (ps);
        }
        if (ps->failed)
            return;
        if (*ps->s == '-' && ps->s[1] && ps->s[1] != ']') {
            int hi;
            ps->s++;
            if (*ps->s == '\\') {
                ps->s++;
                hi = escaped_char (ps);
            } else {
                hi = (guchar) *ps->s++;
                if (hi >= 0x80)
                    skip_utf8_tail (ps);
            }
            if (hi >= 0x80 || lo >= 0x80) {
                cset_add (&c, 0x80);
                hi = MIN (hi, 0x7F);
            }
            if (lo <= hi)
                cset_range (&c, (guchar) lo, (guchar) hi);
        } else {
            cset_add_folded (&c, (guchar) lo);
        }
    }
    if (*ps->s != ']') {
        ps->failed = TRUE;
        return;
    }
    ps->s++;
    if (negate)
        cset_invert (&c);
    *out = c;
}

/* A quantifier after an item, if any. */
static void
parse_quantifier (parser *ps, node *n)
{
    const char *s = ps->s;
    int min, max;

    if (*s == '*')
        min = 0, max = -1, s++;
    else if (*s == '+')
        min = 1, max = -1, s++;
    else if (*s == '?')
        min = 0, max = 1, s++;
    else if (*s == '{' && g_ascii_isdigit (s[1])) {
        char *end;
        min = (int) strtol (s + 1, &end, 10);
        max = min;
        if (*end == ',') {
            if (g_ascii_isdigit (end[1]))
                max = (int) strtol (end + 1, &end, 10);
            else {
                max = -1;
                end++;
            }
        }
        if (*end != '}')
            return;             /* a literal brace */
        s = end + 1;
    } else
        return;
    n->min = min;
    n->max = max;
    if (*s == '?')
        n->lazy = TRUE, s++;
    else if (*s == '+')
        n->possessive = TRUE, s++;
    ps->s = s;
}

static GPtrArray *parse_alternation (parser *ps);

/* After "(?": option letters, "(?s)" or "(?s:".  Returns TRUE when they
 * open a group (':'), with the options of the enclosing one to restore. */
static gboolean
parse_options (parser *ps, gboolean *opens)
{
    gboolean on = TRUE;
    for (; *ps->s && *ps->s != ')' && *ps->s != ':'; ps->s++) {
        switch (*ps->s) {
        case '-': on = FALSE; break;
        case 's': ps->dotall = on; break;
        case 'x': ps->extended = on; break;
        case 'i': case 'm': case 'J': case 'U': case 'n':
            break;
        default:
            ps->failed = TRUE;
            return FALSE;
        }
    }
    if (!*ps->s) {
        ps->failed = TRUE;
        return FALSE;
    }
    *opens = *ps->s == ':';
    ps->s++;
    return TRUE;
}

static node *
parse_group (parser *ps)
{
    node *n = node_new (ps, NODE_GROUP);
    gboolean dotall = ps->dotall, extended = ps->extended;

    if (*ps->s == '?') {
        ps->s++;
        if (*ps->s == ':' || *ps->s == '|')
            ps->s++;
        else if (*ps->s == '>')
            ps->s++, n->atomic = TRUE;
        else if (*ps->s == '=' || *ps->s == '!')
            ps->s++, n->kind = NODE_LOOK;
        else if (*ps->s == '<' && (ps->s[1] == '=' || ps->s[1] == '!')) {
            n->negative_behind = ps->s[1] == '!';
            ps->s += 2, n->kind = NODE_LOOK;
        }
        else if (*ps->s == '<' || *ps->s == '\'' || (*ps->s == 'P' && ps->s[1] == '<')) {
            const char *close = strpbrk (ps->s + 1, ">'");
            if (!close) {
                ps->failed = TRUE;
                return n;
            }
            ps->s = close + 1;
        } else if (*ps->s == '#') {
            const char *close = strchr (ps->s, ')');
            ps->s = close ? close + 1 : ps->s + strlen (ps->s);
            n->kind = NODE_ANCHOR;
            n->anchor = 'b';
            return n;
        } else {
            gboolean opens = FALSE;
            if (!parse_options (ps, &opens))
                return n;
            if (!opens) {
                /* "(?s)": the options hold to the end of the enclosing group */
                n->kind = NODE_ANCHOR;
                n->anchor = 'b';
                return n;
            }
        }
    } else if (*ps->s == '*') {
        ps->failed = TRUE;      /* a backtracking verb: not analysed */
        return n;
    }
    n->alts = parse_alternation (ps);
    if (*ps->s != ')')
        ps->failed = TRUE;
    else
        ps->s++;
    ps->dotall = dotall;
    ps->extended = extended;
    return n;
}

static node *
parse_item (parser *ps)
{
    node *n;
    char c = *ps->s;

    if (c == '(') {
        ps->s++;
        return parse_group (ps);
    }
    n = node_new (ps, NODE_SET);
    ps->s++;
    switch (c) {
    case '^':
        if (ps->one_line) {
            n->kind = NODE_ANCHOR;
            n->anchor = 'A';
            return n;
        } n->kind = NODE_ANCHOR; n->anchor = '^'; return n;
    case '$': n->kind = NODE_ANCHOR; n->anchor = '$'; return n;
    case '.':
        n->set = cset_all ();
        if (!ps->dotall)
            n->set.bits['\n' >> 5] &= ~(1u << ('\n' & 31));
        return n;
    case '[':
        parse_class (ps, &n->set);
        return n;
    case '\\': {
        char e = *ps->s;
        if (class_escape (e, &n->set)) {
            ps->s++;
            return n;
        }
        if (strchr ("AzZGbBK", e) && e) {
            ps->s++;
            n->kind = NODE_ANCHOR;
            n->anchor = e == 'A' || e == 'G' ? 'A' : (e == 'z' || e == 'Z') ? 'z' : 'b';
            return n;
        }
        if (e == 'R') {
            ps->s++;
            class_escape ('v', &n->set);
            return n;
        }
        if (e == 'Q' || (g_ascii_isdigit (e) && e != '0') || e == 'g' || e == 'k') {
            ps->failed = TRUE;  /* quoting and back references are not analysed */
            return n;
        }
        cset_add_folded (&n->set, (guchar) escaped_char (ps));
        return n;
    }
    default:
        cset_add_folded (&n->set, (guchar) c);
        if ((guchar) c >= 0x80)
            skip_utf8_tail (ps);
        return n;
    }
}

static void
skip_extended (parser *ps)
{
    while (ps->extended && (g_ascii_isspace (*ps->s) || *ps->s == '#')) {
        if (*ps->s == '#')
            while (*ps->s && *ps->s != '\n')
                ps->s++;
        else
            ps->s++;
    }
}

static GPtrArray *
parse_sequence (parser *ps)
{
    GPtrArray *seq = g_ptr_array_new ();
    for (;;) {
        node *n;
        skip_extended (ps);
        if (!*ps->s || *ps->s == '|' || *ps->s == ')' || ps->failed)
            return seq;
        n = parse_item (ps);
        skip_extended (ps);
        if (n->kind == NODE_SET || n->kind == NODE_GROUP)
            parse_quantifier (ps, n);
        if (n->kind == NODE_SET && ps->one_line)
            n->set.bits['\n' >> 5] &= ~(1u << ('\n' & 31));
        g_ptr_array_add (seq, n);
    }
}

static GPtrArray *
parse_alternation (parser *ps)
{
    GPtrArray *alts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
    g_ptr_array_add (alts, parse_sequence (ps));
    while (*ps->s == '|' && !ps->failed) {
        ps->s++;
        g_ptr_array_add (alts, parse_sequence (ps));
    }
    return alts;
}

/* ---- analysis ----------------------------------------------------------- */

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

static void G_GNUC_PRINTF (2, 3)
flag (walk_state *ws, const char *fmt, ...)
{
    va_list ap;
    if (ws->hazard)
        return;
    va_start (ap, fmt);
    ws->hazard = g_strdup_vprintf (fmt, ap);
    va_end (ap);
}

/* Can nothing after item @i of @seq fail, once @n (greedy, every
 * character but perhaps newline) has taken what it can?  Then no split
 * between @n and an earlier run is ever retried. */
static gboolean
rest_cannot_fail (GPtrArray *seq, guint i, const node *n, gboolean tail)
{
    cset all = cset_all ();
    gboolean any = !memcmp (&n->set, &all, sizeof all);
    cset no_nl = all;
    no_nl.bits['\n' >> 5] &= ~(1u << ('\n' & 31));

    if (!tail || n->lazy || n->kind != NODE_SET || n->max != -1)
        return FALSE;
    if (!any && memcmp (&n->set, &no_nl, sizeof no_nl))
        return FALSE;
    for (guint j = i + 1; j < seq->len; j++) {
        const node *m = g_ptr_array_index (seq, j);
        if (m->kind != NODE_ANCHOR || (m->anchor == 'z' && !any) || (m->anchor != '$' && m->anchor != 'z'))
            return FALSE;
    }
    return TRUE;
}

static cset walk_seq (walk_state *ws, GPtrArray *seq, cset trail, gboolean tail);

/* Does some alternative of @n end with a lazy unbounded run, as in
 * "(?<diagnostic>.+?)"? */
static gboolean
group_ends_lazy (const node *n)
{
    for (guint i = 0; n->alts && i < n->alts->len; i++) {
        GPtrArray *seq = g_ptr_array_index (n->alts, i);
        const node *last = seq->len ? g_ptr_array_index (seq, seq->len - 1) : NULL;
        if (last && ((last->kind == NODE_SET && last->max == -1 && last->lazy)
                     || (last->kind == NODE_GROUP && group_ends_lazy (last))))
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
walk_group (walk_state *ws, const node *n, cset trail, gboolean tail)
{
    cset out = { { 0 } }, body_trail = { { 0 } }, entry = trail, first = { { 0 } };
    gboolean repeats = n->max == -1 || n->max > 1;
    gboolean backtracks = !n->atomic && !n->possessive;

    node_chars (n, &first, TRUE);
    if (n->max == -1 && backtracks) {
        cset none = { { 0 } };
        /* what one iteration leaves behind meets the next iteration */
        for (guint i = 0; i < n->alts->len; i++) {
            cset t = walk_seq (ws, g_ptr_array_index (n->alts, i), none, FALSE);
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
        cset t = walk_seq (ws, g_ptr_array_index (n->alts, i), entry, tail && !repeats);
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
static gboolean cset_within (const cset *a, const cset *b);

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

static gboolean
cset_within (const cset *a, const cset *b)
{
    for (int i = 0; i < 8; i++)
        if (a->bits[i] & ~b->bits[i])
            return FALSE;
    return TRUE;
}

static cset
walk_seq (walk_state *ws, GPtrArray *seq, cset trail, gboolean tail)
{
    gboolean lazy_trail = FALSE;
    for (guint i = 0; i < seq->len && !ws->hazard; i++) {
        const node *n = g_ptr_array_index (seq, i);
        gboolean item_tail = tail;
        cset next = { { 0 } };
        cset nl = { { 0 } };

        for (guint j = i + 1; j < seq->len && item_tail; j++) {
            const node *m = g_ptr_array_index (seq, j);
            if (m->kind != NODE_ANCHOR)
                item_tail = FALSE;
        }
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
                walk_seq (ws, g_ptr_array_index (n->alts, k), none, FALSE);
            break;
        }
        case NODE_SET:
            if (n->max == -1 && cset_overlaps (&trail, &n->set)
                && !rest_cannot_fail (seq, i, n, tail))
                flag (ws, "an unbounded run right after another unbounded run that can take the same characters");
            if (n->max == -1 && !n->possessive)
                next = n->set;
            if (n->min == 0)
                cset_union (&next, &trail);
            else if (n->max != -1 && lazy_trail)
                /* a lazy run retries what follows at each length: a
                 * character both runs can take keeps them adjacent */
                for (int k = 0; k < 8; k++)
                    next.bits[k] |= trail.bits[k] & n->set.bits[k];
            lazy_trail = n->max == -1 ? n->lazy : (n->min == 0 && lazy_trail);
            trail = next;
            break;
        case NODE_GROUP:
            trail = walk_group (ws, n, trail, item_tail);
            lazy_trail = group_ends_lazy (n);
            break;
        }
    }
    return trail;
}

char *
ba_pattern_hazard (const char *source, gboolean one_line)
{
    parser ps = { 0 };
    GPtrArray *alts;
    walk_state ws = { 0 };
    cset start = cset_all ();

    ps.s = source;
    ps.one_line = one_line;
    ps.nodes = g_ptr_array_new_with_free_func (g_free);
    alts = parse_alternation (&ps);
    if (!ps.failed && !*ps.s) {
        /* PCRE2 tries every start position: an unanchored pattern begins
         * after a run of anything */
        for (guint i = 0; i < alts->len; i++)
            walk_seq (&ws, g_ptr_array_index (alts, i), start, TRUE);
    }
    for (guint i = 0; i < ps.nodes->len; i++) {
        node *n = g_ptr_array_index (ps.nodes, i);
        if (n->alts)
            g_ptr_array_unref (n->alts);
    }
    g_ptr_array_unref (ps.nodes);
    g_ptr_array_unref (alts);
    if (ws.hazard) {
        char *msg = g_strdup_printf ("%s (superlinear on long text; see README, \"Rules\")", ws.hazard);
        g_free (ws.hazard);
        return msg;
    }
    return ws.hazard;
}
