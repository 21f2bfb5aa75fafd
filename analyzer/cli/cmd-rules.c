/* cmd-rules.c - bounce-analyzer rules check [FILES] | rules list | rules probe [FILE] */
#include "commands.h"
#include "emit.h"

#include <string.h>

static int
rules_check (const rule_options *ro, char **files, int nfiles)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set;
    char **site = NULL;
    guint problems;
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
    set = ba_ruleset_load_checked (ro->rules_dir, (const char *const *) (site ? site : ro->site_rules), errors);
    problems = errors->len;
    for (guint i = 0; i < errors->len; i++) {
        ba_rule_error *e = g_ptr_array_index (errors, i);
        char *safe = ba_safe_text (e->message);
        if (e->line > 0)
            printf ("%s:%d: %s\n", e->file, e->line, safe);
        else
            printf ("%s: %s\n", e->file, safe);
        g_free (safe);
    }
    if (set && ba_ruleset_n_rules (set) == 0) {
        char *safe = ba_safe_text (ro->rules_dir);
        printf ("%s: no rule files (*.rules): not a rule set directory\n", safe);
        g_free (safe);
        problems++;
    }
    if (set)
        printf ("%u rule%s, %u format%s; %u problem%s\n", ba_ruleset_n_rules (set),
                PLURAL_S (ba_ruleset_n_rules (set)), ba_ruleset_n_formats (set),
                PLURAL_S (ba_ruleset_n_formats (set)), problems, PLURAL_S (problems));
    rc = (!set || problems) ? 1 : 0;
    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
    g_strfreev (site);
    return rc;
}

static int
rules_list (const rule_options *ro, out_format format)
{
    ba_ruleset *set = rule_options_load (ro, "rules list");
    if (!set)
        return EXIT_USAGE;
    if (format == OUT_JSON) {
        sprinter *sp = json_document_begin (stdout, "rules list");
        sp->map_key (sp, "ruleset");
        sp->string (sp, ba_ruleset_id (set));
        sp->map_key (sp, "rules");
        sp->begin_list (sp);
        for (guint i = 0; i < ba_ruleset_n_rules (set); i++) {
            ba_rule_info info;
            ba_ruleset_rule_info (set, i, &info);
            sp->begin_map (sp);
            sp->map_key (sp, "id");
            sp->string (sp, info.id);
            sp->map_key (sp, "reason");
            sp->string (sp, info.reason);
            sp->map_key (sp, "priority");
            sp->integer (sp, info.priority);
            sp->map_key (sp, "site");
            sp->boolean (sp, info.site);
            sp->map_key (sp, "file");
            sp->string (sp, info.file);
            sp->map_key (sp, "line");
            sp->integer (sp, info.line);
            sp->map_key (sp, "description");
            sp->string (sp, info.description);
            sp->end (sp);
        }
        sp->end (sp);
        sp->map_key (sp, "formats");
        sp->begin_list (sp);
        for (guint i = 0; i < ba_ruleset_n_formats (set); i++) {
            sp->begin_map (sp);
            sp->map_key (sp, "id");
            sp->string (sp, ba_ruleset_format_id (set, i));
            sp->map_key (sp, "description");
            sp->string (sp, ba_ruleset_format_description (set, i));
            sp->end (sp);
        }
        sp->end (sp);
        json_document_end (sp);
        ba_ruleset_free (set);
        return finish_output ("rules", 0);
    }
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
    printf ("\n%-40s %-10s %s\n", "NOTICE GROUP", "KIND", "DESCRIPTION");
    for (guint i = 0; i < ba_ruleset_n_notice_groups (set); i++) {
        const char *id, *kind, *d;
        ba_ruleset_notice_group (set, i, &id, &kind, &d);
        printf ("%-40s %-10s %s\n", id, kind, d ? d : "");
    }
    ba_ruleset_free (set);
    return finish_output ("rules", 0);
}

/* Longest text line read by `rules probe`; the rest of a longer line is
 * skipped, so a hostile file cannot make it allocate without bound. */
#define PROBE_LINE_MAX (64 * 1024)

static void
string_free (GString *s)
{
    g_string_free (s, TRUE);
}

