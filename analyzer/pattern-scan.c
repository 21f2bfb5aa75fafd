#define _GNU_SOURCE            /* memmem */
/* pattern-scan.c - see pattern-scan.h.  The automaton is a DFA over byte
 * classes (a class per byte some literal holds, one for all others) with
 * 16-bit states: a state's transitions are a row of the table, and a
 * transition into a state where literals end has its top bit set, so the
 * scan of a byte is a table look-up and a test. */
#include "pattern-scan.h"
#include "command.h"
#include "notice.h"

#include <string.h>

G_STATIC_ASSERT (BA_SCAN_FAMILIES == BA_SCAN_FAMILY_SLOTS);

/* A family scanned this many times with strstr gets its automaton: a
 * single `classify` never pays for building it. */
#define SCAN_WARMUP 8
/* A text this long is worth the automaton at once (strstr would read it
 * once per literal). */
#define SCAN_LONG_TEXT 2048
/* The top bit of a transition marks a state where literals end. */
#define ENDS_BIT 0x8000u
#define MAX_STATES 0x7fffu
#define MAX_LITERALS 0xffffu

struct ba_scanner {
    guint n_literals, n_states, n_classes;
    guint8 byte_class[256];
    guint16 *delta;             /* n_states rows of n_classes: the next state, ENDS_BIT */
    guint16 *ends;              /* per state: 1 + the literal ending there, 0: none */
    guint16 *next_end;          /* per state: its longest proper suffix state where a literal ends, 0: none */
    /* which patterns each literal is one of: literal i's are
     * patterns[first[i] .. first[i + 1]), numbered as ba_pattern.scan_index */
    guint n_patterns;
    guint32 *first;
    guint16 *patterns;
};

/* Every byte of @w in 'A'..'Z' made lower case, eight at a time: a byte's
 * top bit says whether it is above 'Z', at least 'A', or not ASCII. */
static inline guint64
lower_word (guint64 w)
{
    const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101), tops = ones * 0x80;
    guint64 low7 = w & ~tops;
    guint64 above_z = low7 + ones * (0x7f - 'Z'), from_a = low7 + ones * (0x80 - 'A');
    guint64 upper = (from_a ^ above_z) & ~w & tops;
    return w | upper >> 2;
}

char *
ba_lower_dup (const char *s, gsize len)
{
    char *out = g_malloc (len + 1);
    gsize i = 0;
    for (; i + 8 <= len; i += 8) {
        guint64 w;
        memcpy (&w, s + i, 8);
        w = lower_word (w);
        memcpy (out + i, &w, 8);
    }
    for (; i < len; i++)
        out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char) (s[i] + 32) : s[i];
    out[len] = '\0';
    return out;
}

/* A required literal this long needs no better one. */
#define GOOD_LITERAL 6

char *const *
ba_pattern_literals (const ba_pattern *p)
{
    /* written once, like jit_done: the rule set stays shared read-only otherwise */
    gsize *done = (gsize *) &p->literals_done;
    if (g_once_init_enter (done)) {
        /* the scan of the source is cheap, and its literal, when long, is
         * as selective as a set read from the pattern's tree */
        char *one = ba_pattern_required_literal (p->source);
        char **set = one && strlen (one) >= GOOD_LITERAL ? NULL : ba_pattern_literal_set (p->source);
        if (set) {
            g_free (one);
        } else if (one) {
            set = g_new0 (char *, 2);
            set[0] = one;
        }
        ((ba_pattern *) p)->literals = set;
        g_once_init_leave (done, 1);
    }
    return p->literals;
}

/* ---- the automaton ---- */

void
ba_scanner_free (ba_scanner *sc)
{
    if (!sc)
        return;
    g_free (sc->delta);
    g_free (sc->ends);
    g_free (sc->next_end);
    g_free (sc->first);
    g_free (sc->patterns);
    g_free (sc);
}

guint
ba_scanner_words (const ba_scanner *sc)
{
    return (sc->n_literals + 63) / 64;
}

