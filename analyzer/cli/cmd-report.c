/* cmd-report.c - bounce-analyzer report: the totals a postmaster reads
 * each morning: reasons, recipient domains, remote servers, blacklists
 * cited, failures per day. */
#include "commands.h"
#include "emit.h"
#include "escape.h"
#include "sprinter.h"
#include "incidents-output.h"
#include "report-days.h"
#include "terminal.h"

#include <errno.h>
#include <string.h>

#define TEXT_DAYS 31


static const struct {
    ba_tally_kind kind;
    const char *name;           /* csv section, json key */
    gboolean top;               /* cut to --top */
} sections[] = {
    { BA_TALLY_REASON, "reasons", FALSE },
    { BA_TALLY_DOMAIN, "domains", TRUE },
    { BA_TALLY_REMOTE_MTA, "remote_mtas", TRUE },
    { BA_TALLY_BLACKLIST, "blacklists", FALSE },
};

static char *
utc_time (gint64 t)
{
    GDateTime *dt = g_date_time_new_from_unix_utc (t);
    char *s = dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
    if (dt)
        g_date_time_unref (dt);
    return s;
}

/* @s made safe, cut to @width columns (display width) and padded. */
static void
text_cell (FILE *out, const char *s, glong width)
{
    char *safe = ba_safe_text (s);
    GString *cell = g_string_new (NULL);
    terminal_pad (cell, safe, (int) width);
    fputs (cell->str, out);
    g_string_free (cell, TRUE);
    g_free (safe);
}

/* The key column's width: what the terminal leaves beside @fixed columns. */
static int
key_width (int fixed, int least, int most)
{
    return CLAMP (terminal_columns (1) - fixed, least, most);
}

/* The zone every first and last time of @rows is shown in ("+0100"), so
 * the table can name it once in its header; NULL when they differ (a
 * change to summer time), and each row then shows its own. */
static char *
common_zone (GPtrArray *rows)
{
    char *zone = NULL;
    for (guint i = 0; i < rows->len; i++) {
        ba_tally *t = g_ptr_array_index (rows, i);
        char *a, *b;
        if (!t->has_time)
            continue;
        a = local_time (t->first, "%z");
        b = local_time (t->last, "%z");
        if (!zone)
            zone = g_strdup (a);
        if (strcmp (zone, a) || strcmp (zone, b)) {
            g_free (a);
            g_free (b);
            g_free (zone);
            return NULL;
        }
        g_free (a);
        g_free (b);
    }
    return zone ? zone : g_strdup ("");
}

/* The headers "FIRST (+0100)" and "LAST (+0100)", or without a zone. */
static void
time_headers (const char *zone, const char *first, const char *last, char **h1, char **h2)
{
    gboolean once = zone && *zone;
    *h1 = once ? g_strdup_printf ("%s (%s)", first, zone) : g_strdup (first);
    *h2 = once ? g_strdup_printf ("%s (%s)", last, zone) : g_strdup (last);
}

