/* main.c - bounce-analyzer: dispatch to a subcommand. */
#include "commands.h"
#include "emit.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run) (int argc, char **argv);
    const char *summary;
} commands[] = {
    { "analyze", cmd_analyze, "diagnose every failed recipient of the bounces in PATH..." },
    { "explain", cmd_explain, "show every rule tried for each recipient of FILE" },
    { "classify", cmd_classify, "classify a bare error text, e.g. a pasted reject line" },
    { "rules", cmd_rules, "check or list the rule set (rules check [FILES], rules list)" },
    { "ingest", cmd_ingest, "store the diagnoses of PATH... in the database" },
    { "why", cmd_why, "what happened to mail to an ADDRESS or DOMAIN" },
    { "search", cmd_search, "find stored diagnoses by recipient, sender, reason, date, words" },
    { "report", cmd_report, "totals: reasons, domains, remote servers, blacklists, days" },
    { "reclassify", cmd_reclassify, "re-apply the current rules to the stored diagnoses" },
    { "export", cmd_export, "write the stored messages and diagnoses as NDJSON" },
    { "import", cmd_import, "store NDJSON of export or analyze (e.g. into PostgreSQL)" },
};

static void
usage (FILE *out)
{
    fprintf (out, "Usage: bounce-analyzer COMMAND [OPTION...] [ARG...]\n\n"
                  "Reads bounce and reject messages and says, for every failed recipient,\n"
                  "what went wrong and whose move it is.\n\nCommands:\n");
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf (out, "\nOptions:\n  -h, --help     show this help\n  --version      show the version\n\n"
                  "'bounce-analyzer COMMAND --help' describes a command.\n");
}

void
warn_skipped (const ba_input *in, const GError *err)
{
    if (in->offset >= 0)
        warn ("%s: offset %" G_GINT64_FORMAT ": %s", in->source, in->offset, err->message);
    else
        warn ("%s: warning: %s", in->source, err->message);
}

void
warn (const char *fmt, ...)
{
    va_list ap;
    char *msg, *safe;
    va_start (ap, fmt);
    msg = g_strdup_vprintf (fmt, ap);
    va_end (ap);
    safe = ba_safe_text (msg);
    fprintf (stderr, "bounce-analyzer: %s\n", safe);
    g_free (safe);
    g_free (msg);
}

gboolean
parse_options (GOptionContext *ctx, const char *command, int *argc, char ***argv)
{
    GError *err = NULL;
    if (!g_option_context_parse (ctx, argc, argv, &err)) {
        warn ("%s: %s", command, err->message);
        fprintf (stderr, "Try 'bounce-analyzer %s --help' for more information.\n", command);
        g_error_free (err);
        return FALSE;
    }
    return TRUE;
}

void
rule_options_add (GOptionContext *ctx, rule_options *ro)
{
    GOptionEntry entries[] = {
        { "rules", 0, 0, G_OPTION_ARG_FILENAME, &ro->rules_dir,
          "use the rule set in DIR instead of the default", "DIR" },
        { "site-rules", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &ro->site_rules,
          "add a site rule file; its rules win over the defaults (repeatable)", "FILE" },
        { NULL }
    };
    g_option_context_add_main_entries (ctx, entries, NULL);
}

ba_ruleset *
rule_options_load (const rule_options *ro, const char *command)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set = ba_ruleset_load (ro->rules_dir, (const char *const *) ro->site_rules, errors);

    for (guint i = 0; i < errors->len; i++) {
        ba_rule_error *e = g_ptr_array_index (errors, i);
        warn ("%s: %s:%d: %s", command, e->file, e->line, e->message);
    }
    if (set && errors->len)
        warn ("%s: %u problem(s) in the rule set; run 'bounce-analyzer rules check'", command, errors->len);
    g_ptr_array_unref (errors);
    return set;
}

void
rule_options_clear (rule_options *ro)
{
    g_free (ro->rules_dir);
    g_strfreev (ro->site_rules);
}

int
main (int argc, char **argv)
{
    setlocale (LC_ALL, "");
    g_set_prgname ("bounce-analyzer");
    ba_init ();

    if (argc < 2) {
        usage (stderr);
        return EXIT_USAGE;
    }
    if (!strcmp (argv[1], "--help") || !strcmp (argv[1], "-h") || !strcmp (argv[1], "help")) {
        if (argc > 2 && strcmp (argv[1], "help") == 0) {
            char *args[] = { argv[0], argv[2], "--help", NULL };
            for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
                if (!strcmp (argv[2], commands[i].name))
                    return commands[i].run (2, args + 1);
        }
        usage (stdout);
        return 0;
    }
    if (!strcmp (argv[1], "--version") || !strcmp (argv[1], "-V")) {
        printf ("bounce-analyzer %s (GMime %u.%u.%u)\n", BA_VERSION, gmime_major_version,
                gmime_minor_version, gmime_micro_version);
        {
            char *engines = ba_store_engines ();
            printf ("databases: %s\n", engines);
            g_free (engines);
        }
        return 0;
    }
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        if (!strcmp (argv[1], commands[i].name))
            return commands[i].run (argc - 1, argv + 1);

    if (argv[1][0] == '-')
        warn ("unknown option '%s'", argv[1]);
    else
        warn ("unknown command '%s'", argv[1]);
    fprintf (stderr, "Try 'bounce-analyzer --help' for more information.\n");
    return EXIT_USAGE;
}
