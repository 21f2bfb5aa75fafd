/* advice.h - choose and fill the helpdesk advice of a verdict from the
 * templates of rules/advice.conf. */
#ifndef BA_ADVICE_H
#define BA_ADVICE_H

#include "rules.h"

typedef struct {
    const char *name;
    const char *value;
} ba_advice_fact;

/* The first placeholder of @tpl that names no fact (newly allocated), or
 * NULL when every one is known: a misspelt one would never print. */
char *ba_advice_unknown_fact (const char *tpl);

/* Is there an advice group for a rule of @reason with @cause? */
gboolean ba_advice_has_cause (const ba_ruleset *set, const char *reason, const char *cause);

/* The first template of the groups named in @keys (NULL-terminated, in
 * order of preference, then "default") whose every required fact is known,
 * filled in with @facts; NULL when none can be printed. */
char *ba_advice_render (const ba_ruleset *set, const char *const *keys, const ba_advice_fact *facts,
                        int n_facts);

#endif
