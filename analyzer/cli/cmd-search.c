/* cmd-search.c - bounce-analyzer search: stored diagnoses by recipient,
 * domain, sender, reason, date and the servers' words. */
#include "commands.h"
#include "emit.h"
#include "escape.h"
#include "sprinter.h"

#include <errno.h>
#include <string.h>

typedef enum { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON } output_format;

typedef struct {
    FILE *out;
    output_format format;
    sprinter *sp;
    GString *csv;
    guint rows;
} printer;

static const char *const csv_columns[] = {
    "id", "date", "recipient", "domain", "original_recipient", "outcome", "action", "status",
    "reported_status", "smtp_code", "smtp_command", "remote_mta", "reason", "hard", "rule", "dnsbl", "listed",
    "fault", "diagnostic", "advice", "original_subject", "original_from", "original_to",
    "original_message_id", "original_date", "kind", "format", "source", "offset", "ruleset",
    NULL
};

static void
print_csv (printer *p, const ba_diagnosis *d)
{
    char num[32], code[16], off[32];
    g_snprintf (num, sizeof num, "%" G_GINT64_FORMAT, d->id);
    g_snprintf (code, sizeof code, "%d", d->smtp_code);
    g_snprintf (off, sizeof off, "%" G_GINT64_FORMAT, d->offset);
    ba_csv_cell (p->csv, num);
    ba_csv_cell (p->csv, d->date);
    ba_csv_cell (p->csv, d->recipient);
    ba_csv_cell (p->csv, d->domain);
    ba_csv_cell (p->csv, d->original_recipient);
    ba_csv_cell (p->csv, d->outcome);
    ba_csv_cell (p->csv, d->action);
    ba_csv_cell (p->csv, d->status);
    ba_csv_cell (p->csv, d->reported_status);
    ba_csv_cell (p->csv, d->smtp_code ? code : NULL);
    ba_csv_cell (p->csv, d->command);
    ba_csv_cell (p->csv, d->remote_mta);
    ba_csv_cell (p->csv, d->reason);
    ba_csv_cell (p->csv, d->hard ? "1" : "0");
    ba_csv_cell (p->csv, d->rule);
    ba_csv_cell (p->csv, d->dnsbl);
    ba_csv_cell (p->csv, d->listed);
    ba_csv_cell (p->csv, d->fault);
    ba_csv_cell (p->csv, d->diagnostic);
    ba_csv_cell (p->csv, d->advice);
    ba_csv_cell (p->csv, d->original_subject);
    ba_csv_cell (p->csv, d->original_from);
    ba_csv_cell (p->csv, d->original_to);
    ba_csv_cell (p->csv, d->original_message_id);
    ba_csv_cell (p->csv, d->original_date);
    ba_csv_cell (p->csv, d->kind);
    ba_csv_cell (p->csv, d->format);
    ba_csv_cell (p->csv, d->source);
    ba_csv_cell (p->csv, d->offset >= 0 ? off : NULL);
    ba_csv_cell (p->csv, d->ruleset);
    csv_end (p->out, p->csv);
}

static void
json_pair (sprinter *sp, const char *key, const char *value)
{
    sp->map_key (sp, key);
    sp->string (sp, value);
}

static void
print_json (printer *p, const ba_diagnosis *d)
{
    sprinter *sp = p->sp;
    GPtrArray *caps = ba_store_captures_parse (d->captures);

    sp->begin_map (sp);
    sp->map_key (sp, "id");
    sp->integer (sp, d->id);
    json_pair (sp, "date", d->date);
    json_pair (sp, "recipient", d->recipient);
    json_pair (sp, "domain", d->domain);
    json_pair (sp, "original_recipient", d->original_recipient);
    json_pair (sp, "outcome", d->outcome);
    json_pair (sp, "action", d->action);
    json_pair (sp, "status", d->status);
    json_pair (sp, "reported_status", d->reported_status);
    sp->map_key (sp, "smtp_code");
    if (d->smtp_code)
        sp->integer (sp, d->smtp_code);
    else
        sp->null (sp);
    json_pair (sp, "smtp_command", d->command);
    json_pair (sp, "remote_mta", d->remote_mta);
    json_pair (sp, "reporting_mta", d->reporting_mta);
    json_pair (sp, "reason", d->reason);
    sp->map_key (sp, "hard_bounce");
    sp->boolean (sp, d->hard);
    json_pair (sp, "rule", d->rule);
    sp->map_key (sp, "captures");
    sp->begin_map (sp);
    for (guint i = 0; i < caps->len; i++) {
        const ba_capture *c = g_ptr_array_index (caps, i);
        json_pair (sp, c->name, c->value);
    }
    sp->end (sp);
    json_pair (sp, "diagnostic", d->diagnostic);
    json_pair (sp, "dnsbl", d->dnsbl);
    json_pair (sp, "listed", d->listed);
    json_pair (sp, "fault", d->fault);
    json_pair (sp, "advice", d->advice);
    sp->map_key (sp, "original");
    sp->begin_map (sp);
    json_pair (sp, "message_id", d->original_message_id);
    json_pair (sp, "from", d->original_from);
    json_pair (sp, "to", d->original_to);
    json_pair (sp, "subject", d->original_subject);
    json_pair (sp, "date", d->original_date);
    sp->end (sp);
    json_pair (sp, "kind", d->kind);
    json_pair (sp, "format", d->format);
    json_pair (sp, "source", d->source);
    sp->map_key (sp, "offset");
    if (d->offset >= 0)
        sp->integer (sp, d->offset);
    else
        sp->null (sp);
    json_pair (sp, "ruleset", d->ruleset);
    sp->end (sp);
    g_ptr_array_unref (caps);
}