static int
rules_probe (const rule_options *ro, const char *path)
{
    ba_ruleset *set = rule_options_load (ro, "rules probe");
    FILE *in;
    GPtrArray *hits;            /* per rule: GString* per pattern, of line numbers */
    char *buf;
    ba_context *ctx;
    guint n = 0;

    if (!set)
        return EXIT_USAGE;
    in = path && strcmp (path, "-") ? fopen (path, "r") : stdin;
    if (!in) {
        warn ("rules probe: cannot open %s", path);
        ba_ruleset_free (set);
        return EXIT_INPUT;
    }
    ctx = ba_context_new (set);
    hits = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
    for (guint i = 0; i < ba_ruleset_n_rules (set); i++) {
        GPtrArray *per = g_ptr_array_new_with_free_func ((GDestroyNotify) string_free);
        for (guint j = 0; j < ba_ruleset_rule_n_patterns (set, i); j++)
            g_ptr_array_add (per, g_string_new (NULL));
        g_ptr_array_add (hits, per);
    }
    buf = g_malloc (PROBE_LINE_MAX);
    while (fgets (buf, PROBE_LINE_MAX, in)) {
        gsize len = strlen (buf);
        gboolean whole = len > 0 && buf[len - 1] == '\n';
        int c;
        if (whole)
            buf[len - 1] = '\0';
        else
            while ((c = fgetc (in)) != EOF && c != '\n')
                ;
        n++;
        for (guint i = 0; i < hits->len; i++) {
            GPtrArray *per = g_ptr_array_index (hits, i);
            for (guint j = 0; j < per->len; j++)
                if (ba_ruleset_pattern_matches (ctx, i, j, buf))
                    g_string_append_printf (g_ptr_array_index (per, j), "%s%u",
                                            ((GString *) g_ptr_array_index (per, j))->len ? "," : "", n);
        }
    }
    for (guint i = 0; i < hits->len; i++) {
        GPtrArray *per = g_ptr_array_index (hits, i);
        ba_rule_info info;
        ba_ruleset_rule_info (set, i, &info);
        for (guint j = 0; j < per->len; j++)
            printf ("%s\t%u\t%s\n", info.id, j + 1, ((GString *) g_ptr_array_index (per, j))->str);
    }
    if (in != stdin)
        fclose (in);
    g_free (buf);
    g_ptr_array_unref (hits);
    ba_context_free (ctx);
    ba_ruleset_free (set);
    return 0;
}

int
cmd_rules (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *format_name = NULL;
    GOptionEntry entries[] = {
        { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
          "rules list: text (default) or json", "FORMAT" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("check [FILE...] | list | probe [FILE] - validate or list the rule set");
    out_format format;
    int rc;

    help_texts (octx,
        "rules check [FILE...]  load the rule set (and FILEs as site rules) and report\n"
        "                       every problem as file:line: message; exit 1 if any.\n"
        "rules list             list the loaded rules in the order they are tried,\n"
        "                       the bounce formats, and the generic notice\n"
        "                       reader's groups (notice.conf).\n"
        "rules probe [FILE]     read one text a line (FILE or standard input) and print,\n"
        "                       for every pattern of every rule, RULE<TAB>N<TAB>the\n"
        "                       numbers of the lines it matches (conditions aside).");
    g_option_context_add_main_entries (octx, entries, NULL);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "rules", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (!parse_out_format ("rules", format_name, OUT_ALLOW_TEXT | OUT_ALLOW_JSON, &format)) {
        g_free (format_name);
        rule_options_clear (&ro);
        return EXIT_USAGE;
    }
    g_free (format_name);
    if (argc >= 2 && !strcmp (argv[1], "check"))
        rc = rules_check (&ro, argv + 2, argc - 2);
    else if (argc == 2 && !strcmp (argv[1], "list"))
        rc = rules_list (&ro, format);
    else if ((argc == 2 || argc == 3) && !strcmp (argv[1], "probe"))
        rc = rules_probe (&ro, argc == 3 ? argv[2] : NULL);
    else {
        warn ("rules: expected 'check [FILE...]', 'list' or 'probe [FILE]'");
        fprintf (stderr, "Try 'bounce-analyzer rules --help' for more information.\n");
        rc = EXIT_USAGE;
    }
    rule_options_clear (&ro);
    return rc;
}