ba_scanner *
ba_scanner_new (const char *const *literals)
{
    ba_scanner *sc = g_new0 (ba_scanner, 1);
    /* the trie, as edges: a state's first edge, an edge's next one, its class and child */
    GArray *first_edge = g_array_new (FALSE, TRUE, sizeof (guint16));
    GArray *edges = g_array_new (FALSE, FALSE, sizeof (guint32));  /* next edge << 16 | class */
    GArray *child = g_array_new (FALSE, FALSE, sizeof (guint16));
    GArray *ends = g_array_new (FALSE, TRUE, sizeof (guint16));
    guint16 *fail, *queue;
    guint head = 0, tail = 0, C;

    /* the byte classes: 0 for every byte no literal holds */
    for (guint i = 0; literals[i]; i++, sc->n_literals++)
        for (const guchar *b = (const guchar *) literals[i]; *b; b++)
            if (!sc->byte_class[*b])
                sc->byte_class[*b] = (guint8) ++sc->n_classes;
    /* and the last for the terminating NUL, whose transition ends the scan */
    sc->byte_class[0] = (guint8) (sc->n_classes + 1);
    C = sc->n_classes += 2;
    if (sc->n_literals > MAX_LITERALS)
        goto too_big;

    sc->n_states = 1;
    g_array_set_size (first_edge, 1);
    g_array_set_size (ends, 1);
    for (guint i = 0; literals[i]; i++) {
        guint s = 0;
        for (const guchar *b = (const guchar *) literals[i]; *b; b++) {
            guint c = sc->byte_class[*b], e = g_array_index (first_edge, guint16, s), t = 0;
            /* edges are numbered from 1: 0 ends a state's list */
            for (; e && !t; e = g_array_index (edges, guint32, e - 1) >> 16)
                if ((g_array_index (edges, guint32, e - 1) & 0xff) == c)
                    t = g_array_index (child, guint16, e - 1);
            if (!t) {
                guint32 edge = (guint32) g_array_index (first_edge, guint16, s) << 16 | c;
                guint16 id;
                if (sc->n_states >= MAX_STATES)
                    goto too_big;
                t = sc->n_states++;
                id = (guint16) t;
                g_array_append_val (edges, edge);
                g_array_append_val (child, id);
                g_array_index (first_edge, guint16, s) = (guint16) edges->len;
                g_array_set_size (first_edge, sc->n_states);
                g_array_set_size (ends, sc->n_states);
            }
            s = t;
        }
        /* an empty literal is in every text: the caller never asks for one */
        if (s && !g_array_index (ends, guint16, s))
            g_array_index (ends, guint16, s) = (guint16) (i + 1);
    }
    sc->ends = (guint16 *) g_array_free (ends, FALSE);
    ends = NULL;

    /* breadth first: a state's row is its failure's row with its own edges
     * over it; a child's failure is where its parent's failure goes */
    sc->delta = g_new0 (guint16, (gsize) sc->n_states * C);
    sc->next_end = g_new0 (guint16, sc->n_states);
    fail = g_new0 (guint16, sc->n_states);
    queue = g_new (guint16, sc->n_states);
    /* (the state after the last, n_states, is where a NUL leads from every state) */
    sc->delta[C - 1] = (guint16) (sc->n_states | ENDS_BIT);
    queue[tail++] = 0;
    while (head < tail) {
        guint s = queue[head++];
        guint16 *row = sc->delta + (gsize) s * C;
        if (s)
            memcpy (row, sc->delta + (gsize) fail[s] * C, C * sizeof (guint16));
        for (guint e = g_array_index (first_edge, guint16, s); e; e = g_array_index (edges, guint32, e - 1) >> 16) {
            guint c = g_array_index (edges, guint32, e - 1) & 0xff, t = g_array_index (child, guint16, e - 1);
            fail[t] = s ? (guint16) (sc->delta[(gsize) fail[s] * C + c] & ~ENDS_BIT) : 0;
            sc->next_end[t] = sc->ends[fail[t]] ? fail[t] : sc->next_end[fail[t]];
            row[c] = (guint16) (t | (sc->ends[t] || sc->next_end[t] ? ENDS_BIT : 0));
            queue[tail++] = (guint16) t;
        }
    }
    g_free (fail);
    g_free (queue);
    g_array_unref (first_edge);
    g_array_unref (edges);
    g_array_unref (child);
    return sc;

too_big:
    g_array_unref (first_edge);
    g_array_unref (edges);
    g_array_unref (child);
    if (ends)
        g_array_unref (ends);
    ba_scanner_free (sc);
    return NULL;
}

void
ba_scanner_find (const ba_scanner *sc, const char *lower, guint64 *found)
{
    const guint16 *delta = sc->delta;
    const guint8 *byte_class = sc->byte_class;
    const guint C = sc->n_classes, end = sc->n_states;
    guint s = 0;

    /* (no test for the NUL in the loop: its transition is marked, to the end state) */
    for (const guchar *b = (const guchar *) lower;; b++) {
        guint t = delta[s * C + byte_class[*b]];
        if (G_UNLIKELY (t & ENDS_BIT)) {
            t &= ~ENDS_BIT;
            if (t == end)
                return;
            for (guint e = sc->ends[t] ? t : sc->next_end[t]; e; e = sc->next_end[e]) {
                guint lit = sc->ends[e] - 1u;
                found[lit >> 6] |= (guint64) 1 << (lit & 63);
            }
        }
        s = t;
    }
}

