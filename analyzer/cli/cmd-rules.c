/* cmd-rules.c - bounce-analyzer rules check [FILES] | rules list */
#include "commands.h"
#include "emit.h"

#include <string.h>

static int
rules_check (const rule_options *ro, char **files, int nfiles)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set;
    char **site = NULL;
    int rc;

    /* FILES are checked as site files on top of the chosen set */
    if (nfiles > 0) {
        GStrvBuilder *b = g_strv_builder_new ();
        for (int i = 0; ro->site_rules && ro->site_rules[i]; i++)
            g_strv_builder_add (b, ro->site_rules[i]);
        for (int i = 0; i < nfiles; i++)
            g_strv_builder_add (b, files[i]);
        site = g_strv_builder_end (b);
        g_strv_builder_unref (b);
    }
    set = ba_ruleset_load (ro->rules_dir, (const char *const *) (site ? site : ro->site_rules), errors);
    for (guint i = 0; i < errors->len; i++) {
        ba_rule_error *e = g_ptr_array_index (errors, i);
        char *safe = ba_safe_text (e->message);
        printf ("%s:%d: %s\n", e->file, e->line, safe);
        g_free (safe);
    }
    if (set)
        printf ("%u rules, %u formats; %u problem(s)\n", ba_ruleset_n_rules (set),
                ba_ruleset_n_formats (set), errors->len);
    rc = (!set || errors->len) ? 1 : 0;
    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
    g_strfreev (site);
    return rc;
}

static int
rules_list (const rule_options *ro)
{
    ba_ruleset *set = rule_options_load (ro, "rules list");
    if (!set)
        return EXIT_USAGE;
    printf ("%-40s %-15s %5s  %s\n", "RULE", "REASON", "PRIO", "DESCRIPTION");
    for (guint i = 0; i < ba_ruleset_n_rules (set); i++) {
        ba_rule_info info;
        ba_ruleset_rule_info (set, i, &info);
        printf ("%-40s %-15s %5d  %s%s\n", info.id, info.reason, info.priority,
                info.site ? "[site] " : "", info.description ? info.description : "");
    }
    printf ("\n%-40s %s\n", "FORMAT", "DESCRIPTION");
    for (guint i = 0; i < ba_ruleset_n_formats (set); i++) {
        const char *d = ba_ruleset_format_description (set, i);
        printf ("%-40s %s\n", ba_ruleset_format_id (set, i), d ? d : "");
    }
    ba_ruleset_free (set);
    return 0;
}

int
cmd_rules (int argc, char **argv)
{
    rule_options ro = { 0 };
    GOptionContext *octx = g_option_context_new ("check [FILE...] | list - validate or list the rule set");
    int rc;

    g_option_context_set_summary (octx,
        "rules check [FILE...]  load the rule set (and FILEs as site rules) and report\n"
        "                       every problem as file:line: message; exit 1 if any.\n"
        "rules list             list the loaded rules in the order they are tried,\n"
        "                       and the bounce formats.");
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "rules", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (argc >= 2 && !strcmp (argv[1], "check"))
        rc = rules_check (&ro, argv + 2, argc - 2);
    else if (argc == 2 && !strcmp (argv[1], "list"))
        rc = rules_list (&ro);
    else {
        warn ("rules: expected 'check [FILE...]' or 'list'");
        fprintf (stderr, "Try 'bounce-analyzer rules --help' for more information.\n");
        rc = EXIT_USAGE;
    }
    rule_options_clear (&ro);
    return rc;
}
