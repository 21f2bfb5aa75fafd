/* cmd-incidents.c - bounce-analyzer incidents: the stored failures grouped
 * into incidents (one place, one cause, close in time), for a postmaster
 * to mail on and for cron or monitoring to alert on (--exit-status). */
#include "incidents-output.h"
#include "emit.h"
#include "escape.h"
#include "storage-incidents.h"

#include <errno.h>
#include <string.h>

#define EXIT_ONGOING 3

char *
utc_iso (gint64 t)
{
    GDateTime *dt = g_date_time_new_from_unix_utc (t);
    char *s = dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
    if (dt)
        g_date_time_unref (dt);
    return s;
}

gboolean
parse_span (const char *s, gint64 *out)
{
    char *end = NULL;
    gint64 n, unit = 1;
    if (!s || !g_ascii_isdigit (*s))
        return FALSE;
    errno = 0;
    n = g_ascii_strtoll (s, &end, 10);
    if (errno || n <= 0 || n > G_GINT64_CONSTANT (10) * 366 * 86400)
        return FALSE;
    if (!strcmp (end, "s") || !*end)
        unit = 1;
    else if (!strcmp (end, "m"))
        unit = 60;
    else if (!strcmp (end, "h"))
        unit = 3600;
    else if (!strcmp (end, "d"))
        unit = 86400;
    else if (!strcmp (end, "w"))
        unit = 7 * 86400;
    else
        return FALSE;
    *out = n * unit;
    return *out <= G_GINT64_CONSTANT (10) * 366 * 86400;
}

static void
key_string (sprinter *sp, const char *key, const char *value)
{
    sp->map_key (sp, key);
    sp->string (sp, value);
}

void
incidents_json (sprinter *sp, const GPtrArray *found)
{
    sp->begin_list (sp);
    for (guint i = 0; i < found->len; i++) {
        const ba_incident *inc = g_ptr_array_index (found, i);
        char *first = utc_iso (inc->first_seen), *last = utc_iso (inc->last_seen);
        sp->begin_map (sp);
        key_string (sp, "domain", inc->domain);
        key_string (sp, "remote_mta", inc->remote_mta);
        key_string (sp, "reason", inc->reason);
        key_string (sp, "dnsbl", inc->dnsbl);
        key_string (sp, "listed", inc->listed);
        key_string (sp, "first_seen", first);
        key_string (sp, "last_seen", last);
        sp->map_key (sp, "failures");
        sp->integer (sp, (gint64) inc->failures);
        sp->map_key (sp, "senders");
        sp->integer (sp, (gint64) inc->senders);
        sp->map_key (sp, "recipients");
        sp->integer (sp, (gint64) inc->recipients);
        key_string (sp, "fault", inc->fault);
        key_string (sp, "advice", inc->advice);
        sp->map_key (sp, "ongoing");
        sp->boolean (sp, inc->ongoing);
        sp->end (sp);
        g_free (first);
        g_free (last);
    }
    sp->end (sp);
}

