/* cmd-search.c - bounce-analyzer search: stored diagnoses by recipient,
 * domain, sender, reason, date and the servers' words. */
#include "commands.h"
#include "emit.h"
#include "escape.h"
#include "sprinter.h"
#include "terminal.h"

#include <errno.h>
#include <string.h>

/* Rows read before the table's column widths are chosen from them. */
#define TABLE_SAMPLE 500

typedef struct {
    char *when, *who, *reason, *status, *said;
} table_row;

typedef struct {
    FILE *out;
    out_format format;
    ba_store *st;
    sprinter *sp;
    GString *csv;
    guint rows;
    GPtrArray *pending;         /* of table_row*, until the widths are chosen */
    int w_when, w_who, w_reason, w_status, w_said;
} printer;

static void
table_row_free (table_row *r)
{
    g_free (r->when);
    g_free (r->who);
    g_free (r->reason);
    g_free (r->status);
    g_free (r->said);
    g_free (r);
}

/* The widths from the rows read so far and the terminal's width: the
 * recipient as wide as the longest (up to half the room), the server's
 * words the rest. */
static void
choose_widths (printer *p)
{
    int columns = terminal_columns (1), room;
    p->w_when = terminal_width ("DATE");
    p->w_who = terminal_width ("RECIPIENT");
    p->w_reason = terminal_width ("REASON");
    p->w_status = terminal_width ("STATUS");
    for (guint i = 0; i < p->pending->len; i++) {
        table_row *r = g_ptr_array_index (p->pending, i);
        p->w_when = MAX (p->w_when, terminal_width (r->when));
        p->w_who = MAX (p->w_who, terminal_width (r->who));
        p->w_reason = MAX (p->w_reason, MIN (16, terminal_width (r->reason)));
        p->w_status = MAX (p->w_status, MIN (9, terminal_width (r->status)));
    }
    room = columns - p->w_when - p->w_reason - p->w_status - 4;
    p->w_who = MIN (p->w_who, MAX (16, room * 3 / 5));
    /* a narrow terminal takes the room for the server's words from the recipient */
    if (p->w_who + 1 + 10 > room)
        p->w_who = MAX (8, room - 11);
    p->w_said = MAX (10, room - p->w_who - 1);
}

static void
table_line (printer *p, const char *when, const char *who, const char *reason, const char *status,
            const char *said)
{
    GString *line = g_string_new (NULL);
    char *cut;
    terminal_pad (line, when, p->w_when);
    g_string_append_c (line, ' ');
    terminal_pad (line, who, p->w_who);
    g_string_append_c (line, ' ');
    terminal_pad (line, reason, p->w_reason);
    g_string_append_c (line, ' ');
    terminal_pad (line, status, p->w_status);
    g_string_append_c (line, ' ');
    cut = terminal_cut (said, p->w_said);
    g_string_append (line, cut);
    fprintf (p->out, "%s\n", line->str);
    g_free (cut);
    g_string_free (line, TRUE);
}

static void
flush_pending (printer *p)
{
    if (!p->pending)
        return;
    choose_widths (p);
    table_line (p, "DATE", "RECIPIENT", "REASON", "STATUS", "SERVER SAID");
    for (guint i = 0; i < p->pending->len; i++) {
        table_row *r = g_ptr_array_index (p->pending, i);
        table_line (p, r->when, r->who, r->reason, r->status, r->said);
    }
    g_clear_pointer (&p->pending, g_ptr_array_unref);
}

static void
print_table (printer *p, const ba_diagnosis *d)
{
    table_row *r = g_new0 (table_row, 1);
    r->when = d->has_time ? local_time (d->time, LOCAL_MINUTE) : g_strdup ("?");
    r->who = ba_safe_text (d->recipient);
    r->reason = ba_safe_text (d->reason);
    r->status = ba_safe_text (d->status ? d->status : "-");
    r->said = ba_safe_text (d->diagnostic ? d->diagnostic : "-");
    if (p->rows == 0)
        p->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) table_row_free);
    if (p->pending) {
        g_ptr_array_add (p->pending, r);
        if (p->pending->len >= TABLE_SAMPLE)
            flush_pending (p);
        return;
    }
    table_line (p, r->when, r->who, r->reason, r->status, r->said);
    table_row_free (r);
}

static gboolean
print_row (const ba_diagnosis *d, void *data)
{
    printer *p = data;
    if (p->format == OUT_TEXT) {
        print_table (p, d);
    } else {
        stored_view sv;
        stored_view_init (&sv, p->st, d);
        if (p->format == OUT_CSV) {
            ba_csv_diagnosis (p->csv, &sv.view);
            csv_end (p->out, p->csv);
        } else {
            ba_emit_diagnosis (p->sp, &sv.view, p->format == OUT_NDJSON, NULL, NULL);
            if (p->format == OUT_NDJSON)
                p->sp->separator (p->sp);
        }
        stored_view_clear (&sv);
    }
    p->rows++;
    /* stop at once when the reader of the output went away */
    return !(ferror (p->out) && output_closed (p->out));
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
          "text (a table, the default), json, ndjson or csv (README \"Output\")", "FORMAT" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("[WORDS...] - find stored diagnoses");
    ba_query q = { 0 };
    printer p = { 0 };
    ba_store *st = NULL;
    GError *err = NULL;
    char *text = NULL;
    int status = 0;

    p.out = stdout;
    help_texts (octx,
        "Lists the stored diagnoses that match every filter given, the latest first.\n"
        "WORDS are looked for in the remote servers' texts: each must appear as a\n"
        "word (5.7.1 and relays.ordb.org work); \"double quotes\" make a phrase, OR\n"
        "between two words means either, and a trailing * matches a prefix.\n"
        "DATE: 2008-03-25, 2008-03-25T09:00, or 7d, 24h, 2w back from now; local time.\n"
        "The table fits the terminal (else $COLUMNS, else 80 columns).");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    host_option_add (octx, &host, FALSE);
    if (!parse_options (octx, "search", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (!parse_out_format ("search", format_name, OUT_ALLOW_ALL, &p.format)) {
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
    p.st = st;
    if (p.format == OUT_CSV) {
        p.csv = g_string_new (NULL);
        ba_csv_diagnosis_header (p.csv);
        csv_end (p.out, p.csv);
    } else if (p.format == OUT_JSON) {
        p.sp = json_document_begin (stdout, "search");
        p.sp->map_key (p.sp, "diagnoses");
        p.sp->begin_list (p.sp);
    } else if (p.format == OUT_NDJSON) {
        p.sp = sprinter_json_new (stdout, FALSE);
    }
    if (!ba_store_find (st, &q, print_row, &p, &err)) {
        warn ("search: %s", err->message);
        status = err->domain == BA_STORE_ERROR && err->code == BA_STORE_ERROR_QUERY ? EXIT_USAGE : EXIT_INPUT;
    }
    flush_pending (&p);
    if (p.format == OUT_JSON) {
        p.sp->end (p.sp);
        json_document_end (p.sp);
        p.sp = NULL;
    }

out:
    status = finish_output ("search", status);
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
