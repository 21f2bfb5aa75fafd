/* cmd-analyze.c - bounce-analyzer analyze (and explain): read, diagnose, print. */
#include "commands.h"
#include "emit.h"
#include "escape.h"
#include "jobs-option.h"
#include "parallel.h"
#include "path-list.h"
#include "progress.h"

#include <string.h>
#include <unistd.h>

typedef struct {
    out_format format;
    gboolean explain, verbose;
    sprinter *sp;
    GString *csv;
    ba_context *ctx;            /* for --explain, which runs on one thread */
    const ba_ruleset *set;
    guint jobs;
    const char *ruleset;
    guint64 messages;
} analysis;

static void
print_report (analysis *a, ba_report *rep)
{
    if (a->format == OUT_TEXT) {
        ba_emit_text (stdout, rep);
        for (guint j = 0; a->explain && j < rep->recipients->len; j++) {
            ba_recipient *r = g_ptr_array_index (rep->recipients, j);
            GPtrArray *trace = explain_recipient (a->ctx, rep, r);
            explain_text (stdout, r, trace);
            g_ptr_array_unref (trace);
        }
        fputc ('\n', stdout);
        return;
    }
    for (guint j = 0; j < rep->recipients->len; j++) {
        ba_recipient *r = g_ptr_array_index (rep->recipients, j);
        GPtrArray *trace = a->explain ? explain_recipient (a->ctx, rep, r) : NULL;
        explanation e = { r, trace };
        ba_diagnosis_view v;

        ba_diagnosis_view_of_recipient (&v, rep, r, a->ruleset);
        if (a->format == OUT_CSV) {
            ba_csv_diagnosis (a->csv, &v);
            csv_end (stdout, a->csv);
        } else {
            ba_emit_diagnosis (a->sp, &v, a->format == OUT_NDJSON, trace ? explain_json : NULL, &e);
            if (a->format == OUT_NDJSON)
                a->sp->separator (a->sp);
        }
        ba_diagnosis_view_clear (&v);
        if (trace)
            g_ptr_array_unref (trace);
    }
}

/* Read every message of @path; FALSE when the output's reader went away. */
static gboolean
analyze_path (analysis *a, const char *path, progress *prog, int *status)
{
    ba_parallel *run = ba_parallel_open (a->set, path, jobs_for_path (path, a->jobs));
    ba_input in;
    GError *err = NULL;
    ba_read_status rs;
    gboolean open = TRUE;

    ba_report *rep;

    while (open && (rs = ba_parallel_next (run, &in, &rep, &err)) != BA_READ_END) {
        if (rs == BA_READ_SKIPPED || rs == BA_READ_INCOMPLETE) {
            /* a FIFO or device skipped is a warning; an mbox still being written, a note */
            if (rs == BA_READ_SKIPPED || a->verbose) {
                progress_clear (prog);
                warn_skipped (&in, err);
            }
            g_clear_error (&err);
            continue;
        }
        if (rs == BA_READ_ERROR) {
            progress_clear (prog);
            if (read_error_is_not_mail (err, in.offset)) {
                warn ("%s: warning: %s (not mail?): skipped", in.source ? in.source : path, err->message);
            } else {
                if (in.offset >= 0)
                    warn ("%s: offset %" G_GINT64_FORMAT ": %s", in.source, in.offset, err->message);
                else
                    warn ("%s: %s", in.source ? in.source : path, err->message);
                *status = EXIT_INPUT;
            }
            g_clear_error (&err);
            continue;
        }
        a->messages++;
        if (rep->warnings)
            progress_clear (prog);
        ba_emit_warnings (stderr, rep);
        if (rep->kind == BA_KIND_OTHER) {
            if (a->verbose) {
                progress_clear (prog);
                if (rep->offset >= 0)
                    warn ("%s: offset %" G_GINT64_FORMAT ": not a bounce", rep->source, rep->offset);
                else
                    warn ("%s: not a bounce", rep->source);
            }
        } else {
            print_report (a, rep);
        }
        /* an interrupted run keeps what it printed; a closed pipe ends the run */
        if (fflush (stdout) != 0 || ferror (stdout))
            open = !output_closed (stdout);
        ba_report_free (rep);
        progress_step (prog, in.source, in.size);
    }
    ba_parallel_free (run);
    return open;
}

static const char *analyze_summary =
    "PATH is a message file, a directory of them (searched recursively), a Maildir,\n"
    "an mbox, or - for standard input; -- ends the options (for a PATH that begins\n"
    "with -).  Prints, for every failed recipient, the reason, whose fault it is, the\n"
    "remote server's own words and the deciding rule.  A file that is not mail is a\n"
    "warning.  On a terminal, stderr shows the progress.";

static const char *explain_summary =
    "Analyses PATH as 'analyze --explain' does: for each recipient, the text tried,\n"
    "the codes, and every rule that matched, the winner first, with the reason it won.\n"
    "--format json/ndjson carry it in each diagnosis's \"explanation\".";

