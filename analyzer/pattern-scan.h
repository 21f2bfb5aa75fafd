/* pattern-scan.h - the literal prefilter of the rule set's patterns: one
 * pass of a multi-literal automaton (Aho-Corasick) over a lowered text
 * tells which literals of a pattern family it holds, and "may this pattern
 * match" becomes a bit test instead of a strstr per literal.  A family's
 * automaton is built once per rule set, on the first text that is worth
 * it (README, "Speed"); until then each literal is looked for with strstr,
 * which gives the same answers. */
#ifndef BA_PATTERN_SCAN_H
#define BA_PATTERN_SCAN_H

#include "context.h"

/* The patterns one automaton holds the literals of: a text is scanned for
 * the family whose patterns will be asked about it. */
typedef enum {
    BA_SCAN_RULES,              /* classification rules, on a recipient's error text */
    BA_SCAN_BLACKLISTS,         /* blacklists' URL patterns, on an error text */
    BA_SCAN_COMMANDS,           /* commands.conf's patterns and transcripts */
    BA_SCAN_NOTICE,             /* formats' detect and line patterns, notice.conf's groups:
                                 * on a notice, its header block, Subject or From */
    BA_SCAN_FAMILIES
} ba_scan_family;

typedef struct ba_scanner ba_scanner;

/* Literals found inline up to this many per family; more are allocated. */
#define BA_SCAN_INLINE_WORDS 40

/* A lowered text and the literals of its family it holds. */
typedef struct {
    const char *lower;          /* ASCII lower case, NUL-terminated; NULL: anything may occur */
    const ba_scanner *scanner;  /* NULL: literals are looked for one by one */
    guint family;               /* 1 + the family @scanner holds, 0 when none */
    guint64 *found;             /* a bit per pattern of @scanner's family (ba_pattern.scan_index)
                                 * that a literal of is in the text, or NULL: in inline_found */
    guint64 inline_found[BA_SCAN_INLINE_WORDS];
} ba_text_scan;

/* A copy of the @len bytes at @s in ASCII lower case (a plain loop:
 * g_ascii_strdown calls a function per byte). */
char *ba_lower_dup (const char *s, gsize len);

/* Scan @lower (kept, not copied; may be NULL) for the literals of @family. */
void ba_text_scan_init (ba_text_scan *ts, ba_context *ctx, ba_scan_family family, const char *lower);
/* The same without the automaton: each pattern asked about looks for its
 * own literals (for a text only one or two patterns are asked about). */
void ba_text_scan_init_probe (ba_text_scan *ts, const char *lower);
void ba_text_scan_clear (ba_text_scan *ts);

gboolean ba_text_may_match_probe (const ba_text_scan *ts, const ba_pattern *p);

/* FALSE when the text holds none of the literals every match of @p
 * contains one of, so PCRE2 need not run; TRUE when @p may match.
 * (Inline: hundreds of patterns are asked about one error text.) */
static inline gboolean
ba_text_may_match (const ba_text_scan *ts, const ba_pattern *p)
{
    if (ts && ts->family && p->scan_family == ts->family) {
        const guint64 *found = ts->found ? ts->found : ts->inline_found;
        return p->scan_always || (found[p->scan_index >> 6] >> (p->scan_index & 63) & 1);
    }
    return ba_text_may_match_probe (ts, p);
}
/* The same for the @len bytes at @offset of the text (one of its lines). */
gboolean ba_text_may_match_in (const ba_text_scan *ts, const ba_pattern *p, gsize offset, gsize len);

/* The automaton of @literals (lower case, NUL-terminated list), for tests:
 * NULL when it would be too big.  ba_scanner_find sets bit i of @found
 * (ba_scanner_words words) when @literals[i] occurs in @lower. */
ba_scanner *ba_scanner_new (const char *const *literals);
void ba_scanner_free (ba_scanner *sc);
guint ba_scanner_words (const ba_scanner *sc);
void ba_scanner_find (const ba_scanner *sc, const char *lower, guint64 *found);

/* Free a rule set's automata (ba_ruleset_free). */
void ba_ruleset_scanners_free (ba_ruleset *set);

#endif
