/* cmd-config.c - bounce-analyzer config: the effective settings and where
 * each came from, written as a config file one could install. */
#include "commands.h"
#include "emit.h"

static void
print_setting (const char *name, const char *value, const char *origin)
{
    char *v = ba_safe_text (value ? value : "");
    char *o = ba_safe_text (origin);
    printf ("%s=%s\n# ^ from %s\n", name, v, o);
    g_free (v);
    g_free (o);
}

int
cmd_config (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *db = NULL;
    GOptionContext *octx = g_option_context_new ("- print the effective settings and where each came from");
    const ba_config *cfg = cli_config ();
    int status = 0;

    help_texts (octx,
        "Settings come from /etc/bounce-analyzer/config, then\n"
        "$XDG_CONFIG_HOME/bounce-analyzer/config (or only the file --config or\n"
        "$BOUNCE_ANALYZER_CONFIG names), then the environment, then the options;\n"
        "the options shown here are those every command shares.");
    db_option_add (octx, &db);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "config", &argc, &argv)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (argc > 1) {
        warn ("config: unexpected argument '%s'", argv[1]);
        status = EXIT_USAGE;
        goto out;
    }
    if (!cfg->files->len)
        printf ("# config files read: none\n");
    for (guint i = 0; i < cfg->files->len; i++) {
        char *f = ba_safe_text (g_ptr_array_index (cfg->files, i));
        printf ("# config file read: %s\n", f);
        g_free (f);
    }
    printf ("[" BA_CONFIG_GROUP "]\n");
    for (int k = 0; k < BA_N_SETTINGS; k++) {
        const ba_setting *s = &cfg->settings[k];
        const char *value = s->value, *origin = s->origin;
        char *joined = NULL;
        if (k == BA_SETTING_DB && db) {
            value = db;
            origin = "--db";
        } else if (k == BA_SETTING_RULES && ro.rules_dir != s->value) {
            value = ro.rules_dir;
            origin = "--rules";
        } else if (k == BA_SETTING_SITE_RULES && ro.site_rules != s->list) {
            origin = "--site-rules";
        }
        if (k == BA_SETTING_SITE_RULES)
            value = joined = ro.site_rules ? g_strjoinv (";", ro.site_rules) : NULL;
        print_setting (ba_setting_name (k), value, origin);
        g_free (joined);
    }
out:
    g_option_context_free (octx);
    rule_options_clear (&ro);
    g_free (db);
    return status;
}