/* ---- a rule set's families ---- */

static void
collect (GPtrArray *into, const GPtrArray *patterns)
{
    for (guint i = 0; patterns && i < patterns->len; i++)
        g_ptr_array_add (into, g_ptr_array_index (patterns, i));
}

/* The patterns of @family, in load order. */
static GPtrArray *
family_patterns (const ba_ruleset *set, ba_scan_family family)
{
    GPtrArray *out = g_ptr_array_new ();
    switch (family) {
    case BA_SCAN_RULES:
        for (guint i = 0; i < set->rules->len; i++)
            collect (out, ((const ba_rule *) g_ptr_array_index (set->rules, i))->patterns);
        break;
    case BA_SCAN_BLACKLISTS:
        for (guint i = 0; i < set->blacklists->len; i++)
            collect (out, ((const ba_blacklist *) g_ptr_array_index (set->blacklists, i))->urls);
        break;
    case BA_SCAN_COMMANDS:
        for (guint i = 0; set->commands && i < set->commands->len; i++) {
            const ba_command_rule *c = g_ptr_array_index (set->commands, i);
            collect (out, c->patterns);
            collect (out, c->transcript);
        }
        break;
    case BA_SCAN_NOTICE:
        for (guint i = 0; i < set->formats->len; i++) {
            const ba_format *f = g_ptr_array_index (set->formats, i);
            collect (out, f->detect);
            collect (out, f->detect_header);
            collect (out, f->recipient);
            collect (out, f->detail);
            collect (out, f->detect_subject);
            collect (out, f->detect_from);
            collect (out, f->unless_from);
        }
        for (guint i = 0; set->notice && i < set->notice->len; i++) {
            const ba_notice_group *g = g_ptr_array_index (set->notice, i);
            collect (out, g->patterns);
            collect (out, g->subject);
        }
        break;
    default:
        break;
    }
    return out;
}

/* Build @family's automaton and number its patterns in it; NULL when it
 * would be too big (its patterns are then probed one by one). */
static ba_scanner *
family_scanner_new (const ba_ruleset *set, ba_scan_family family)
{
    GPtrArray *listed = family_patterns (set, family), *patterns = g_ptr_array_new ();
    GHashTable *seen = g_hash_table_new (NULL, NULL);
    GHashTable *number = g_hash_table_new (g_str_hash, g_str_equal);   /* literal -> 1 + its number */
    GPtrArray *literals = g_ptr_array_new ();
    GArray *pairs = g_array_new (FALSE, FALSE, sizeof (guint32));       /* literal << 16 | pattern */
    gboolean *always;
    ba_scanner *sc = NULL;

    /* a pattern listed twice is numbered once */
    for (guint i = 0; i < listed->len; i++)
        if (g_hash_table_add (seen, g_ptr_array_index (listed, i)))
            g_ptr_array_add (patterns, g_ptr_array_index (listed, i));
    always = g_new0 (gboolean, patterns->len + 1);
    for (guint i = 0; i < patterns->len && patterns->len <= G_MAXUINT16; i++) {
        char *const *lits = ba_pattern_literals (g_ptr_array_index (patterns, i));
        guint before = pairs->len;
        /* no literals, or "" (strstr finds it in every text): it may always match */
        always[i] = !lits;
        for (; lits && *lits && !always[i]; lits++) {
            guint n = GPOINTER_TO_UINT (g_hash_table_lookup (number, *lits));
            always[i] = !**lits;
            if (!n && !always[i]) {
                g_ptr_array_add (literals, *lits);
                n = literals->len;
                g_hash_table_insert (number, *lits, GUINT_TO_POINTER (n));
            }
            if (n && n - 1 <= MAX_LITERALS) {
                guint32 pair = (guint32) (n - 1) << 16 | i;
                g_array_append_val (pairs, pair);
            }
        }
        if (always[i])
            g_array_set_size (pairs, before);
    }
    g_ptr_array_add (literals, NULL);
    if (patterns->len <= G_MAXUINT16 && literals->len - 1 <= MAX_LITERALS)
        sc = ba_scanner_new ((const char *const *) literals->pdata);
    if (sc) {
        /* the pairs by literal: a count each, then where each literal's run starts */
        sc->n_patterns = patterns->len;
        sc->first = g_new0 (guint32, sc->n_literals + 1);
        sc->patterns = g_new (guint16, pairs->len + 1);
        for (guint k = 0; k < pairs->len; k++)
            sc->first[(g_array_index (pairs, guint32, k) >> 16) + 1]++;
        for (guint l = 0; l < sc->n_literals; l++)
            sc->first[l + 1] += sc->first[l];
        guint32 *fill = g_memdup2 (sc->first, (sc->n_literals + 1) * sizeof (guint32));
        for (guint k = 0; k < pairs->len; k++) {
            guint32 pair = g_array_index (pairs, guint32, k);
            sc->patterns[fill[pair >> 16]++] = (guint16) (pair & 0xffff);
        }
        g_free (fill);
        for (guint i = 0; i < patterns->len; i++) {
            ba_pattern *p = g_ptr_array_index (patterns, i);
            p->scan_index = i;
            p->scan_always = always[i];
            p->scan_family = family + 1;
        }
    }
    g_free (always);
    g_array_unref (pairs);
    g_ptr_array_unref (literals);
    g_hash_table_unref (number);
    g_hash_table_unref (seen);
    g_ptr_array_unref (patterns);
    g_ptr_array_unref (listed);
    return sc;
}

