/* cmd-ingest.c - bounce-analyzer ingest PATH...: analyse and store. */
#include "commands.h"
#include "emit.h"
#include "jobs-option.h"
#include "parallel.h"
#include "parallel-pool.h"
#include "path-list.h"
#include "progress.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static void
summary (FILE *out, ba_store *st, const ba_ingest_stats *s, double secs, gboolean failed)
{
    ba_store_totals t;
    GError *err = NULL;

    /* after a failed commit the counts would include what was rolled back */
    if (failed) {
        fprintf (out, "ingest: stopped by the error above after %" G_GUINT64_FORMAT " message%s read "
                 "(%.1f s); only what was committed before it is stored\n", s->messages,
                 PLURAL_S (s->messages), secs);
        goto totals;
    }
    fprintf (out, "ingest: %" G_GUINT64_FORMAT " message%s read, %" G_GUINT64_FORMAT " bounce%s, %"
             G_GUINT64_FORMAT " %s stored, %" G_GUINT64_FORMAT " skipped (already stored), %"
             G_GUINT64_FORMAT " error%s (%.1f s)\n", s->messages, PLURAL_S (s->messages), s->bounces,
             PLURAL_S (s->bounces), s->recipients, s->recipients == 1 ? "diagnosis" : "diagnoses",
             s->skipped, s->errors, PLURAL_S (s->errors), secs);
    if (s->stored == s->bounces + 1)
        fprintf (out, "ingest: 1 message that is not a bounce was recorded too, so it is not read again\n");
    else if (s->stored > s->bounces)
        fprintf (out, "ingest: %" G_GUINT64_FORMAT " messages that are not bounces were recorded too, "
                 "so they are not read again\n", s->stored - s->bounces);
    if (s->relocated)
        fprintf (out, "ingest: %" G_GUINT64_FORMAT " of the skipped found in a new place (refiled, "
                 "rotated or copied): stored once, the new place recorded\n", s->relocated);
    if (s->rewritten)
        fprintf (out, "ingest: %" G_GUINT64_FORMAT " mbox%s rewritten or truncated since the last run: "
                 "read again from the start, without duplicates\n", s->rewritten,
                 s->rewritten == 1 ? " was" : "es were");
    if (s->replaced)
        fprintf (out, "ingest: %" G_GUINT64_FORMAT " message%s stored half-written by an earlier run "
                 "replaced by the whole message\n", s->replaced, s->replaced == 1 ? "" : "s");
    if (s->deferred)
        fprintf (out, "ingest: %" G_GUINT64_FORMAT " message%s still being written to the mbox: "
                 "left for the next run\n", s->deferred, s->deferred == 1 ? "" : "s");
totals:
    if (ba_store_get_totals (st, NULL, &t, &err)) {
        char *path = ba_safe_text (ba_store_path (st));
        fprintf (out, "ingest: %s holds %" G_GINT64_FORMAT " message%s, %" G_GINT64_FORMAT
                 " %s\n", path, t.messages, PLURAL_S (t.messages), t.diagnoses,
                 t.diagnoses == 1 ? "diagnosis" : "diagnoses");
        g_free (path);
    } else {
        g_error_free (err);
    }
}

/* What a run has to tell of its inputs as it goes. */
typedef struct {
    ba_ingest *ing;
    progress *prog;
    const char *path;           /* as given */
    int *status;
} run_state;

/* A read that gave no message: a warning, or an error that counts. */
static void
read_problem (void *data, ba_read_status rs, const ba_input *in, const GError *err)
{
    run_state *rs_ = data;

    progress_clear (rs_->prog);
    if (rs == BA_READ_INCOMPLETE) {
        /* an mbox still being written is left for the next run */
        return;
    }
    if (rs == BA_READ_SKIPPED) {
        /* a FIFO or device skipped is a warning */
        warn_skipped (in, err);
        return;
    }
    if (read_error_is_not_mail (err, in->offset)) {
        warn ("%s: warning: %s (not mail?): skipped", in->source ? in->source : rs_->path, err->message);
        return;
    }
    if (in->offset >= 0)
        warn ("%s: offset %" G_GINT64_FORMAT ": %s", in->source, in->offset, err->message);
    else
        warn ("%s: %s", in->source ? in->source : rs_->path, err->message);
    ba_ingest_count_error (rs_->ing);
    *rs_->status = EXIT_INPUT;
}

/* A message taken (stored, or found stored). */
static void
message_step (void *data, const ba_input *in)
{
    run_state *rs_ = data;
    rs_->prog->skipped = ba_ingest_get_stats (rs_->ing)->skipped;
    progress_step (rs_->prog, in->source, in->size);
}