/* @s made safe and cut to @width characters. */
static char *
cell (const char *s, glong width)
{
    char *safe = ba_safe_text (s);
    if (g_utf8_strlen (safe, -1) > width) {
        char *cut = g_utf8_substring (safe, 0, width - 3);
        g_free (safe);
        safe = g_strconcat (cut, "...", NULL);
        g_free (cut);
    }
    return safe;
}

/* Pad to @width characters (printf pads bytes). */
static void
print_padded (FILE *out, const char *s, glong width)
{
    glong n = g_utf8_strlen (s, -1);
    fputs (s, out);
    for (; n < width; n++)
        fputc (' ', out);
}

static void
print_table (printer *p, const ba_diagnosis *d)
{
    char *when = d->has_time ? local_time (d->time, "%Y-%m-%d %H:%M") : g_strdup ("?");
    char *who = cell (d->recipient, 32);
    char *reason = cell (d->reason, 15);
    char *status = cell (d->status ? d->status : "-", 8);
    char *said = cell (d->diagnostic ? d->diagnostic : "-", 100);

    print_padded (p->out, when, 17);
    print_padded (p->out, who, 33);
    print_padded (p->out, reason, 16);
    print_padded (p->out, status, 9);
    fprintf (p->out, "%s\n", said);
    g_free (when);
    g_free (who);
    g_free (reason);
    g_free (status);
    g_free (said);
}

static gboolean
print_row (const ba_diagnosis *d, void *data)
{
    printer *p = data;
    if (p->format == FORMAT_CSV) {
        print_csv (p, d);
    } else if (p->format == FORMAT_JSON) {
        print_json (p, d);
    } else {
        if (p->rows == 0)
            fprintf (p->out, "%-17s%-33s%-16s%-9s%s\n", "DATE", "RECIPIENT", "REASON", "STATUS",
                     "SERVER SAID");
        print_table (p, d);
    }
    p->rows++;
    return TRUE;
}

