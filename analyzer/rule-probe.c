/* rule-probe.c - which patterns of a rule set match a text, without the
 * rules' conditions or priorities: for finding patterns written so close
 * to one bounce that they match nothing else (scripts/rule-coverage). */
#include "pattern-scan.h"

#include <string.h>

guint
ba_ruleset_rule_n_patterns (const ba_ruleset *set, guint rule)
{
    const ba_rule *r = g_ptr_array_index (set->rules, rule);
    return r->patterns->len;
}

gboolean
ba_ruleset_pattern_matches (ba_context *ctx, guint rule, guint pattern, const char *text)
{
    const ba_rule *r = g_ptr_array_index (ctx->set->rules, rule);
    const ba_pattern *p = g_ptr_array_index (r->patterns, pattern);
    gsize len = strlen (text);
    gboolean hit;
    char *lower = ba_lower_dup (text, len);
    ba_text_scan scan;

    /* one pattern on one text: its own literals are looked for, no automaton */
    ba_text_scan_init_probe (&scan, lower);
    hit = ba_text_may_match (&scan, p) && ba_match (ctx, p, text, len, 0);
    g_free (lower);
    return hit;
}
