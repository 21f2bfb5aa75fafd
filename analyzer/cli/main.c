/* main.c - bounce-analyzer: load the settings, then dispatch to a subcommand. */
#include "commands.h"
#include "config.h"
#include "emit.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <locale.h>
#include <pcre2.h>
#include <sqlite3.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
    const char *name;
    int (*run) (int argc, char **argv);
    const char *summary;
    gboolean output_format;     /* has --format text|json..., so the config's "format" applies */
} commands[] = {
    { "analyze", cmd_analyze, "diagnose every failed recipient of the bounces in PATH...", TRUE },
    { "explain", cmd_explain, "show every rule tried for each recipient of FILE", TRUE },
    { "classify", cmd_classify, "classify a bare error text, e.g. a pasted reject line" },
    { "rules", cmd_rules, "check or list the rule set (rules check [FILES], rules list)" },
    { "ingest", cmd_ingest, "store the diagnoses of PATH... in the database" },
    { "why", cmd_why, "what happened to mail to an ADDRESS or DOMAIN" },
    { "search", cmd_search, "find stored diagnoses by recipient, sender, reason, date, words", TRUE },
    { "report", cmd_report, "totals: reasons, domains, remote servers, blacklists, days", TRUE },
    { "reclassify", cmd_reclassify, "re-apply the current rules to the stored diagnoses" },
    { "prune", cmd_prune, "delete the stored diagnoses of bounces older than a date" },
    { "config", cmd_config, "print the effective settings and where each came from" },
    { "incidents", cmd_incidents, "failures grouped into incidents: one place, one cause, ongoing?" },
    { "serve", cmd_serve, "a read-only web page for the helpdesk: why, report, incidents" },
    { "export", cmd_export, "write the stored messages and diagnoses as NDJSON" },
    { "import", cmd_import, "store NDJSON of export or analyze (e.g. into PostgreSQL)" },
};

/* Set once at startup, before any command runs; read-only afterwards. */
static ba_config *settings;

const ba_config *
cli_config (void)
{
    return settings;
}

const char *
cli_setting (ba_setting_key key)
{
    return settings ? settings->settings[key].value : NULL;
}

const char *
command_summary (const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        if (!strcmp (name, commands[i].name))
            return commands[i].summary;
    return NULL;
}

static void
usage (FILE *out)
{
    fprintf (out, "Usage: bounce-analyzer COMMAND [OPTION...] [ARG...]\n\n"
                  "Reads bounce and reject messages and says, for every failed recipient,\n"
                  "what went wrong and whose move it is.\n\nCommands:\n");
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf (out, "\nOptions:\n  -h, --help     show this help\n  --version      show the version\n"
                  "  --config FILE  read only this config file (also $BOUNCE_ANALYZER_CONFIG)\n\n"
                  "'bounce-analyzer COMMAND --help' describes a command; 'man bounce-analyzer' the rest.\n\n%s\n",
             EXIT_CODES_HELP);
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
          "add a site rule file; its rules win over the defaults (repeatable; replaces the config's)",
          "FILE" },
        { NULL }
    };
    /* the settings' values stand until an option replaces them; they stay owned by the settings */
    ro->rules_dir = (char *) cli_setting (BA_SETTING_RULES);
    ro->site_rules = settings ? settings->settings[BA_SETTING_SITE_RULES].list : NULL;
    g_option_context_add_main_entries (ctx, entries, NULL);
}

