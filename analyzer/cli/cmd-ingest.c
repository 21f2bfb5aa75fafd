/* cmd-ingest.c - bounce-analyzer ingest PATH...: analyse and store. */
#include "commands.h"
#include "emit.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    gboolean on;                /* stderr is a terminal and not -q */
    gint64 started, last;       /* monotonic microseconds */
    int width;                  /* of the line last drawn */
} progress;

static void
progress_draw (progress *p, ba_ingest *ing, const char *source, gboolean force)
{
    gint64 now;
    const ba_ingest_stats *s;
    double secs;
    char *safe, *line;
    glong n;

    if (!p->on)
        return;
    now = g_get_monotonic_time ();
    if (!force && now - p->last < 200000)
        return;
    s = ba_ingest_get_stats (ing);
    p->last = now;
    secs = (now - p->started) / 1e6;
    safe = ba_safe_text (source);
    /* keep the line on one row of a narrow terminal: show the path's end */
    n = g_utf8_strlen (safe, -1);
    if (n > 40) {
        char *tail = g_strdup_printf ("...%s", g_utf8_offset_to_pointer (safe, n - 37));
        g_free (safe);
        safe = tail;
    }
    line = g_strdup_printf ("ingest: %" G_GUINT64_FORMAT " messages read (%.0f/s), %"
                            G_GUINT64_FORMAT " skipped, %s", s->messages,
                            secs > 0 ? s->messages / secs : 0.0, s->skipped, safe);
    fprintf (stderr, "\r%-*s", p->width, line);
    p->width = (int) g_utf8_strlen (line, -1);
    fflush (stderr);
    g_free (line);
    g_free (safe);
}

static void
progress_clear (progress *p)
{
    if (p->on && p->width)
        fprintf (stderr, "\r%*s\r", p->width, "");
    p->width = 0;
}

static void
summary (FILE *out, ba_store *st, const ba_ingest_stats *s, double secs, gboolean failed)
{
    ba_store_totals t;
    GError *err = NULL;

    /* after a failed commit the counts would include what was rolled back */
    if (failed) {
        fprintf (out, "ingest: stopped by the error above after %" G_GUINT64_FORMAT " messages read "
                 "(%.1f s); only what was committed before it is stored\n", s->messages, secs);
        goto totals;
    }
    fprintf (out, "ingest: %" G_GUINT64_FORMAT " messages read, %" G_GUINT64_FORMAT " bounces, %"
             G_GUINT64_FORMAT " diagnoses stored, %" G_GUINT64_FORMAT " skipped (already stored), %"
             G_GUINT64_FORMAT " error%s (%.1f s)\n", s->messages, s->bounces, s->recipients,
             s->skipped, s->errors, s->errors == 1 ? "" : "s", secs);
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
        fprintf (out, "ingest: %s holds %" G_GINT64_FORMAT " messages, %" G_GINT64_FORMAT
                 " diagnoses\n", path, t.messages, t.diagnoses);
        g_free (path);
    } else {
        g_error_free (err);
    }
}

int
cmd_ingest (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *db = NULL;
    gboolean quiet = FALSE;
    int batch = 0;
    GOptionEntry entries[] = {
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no progress line and no summary", NULL },
        { "batch", 0, 0, G_OPTION_ARG_INT, &batch,
          "messages per transaction (default 500)", "N" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("PATH... - store the diagnoses of PATH in the database");
    ba_ruleset *set;
    ba_store *st;
    ba_ingest *ing;
    progress prog = { 0 };
    GError *err = NULL;
    int status = 0;
    gboolean failed = FALSE;

    g_option_context_set_summary (octx,
        "PATH is what 'analyze' reads: a message file, a directory, a Maildir, an mbox,\n"
        "or - for standard input.  Each message is stored once: running ingest again\n"
        "on the same paths adds only what is new (new Maildir files, mail appended to\n"
        "an mbox).  Work is committed in batches, so an interrupted ingest loses\n"
        "nothing: run it again.  The mailboxes are only read, never written.");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "ingest", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (argc < 2 || batch < 0) {
        warn (argc < 2 ? "ingest: no PATH given" : "ingest: --batch must be positive");
        fprintf (stderr, "Try 'bounce-analyzer ingest --help' for more information.\n");
        g_free (db);
        rule_options_clear (&ro);
        return EXIT_USAGE;
    }
    set = rule_options_load (&ro, "ingest");
    if (!set) {
        g_free (db);
        rule_options_clear (&ro);
        return EXIT_USAGE;
    }
    st = open_store ("ingest", db, TRUE);
    if (!st) {
        ba_ruleset_free (set);
        g_free (db);
        rule_options_clear (&ro);
        return EXIT_INPUT;
    }
    ing = ba_ingest_new (st, set, (guint) batch);
    prog.on = !quiet && isatty (2);
    prog.started = prog.last = g_get_monotonic_time ();

    for (int i = 1; i < argc && !failed; i++) {
        ba_reader *reader = ba_reader_open (argv[i]);
        ba_reader_hooks hooks;
        ba_input in;
        ba_read_status rs;

        ba_ingest_hooks (ing, &hooks);
        ba_reader_set_hooks (reader, &hooks);
        if (!ba_ingest_note_source (ing, argv[i], &err))
            failed = TRUE;
        while (!failed && (rs = ba_reader_next (reader, &in, &err)) != BA_READ_END) {
            if (rs == BA_READ_SKIPPED || rs == BA_READ_INCOMPLETE) {
                /* a FIFO or device skipped is a warning; an mbox still being written is left for the next run */
                progress_clear (&prog);
                if (rs == BA_READ_SKIPPED) {
                    warn_skipped (&in, err);
                }
                g_clear_error (&err);
                continue;
            }
            if (rs == BA_READ_ERROR) {
                progress_clear (&prog);
                if (in.offset >= 0)
                    warn ("%s: offset %" G_GINT64_FORMAT ": %s", in.source, in.offset, err->message);
                else
                    warn ("%s: %s", in.source ? in.source : argv[i], err->message);
                g_clear_error (&err);
                ba_ingest_count_error (ing);
                status = EXIT_INPUT;
                continue;
            }
            if (!ba_ingest_message (ing, &in, &err))
                failed = TRUE;
            progress_draw (&prog, ing, in.source, FALSE);
        }
        ba_reader_free (reader);
    }
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
    ba_store_free (st);
    ba_ruleset_free (set);
    rule_options_clear (&ro);
    g_free (db);
    if (fflush (stdout) != 0) {
        warn ("ingest: writing output: %s", g_strerror (errno));
        status = EXIT_INPUT;
    }
    return status;
}
