/* cmd-prune.c - bounce-analyzer prune --before DATE [--dry-run]: retention. */
#include "commands.h"
#include "emit.h"
#include "storage-prune.h"

int
cmd_prune (int argc, char **argv)
{
    char *db = NULL, *before = NULL;
    gboolean dry_run = FALSE;
    GOptionEntry entries[] = {
        { "before", 0, 0, G_OPTION_ARG_STRING, &before,
          "delete what is older than DATE: 2024-12-01, 2024-12-01T09:00, or 730d, 8w back from now", "DATE" },
        { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "only count what would be deleted", NULL },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("--before DATE - delete the stored bounces older than DATE");
    ba_prune_counts counts;
    ba_store *st = NULL;
    GError *err = NULL;
    gint64 cut;
    int status = 0;

    help_texts (octx,
        "Deletes every stored message whose bounce is dated before DATE (undated ones:\n"
        "ingested before DATE), with its diagnoses and their full-text index entries,\n"
        "in one transaction.  Mail still in an ingested mbox is not stored again; a\n"
        "Maildir file older than DATE is, so expire the mailbox first.");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    if (!parse_options (octx, "prune", &argc, &argv)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (argc > 1 || !before) {
        if (argc > 1)
            warn ("prune: unexpected argument '%s'", argv[1]);
        else
            warn ("prune: --before DATE is required (nothing is deleted without it)");
        fprintf (stderr, "Try 'bounce-analyzer prune --help' for more information.\n");
        status = EXIT_USAGE;
        goto out;
    }
    if (!ba_store_parse_time (before, g_get_real_time () / G_USEC_PER_SEC, FALSE, &cut)) {
        char *safe = ba_safe_text (before);
        warn ("prune: '%s' is not a date: use 2024-12-01, 2024-12-01T09:00, or 730d, 8w back from now", safe);
        g_free (safe);
        status = EXIT_USAGE;
        goto out;
    }
    st = dry_run ? open_store_to_read ("prune", db) : open_store_locked ("prune", db, FALSE, &status);
    if (!st) {
        if (dry_run)
            status = EXIT_INPUT;
        goto out;
    }
    if (!ba_store_prune (st, cut, dry_run, &counts, &err)) {
        warn ("prune: %s", err->message);
        g_error_free (err);
        status = EXIT_INPUT;
        goto out;
    }
    {
        char *when = local_time (cut, "%Y-%m-%d %H:%M");
        printf ("%s %" G_GINT64_FORMAT " message%s (%" G_GINT64_FORMAT " diagnos%s) from before %s\n",
                dry_run ? "Would delete" : "Deleted", counts.messages, counts.messages == 1 ? "" : "s",
                counts.diagnoses, counts.diagnoses == 1 ? "is" : "es", when);
        g_free (when);
    }
    if (dry_run && !store_read_was_stable ("prune", st))
        status = EXIT_INPUT;
out:
    g_option_context_free (octx);
    ba_store_free (st);
    g_free (db);
    g_free (before);
    return status;
}