int
run_analyze (int argc, char **argv, const char *command)
{
    gboolean is_explain = !strcmp (command, "explain");
    rule_options ro = { 0 };
    char *format_name = NULL, *files_from = NULL;
    gboolean verbose = FALSE, explain = is_explain, nul = FALSE, quiet = FALSE;
    gint jobs = 0;
    GOptionEntry entries[] = {
        { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
          "text (default), json, ndjson or csv (README \"Output\")", "FORMAT" },
        { "explain", 0, is_explain ? G_OPTION_FLAG_HIDDEN : 0, G_OPTION_ARG_NONE, &explain,
          "show, for each recipient, every rule that matched and why the winner won", NULL },
        { "files-from", 'T', 0, G_OPTION_ARG_FILENAME, &files_from,
          "also read the paths listed in FILE (- for standard input), one a line", "FILE" },
        { "null", '0', 0, G_OPTION_ARG_NONE, &nul,
          "the --files-from list is NUL-separated (find -print0)", NULL },
        { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
          "analyse with N worker processes (default: the number of processors); output is the same", "N" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no progress line on a terminal", NULL },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
          "also say on stderr which messages are not bounces", NULL },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new (is_explain ? "PATH... - explain each verdict of PATH"
                                                            : "PATH... - diagnose the bounces in PATH");
    analysis a = { 0 };
    ba_ruleset *set = NULL;
    path_list *paths = NULL;
    progress prog = { 0 };
    const char *path;
    int status = 0;
    g_auto (GStrv) attached = jobs_option_attach (argc, argv);

    help_texts (octx, is_explain ? explain_summary : analyze_summary);
    g_option_context_add_main_entries (octx, entries, NULL);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, command, &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (argc > 1 && !strcmp (argv[1], "--")) {
        /* GOption leaves a "--" that ends the options */
        argv++;
        argc--;
    }
    if (!parse_out_format (command, format_name, OUT_ALLOW_ALL, &a.format)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (argc < 2 && !files_from) {
        warn ("%s: no PATH given", command);
        fprintf (stderr, "Try 'bounce-analyzer %s --help' for more information.\n", command);
        status = EXIT_USAGE;
        goto out;
    }
    if (nul && !files_from) {
        warn ("%s: -0 is for the list of --files-from", command);
        status = EXIT_USAGE;
        goto out;
    }
    for (int i = 1; files_from && !strcmp (files_from, "-") && i < argc; i++)
        if (!strcmp (argv[i], "-")) {
            warn ("%s: standard input cannot be both the --files-from list and a PATH", command);
            status = EXIT_USAGE;
            goto out;
        }
    if (jobs < 0 || jobs > 256) {
        warn ("%s: --jobs must be between 1 and 256 (0: the number of processors), not %d", command, jobs);
        status = EXIT_USAGE;
        goto out;
    }
    /* explain re-runs matches in the analysing context: one thread */
    if (jobs == 0)
        jobs = (gint) ba_parallel_default_workers ();
    if (explain)
        jobs = 1;
    if (!(set = rule_options_load (&ro, command))) {
        status = EXIT_USAGE;
        goto out;
    }
    if (!(paths = path_list_new (command, argv + 1, argc - 1, files_from, nul))) {
        status = EXIT_USAGE;
        goto out;
    }
    if (explain)
        a.ctx = ba_context_new (set);
    a.set = set;
    a.jobs = (guint) jobs;
    a.explain = explain;
    a.verbose = verbose;
    a.ruleset = ba_ruleset_id (set);
    /* the tree is sized (a walk) only for a progress line someone sees */
    progress_start (&prog, command, !quiet && isatty (2),
                    quiet || !isatty (2) ? -1 : path_list_progress_total (paths));

    if (a.format == OUT_JSON) {
        a.sp = json_document_begin (stdout, command);
        a.sp->map_key (a.sp, "diagnoses");
        a.sp->begin_list (a.sp);
    } else if (a.format == OUT_NDJSON) {
        a.sp = sprinter_json_new (stdout, FALSE);
    } else if (a.format == OUT_CSV) {
        a.csv = g_string_new (NULL);
        ba_csv_diagnosis_header (a.csv);
        csv_end (stdout, a.csv);
    }
    while ((path = path_list_next (paths)))
        if (!analyze_path (&a, path, &prog, &status))
            break;
    if (path_list_failed (paths))
        status = EXIT_INPUT;
    progress_clear (&prog);
    if (a.format == OUT_JSON) {
        a.sp->end (a.sp);
        json_document_end (a.sp);
    } else if (a.sp) {
        a.sp->free (a.sp);
    }
    if (verbose)
        fprintf (stderr, "bounce-analyzer: %" G_GUINT64_FORMAT " message%s read\n", a.messages,
                 a.messages == 1 ? "" : "s");
    status = finish_output (command, status);
    if (a.ctx)
        ba_context_free (a.ctx);

out:
    if (a.csv)
        g_string_free (a.csv, TRUE);
    path_list_free (paths);
    ba_ruleset_free (set);
    rule_options_clear (&ro);
    g_free (format_name);
    g_free (files_from);
    return status;
}

int
cmd_analyze (int argc, char **argv)
{
    return run_analyze (argc, argv, "analyze");
}