static void
text_section (FILE *out, ba_tally_kind kind, GPtrArray *rows, const ba_ruleset *set, guint top)
{
    char cut[32] = "";
    int width, tw;
    char *zone = common_zone (rows), *h1 = NULL, *h2 = NULL;
    const char *fmt = zone ? "%Y-%m-%d %H:%M" : LOCAL_MINUTE;

    if (top)
        g_snprintf (cut, sizeof cut, ", top %u", top);
    switch (kind) {
    case BA_TALLY_REASON:
        fprintf (out, "\nBy reason (every diagnosis)\n  %-16s %7s %7s %7s %5s  %s\n", "REASON",
                 "TOTAL", "FAILED", "DELAYED", "HARD", "MEANING");
        for (guint i = 0; i < rows->len; i++) {
            ba_tally *t = g_ptr_array_index (rows, i);
            const char *words = set ? ba_reason_summary (set, t->key) : NULL;
            fputs ("  ", out);
            text_cell (out, t->key, 16);
            /* the meaning takes what the terminal leaves */
            char *meaning = terminal_cut (words ? words : "", MAX (10, terminal_columns (1) - 51));
            fprintf (out, " %7" G_GINT64_FORMAT " %7" G_GINT64_FORMAT " %7" G_GINT64_FORMAT
                     " %5" G_GINT64_FORMAT "  %s\n", t->total, t->failed, t->delayed, t->hard, meaning);
            g_free (meaning);
        }
        break;
    case BA_TALLY_DOMAIN:
    case BA_TALLY_REMOTE_MTA:
        time_headers (zone, "FIRST", "LAST", &h1, &h2);
        tw = zone ? MAX (16, (int) strlen (h1)) : 22;
        width = key_width (21 + 2 * tw, 12, 40);
        fprintf (out, "\n%s (failures%s)\n  %-*s %8s %5s  %-*s %s\n",
                 kind == BA_TALLY_DOMAIN ? "Top recipient domains" : "Top remote MTAs",
                 cut, width,
                 kind == BA_TALLY_DOMAIN ? "DOMAIN" : "REMOTE MTA", "FAILURES",
                 kind == BA_TALLY_DOMAIN ? "HARD" : "DOMS", tw, h1, h2);
        for (guint i = 0; i < rows->len; i++) {
            ba_tally *t = g_ptr_array_index (rows, i);
            char *first = t->has_time ? local_time (t->first, fmt) : g_strdup ("?");
            char *last = t->has_time ? local_time (t->last, fmt) : g_strdup ("?");
            fputs ("  ", out);
            text_cell (out, t->key, width);
            fprintf (out, " %8" G_GINT64_FORMAT " %5" G_GINT64_FORMAT "  %-*s %s\n", t->failed,
                     kind == BA_TALLY_DOMAIN ? t->hard : t->domains, tw, first, last);
            g_free (first);
            g_free (last);
        }
        break;
    case BA_TALLY_BLACKLIST:
        time_headers (zone, "FIRST SEEN", "LAST SEEN", &h1, &h2);
        tw = zone ? MAX (16, (int) strlen (h1)) : 22;
        width = key_width (23 + 2 * tw, 12, 30);
        fprintf (out, "\nBlacklists cited\n  %-*s %9s %7s  %-*s %s\n", width, "LIST", "CITATIONS",
                 "DOMAINS", tw, h1, h2);
        for (guint i = 0; i < rows->len; i++) {
            ba_tally *t = g_ptr_array_index (rows, i);
            char *first = t->has_time ? local_time (t->first, fmt) : g_strdup ("?");
            char *last = t->has_time ? local_time (t->last, fmt) : g_strdup ("?");
            fputs ("  ", out);
            text_cell (out, t->key, width);
            fprintf (out, " %9" G_GINT64_FORMAT " %7" G_GINT64_FORMAT "  %-*s %s\n", t->total,
                     t->domains, tw, first, last);
            g_free (first);
            g_free (last);
        }
        if (rows->len == 0)
            fprintf (out, "  (none)\n");
        break;
    default:
        break;
    }
    g_free (h1);
    g_free (h2);
    g_free (zone);
}

/* The headline: whose move the failures are. */
static void
text_faults (FILE *out, GPtrArray *rows)
{
    fprintf (out, "\nBy fault (failures: whose move it is)\n  %-26s %8s %5s %7s\n", "FAULT", "FAILURES",
             "HARD", "DOMAINS");
    for (guint i = 0; i < rows->len; i++) {
        ba_tally *t = g_ptr_array_index (rows, i);
        fprintf (out, "  %-26s %8" G_GINT64_FORMAT " %5" G_GINT64_FORMAT " %7" G_GINT64_FORMAT "\n",
                 ba_fault_words (t->key), t->failed, t->hard, t->domains);
    }
    if (rows->len == 0)
        fprintf (out, "  (none)\n");
}