static void
print_text (FILE *out, const GPtrArray *found, const char *db, gint64 gap, guint min, guint ongoing)
{
    char *path = ba_safe_text (db), *span = ba_incident_span (gap);

    if (!found->len) {
        fprintf (out, "No incident in %s (failures to one place for one cause, at least %u, "
                 "each within %s of the one before).\n", path, min, span);
        g_free (path);
        g_free (span);
        return;
    }
    fprintf (out, "%u incident%s in %s, %u ongoing (at least %u failures to one place for one "
             "cause, each within %s of the one before).\n", found->len, found->len == 1 ? "" : "s",
             path, ongoing, min, span);
    for (guint i = 0; i < found->len; i++) {
        const ba_incident *inc = g_ptr_array_index (found, i);
        char *head = ba_incident_headline (inc), *safe = ba_safe_text (head);
        char *first = local_time (inc->first_seen, "%Y-%m-%d %H:%M");
        char *last = local_time (inc->last_seen, "%Y-%m-%d %H:%M");
        char *len = ba_incident_span (inc->last_seen - inc->first_seen);
        char *when, *count, *cause;

        fprintf (out, "\n%s: %s\n", inc->ongoing ? "ONGOING" : "ended", safe);
        when = g_strdup_printf ("%s to %s (%s)%s", first, last, len,
                                inc->ongoing ? ", still failing" : "");
        ba_print_field (out, "seen:", when);
        count = g_strdup_printf ("%" G_GUINT64_FORMAT " from %" G_GUINT64_FORMAT " sender%s to %"
                                 G_GUINT64_FORMAT " recipient%s", inc->failures, inc->senders,
                                 inc->senders == 1 ? "" : "s", inc->recipients,
                                 inc->recipients == 1 ? "" : "s");
        ba_print_field (out, "failures:", count);
        cause = g_strdup_printf ("%s%s%s%s%s", inc->reason ? inc->reason : "unknown",
                                 inc->dnsbl ? ", blacklist " : "", inc->dnsbl ? inc->dnsbl : "",
                                 inc->listed ? ", listed: " : "", inc->listed ? inc->listed : "");
        ba_print_field (out, "cause:", cause);
        ba_print_field (out, "remote MTA:", inc->remote_mta);
        ba_print_field (out, "domains:", inc->domain_list);
        ba_print_field (out, "fault:", ba_fault_words (inc->fault));
        ba_print_field (out, "advice:", inc->advice);
        g_free (head);
        g_free (safe);
        g_free (first);
        g_free (last);
        g_free (len);
        g_free (when);
        g_free (count);
        g_free (cause);
    }
    g_free (path);
    g_free (span);
}

static void
print_csv (FILE *out, const GPtrArray *found)
{
    GString *line = g_string_new (NULL);
    const char *head[] = { "domain", "remote_mta", "reason", "dnsbl", "listed", "first_seen",
                           "last_seen", "failures", "senders", "recipients", "fault", "advice",
                           "ongoing" };
    for (guint i = 0; i < G_N_ELEMENTS (head); i++)
        ba_csv_cell (line, head[i]);
    csv_end (out, line);
    for (guint i = 0; i < found->len; i++) {
        const ba_incident *inc = g_ptr_array_index (found, i);
        char *first = utc_iso (inc->first_seen), *last = utc_iso (inc->last_seen);
        char n[3][32];
        g_snprintf (n[0], 32, "%" G_GUINT64_FORMAT, inc->failures);
        g_snprintf (n[1], 32, "%" G_GUINT64_FORMAT, inc->senders);
        g_snprintf (n[2], 32, "%" G_GUINT64_FORMAT, inc->recipients);
        ba_csv_cell (line, inc->domain);
        ba_csv_cell (line, inc->remote_mta);
        ba_csv_cell (line, inc->reason);
        ba_csv_cell (line, inc->dnsbl);
        ba_csv_cell (line, inc->listed);
        ba_csv_cell (line, first);
        ba_csv_cell (line, last);
        for (int j = 0; j < 3; j++)
            ba_csv_cell (line, n[j]);
        ba_csv_cell (line, inc->fault);
        ba_csv_cell (line, inc->advice);
        ba_csv_cell (line, inc->ongoing ? "1" : "0");
        csv_end (out, line);
        g_free (first);
        g_free (last);
    }
    g_string_free (line, TRUE);
}