int
cmd_ingest (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *db = NULL, *host = NULL;
    gboolean quiet = FALSE, nul = FALSE;
    char *files_from = NULL;
    const char *path;
    path_list *paths = NULL;
    int batch = 0;
    /* 0: the number of processors; the workers read, analyse and hash each
     * mbox by chunks, the caller only decides and writes (README, Speed) */
    gint jobs = 0;
    GOptionEntry entries[] = {
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no progress line and no summary", NULL },
        { "batch", 0, 0, G_OPTION_ARG_INT, &batch,
          "messages per transaction (default 2000)", "N" },
        { "files-from", 'T', 0, G_OPTION_ARG_FILENAME, &files_from,
          "also read the paths listed in FILE (- for standard input), one a line", "FILE" },
        { "null", '0', 0, G_OPTION_ARG_NONE, &nul,
          "the --files-from list is NUL-separated (find -print0)", NULL },
        { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
          "read and analyse with N worker processes (default: the number of processors, the fastest measured; 1: in this process); what is stored is the same",
          "N" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("PATH... - store the diagnoses of PATH in the database");
    ba_ruleset *set;
    ba_store *st;
    ba_ingest *ing;
    ba_pool *pool = NULL;
    progress prog = { 0 };
    GError *err = NULL;
    int status = 0;
    gboolean failed = FALSE;
    g_auto (GStrv) attached = jobs_option_attach (argc, argv);

    help_texts (octx,
        "PATH is what 'analyze' reads: a message file, a directory, a Maildir, an mbox,\n"
        "or - for standard input.  Each message is stored once: running ingest again\n"
        "on the same paths adds only what is new (new Maildir files, mail appended to\n"
        "an mbox).  Work is committed in batches, so an interrupted ingest loses\n"
        "nothing: run it again.  The mailboxes are only read, never written.  A file\n"
        "that is not mail is a warning.  On a terminal, stderr shows the progress.");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    host_option_add (octx, &host, TRUE);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "ingest", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (argc > 1 && !strcmp (argv[1], "--")) {
        /* GOption leaves a "--" that ends the options */
        argv++;
        argc--;
    }
    if ((argc < 2 && !files_from) || batch < 0 || (nul && !files_from) || jobs < 0 || jobs > 256
        || !check_host_name ("ingest", "--host-name", host)) {
        if ((argc < 2 && !files_from) || batch < 0 || (nul && !files_from) || jobs < 0 || jobs > 256)
            warn (batch < 0 ? "ingest: --batch must be positive"
              : jobs < 0 || jobs > 256 ? "ingest: --jobs must be between 1 and 256 (0: the number of processors)"
              : nul && !files_from ? "ingest: -0 is for the list of --files-from" : "ingest: no PATH given");
        fprintf (stderr, "Try 'bounce-analyzer ingest --help' for more information.\n");
        g_free (db);
        g_free (files_from);
        g_free (host);
        rule_options_clear (&ro);
        return EXIT_USAGE;
    }
    if (!(paths = path_list_new ("ingest", argv + 1, argc - 1, files_from, nul))) {
        g_free (db);
        g_free (files_from);
        g_free (host);
        rule_options_clear (&ro);
        return EXIT_USAGE;
    }
    set = rule_options_load (&ro, "ingest");
    if (!set) {
        path_list_free (paths);
        g_free (files_from);
        g_free (db);
        g_free (host);
        rule_options_clear (&ro);
        return EXIT_USAGE;
    }
    /* the workers are forked before the store is opened and its writer
     * thread started: they share the rule set and nothing else */
    pool = ba_pool_new (set, jobs ? (guint) jobs : ba_parallel_default_workers ());
    st = open_store_locked ("ingest", db, TRUE, &status);
    if (!st) {
        ba_pool_free (pool);
        path_list_free (paths);
        g_free (files_from);
        ba_ruleset_free (set);
        g_free (db);
        g_free (host);
        rule_options_clear (&ro);
        return status;
    }
    ing = ba_ingest_new (st, set, (guint) batch);
    ba_ingest_set_host (ing, host);
    ba_ingest_set_pool (ing, pool);
    /* the tree is sized (a walk) only for a progress line someone sees */
    progress_start (&prog, "ingest", !quiet && isatty (2),
                    quiet || !isatty (2) ? -1 : path_list_progress_total (paths));

    while (!failed && (path = path_list_next (paths))) {
        ba_reader *reader = ba_reader_open (path);
        ba_reader_hooks hooks;
        ba_input in;
        ba_read_status rs;
        run_state state = { ing, &prog, path, &status };
        ba_ingest_observer observer = { read_problem, message_step, &state };

        ba_ingest_hooks (ing, &hooks);
        ba_ingest_set_observer (ing, &observer);
        ba_reader_set_hooks (reader, &hooks);
        if (!ba_ingest_note_source (ing, path, &err))
            failed = TRUE;
        while (!failed && (rs = ba_reader_next (reader, &in, &err)) != BA_READ_END) {
            /* what the messages read before this one had to say comes first */
            if (rs != BA_READ_MESSAGE && !ba_ingest_settle (ing, &err)) {
                failed = TRUE;
                break;
            }
            if (rs != BA_READ_MESSAGE) {
                read_problem (&state, rs, &in, err);
                g_clear_error (&err);
                continue;
            }
            if (!ba_ingest_message (ing, &in, &err))
                failed = TRUE;
            else
                message_step (&state, &in);
        }
        /* a hook that failed (the workers read an mbox in it) stops the run */
        if (!failed && !ba_ingest_check (ing, &err))
            failed = TRUE;
        ba_reader_free (reader);
    }
    if (path_list_failed (paths))
        status = EXIT_INPUT;
    if (!failed && !ba_ingest_finish (ing, &err))
        failed = TRUE;
    progress_clear (&prog);
    if (failed) {
        warn ("ingest: %s", err->message);
        warn ("ingest: what was committed is kept; run the same ingest again to complete it");
        g_clear_error (&err);
        status = EXIT_INPUT;
    }
    if (!quiet)
        summary (stdout, st, ba_ingest_get_stats (ing),
                 (g_get_monotonic_time () - prog.started) / 1e6, failed);
    ba_ingest_free (ing);
    ba_pool_free (pool);
    ba_store_free (st);
    ba_ruleset_free (set);
    rule_options_clear (&ro);
    path_list_free (paths);
    g_free (files_from);
    g_free (db);
    g_free (host);
    return finish_output ("ingest", status);
}
