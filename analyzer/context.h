/* context.h - per-thread analysis state and the pattern-matching helpers
 * every stage uses. */
#ifndef BA_CONTEXT_H
#define BA_CONTEXT_H

#include "rules.h"

struct ba_context {
    const ba_ruleset *set;
    pcre2_match_data *md;       /* sized for the largest pattern of the set */
    pcre2_match_context *mctx;  /* bounds backtracking on hostile text */
};

/* Match @p in @text[start..len); TRUE on a match, leaving the groups in
 * ctx->md.  Errors (match limit, bad UTF-8) count as no match. */
gboolean ba_match (ba_context *ctx, const ba_pattern *p, const char *text, gsize len, gsize start);

/* After a successful ba_match: the named group's text (NULL when unset),
 * and the span of the whole match. */
char *ba_match_group (ba_context *ctx, const ba_pattern *p, const char *text, const char *name);
void ba_match_span (ba_context *ctx, gsize *start, gsize *end);

/* Append every named group that is set, as ba_capture*, to @out. */
void ba_match_captures (ba_context *ctx, const ba_pattern *p, const char *text, GPtrArray *out);

void ba_capture_free (ba_capture *c);

#endif
