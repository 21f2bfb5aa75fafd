/* cmd-reclassify.c - bounce-analyzer reclassify: the rules changed, the
 * data stays; re-apply the current rules to the stored diagnoses. */
#include "commands.h"
#include "emit.h"

#include <errno.h>

int
cmd_reclassify (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *db = NULL;
    gboolean dry_run = FALSE, quiet = FALSE;
    char *format_name = NULL;
    out_format format;
    GOptionEntry entries[] = {
        { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "only say what would change", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "print nothing but errors", NULL },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "text (default) or json", "FORMAT" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("- re-apply the current rules to the stored diagnoses");
    ba_reclassify_stats rs = { 0 };
    ba_ruleset *set = NULL;
    ba_store *st = NULL;
    GError *err = NULL;
    int status = 0;

    help_texts (octx,
        "Classifies every stored diagnostic text and status code again with the\n"
        "current rule set (no mailbox needed), stores the verdicts that changed,\n"
        "marks every verdict with the rule set's id, and says how many changed and\n"
        "from which reason to which.");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "reclassify", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (!parse_out_format ("reclassify", format_name, OUT_ALLOW_TEXT | OUT_ALLOW_JSON, &format)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (argc > 1) {
        warn ("reclassify: unexpected argument '%s'", argv[1]);
        fprintf (stderr, "Try 'bounce-analyzer reclassify --help' for more information.\n");
        status = EXIT_USAGE;
        goto out;
    }
    if (!(set = rule_options_load (&ro, "reclassify"))) {
        status = EXIT_USAGE;
        goto out;
    }
    status = EXIT_INPUT;
    st = dry_run ? open_store_to_read ("reclassify", db) : open_store_locked ("reclassify", db, FALSE, &status);
    if (!st)
        goto out;
    status = 0;
    if (!ba_store_reclassify (st, set, dry_run, &rs, &err)) {
        warn ("reclassify: %s", err->message);
        warn ("reclassify: nothing was changed");
        status = EXIT_INPUT;
        goto out;
    }
    for (guint i = 0; rs.warnings && i < rs.warnings->len; i++) {
        char *safe = ba_safe_text (g_ptr_array_index (rs.warnings, i));
        warn ("reclassify: warning: %s", safe);
        g_free (safe);
    }
    if (rs.warnings_dropped)
        warn ("reclassify: warning: %" G_GUINT64_FORMAT " more diagnoses hit a matching limit",
              rs.warnings_dropped);
    if (!quiet && format == OUT_JSON) {
        sprinter *sp = json_document_begin (stdout, "reclassify");
        sp->map_key (sp, "ruleset");
        sp->string (sp, ba_ruleset_id (set));
        sp->map_key (sp, "dry_run");
        sp->boolean (sp, dry_run);
        sp->map_key (sp, "examined");
        sp->integer (sp, (gint64) rs.examined);
        sp->map_key (sp, "changed");
        sp->integer (sp, (gint64) rs.changed);
        sp->map_key (sp, "updated");
        sp->integer (sp, (gint64) rs.updated);
        sp->map_key (sp, "transitions");
        sp->begin_list (sp);
        for (guint i = 0; i < rs.transitions->len; i++) {
            ba_transition *t = g_ptr_array_index (rs.transitions, i);
            sp->begin_map (sp);
            sp->map_key (sp, "from");
            sp->string (sp, t->from);
            sp->map_key (sp, "to");
            sp->string (sp, t->to);
            sp->map_key (sp, "count");
            sp->integer (sp, (gint64) t->count);
            sp->end (sp);
        }
        sp->end (sp);
        json_document_end (sp);
    } else if (!quiet) {
        printf ("reclassify: %" G_GUINT64_FORMAT " diagnoses examined with rule set %s: %"
                G_GUINT64_FORMAT " verdict%s %s\n", rs.examined, ba_ruleset_id (set), rs.changed,
                rs.changed == 1 ? "" : "s", dry_run ? "would change" : "changed");
        for (guint i = 0; i < rs.transitions->len; i++) {
            ba_transition *t = g_ptr_array_index (rs.transitions, i);
            printf ("  %-16s -> %-16s %" G_GUINT64_FORMAT "\n", t->from, t->to, t->count);
        }
        if (rs.updated > rs.changed)
            printf ("reclassify: %" G_GUINT64_FORMAT " more %s a new rule id, status, blacklist "
                    "or advice with the same verdict\n", rs.updated - rs.changed,
                    dry_run ? "would get" : "got");
        if (dry_run)
            printf ("reclassify: dry run, nothing stored\n");
    }

out:
    status = finish_output ("reclassify", status);
    g_clear_error (&err);
    ba_reclassify_stats_clear (&rs);
    if (dry_run && !store_read_was_stable ("reclassify", st) && status == 0)
        status = EXIT_INPUT;
    ba_store_free (st);
    ba_ruleset_free (set);
    rule_options_clear (&ro);
    g_free (db);
    g_free (format_name);
    return status;
}
