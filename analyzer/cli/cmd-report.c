/* cmd-report.c - bounce-analyzer report: the totals a postmaster reads
 * each morning: reasons, recipient domains, remote servers, blacklists
 * cited, failures per day. */
#include "commands.h"
#include "emit.h"
#include "escape.h"
#include "sprinter.h"

#include <errno.h>
#include <string.h>

#define TEXT_DAYS 31

typedef enum { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON } output_format;

static const struct {
    ba_tally_kind kind;
    const char *name;           /* csv section, json key */
    gboolean top;               /* cut to --top */
} sections[] = {
    { BA_TALLY_REASON, "reasons", FALSE },
    { BA_TALLY_DOMAIN, "domains", TRUE },
    { BA_TALLY_REMOTE_MTA, "remote_mtas", TRUE },
    { BA_TALLY_BLACKLIST, "blacklists", FALSE },
    { BA_TALLY_DAY, "days", FALSE },
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

static void
text_cell (FILE *out, const char *s, glong width)
{
    char *safe = ba_safe_text (s);
    glong n = g_utf8_strlen (safe, -1);
    if (n > width) {
        char *cut = g_utf8_substring (safe, 0, width - 3);
        fprintf (out, "%s...", cut);
        g_free (cut);
    } else {
        fputs (safe, out);
        for (; n < width; n++)
            fputc (' ', out);
    }
    g_free (safe);
}

static void
text_section (FILE *out, ba_tally_kind kind, GPtrArray *rows, const ba_ruleset *set, guint top)
{
    char cut[32] = "";

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
            fprintf (out, " %7" G_GINT64_FORMAT " %7" G_GINT64_FORMAT " %7" G_GINT64_FORMAT
                     " %5" G_GINT64_FORMAT "  %s\n", t->total, t->failed, t->delayed, t->hard,
                     words ? words : "");
        }
        break;
    case BA_TALLY_DOMAIN:
    case BA_TALLY_REMOTE_MTA:
        fprintf (out, "\n%s (failures%s)\n  %-40s %8s %5s  %-16s  %s\n",
                 kind == BA_TALLY_DOMAIN ? "Top recipient domains" : "Top remote MTAs",
                 cut,
                 kind == BA_TALLY_DOMAIN ? "DOMAIN" : "REMOTE MTA", "FAILURES",
                 kind == BA_TALLY_DOMAIN ? "HARD" : "DOMS", "FIRST", "LAST");
        for (guint i = 0; i < rows->len; i++) {
            ba_tally *t = g_ptr_array_index (rows, i);
            char *first = t->has_time ? local_time (t->first, "%Y-%m-%d %H:%M") : g_strdup ("?");
            char *last = t->has_time ? local_time (t->last, "%Y-%m-%d %H:%M") : g_strdup ("?");
            fputs ("  ", out);
            text_cell (out, t->key, 40);
            fprintf (out, " %8" G_GINT64_FORMAT " %5" G_GINT64_FORMAT "  %-16s  %s\n", t->failed,
                     kind == BA_TALLY_DOMAIN ? t->hard : t->domains, first, last);
            g_free (first);
            g_free (last);
        }
        break;
    case BA_TALLY_BLACKLIST:
        fprintf (out, "\nBlacklists cited\n  %-30s %9s %7s  %-16s  %s\n", "LIST", "CITATIONS",
                 "DOMAINS", "FIRST SEEN", "LAST SEEN");
        for (guint i = 0; i < rows->len; i++) {
            ba_tally *t = g_ptr_array_index (rows, i);
            char *first = t->has_time ? local_time (t->first, "%Y-%m-%d %H:%M") : g_strdup ("?");
            char *last = t->has_time ? local_time (t->last, "%Y-%m-%d %H:%M") : g_strdup ("?");
            fputs ("  ", out);
            text_cell (out, t->key, 30);
            fprintf (out, " %9" G_GINT64_FORMAT " %7" G_GINT64_FORMAT "  %-16s  %s\n", t->total,
                     t->domains, first, last);
            g_free (first);
            g_free (last);
        }
        if (rows->len == 0)
            fprintf (out, "  (none)\n");
        break;
    case BA_TALLY_DAY: {
        gint64 most = 1;
        guint from = rows->len > TEXT_DAYS ? rows->len - TEXT_DAYS : 0;
        for (guint i = from; i < rows->len; i++)
            most = MAX (most, ((ba_tally *) g_ptr_array_index (rows, i))->failed);
        fprintf (out, "\nFailures per day%s\n", from ? " (the latest days with failures)" : "");
        if (from)
            fprintf (out, "  (%u earlier days not shown: --since narrows, --format csv lists all)\n", from);
        for (guint i = from; i < rows->len; i++) {
            ba_tally *t = g_ptr_array_index (rows, i);
            int bar = (int) ((t->failed * 40 + most - 1) / most);
            fprintf (out, "  %s %7" G_GINT64_FORMAT "  ", t->key, t->failed);
            for (int j = 0; j < bar; j++)
                fputc ('#', out);
            fputc ('\n', out);
        }
        if (rows->len == 0)
            fprintf (out, "  (none)\n");
        break;
    }
    }
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
    csv_end (out, line);
    g_free (first);
    g_free (last);
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
          "text (default), csv (RFC 4180) or json", "FORMAT" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("- totals of the stored diagnoses");
    output_format format;
    ba_query range = { 0 };
    ba_store_totals totals;
    ba_store *st = NULL;
    ba_ruleset *set = NULL;
    GPtrArray *rows[G_N_ELEMENTS (sections)] = { NULL };
    GError *err = NULL;
    int status = 0;

    g_option_context_set_summary (octx,
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
    if (!format_name || !strcmp (format_name, "text"))
        format = FORMAT_TEXT;
    else if (!strcmp (format_name, "csv"))
        format = FORMAT_CSV;
    else if (!strcmp (format_name, "json"))
        format = FORMAT_JSON;
    else {
        warn ("report: unknown format '%s' (text, csv or json)", format_name);
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

    if (format == FORMAT_TEXT) {
        char *path = ba_safe_text (ba_store_path (st));
        set = rule_options_load (&ro, "report");
        printf ("Bounce report for %s", path);
        if (range.has_since) {
            char *s = local_time (range.since, "%Y-%m-%d %H:%M");
            printf (", since %s", s);
            g_free (s);
        }
        if (range.has_until) {
            char *s = local_time (range.until, "%Y-%m-%d %H:%M");
            printf (", before %s", s);
            g_free (s);
        }
        printf ("\n  %" G_GINT64_FORMAT " messages (%" G_GINT64_FORMAT " bounces, automatic replies "
                "and reports), %" G_GINT64_FORMAT " diagnoses: %" G_GINT64_FORMAT " failed, %"
                G_GINT64_FORMAT " delayed\n", totals.messages, totals.bounces, totals.diagnoses,
                totals.failed, totals.delayed);
        if (totals.has_time) {
            char *a = local_time (totals.first, "%Y-%m-%d %H:%M");
            char *b = local_time (totals.last, "%Y-%m-%d %H:%M");
            printf ("  from %s to %s\n", a, b);
            g_free (a);
            g_free (b);
        }
        g_free (path);
        for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
            text_section (stdout, sections[i].kind, rows[i], set, sections[i].top ? (guint) top : 0);
    } else if (format == FORMAT_CSV) {
        GString *line = g_string_new (NULL);
        const char *head[] = { "section", "key", "total", "failed", "delayed", "hard", "domains",
                               "first_seen", "last_seen" };
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
            csv_end (stdout, line);
            g_free (first);
            g_free (last);
        }
        for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
            for (guint j = 0; j < rows[i]->len; j++)
                csv_row (stdout, line, sections[i].name, g_ptr_array_index (rows[i], j));
        g_string_free (line, TRUE);
    } else {
        sprinter *sp = sprinter_json_new (stdout, TRUE);
        char *a = range.has_since ? utc_time (range.since) : NULL;
        char *b = range.has_until ? utc_time (range.until) : NULL;
        sp->begin_map (sp);
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
        sp->end (sp);
        sp->separator (sp);
        sp->free (sp);
    }

out:
    if (err) {
        warn ("report: %s", err->message);
        g_clear_error (&err);
    }
    if (status == EXIT_USAGE)
        fprintf (stderr, "Try 'bounce-analyzer report --help' for more information.\n");
    if (fflush (stdout) != 0 && status == 0) {
        warn ("report: writing output: %s", g_strerror (errno));
        status = EXIT_INPUT;
    }
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