int
cmd_incidents (int argc, char **argv)
{
    char *db = NULL, *since = NULL, *until = NULL, *format = NULL, *gap_text = NULL;
    int min = INCIDENTS_DEFAULT_MIN;
    gboolean exit_status = FALSE;
    GOptionEntry entries[] = {
        { "since", 0, 0, G_OPTION_ARG_STRING, &since, "only failures from DATE on", "DATE" },
        { "until", 0, 0, G_OPTION_ARG_STRING, &until, "only failures before DATE", "DATE" },
        { "gap", 0, 0, G_OPTION_ARG_STRING, &gap_text,
          "failures at most SPAN apart are one incident (default 2h)", "SPAN" },
        { "min", 0, 0, G_OPTION_ARG_INT, &min, "failures that make an incident (default 5)", "N" },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "text (default), json or csv", "FORMAT" },
        { "exit-status", 0, 0, G_OPTION_ARG_NONE, &exit_status,
          "exit 3 when an incident is ongoing (for cron and monitoring)", NULL },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("- failures grouped into incidents");
    ba_query range = { 0 };
    gint64 gap = INCIDENTS_DEFAULT_GAP, now = g_get_real_time () / G_USEC_PER_SEC;
    ba_store *st = NULL;
    GPtrArray *found = NULL;
    GError *err = NULL;
    guint ongoing = 0;
    int status = 0;

    help_texts (octx,
        "Groups the stored failures into incidents: failures to one receiving domain (or\n"
        "remote MTA) for one cause (reason, blacklist and listed address), each within\n"
        "the gap of the one before, at least --min of them; and on our side, our IP or\n"
        "domain on a live blacklist, across all domains.  An incident is ongoing while\n"
        "its last failure is within the gap of now.  SPAN: 90m, 2h, 1d.\n"
        "Exit status with --exit-status: 3 when an incident is ongoing.");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    if (!parse_options (octx, "incidents", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (argc > 1) {
        warn ("incidents: unexpected argument '%s'", argv[1]);
        status = EXIT_USAGE;
    } else if (format && strcmp (format, "text") && strcmp (format, "json") && strcmp (format, "csv")) {
        warn ("incidents: unknown format '%s' (text, json or csv)", format);
        status = EXIT_USAGE;
    } else if (gap_text && !parse_span (gap_text, &gap)) {
        warn ("incidents: --gap '%s' is not a span: use 90m, 2h, 1d", gap_text);
        status = EXIT_USAGE;
    } else if (min < 1) {
        warn ("incidents: --min must be 1 or more");
        status = EXIT_USAGE;
    } else if (!parse_period ("incidents", since, until, &range)) {
        status = EXIT_USAGE;
    }
    if (status) {
        fprintf (stderr, "Try 'bounce-analyzer incidents --help' for more information.\n");
        goto out;
    }
    if (!(st = open_store_to_read ("incidents", db))) {
        status = EXIT_INPUT;
        goto out;
    }
    if (!(found = ba_store_find_incidents (st, &range, gap, (guint) min, now, &err))) {
        warn ("incidents: %s", err->message);
        status = EXIT_INPUT;
        goto out;
    }
    for (guint i = 0; i < found->len; i++)
        ongoing += ((ba_incident *) g_ptr_array_index (found, i))->ongoing;
    if (!format || !strcmp (format, "text")) {
        print_text (stdout, found, ba_store_path (st), gap, (guint) min, ongoing);
    } else if (!strcmp (format, "csv")) {
        print_csv (stdout, found);
    } else {
        sprinter *sp = sprinter_json_new (stdout, TRUE);
        incidents_json (sp, found);
        sp->separator (sp);
        sp->free (sp);
    }
    if (exit_status && ongoing)
        status = EXIT_ONGOING;

out:
    if (fflush (stdout) != 0 && status != EXIT_USAGE) {
        warn ("incidents: writing output: %s", g_strerror (errno));
        status = EXIT_INPUT;
    }
    g_clear_error (&err);
    if (found)
        g_ptr_array_unref (found);
    if (!store_read_was_stable ("incidents", st) && status != EXIT_USAGE)
        status = EXIT_INPUT;
    ba_store_free (st);
    g_free (db);
    g_free (since);
    g_free (until);
    g_free (format);
    g_free (gap_text);
    return status;
}
