/* cmd-analyze.c - bounce-analyzer analyze: read, diagnose, print. */
#include "commands.h"
#include "emit.h"
#include "parallel.h"

#include <errno.h>
#include <string.h>

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_NDJSON } output_format;

static gboolean
parse_format (const char *s, output_format *out)
{
    if (!s || !strcmp (s, "text"))
        *out = FORMAT_TEXT;
    else if (!strcmp (s, "json"))
        *out = FORMAT_JSON;
    else if (!strcmp (s, "ndjson"))
        *out = FORMAT_NDJSON;
    else
        return FALSE;
    return TRUE;
}

void explain_report (FILE *out, ba_context *ctx, ba_report *rep);

int
cmd_analyze (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *format_name = NULL;
    gboolean verbose = FALSE, explain = FALSE;
    gint jobs = 0;
    output_format format;
    GOptionEntry entries[] = {
        { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
          "output format: text (default), json or ndjson", "FORMAT" },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain,
          "show, for each recipient, every rule that matched and why the winner won", NULL },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
          "also say on stderr which messages are not bounces", NULL },
        { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
          "analyse with N worker threads (default: the number of processors); output is the same", "N" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("PATH... - diagnose the bounces in PATH");
    ba_ruleset *set;
    ba_context *ctx;
    sprinter *sp = NULL;
    int status = 0;
    guint64 messages = 0;

    g_option_context_set_summary (octx,
        "PATH is a message file, a directory of them (searched recursively), a Maildir,\n"
        "an mbox, or - for standard input.  Prints, for every failed recipient, the\n"
        "reason, whose fault it is, the remote server's own words and the deciding rule.");
    g_option_context_add_main_entries (octx, entries, NULL);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "analyze", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (!parse_format (format_name, &format)) {
        warn ("analyze: unknown format '%s' (text, json or ndjson)", format_name);
        fprintf (stderr, "Try 'bounce-analyzer analyze --help' for more information.\n");
        g_free (format_name);
        rule_options_clear (&ro);
        return EXIT_USAGE;
    }
    if (argc < 2) {
        warn ("analyze: no PATH given");
        fprintf (stderr, "Try 'bounce-analyzer analyze --help' for more information.\n");
        g_free (format_name);
        rule_options_clear (&ro);
        return EXIT_USAGE;
    }
    if (jobs < 0 || jobs > 256) {
        warn ("analyze: --jobs must be between 1 and 256 (0: the number of processors), not %d", jobs);
        g_free (format_name);
        rule_options_clear (&ro);
        return EXIT_USAGE;
    }
    /* explain re-runs matches in the analysing context: one thread */
    if (jobs == 0)
        jobs = explain ? 1 : (gint) ba_parallel_default_workers ();
    if (explain)
        jobs = 1;
    set = rule_options_load (&ro, "analyze");
    if (!set) {
        g_free (format_name);
        rule_options_clear (&ro);
        return EXIT_USAGE;
    }

    if (format == FORMAT_JSON) {
        sp = sprinter_json_new (stdout, TRUE);
        sp->begin_list (sp);
    } else if (format == FORMAT_NDJSON) {
        sp = sprinter_json_new (stdout, FALSE);
    }

    for (int i = 1; i < argc; i++) {
        ba_parallel *run = ba_parallel_open (set, argv[i], (guint) jobs);
        ba_input in;
        GError *err = NULL;
        ba_read_status rs;
        ba_report *rep;

        ctx = ba_parallel_context (run);
        while ((rs = ba_parallel_next (run, &in, &rep, &err)) != BA_READ_END) {
            if (rs == BA_READ_SKIPPED || rs == BA_READ_INCOMPLETE) {
                /* a FIFO or device skipped is a warning; an mbox still being written, a note */
                if (rs == BA_READ_SKIPPED || verbose) {
                    warn_skipped (&in, err);
                }
                g_clear_error (&err);
                continue;
            }
            if (rs == BA_READ_ERROR) {
                if (in.offset >= 0)
                    warn ("%s: offset %" G_GINT64_FORMAT ": %s", in.source, in.offset, err->message);
                else
                    warn ("%s: %s", in.source ? in.source : argv[i], err->message);
                g_clear_error (&err);
                status = EXIT_INPUT;
                continue;
            }
            messages++;
            ba_emit_warnings (stderr, rep);
            if (rep->kind == BA_KIND_OTHER) {
                if (verbose) {
                    if (rep->offset >= 0)
                        warn ("%s: offset %" G_GINT64_FORMAT ": not a bounce", rep->source, rep->offset);
                    else
                        warn ("%s: not a bounce", rep->source);
                }
            } else if (sp) {
                for (guint j = 0; j < rep->recipients->len; j++) {
                    ba_emit_recipient (sp, rep, g_ptr_array_index (rep->recipients, j));
                    if (format == FORMAT_NDJSON)
                        sp->separator (sp);
                }
            } else {
                ba_emit_text (stdout, rep);
                if (explain)
                    explain_report (stdout, ctx, rep);
                fputc ('\n', stdout);
            }
            /* an interrupted run keeps what it printed */
            fflush (stdout);
            ba_report_free (rep);
        }
        ba_parallel_free (run);
    }
    if (format == FORMAT_JSON) {
        sp->end (sp);
        sp->separator (sp);
    }
    if (sp)
        sp->free (sp);
    if (verbose)
        fprintf (stderr, "bounce-analyzer: %" G_GUINT64_FORMAT " message(s) read\n", messages);
    if (fflush (stdout) != 0) {
        warn ("analyze: writing output: %s", g_strerror (errno));
        status = EXIT_INPUT;
    }
    ba_ruleset_free (set);
    rule_options_clear (&ro);
    g_free (format_name);
    return status;
}
