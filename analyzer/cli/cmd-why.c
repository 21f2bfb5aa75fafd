/* cmd-why.c - bounce-analyzer why ADDRESS|DOMAIN: what happened to mail
 * to that address or domain, for a helpdesk answering a complaint. */
#include "commands.h"
#include "emit.h"

#include <errno.h>
#include <string.h>

typedef struct {
    guint total, failed, delayed, replied;
    gboolean has_first;
    gint64 first;
    GHashTable *lists;          /* dnsbl -> count, among failures */
    GHashTable *reasons;        /* reason -> count, among failures */
} tally;

typedef struct {
    FILE *out;
    const ba_ruleset *set;
    guint shown;
    ba_store *st;
    sprinter *sp;               /* json, ndjson */
    gboolean ndjson;
} printer;

static void
count (GHashTable *h, const char *key)
{
    gpointer n = g_hash_table_lookup (h, key);
    if (!n)
        g_hash_table_insert (h, g_strdup (key), GUINT_TO_POINTER (1));
    else
        g_hash_table_insert (h, g_strdup (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
}

static gboolean
add_up (const ba_diagnosis *d, void *data)
{
    tally *t = data;
    t->total++;
    if (d->has_time && (!t->has_first || d->time < t->first)) {
        t->has_first = TRUE;
        t->first = d->time;
    }
    if (!g_strcmp0 (d->outcome, "delayed"))
        t->delayed++;
    if (g_strcmp0 (d->outcome, "failed"))
        return TRUE;
    t->failed++;
    if (d->smtp_code)
        t->replied++;
    if (d->dnsbl)
        count (t->lists, d->dnsbl);
    count (t->reasons, d->reason);
    return TRUE;
}

/* The most frequent key of @h and its count. */
static const char *
top (GHashTable *h, guint *n)
{
    GHashTableIter it;
    gpointer k, v;
    const char *best = NULL;
    *n = 0;
    g_hash_table_iter_init (&it, h);
    while (g_hash_table_iter_next (&it, &k, &v))
        if (GPOINTER_TO_UINT (v) > *n || (GPOINTER_TO_UINT (v) == *n && best && strcmp (k, best) < 0)) {
            best = k;
            *n = GPOINTER_TO_UINT (v);
        }
    return best;
}

/* "41 of 41 messages to retail.example since 2008-03-25 09:02 were
 * refused, all citing relays.ordb.org." */
static char *
summary_sentence (const tally *t, const char *target, const ba_ruleset *set)
{
    GString *s = g_string_new (NULL);
    char *since = t->has_first ? local_time (t->first, LOCAL_MINUTE) : NULL;
    char *safe;
    guint nlist, nreason;
    const char *list = top (t->lists, &nlist);
    const char *reason = top (t->reasons, &nreason);

    g_string_append_printf (s, "%u of %u message%s to %s", t->failed, t->total, t->total == 1 ? "" : "s", target);
    if (since)
        g_string_append_printf (s, " since %s", since);
    if (t->failed == 0) {
        g_string_append (s, " failed");
    } else {
        gboolean all_refused = t->replied == t->failed;
        g_string_append_printf (s, " %s %s", t->failed == 1 ? "was" : "were",
                                all_refused ? "refused" : "not delivered");
        if (list && nlist == t->failed)
            g_string_append_printf (s, ", %s %s", t->failed == 1 ? "citing" : "all citing", list);
        else if (list)
            g_string_append_printf (s, ", %u citing %s", nlist, list);
        else if (nreason == t->failed) {
            const char *words = set ? ba_reason_summary (set, reason) : NULL;
            g_string_append_printf (s, ", %s: %s (%s)", t->failed == 1 ? "because" : "all because",
                                    words ? words : reason, reason);
        } else {
            g_string_append_printf (s, ", mostly %s (%u)", reason, nreason);
        }
    }
    if (t->delayed)
        g_string_append_printf (s, "; %u %s delayed", t->delayed, t->delayed == 1 ? "was" : "were");
    g_string_append_c (s, '.');
    safe = ba_safe_text (s->str);
    g_free (since);
    g_string_free (s, TRUE);
    return safe;
}

static const char *
outcome_words (const ba_diagnosis *d)
{
    if (!g_strcmp0 (d->outcome, "failed"))
        return d->smtp_code ? "refused" : "not delivered";
    if (!g_strcmp0 (d->outcome, "delayed"))
        return "delayed, still being retried";
    if (!g_strcmp0 (d->outcome, "autoreply"))
        return "an automatic reply (delivered)";
    if (!g_strcmp0 (d->outcome, "feedback"))
        return "a complaint / feedback report";
    return "delivered";
}

static gboolean
emit_one (const ba_diagnosis *d, void *data)
{
    printer *p = data;
    stored_view sv;
    stored_view_init (&sv, p->st, d);
    ba_emit_diagnosis (p->sp, &sv.view, p->ndjson, NULL, NULL);
    if (p->ndjson)
        p->sp->separator (p->sp);
    stored_view_clear (&sv);
    p->shown++;
    return !(ferror (p->out) && output_closed (p->out));
}

static gboolean
print_one (const ba_diagnosis *d, void *data)
{
    printer *p = data;
    FILE *out = p->out;
    char *when = d->has_time ? local_time (d->time, LOCAL_MINUTE) : g_strdup ("date unknown");
    char *who = ba_safe_text (d->recipient);
    const char *words = p->set ? ba_reason_summary (p->set, d->reason) : NULL;
    char *verdict, *src;

    if (p->shown++)
        fputc ('\n', out);
    fprintf (out, "%s  %s: %s\n", when, who, outcome_words (d));
    if (d->original_recipient && g_ascii_strcasecmp (d->original_recipient, d->recipient))
        ba_print_field (out, "sent to:", d->original_recipient);
    verdict = g_strdup_printf ("%s (%s, %s%s%s)", words ? words : d->reason, d->reason,
                               d->hard ? "hard bounce: retrying will not help" : "soft",
                               d->status ? ", status " : "", d->status ? d->status : "");
    ba_print_field (out, "verdict:", verdict);
    ba_print_field (out, "server said:", d->diagnostic);
    if (d->dnsbl) {
        char *b = g_strdup_printf ("%s%s%s", d->dnsbl, d->listed ? ", listed: " : "",
                                   d->listed ? d->listed : "");
        ba_print_field (out, "blacklist:", b);
        g_free (b);
    }
    if (d->remote_mta && d->command) {
        char *m = g_strdup_printf ("%s (refused at %s)", d->remote_mta, d->command);
        ba_print_field (out, "remote MTA:", m);
        g_free (m);
    } else {
        ba_print_field (out, "remote MTA:", d->remote_mta);
    }
    ba_print_field (out, "subject:", d->original_subject);
    ba_print_field (out, "sent by:", d->original_from);
    ba_print_field (out, "fault:", ba_fault_words (d->fault));
    ba_print_field (out, "advice:", d->advice);
    src = d->offset >= 0 ? g_strdup_printf ("%s @%" G_GINT64_FORMAT, d->source, d->offset)
                         : g_strdup (d->source);
    ba_print_field (out, "bounce:", src);
    g_free (src);
    g_free (verdict);
    g_free (when);
    g_free (who);
    return !(ferror (out) && output_closed (out));
}

int
cmd_why (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *db = NULL, *host = NULL, *since = NULL, *until = NULL, *format_name = NULL;
    out_format format;
    int limit = 10;
    GOptionEntry entries[] = {
        { "since", 0, 0, G_OPTION_ARG_STRING, &since, "only from DATE on", "DATE" },
        { "until", 0, 0, G_OPTION_ARG_STRING, &until, "only before DATE (a day: to its end)", "DATE" },
        { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, "show the latest N (default 10; 0: all)", "N" },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
          "text (default), json or ndjson (README \"Output\")", "FORMAT" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("ADDRESS|DOMAIN - what happened to mail to it");
    ba_query q = { 0 };
    tally t = { 0 };
    printer p = { stdout, NULL, 0, NULL, NULL, FALSE };
    ba_store *st = NULL;
    ba_ruleset *set = NULL;
    GError *err = NULL;
    char *target = NULL;
    int status = 0;

    help_texts (octx,
        "Lists the stored bounces for ADDRESS (also when it was the original recipient\n"
        "of a forwarded message) or for every address at DOMAIN, the latest first:\n"
        "the date, the verdict in plain words, the remote server's own words, the\n"
        "original subject, whose move it is and what to do.  Several bounces get a\n"
        "one-line summary first.  DATE: 2008-03-25, 2008-03-25T09:00, or 7d, 24h, 2w\n"
        "back from now; local time.");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    host_option_add (octx, &host, FALSE);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "why", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (argc > 1 && !strcmp (argv[1], "--")) {
        /* GOption leaves a "--" that ends the options */
        argv++;
        argc--;
    }
    if (!parse_out_format ("why", format_name, OUT_ALLOW_TEXT | OUT_ALLOW_JSON | OUT_ALLOW_NDJSON, &format)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (argc != 2 || limit < 0) {
        warn (argc < 2 ? "why: no ADDRESS or DOMAIN given"
                       : limit < 0 ? "why: --limit must be 0 or more" : "why: give one ADDRESS or DOMAIN");
        fprintf (stderr, "Try 'bounce-analyzer why --help' for more information.\n");
        status = EXIT_USAGE;
        goto out;
    }
    q.host = host;
    if (!check_host_name ("why", "--host", host) || !parse_period ("why", since, until, &q)) {
        status = EXIT_USAGE;
        goto out;
    }
    target = g_utf8_make_valid (argv[1], -1);
    g_strstrip (target);
    if (!check_target ("why", NULL, target)) {
        fprintf (stderr, "Try 'bounce-analyzer why --help' for more information.\n");
        status = EXIT_USAGE;
        goto out;
    }
    {
        char *lower = g_utf8_strdown (target, -1);
        g_free (target);
        target = lower;
    }
    if (strchr (target + 1, '@'))
        q.address = target;
    else
        q.domain = target[0] == '@' ? target + 1 : target;

    if (!(st = open_store_to_read ("why", db))) {
        status = EXIT_INPUT;
        goto out;
    }
    if (!(set = rule_options_load (&ro, "why"))) {
        status = EXIT_USAGE;
        goto out;
    }
    p.set = set;
    t.lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    t.reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    if (!ba_store_find (st, &q, add_up, &t, &err)) {
        warn ("why: %s", err->message);
        status = EXIT_INPUT;
        goto out;
    }
    q.limit = (guint) limit;
    p.st = st;
    if (format != OUT_TEXT) {
        char *sentence = t.total ? summary_sentence (&t, q.address ? q.address : q.domain, set) : NULL;
        char *first = t.has_first ? ba_unix_to_utc (t.first) : NULL;
        guint nlist, nreason;
        const char *list = top (t.lists, &nlist), *reason = top (t.reasons, &nreason);
        p.ndjson = format == OUT_NDJSON;
        if (p.ndjson) {
            /* ndjson: the diagnoses only, one a line */
            p.sp = sprinter_json_new (stdout, FALSE);
        } else {
            p.sp = json_document_begin (stdout, "why");
            p.sp->map_key (p.sp, "target");
            p.sp->string (p.sp, q.address ? q.address : q.domain);
            p.sp->map_key (p.sp, "summary");
            p.sp->begin_map (p.sp);
            p.sp->map_key (p.sp, "total");
            p.sp->integer (p.sp, t.total);
            p.sp->map_key (p.sp, "failed");
            p.sp->integer (p.sp, t.failed);
            p.sp->map_key (p.sp, "delayed");
            p.sp->integer (p.sp, t.delayed);
            p.sp->map_key (p.sp, "refused");
            p.sp->integer (p.sp, t.replied);
            p.sp->map_key (p.sp, "first_seen");
            p.sp->string (p.sp, first);
            p.sp->map_key (p.sp, "top_blacklist");
            p.sp->string (p.sp, list);
            p.sp->map_key (p.sp, "top_reason");
            p.sp->string (p.sp, reason);
            p.sp->map_key (p.sp, "text");
            p.sp->string (p.sp, sentence);
            p.sp->end (p.sp);
            p.sp->map_key (p.sp, "not_shown");
            p.sp->integer (p.sp, limit && t.total > (guint) limit ? t.total - limit : 0);
            p.sp->map_key (p.sp, "diagnoses");
            p.sp->begin_list (p.sp);
        }
        g_free (sentence);
        g_free (first);
        if (t.total && !ba_store_find (st, &q, emit_one, &p, &err)) {
            warn ("why: %s", err->message);
            status = EXIT_INPUT;
        }
        if (!p.ndjson) {
            p.sp->end (p.sp);
            json_document_end (p.sp);
        } else {
            p.sp->free (p.sp);
        }
        goto out;
    }
    if (t.total == 0) {
        char *safe = ba_safe_text (q.address ? q.address : q.domain);
        char *path = ba_safe_text (ba_store_path (st));
        printf ("No bounce for %s is stored in %s%s.\n", safe, path,
                q.has_since || q.has_until ? " for that period" : "");
        g_free (safe);
        g_free (path);
        goto out;
    }
    if (t.total > 1) {
        char *safe = ba_safe_text (q.address ? q.address : q.domain);
        char *sentence = summary_sentence (&t, safe, set);
        printf ("%s\n\n", sentence);
        g_free (sentence);
        g_free (safe);
    }
    if (!ba_store_find (st, &q, print_one, &p, &err)) {
        warn ("why: %s", err->message);
        status = EXIT_INPUT;
        goto out;
    }
    if (limit && t.total > (guint) limit)
        printf ("\n(%u older not shown: --limit 0 shows all)\n", t.total - limit);

out:
    status = finish_output ("why", status);
    g_clear_error (&err);
    if (t.lists)
        g_hash_table_unref (t.lists);
    if (t.reasons)
        g_hash_table_unref (t.reasons);
    ba_ruleset_free (set);
    if (!store_read_was_stable ("why", st) && status == 0)
        status = EXIT_INPUT;
    ba_store_free (st);
    rule_options_clear (&ro);
    g_free (target);
    g_free (db);
    g_free (host);
    g_free (since);
    g_free (until);
    g_free (format_name);
    return status;
}