int
cmd_search (int argc, char **argv)
{
    char *db = NULL, *host = NULL, *since = NULL, *until = NULL, *format_name = NULL;
    char *recipient = NULL, *domain = NULL, *sender = NULL, *reason = NULL, *outcome = NULL;
    int limit = 0;
    GOptionEntry entries[] = {
        { "recipient", 'r', 0, G_OPTION_ARG_STRING, &recipient,
          "to this address (or first sent to it, then forwarded)", "ADDRESS" },
        { "domain", 'd', 0, G_OPTION_ARG_STRING, &domain, "to any address at DOMAIN", "DOMAIN" },
        { "sender", 's', 0, G_OPTION_ARG_STRING, &sender,
          "the original was from ADDRESS, or from anyone at DOMAIN", "ADDRESS|DOMAIN" },
        { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "with this verdict, e.g. userunknown", "REASON" },
        { "outcome", 0, 0, G_OPTION_ARG_STRING, &outcome,
          "failed, delayed, delivered, autoreply or feedback", "OUTCOME" },
        { "since", 0, 0, G_OPTION_ARG_STRING, &since, "from DATE on", "DATE" },
        { "until", 0, 0, G_OPTION_ARG_STRING, &until, "before DATE (a day: to its end)", "DATE" },
        { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, "at most N, the latest (default: all)", "N" },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
          "table (default), csv (RFC 4180, every column) or json", "FORMAT" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("[WORDS...] - find stored diagnoses");
    ba_query q = { 0 };
    printer p = { stdout, FORMAT_TABLE, NULL, NULL, 0 };
    ba_store *st = NULL;
    GError *err = NULL;
    char *text = NULL;
    int status = 0;

    g_option_context_set_summary (octx,
        "Lists the stored diagnoses that match every filter given, the latest first.\n"
        "WORDS are looked for in the remote servers' texts: each must appear as a\n"
        "word (5.7.1 and relays.ordb.org work); \"double quotes\" make a phrase, OR\n"
        "between two words means either, and a trailing * matches a prefix.\n"
        "DATE: 2008-03-25, 2008-03-25T09:00, or 7d, 24h, 2w back from now; local time.");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    host_option_add (octx, &host, FALSE);
    if (!parse_options (octx, "search", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (!format_name || !strcmp (format_name, "table"))
        p.format = FORMAT_TABLE;
    else if (!strcmp (format_name, "csv"))
        p.format = FORMAT_CSV;
    else if (!strcmp (format_name, "json"))
        p.format = FORMAT_JSON;
    else {
        warn ("search: unknown format '%s' (table, csv or json)", format_name);
        status = EXIT_USAGE;
        goto out;
    }
    if (reason && !ba_reason_is_valid (reason)) {
        warn ("search: '%s' is not a reason (see rules/reasons.conf)", reason);
        status = EXIT_USAGE;
        goto out;
    }
    if (outcome && strcmp (outcome, "failed") && strcmp (outcome, "delayed")
        && strcmp (outcome, "delivered") && strcmp (outcome, "autoreply") && strcmp (outcome, "feedback")) {
        warn ("search: unknown outcome '%s' (failed, delayed, delivered, autoreply or feedback)", outcome);
        status = EXIT_USAGE;
        goto out;
    }
    if (!check_target ("search", "--recipient ", recipient) || !check_target ("search", "--domain ", domain)
        || !check_target ("search", "--sender ", sender)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (limit < 0) {
        warn ("search: --limit must be 0 or more");
        status = EXIT_USAGE;
        goto out;
    }
    q.host = host;
    if (!check_host_name ("search", "--host", host) || !parse_period ("search", since, until, &q)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (argc > 1) {
        /* GOption leaves a "--" that ends the options */
        int first = strcmp (argv[1], "--") ? 1 : 2;
        if (first < argc)
            text = g_strjoinv (" ", argv + first);
    }
    q.address = recipient;
    q.domain = domain;
    q.sender = sender;
    q.reason = reason;
    q.outcome = outcome;
    q.text = text;
    q.limit = (guint) limit;

    if (!(st = open_store_to_read ("search", db))) {
        status = EXIT_INPUT;
        goto out;
    }
    if (p.format == FORMAT_CSV) {
        p.csv = g_string_new (NULL);
        for (int i = 0; csv_columns[i]; i++)
            ba_csv_cell (p.csv, csv_columns[i]);
        csv_end (p.out, p.csv);
    } else if (p.format == FORMAT_JSON) {
        p.sp = sprinter_json_new (stdout, TRUE);
        p.sp->begin_list (p.sp);
    }
    if (!ba_store_find (st, &q, print_row, &p, &err)) {
        warn ("search: %s", err->message);
        status = err->domain == BA_STORE_ERROR && err->code == BA_STORE_ERROR_QUERY ? EXIT_USAGE : EXIT_INPUT;
    }
    if (p.sp) {
        p.sp->end (p.sp);
        p.sp->separator (p.sp);
    }

out:
    if (fflush (stdout) != 0 && status == 0) {
        warn ("search: writing output: %s", g_strerror (errno));
        status = EXIT_INPUT;
    }
    if (status == EXIT_USAGE && !err)
        fprintf (stderr, "Try 'bounce-analyzer search --help' for more information.\n");
    g_clear_error (&err);
    if (p.sp)
        p.sp->free (p.sp);
    if (p.csv)
        g_string_free (p.csv, TRUE);
    if (!store_read_was_stable ("search", st) && status == 0)
        status = EXIT_INPUT;
    ba_store_free (st);
    g_free (text);
    g_free (db);
    g_free (host);
    g_free (since);
    g_free (until);
    g_free (format_name);
    g_free (recipient);
    g_free (domain);
    g_free (sender);
    g_free (reason);
    g_free (outcome);
    return status;
}