static void
csv_row (FILE *out, GString *line, const char *section, const ba_tally *t)
{
    char n[5][32];
    char *first = t->has_time ? utc_time (t->first) : NULL;
    char *last = t->has_time ? utc_time (t->last) : NULL;
    g_snprintf (n[0], 32, "%" G_GINT64_FORMAT, t->total);
    g_snprintf (n[1], 32, "%" G_GINT64_FORMAT, t->failed);
    g_snprintf (n[2], 32, "%" G_GINT64_FORMAT, t->delayed);
    g_snprintf (n[3], 32, "%" G_GINT64_FORMAT, t->hard);
    g_snprintf (n[4], 32, "%" G_GINT64_FORMAT, t->domains);
    ba_csv_cell (line, section);
    ba_csv_cell (line, t->key);
    for (int i = 0; i < 5; i++)
        ba_csv_cell (line, n[i]);
    ba_csv_cell (line, first);
    ba_csv_cell (line, last);
    ba_csv_cell (line, NULL);
    csv_end (out, line);
    g_free (first);
    g_free (last);
}

/* "days" records (every day of the calendar, in UTC) and "day_reasons". */
static void
csv_days (FILE *out, GString *line, const GPtrArray *days)
{
    char n[32];
    for (guint i = 0; i < days->len; i++) {
        calendar_day *d = g_ptr_array_index (days, i);
        g_snprintf (n, sizeof n, "%" G_GINT64_FORMAT, d->failed);
        ba_csv_cell (line, "days");
        ba_csv_cell (line, d->day);
        ba_csv_cell (line, n);
        ba_csv_cell (line, n);
        for (int j = 0; j < 5; j++)
            ba_csv_cell (line, NULL);
        csv_end (out, line);
        for (guint j = 0; j < d->reasons->len; j++) {
            ba_day_reason *r = g_ptr_array_index (d->reasons, j);
            g_snprintf (n, sizeof n, "%" G_GINT64_FORMAT, r->failed);
            ba_csv_cell (line, "day_reasons");
            ba_csv_cell (line, d->day);
            ba_csv_cell (line, n);
            ba_csv_cell (line, n);
            for (int k = 0; k < 4; k++)
                ba_csv_cell (line, NULL);
            ba_csv_cell (line, r->reason);
            csv_end (out, line);
        }
    }
}

static void
json_section (sprinter *sp, const char *name, GPtrArray *rows)
{
    sp->map_key (sp, name);
    sp->begin_list (sp);
    for (guint i = 0; i < rows->len; i++) {
        ba_tally *t = g_ptr_array_index (rows, i);
        char *first = t->has_time ? utc_time (t->first) : NULL;
        char *last = t->has_time ? utc_time (t->last) : NULL;
        sp->begin_map (sp);
        sp->map_key (sp, "key");
        sp->string (sp, t->key);
        sp->map_key (sp, "total");
        sp->integer (sp, t->total);
        sp->map_key (sp, "failed");
        sp->integer (sp, t->failed);
        sp->map_key (sp, "delayed");
        sp->integer (sp, t->delayed);
        sp->map_key (sp, "hard");
        sp->integer (sp, t->hard);
        sp->map_key (sp, "domains");
        sp->integer (sp, t->domains);
        sp->map_key (sp, "first_seen");
        sp->string (sp, first);
        sp->map_key (sp, "last_seen");
        sp->string (sp, last);
        sp->end (sp);
        g_free (first);
        g_free (last);
    }
    sp->end (sp);
}