ba_ruleset *
rule_options_load (const rule_options *ro, const char *command)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set = ba_ruleset_load (ro->rules_dir, (const char *const *) ro->site_rules, errors);
    guint problems = 0;

    for (guint i = 0; i < errors->len; i++) {
        ba_rule_error *e = g_ptr_array_index (errors, i);
        /* a hazard the loader warns about leaves the rule working */
        if (!g_str_has_prefix (e->message, "warning:"))
            problems++;
        if (e->line > 0)
            warn ("%s: %s:%d: %s", command, e->file, e->line, e->message);
        else
            warn ("%s: %s: %s", command, e->file, e->message);
    }
    if (set && !problems && ba_ruleset_n_rules (set) == 0) {
        warn ("%s: %s has no rule files (*.rules): give a rule set directory with --rules, "
              "the config's 'rules' or $BOUNCE_ANALYZER_RULES", command, ro->rules_dir);
        g_clear_pointer (&set, ba_ruleset_free);
    } else if (set && problems) {
        /* verdicts from another rule set than the one asked for would mislead */
        warn ("%s: %u error(s) in the rule set, so nothing was done; 'bounce-analyzer rules check' "
              "lists them", command, problems);
        g_clear_pointer (&set, ba_ruleset_free);
    }
    g_ptr_array_unref (errors);
    return set;
}

void
rule_options_clear (rule_options *ro)
{
    if (ro->rules_dir != cli_setting (BA_SETTING_RULES))
        g_free (ro->rules_dir);
    if (!settings || ro->site_rules != settings->settings[BA_SETTING_SITE_RULES].list)
        g_strfreev (ro->site_rules);
    ro->rules_dir = NULL;
    ro->site_rules = NULL;
}

/* The running binary, resolved, or NULL where /proc is missing. */
static char *
own_binary (void)
{
    return g_file_read_link ("/proc/self/exe", NULL);
}

/* Built-in defaults, then the config files, then the environment.  FALSE
 * after printing why: a broken configuration is an error, never a warning. */
static gboolean
load_settings (const char *config_file)
{
    GError *err = NULL;
    char *exe = own_binary ();
    char *rules = ba_config_rules_near (exe);
    ba_setting *r;

    settings = ba_config_new ();
    r = &settings->settings[BA_SETTING_RULES];
    g_free (r->origin);
    if (rules) {
        r->value = rules;
        r->origin = g_strdup_printf ("default, found from %s", exe);
    } else {
        r->value = g_strdup (BA_INSTALL_RULES_DIR);
        r->origin = g_strdup ("default, built in");
    }
    g_free (exe);
    settings->settings[BA_SETTING_DB].value = g_strdup ("bounces.db");
    settings->settings[BA_SETTING_FORMAT].value = g_strdup ("text");
    settings->settings[BA_SETTING_TIMEZONE].value = g_strdup ("local");

    if (!config_file) {
        const char *env = g_getenv ("BOUNCE_ANALYZER_CONFIG");
        if (env && *env)
            config_file = env;
    }
    if (config_file) {
        if (!ba_config_read_file (settings, config_file, TRUE, &err))
            goto fail;
    } else {
        char *user = g_build_filename (g_get_user_config_dir (), "bounce-analyzer", "config", NULL);
        gboolean ok = ba_config_read_file (settings, BA_SYSTEM_CONFIG, FALSE, &err) &&
                      ba_config_read_file (settings, user, FALSE, &err);
        g_free (user);
        if (!ok)
            goto fail;
    }
    if (!ba_config_read_environment (settings, &err))
        goto fail;
    if (strcmp (cli_setting (BA_SETTING_TIMEZONE), "local")) {
        /* text output shows local time: the configured zone becomes the local one */
        g_setenv ("TZ", cli_setting (BA_SETTING_TIMEZONE), TRUE);
        tzset ();
    }
    return TRUE;
fail:
    warn ("%s", err->message);
    warn ("the configuration is broken: fix it (see 'man bounce-analyzer-config'); nothing was done");
    g_error_free (err);
    return FALSE;
}

