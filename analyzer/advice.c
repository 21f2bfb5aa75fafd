/* advice.c - see advice.h.  A template states facts of the diagnosis:
 * "{name}" is required (the template is skipped when the fact is empty),
 * "{name|words}" prints the words instead of an empty fact. */
#include "advice.h"
#include "util.h"

#include <string.h>

/* The facts knowledge.c gives a template. */
static const char *const known_facts[] = {
    "recipient", "recipient_domain", "remote_mta", "reporting_mta", "dnsbl", "list_name",
    "list_operator", "life", "listed", "status", "reason", "summary", "diagnostic",
    "forwarder_domain", "original_recipient", NULL
};

char *
ba_advice_unknown_fact (const char *tpl)
{
    for (const char *p = strchr (tpl, '{'); p; p = strchr (p + 1, '{')) {
        const char *close = strchr (p, '}');
        gsize len;
        gboolean known = FALSE;
        if (!close)
            return g_strdup (p + 1);
        len = strcspn (p + 1, "|}");
        for (int i = 0; known_facts[i] && !known; i++)
            known = strlen (known_facts[i]) == len && !strncmp (known_facts[i], p + 1, len);
        if (!known)
            return g_strndup (p + 1, len);
    }
    return NULL;
}

gboolean
ba_advice_has_cause (const ba_ruleset *set, const char *reason, const char *cause)
{
    char *key = g_strdup_printf ("%s.%s", reason ? reason : "", cause);
    gboolean found = g_hash_table_contains (set->advice, key) || g_hash_table_contains (set->advice, cause);
    g_free (key);
    return found;
}

static const char *
fact_value (const ba_advice_fact *facts, int n_facts, const char *name, gsize name_len)
{
    for (int i = 0; i < n_facts; i++)
        if (strlen (facts[i].name) == name_len && !strncmp (facts[i].name, name, name_len))
            return facts[i].value && *facts[i].value ? facts[i].value : NULL;
    return NULL;
}

/* @tpl (@len bytes) filled in, or NULL when a required fact is empty. */
static char *
fill (const char *tpl, gsize len, const ba_advice_fact *facts, int n_facts)
{
    GString *out = g_string_new (NULL);
    const char *end = tpl + len;

    for (const char *p = tpl; p < end; p++) {
        const char *close = *p == '{' ? memchr (p, '}', end - p) : NULL;
        const char *bar, *value;
        if (!close) {
            g_string_append_c (out, *p);
            continue;
        }
        bar = memchr (p, '|', close - p);
        value = fact_value (facts, n_facts, p + 1, (bar ? bar : close) - p - 1);
        if (value)
            g_string_append (out, value);
        else if (bar)
            g_string_append_len (out, bar + 1, close - bar - 1);
        else {
            g_string_free (out, TRUE);
            return NULL;
        }
        p = close;
    }
    return g_string_free (out, FALSE);
}

static char *
first_printable (const char *alternatives, const ba_advice_fact *facts, int n_facts)
{
    for (const char *line = alternatives; line && *line;) {
        const char *nl = strchr (line, '\n');
        gsize len = nl ? (gsize) (nl - line) : strlen (line);
        char *text = fill (line, len, facts, n_facts);
        if (text)
            return text;
        line = nl ? nl + 1 : NULL;
    }
    return NULL;
}

char *
ba_advice_render (const ba_ruleset *set, const char *const *keys, const ba_advice_fact *facts, int n_facts)
{
    char *text = NULL, *clean;

    for (int i = 0; keys && keys[i] && !text; i++)
        text = first_printable (g_hash_table_lookup (set->advice, keys[i]), facts, n_facts);
    if (!text)
        text = first_printable (g_hash_table_lookup (set->advice, "default"), facts, n_facts);
    if (!text)
        return NULL;
    clean = ba_collapse_ws (text);
    g_free (text);
    return clean;
}