/* @family's automaton, built by the first thread that asks. */
static const ba_scanner *
family_scanner (const ba_ruleset *set, ba_scan_family family)
{
    gsize *done = (gsize *) &set->scanners_done[family];
    if (g_once_init_enter (done)) {
        ((ba_ruleset *) set)->scanners[family] = family_scanner_new (set, family);
        g_once_init_leave (done, 1);
    }
    return set->scanners[family];
}

void
ba_ruleset_scanners_free (ba_ruleset *set)
{
    for (guint i = 0; i < BA_SCAN_FAMILIES; i++) {
        ba_scanner_free (set->scanners[i]);
        set->scanners[i] = NULL;
    }
}

/* ---- a text ---- */

void
ba_text_scan_init (ba_text_scan *ts, ba_context *ctx, ba_scan_family family, const char *lower)
{
    const ba_scanner *sc;
    guint words;
    guint64 lits_here[64], *lits, *found;

    ba_text_scan_init_probe (ts, lower);
    if (!lower)
        return;
    if (ctx->texts_scanned[family] < SCAN_WARMUP && strnlen (lower, SCAN_LONG_TEXT) < SCAN_LONG_TEXT) {
        ctx->texts_scanned[family]++;
        return;
    }
    sc = family_scanner (ctx->set, family);
    if (!sc)
        return;
    /* the literals found, then the patterns they are literals of */
    words = ba_scanner_words (sc);
    lits = words > G_N_ELEMENTS (lits_here) ? g_new0 (guint64, words) : lits_here;
    memset (lits, 0, words * sizeof (guint64));
    ba_scanner_find (sc, lower, lits);
    words = (sc->n_patterns + 63) / 64;
    if (words > BA_SCAN_INLINE_WORDS)
        ts->found = g_new0 (guint64, words);
    else
        memset (ts->inline_found, 0, words * sizeof (guint64));
    found = ts->found ? ts->found : ts->inline_found;
    for (guint w = 0; w < ba_scanner_words (sc); w++)
        for (guint64 bits = lits[w]; bits; bits &= bits - 1) {
            guint l = w * 64 + (guint) __builtin_ctzll (bits);
            for (guint k = sc->first[l]; k < sc->first[l + 1]; k++)
                found[sc->patterns[k] >> 6] |= (guint64) 1 << (sc->patterns[k] & 63);
        }
    if (lits != lits_here)
        g_free (lits);
    ts->scanner = sc;
    ts->family = family + 1;
}

void
ba_text_scan_init_probe (ba_text_scan *ts, const char *lower)
{
    ts->lower = lower;
    ts->scanner = NULL;
    ts->family = 0;
    ts->found = NULL;
}

void
ba_text_scan_clear (ba_text_scan *ts)
{
    g_free (ts->found);
    ba_text_scan_init_probe (ts, NULL);
}

/* ba_text_may_match when the automaton does not hold @p's literals */
gboolean
ba_text_may_match_probe (const ba_text_scan *ts, const ba_pattern *p)
{
    char *const *lits;

    if (!ts || !ts->lower)
        return TRUE;
    lits = ba_pattern_literals (p);
    if (!lits)
        return TRUE;
    for (; *lits; lits++)
        if (strstr (ts->lower, *lits))
            return TRUE;
    return FALSE;
}

gboolean
ba_text_may_match_in (const ba_text_scan *ts, const ba_pattern *p, gsize offset, gsize len)
{
    char *const *lits;

    if (!ts || !ts->lower)
        return TRUE;
    /* a literal the whole text lacks is in none of its lines */
    if (ts->family && p->scan_family == ts->family && !ba_text_may_match (ts, p))
        return FALSE;
    lits = ba_pattern_literals (p);
    if (!lits)
        return TRUE;
    for (; *lits; lits++)
        if (memmem (ts->lower + offset, len, *lits, strlen (*lits)))
            return TRUE;
    return FALSE;
}