static int
print_version (void)
{
    char pcre[64] = "";
    rule_options ro = { 0 };
    ba_ruleset *set;

    pcre2_config (PCRE2_CONFIG_VERSION, pcre);
    printf ("bounce-analyzer %s\n", BA_VERSION);
    printf ("GMime %u.%u.%u, PCRE2 %s, SQLite %s, GLib %u.%u.%u\n", gmime_major_version,
            gmime_minor_version, gmime_micro_version, pcre, sqlite3_libversion (), glib_major_version,
            glib_minor_version, glib_micro_version);
    {
        char *engines = ba_store_engines ();
        printf ("databases: %s\n", engines);
        g_free (engines);
    }
    ro.rules_dir = (char *) cli_setting (BA_SETTING_RULES);
    ro.site_rules = settings->settings[BA_SETTING_SITE_RULES].list;
    set = rule_options_load (&ro, "--version");
    if (!set)
        return EXIT_USAGE;
    printf ("rule set %s: %u rules, %u formats, from %s\n", ba_ruleset_id (set), ba_ruleset_n_rules (set),
            ba_ruleset_n_formats (set), ro.rules_dir);
    ba_ruleset_free (set);
    return 0;
}

/* argv with "--format=VALUE" from the settings after the command's name,
 * so the command's own parsing checks it and a --format given later wins. */
static char **
with_default_format (int argc, char **argv, int *new_argc)
{
    char **out = g_new0 (char *, argc + 2);
    out[0] = argv[0];
    out[1] = g_strconcat ("--format=", cli_setting (BA_SETTING_FORMAT), NULL);
    for (int i = 1; i < argc; i++)
        out[i + 1] = argv[i];
    *new_argc = argc + 1;
    return out;
}

static int
run_command (guint i, int argc, char **argv)
{
    int rc, n;
    char **args, *injected;

    /* text is every command's default, so only another format is passed on */
    if (!commands[i].output_format || !strcmp (cli_setting (BA_SETTING_FORMAT), "text"))
        return commands[i].run (argc, argv);
    args = with_default_format (argc, argv, &n);
    injected = args[1];
    rc = commands[i].run (n, args);
    g_free (injected);
    g_free (args);
    return rc;
}

int
main (int argc, char **argv)
{
    const char *config_file = NULL;
    int rc = -1;

    setlocale (LC_ALL, "");
    /* a closed pipe is an EPIPE the commands end on quietly (finish_output) */
    signal (SIGPIPE, SIG_IGN);
    {
        /* the usage line of "COMMAND --help" names the command */
        const char *named = "bounce-analyzer";
        char *with_command = NULL;
        for (guint i = 0; argc > 1 && i < G_N_ELEMENTS (commands); i++)
            if (!strcmp (argv[1], commands[i].name))
                named = with_command = g_strconcat ("bounce-analyzer ", commands[i].name, NULL);
        if (argc > 2 && !strcmp (argv[1], "help"))
            for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
                if (!strcmp (argv[2], commands[i].name))
                    named = with_command = g_strconcat ("bounce-analyzer ", commands[i].name, NULL);
        g_set_prgname (named);
        g_free (with_command);
    }
    ba_init ();

    /* options before the command: --config FILE */
    while (argc > 1 && (!strcmp (argv[1], "--config") || g_str_has_prefix (argv[1], "--config="))) {
        if (argv[1][8] == '=') {
            config_file = argv[1] + 9;
        } else if (argc > 2) {
            config_file = argv[2];
            argv++;
            argc--;
        } else {
            warn ("--config needs a FILE");
            return EXIT_USAGE;
        }
        argv++;
        argc--;
        argv[0] = "bounce-analyzer";
    }
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
    if (!load_settings (config_file)) {
        ba_config_free (settings);
        return EXIT_USAGE;
    }
    if (!strcmp (argv[1], "--version") || !strcmp (argv[1], "-V"))
        rc = print_version ();
    for (guint i = 0; i < G_N_ELEMENTS (commands) && rc < 0; i++)
        if (!strcmp (argv[1], commands[i].name))
            rc = run_command (i, argc - 1, argv + 1);
    if (rc < 0) {
        if (argv[1][0] == '-')
            warn ("unknown option '%s'", argv[1]);
        else
            warn ("unknown command '%s'", argv[1]);
        fprintf (stderr, "Try 'bounce-analyzer --help' for more information.\n");
        rc = EXIT_USAGE;
    }
    ba_config_free (settings);
    settings = NULL;
    return rc;
}
