/* cmd-export.c - bounce-analyzer export: the store as NDJSON on standard
 * output, for import into another store. */
#include "commands.h"
#include "sprinter.h"

#include <string.h>

int
cmd_export (int argc, char **argv)
{
    char *db = NULL, *host = NULL, *format_name = NULL;
    GOptionEntry entries[] = {
        { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, "output format: ndjson (the only one)", "FORMAT" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("- write the stored messages and diagnoses as NDJSON");
    ba_query q = { 0 };
    ba_store *st = NULL;
    sprinter *sp;
    GError *err = NULL;
    guint64 lines = 0;
    int status = 0;

    help_texts (octx,
        "Writes one JSON object per line: per diagnosis, with the keys of\n"
        "'analyze --format ndjson' and a \"stored\" object with what the store keeps\n"
        "besides, and one line for a stored message without a diagnosis.\n"
        "'bounce-analyzer import --db OTHER' reads it into another store, e.g.\n"
        "from an MX host's SQLite file into a shared PostgreSQL database.");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    host_option_add (octx, &host, FALSE);
    if (!parse_options (octx, "export", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (argc > 1 || (format_name && strcmp (format_name, "ndjson") != 0)) {
        if (argc > 1)
            warn ("export: unexpected argument '%s'", argv[1]);
        else
            warn ("export: unknown format '%s' (ndjson)", format_name);
        fprintf (stderr, "Try 'bounce-analyzer export --help' for more information.\n");
        status = EXIT_USAGE;
        goto out;
    }
    if (!check_host_name ("export", "--host", host)) {
        status = EXIT_USAGE;
        goto out;
    }
    q.host = host;
    if (!(st = open_store_to_read ("export", db))) {
        status = EXIT_INPUT;
        goto out;
    }
    sp = sprinter_json_new (stdout, FALSE);
    if (!ba_store_export (st, &q, sp, &lines, &err)) {
        warn ("export: %s", err->message);
        g_error_free (err);
        status = EXIT_INPUT;
    }
    sp->free (sp);
    if (fflush (stdout) != 0 || ferror (stdout)) {
        warn ("export: writing the output failed");
        status = EXIT_INPUT;
    }
    if (!store_read_was_stable ("export", st))
        status = EXIT_INPUT;
out:
    ba_store_free (st);
    g_free (db);
    g_free (host);
    g_free (format_name);
    return status;
}