int
cmd_report (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *db = NULL, *host = NULL, *since = NULL, *until = NULL, *format_name = NULL;
    int top = 10;
    GOptionEntry entries[] = {
        { "since", 0, 0, G_OPTION_ARG_STRING, &since, "from DATE on", "DATE" },
        { "until", 0, 0, G_OPTION_ARG_STRING, &until, "before DATE (a day: to its end)", "DATE" },
        { "top", 0, 0, G_OPTION_ARG_INT, &top, "domains and remote MTAs shown (default 10; 0: all)", "N" },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
          "text (default), csv (RFC 4180), json or html (one page with charts)", "FORMAT" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("- totals of the stored diagnoses");
    out_format format;
    GPtrArray *faults = NULL, *day_rows = NULL, *days = NULL;
    ba_query range = { 0 };
    ba_store_totals totals;
    ba_store *st = NULL;
    ba_ruleset *set = NULL;
    GPtrArray *rows[G_N_ELEMENTS (sections)] = { NULL };
    GError *err = NULL;
    int status = 0;

    help_texts (octx,
        "Totals by reason; the recipient domains and remote MTAs with the most failures;\n"
        "the blacklists cited, with the first and last time each was seen; and the\n"
        "failures per day.  \"Failures\" leaves out delays, automatic replies and\n"
        "feedback reports.  Days and times are local; csv and json give times in UTC.\n"
        "DATE: 2008-03-25, 2008-03-25T09:00, or 7d, 24h, 2w back from now.");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    host_option_add (octx, &host, FALSE);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "report", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (!parse_out_format ("report", format_name, OUT_ALLOW_TEXT | OUT_ALLOW_JSON | OUT_ALLOW_CSV | OUT_ALLOW_HTML, &format)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (argc > 1 || top < 0) {
        if (argc > 1)
            warn ("report: unexpected argument '%s'", argv[1]);
        else
            warn ("report: --top must be 0 or more");
        status = EXIT_USAGE;
        goto out;
    }
    range.host = host;
    if (!check_host_name ("report", "--host", host) || !parse_period ("report", since, until, &range)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (!(st = open_store_to_read ("report", db))) {
        status = EXIT_INPUT;
        goto out;
    }
    if (format == OUT_HTML) {
        status = report_html (st, &range, (guint) top, &ro);
        goto out;
    }
    if (!ba_store_get_totals (st, &range, &totals, &err)) {
        status = EXIT_INPUT;
        goto out;
    }
    for (guint i = 0; i < G_N_ELEMENTS (sections); i++) {
        rows[i] = ba_store_tally (st, sections[i].kind, &range, sections[i].top ? (guint) top : 0, &err);
        if (!rows[i]) {
            status = EXIT_INPUT;
            goto out;
        }
    }
    /* days: local in text, UTC in csv and json (README "Output") */
    if (!(faults = ba_store_failures_by_fault (st, &range, &err))
        || !(day_rows = ba_store_failures_by_day_reason (st, &range, format == OUT_TEXT, &err))) {
        status = EXIT_INPUT;
        goto out;
    }
    days = calendar_new (day_rows);

    if (format == OUT_TEXT) {
        char *path;
        if (!(set = rule_options_load (&ro, "report"))) {
            status = EXIT_USAGE;
            goto out;
        }
        path = ba_safe_text (ba_store_path (st));
        printf ("Bounce report for %s", path);
        if (range.has_since) {
            char *s = local_time (range.since, LOCAL_MINUTE);
            printf (", since %s", s);
            g_free (s);
        }
        if (range.has_until) {
            char *s = local_time (range.until, LOCAL_MINUTE);
            printf (", before %s", s);
            g_free (s);
        }
        printf ("\n  %" G_GINT64_FORMAT " message%s (%" G_GINT64_FORMAT " bounces, automatic replies "
                "and reports),\n  %" G_GINT64_FORMAT " %s: %" G_GINT64_FORMAT " failed, %"
                G_GINT64_FORMAT " delayed\n", totals.messages, PLURAL_S (totals.messages), totals.bounces,
                totals.diagnoses, totals.diagnoses == 1 ? "diagnosis" : "diagnoses", totals.failed,
                totals.delayed);
        if (totals.has_time) {
            char *a = local_time (totals.first, LOCAL_MINUTE);
            char *b = local_time (totals.last, LOCAL_MINUTE);
            printf ("  from %s to %s\n", a, b);
            g_free (a);
            g_free (b);
        }
        g_free (path);
        text_faults (stdout, faults);
        for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
            text_section (stdout, sections[i].kind, rows[i], set, sections[i].top ? (guint) top : 0);
        calendar_print (stdout, days, TEXT_DAYS);
    } else if (format == OUT_CSV) {
        GString *line = g_string_new (NULL);
        const char *head[] = { "section", "key", "total", "failed", "delayed", "hard", "domains",
                               "first_seen", "last_seen", "reason" };
        for (guint i = 0; i < G_N_ELEMENTS (head); i++)
            ba_csv_cell (line, head[i]);
        csv_end (stdout, line);
        /* hard and domains are not counted for the total line */
        {
            char n[3][32];
            char *first = totals.has_time ? utc_time (totals.first) : NULL;
            char *last = totals.has_time ? utc_time (totals.last) : NULL;
            g_snprintf (n[0], 32, "%" G_GINT64_FORMAT, totals.diagnoses);
            g_snprintf (n[1], 32, "%" G_GINT64_FORMAT, totals.failed);
            g_snprintf (n[2], 32, "%" G_GINT64_FORMAT, totals.delayed);
            ba_csv_cell (line, "totals");
            ba_csv_cell (line, "all");
            ba_csv_cell (line, n[0]);
            ba_csv_cell (line, n[1]);
            ba_csv_cell (line, n[2]);
            ba_csv_cell (line, NULL);
            ba_csv_cell (line, NULL);
            ba_csv_cell (line, first);
            ba_csv_cell (line, last);
            ba_csv_cell (line, NULL);
            csv_end (stdout, line);
            g_free (first);
            g_free (last);
        }
        for (guint j = 0; j < faults->len; j++)
            csv_row (stdout, line, "faults", g_ptr_array_index (faults, j));
        for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
            for (guint j = 0; j < rows[i]->len; j++)
                csv_row (stdout, line, sections[i].name, g_ptr_array_index (rows[i], j));
        csv_days (stdout, line, days);
        g_string_free (line, TRUE);
    } else {
        sprinter *sp = json_document_begin (stdout, "report");
        char *a = range.has_since ? utc_time (range.since) : NULL;
        char *b = range.has_until ? utc_time (range.until) : NULL;
        sp->map_key (sp, "database");
        sp->string (sp, ba_store_path (st));
        sp->map_key (sp, "since");
        sp->string (sp, a);
        sp->map_key (sp, "until");
        sp->string (sp, b);
        g_free (a);
        g_free (b);
        sp->map_key (sp, "totals");
        sp->begin_map (sp);
        sp->map_key (sp, "messages");
        sp->integer (sp, totals.messages);
        sp->map_key (sp, "bounces");
        sp->integer (sp, totals.bounces);
        sp->map_key (sp, "diagnoses");
        sp->integer (sp, totals.diagnoses);
        sp->map_key (sp, "failed");
        sp->integer (sp, totals.failed);
        sp->map_key (sp, "delayed");
        sp->integer (sp, totals.delayed);
        a = totals.has_time ? utc_time (totals.first) : NULL;
        b = totals.has_time ? utc_time (totals.last) : NULL;
        sp->map_key (sp, "first_seen");
        sp->string (sp, a);
        sp->map_key (sp, "last_seen");
        sp->string (sp, b);
        g_free (a);
        g_free (b);
        sp->end (sp);
        for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
            json_section (sp, sections[i].name, rows[i]);
        json_section (sp, "faults", faults);
        calendar_json (sp, days);
        json_document_end (sp);
    }

out:
    if (err) {
        warn ("report: %s", err->message);
        g_clear_error (&err);
    }
    if (status == EXIT_USAGE)
        fprintf (stderr, "Try 'bounce-analyzer report --help' for more information.\n");
    status = finish_output ("report", status);
    if (days)
        g_ptr_array_unref (days);
    if (day_rows)
        g_ptr_array_unref (day_rows);
    if (faults)
        g_ptr_array_unref (faults);
    for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
        if (rows[i])
            g_ptr_array_unref (rows[i]);
    ba_ruleset_free (set);
    if (!store_read_was_stable ("report", st) && status == 0)
        status = EXIT_INPUT;
    ba_store_free (st);
    rule_options_clear (&ro);
    g_free (db);
    g_free (host);
    g_free (since);
    g_free (until);
    g_free (format_name);
    return status;
}
