/* context.h - per-thread analysis state and the pattern-matching helpers
 * every stage uses. */
#ifndef BA_CONTEXT_H
#define BA_CONTEXT_H

#include "rules.h"

/* Limits of one pcre2_match() call (match and depth are counts, heap is KiB). */
#define BA_MATCH_LIMIT 1000000
#define BA_DEPTH_LIMIT 10000
#define BA_HEAP_LIMIT_KIB 20480
#define BA_JIT_STACK_MAX (1024 * 1024)
/* A message's default matching budget: text read by matches, and time. */
#define BA_BUDGET_BYTES ((guint64) 512 * 1024 * 1024)
#define BA_BUDGET_USEC ((gint64) 3 * G_USEC_PER_SEC)
/* Limit hits kept as warnings per message (the rest are only counted). */
#define BA_MAX_LIMIT_HITS 8

struct ba_context {
    const ba_ruleset *set;
    pcre2_match_data *md;       /* holds the groups of every pattern matched so far */
    guint32 md_pairs;           /* its ovector's pairs */
    pcre2_match_context *mctx;  /* bounds backtracking on hostile text */
    pcre2_jit_stack *jit_stack;
    /* the current message's budget: armed by ba_context_begin */
    guint64 budget_bytes, used_bytes;
    guint n_matches;            /* since ba_context_begin */
    gint64 budget_usec, deadline; /* deadline 0: no message begun, no budget */
    gboolean exhausted;
    int last_error;             /* of the last ba_match: 0 or a PCRE2 limit error */
    GPtrArray *limit_hits;      /* of char*, at most BA_MAX_LIMIT_HITS */
    guint n_limit_hits;
    /* texts scanned per pattern family before its automaton is used (pattern-scan.c) */
    guint texts_scanned[BA_SCAN_FAMILY_SLOTS];
};

/* Match @p in @text[start..len); TRUE on a match, leaving the groups in
 * ctx->md.  A PCRE2 limit hit counts as no match but is recorded (see
 * ba_context_warnings) and left in ctx->last_error; once the message's
 * budget is used up every match fails at once (ba_context_exhausted). */
gboolean ba_match (ba_context *ctx, const ba_pattern *p, const char *text, gsize len, gsize start);

/* End a message: later matches (explain's) run without its clock, but
 * still fail at once when its budget was used up, as they did in it. */
void ba_context_end (ba_context *ctx);

/* Is the current message's matching budget used up? */
gboolean ba_context_exhausted (const ba_context *ctx);

/* After a successful ba_match: the named group's text (NULL when unset),
 * and the span of the whole match. */
char *ba_match_group (ba_context *ctx, const ba_pattern *p, const char *text, const char *name);
void ba_match_span (ba_context *ctx, gsize *start, gsize *end);

/* Append every named group that is set, as ba_capture*, to @out. */
void ba_match_captures (ba_context *ctx, const ba_pattern *p, const char *text, GPtrArray *out);

void ba_capture_free (ba_capture *c);

#endif
