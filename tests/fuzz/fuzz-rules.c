/* Rules loaded once: they are immutable, and loading them costs more
 * than analysing a message. */
#include "fuzz-rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* libFuzzer reads this section as extra counters, cleared before each
 * input; the replay build just writes to it. */
#define RULE_FEATURES 8192
__attribute__ ((used, section ("__libfuzzer_extra_counters")))
static uint8_t rule_features[RULE_FEATURES];

void
ba_fuzz_feature (const char *kind, const char *name)
{
    guint h = g_str_hash (kind) * 31 + g_str_hash (name ? name : "");

    rule_features[h % RULE_FEATURES] = 1;
}

ba_context *
ba_fuzz_context (void)
{
    static ba_context *ctx;
    ba_ruleset *set;
    GPtrArray *errors;

    if (ctx)
        return ctx;
    ba_init ();
    errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    set = ba_ruleset_load (BA_FUZZ_RULES_DIR, NULL, errors);
    for (guint i = 0; i < errors->len; i++) {
        ba_rule_error *e = g_ptr_array_index (errors, i);
        if (!g_str_has_prefix (e->message, "warning:")) {
            fprintf (stderr, "fuzz: %s:%d: %s\n", e->file, e->line, e->message);
            abort ();
        }
    }
    g_ptr_array_unref (errors);
    if (!set) {
        fprintf (stderr, "fuzz: no rules in %s\n", BA_FUZZ_RULES_DIR);
        abort ();
    }
    ctx = ba_context_new (set);
    return ctx;
}
