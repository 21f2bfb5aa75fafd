/* cmd-import.c - bounce-analyzer import: NDJSON (of export, or of
 * analyze --format ndjson) into the store. */
#include "commands.h"

#include <errno.h>
#include <string.h>

int
cmd_import (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *db = NULL, *host = NULL;
    gboolean quiet = FALSE;
    int batch = 0;
    GOptionEntry entries[] = {
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no summary", NULL },
        { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "messages per transaction (default 2000)", "N" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("[FILE...] - store the NDJSON of FILE (default: standard input)");
    ba_import_stats is = { 0 };
    ba_ruleset *set = NULL;
    ba_store *st = NULL;
    ba_ingest *ing = NULL;
    GError *err = NULL;
    int status = 0;
    gboolean failed = FALSE;

    help_texts (octx,
        "Reads what 'export' writes (or 'analyze --format ndjson') and stores each\n"
        "message once: importing the same lines again adds nothing.  Exported\n"
        "messages keep the host that ingested them; analyzed ones get this host\n"
        "(or --host-name).  FILE - is standard input, as is no FILE:\n"
        "  bounce-analyzer analyze --format ndjson /var/mail/bounces |\n"
        "      bounce-analyzer import --db postgresql://bounces@db.example/bounces");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    host_option_add (octx, &host, TRUE);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "import", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (batch < 0 || !check_host_name ("import", "--host-name", host)) {
        if (batch < 0)
            warn ("import: --batch must be positive");
        status = EXIT_USAGE;
        goto out;
    }
    /* the writer marks what it stores with a rule set: exported lines name their own */
    if (!(set = rule_options_load (&ro, "import"))) {
        status = EXIT_USAGE;
        goto out;
    }
    if (!(st = open_store ("import", db, TRUE))) {
        status = EXIT_INPUT;
        goto out;
    }
    ing = ba_ingest_new (st, set, (guint) batch);
    ba_ingest_set_host (ing, host);
    for (int i = 1; i < MAX (argc, 2) && !failed; i++) {
        const char *name = i < argc ? argv[i] : "-";
        gboolean is_stdin = !strcmp (name, "-");
        FILE *in = is_stdin ? stdin : fopen (name, "r");
        if (!in) {
            warn ("import: %s: %s", name, g_strerror (errno));
            status = EXIT_INPUT;
            continue;
        }
        if (!ba_store_import (ing, in, is_stdin ? "standard input" : name, &is, &err))
            failed = TRUE;
        if (!is_stdin)
            fclose (in);
    }
    if (!failed && !ba_ingest_finish (ing, &err))
        failed = TRUE;
    if (failed) {
        warn ("import: %s", err ? err->message : "failed");
        g_clear_error (&err);
        warn ("import: what was committed before stays; run it again to store the rest");
        status = EXIT_INPUT;
    } else if (!quiet) {
        const ba_ingest_stats *s = ba_ingest_get_stats (ing);
        fprintf (stderr, "import: %" G_GUINT64_FORMAT " lines read: %" G_GUINT64_FORMAT " messages, %"
                 G_GUINT64_FORMAT " new (%" G_GUINT64_FORMAT " diagnoses), %" G_GUINT64_FORMAT
                 " already stored, %" G_GUINT64_FORMAT " lines left out\n",
                 is.lines, is.messages, s->stored, s->recipients, s->skipped, is.errors);
    }
    if (is.errors && !status)
        status = EXIT_INPUT;
out:
    ba_ingest_free (ing);
    ba_store_free (st);
    if (set)
        ba_ruleset_free (set);
    g_free (db);
    g_free (host);
    rule_options_clear (&ro);
    return status;
}
