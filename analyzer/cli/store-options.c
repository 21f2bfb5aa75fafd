/* store-options.c - what the database commands (ingest, why, search,
 * report, reclassify) share: --db, --since/--until, dates, CSV. */
#include "commands.h"

#include <string.h>

void
db_option_add (GOptionContext *ctx, char **db)
{
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, db,
          "the database (default: $BOUNCE_ANALYZER_DB, else bounces.db here)", "FILE" },
        { NULL }
    };
    g_option_context_add_main_entries (ctx, entries, NULL);
}

ba_store *
open_store (const char *command, const char *db, gboolean create)
{
    GError *err = NULL;
    ba_store *st = ba_store_open (db ? db : ba_store_default_path (), create, &err);
    if (!st) {
        warn ("%s: %s", command, err->message);
        g_error_free (err);
    }
    return st;
}

gboolean
parse_period (const char *command, const char *since, const char *until, ba_query *q)
{
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    const char *bad = NULL;

    if (since) {
        q->has_since = ba_store_parse_time (since, now, FALSE, &q->since);
        if (!q->has_since)
            bad = since;
    }
    if (until && !bad) {
        q->has_until = ba_store_parse_time (until, now, TRUE, &q->until);
        if (!q->has_until)
            bad = until;
    }
    if (bad) {
        warn ("%s: '%s' is not a date: use 2008-03-25, 2008-03-25T09:00, or 7d, 24h, 2w, 30m back from now",
              command, bad);
        return FALSE;
    }
    return TRUE;
}

char *
local_time (gint64 t, const char *fmt)
{
    GDateTime *dt = g_date_time_new_from_unix_local (t);
    char *s;
    if (!dt)
        return g_strdup ("?");
    s = g_date_time_format (dt, fmt);
    g_date_time_unref (dt);
    return s;
}

void
csv_end (FILE *out, GString *line)
{
    g_string_append (line, "\r\n");
    fwrite (line->str, 1, line->len, out);
    g_string_truncate (line, 0);
}
