/* serve-pages.c - the helpdesk's pages: a search box, the why answer for
 * an address, a domain or words, the report and the incidents, as HTML
 * and as JSON.  Every string from a bounce is escaped (html.h, sprinter). */
#include "serve.h"
#include "escape.h"
#include "html.h"
#include "incidents-output.h"
#include "report-html.h"
#include "sprinter.h"
#include "storage-incidents.h"

#include <string.h>

static const char nav[] =
    "<nav aria-label=\"pages\"><a href=\"/\">Search</a><a href=\"/incidents\">Incidents</a>"
    "<a href=\"/report\">Report</a></nav>\n";

static void
search_form (GString *out, const char *q)
{
    g_string_append (out, "<form action=\"/why\" method=\"get\" role=\"search\">"
                          "<label for=\"q\" class=\"lead\">Address, domain or words from the "
                          "server's reply</label>"
                          "<input type=\"search\" id=\"q\" name=\"q\" maxlength=\"256\" "
                          "placeholder=\"orders@retail.example, retail.example, relay denied\" value=\"");
    ba_html_text (out, q, 0);
    g_string_append (out, "\"><button type=\"submit\">Why?</button></form>\n");
}

static void
html_reply (serve_reply *r, guint status)
{
    r->status = status;
    r->type = "text/html; charset=utf-8";
}

void
serve_error (serve_reply *r, guint status, gboolean json, const char *message)
{
    g_string_truncate (r->body, 0);
    r->status = status;
    if (json) {
        r->type = "application/json";
        g_string_append (r->body, "{\"error\":");
        json_quote (r->body, message);
        g_string_append (r->body, "}\n");
        return;
    }
    html_reply (r, status);
    ba_html_begin (r->body, "bounce-analyzer", nav);
    g_string_append (r->body, "<p role=\"alert\">");
    ba_html_text (r->body, message, 0);
    g_string_append (r->body, "</p>\n");
    ba_html_end (r->body);
}

static ba_store *
open_or_fail (const serve_site *site, serve_reply *r, gboolean json)
{
    GError *err = NULL;
    ba_store *st = ba_store_open_readonly (site->db, &err);
    if (!st) {
        serve_error (r, 503, json, err->message);
        g_error_free (err);
    }
    return st;
}

/* Close @st; an answer read from a snapshot that an ingest wrote meanwhile
 * may be wrong: say so instead. */
static void
close_store (ba_store *st, serve_reply *r, gboolean json)
{
    GError *err = NULL;
    if (st && !ba_store_unchanged (st, &err)) {
        serve_error (r, 503, json, err->message);
        g_error_free (err);
    }
    ba_store_free (st);
}

void
serve_home (const serve_site *site, serve_reply *r)
{
    html_reply (r, 200);
    ba_html_begin (r->body, "Why did it bounce?", nav);
    search_form (r->body, NULL);
    g_string_append (r->body, "<p class=\"lead\">Give the address or domain a customer could not "
                              "reach, or words of the reject they pasted. The answer says what the "
                              "receiving server said, whose move it is and what to do.</p>\n");
    ba_html_end (r->body);
    (void) site;
}

typedef struct {
    guint total, failed, delayed, shown;
    gboolean has_first;
    gint64 first;
    GHashTable *lists;          /* dnsbl -> failures citing it */
    GString *out;
    sprinter *sp;
    const ba_ruleset *set;
    ba_store *st;               /* for the diagnosis object's feedback type */
} why_page;

static gboolean
add_up (const ba_diagnosis *d, void *data)
{
    why_page *w = data;
    w->total++;
    if (d->has_time && (!w->has_first || d->time < w->first)) {
        w->has_first = TRUE;
        w->first = d->time;
    }
    w->delayed += !g_strcmp0 (d->outcome, "delayed");
    if (!g_strcmp0 (d->outcome, "failed")) {
        w->failed++;
        if (d->dnsbl) {
            guint n = GPOINTER_TO_UINT (g_hash_table_lookup (w->lists, d->dnsbl));
            g_hash_table_insert (w->lists, g_strdup (d->dnsbl), GUINT_TO_POINTER (n + 1));
        }
    }
    return TRUE;
}

static void
json_pair (sprinter *sp, const char *key, const char *value)
{
    sp->map_key (sp, key);
    sp->string (sp, value);
}

static gboolean
show (const ba_diagnosis *d, void *data)
{
    why_page *w = data;
    sprinter *sp = w->sp;
    stored_view sv;
    w->shown++;
    if (!sp) {
        ba_html_diagnosis (w->out, d, w->set);
        return TRUE;
    }
    /* the one diagnosis object of the output contract, as why and search give it */
    stored_view_init (&sv, w->st, d);
    ba_emit_diagnosis (sp, &sv.view, FALSE, NULL, NULL);
    stored_view_clear (&sv);
    return TRUE;
}

/* "3 of 3 messages to retail.example since 2008-03-20 10:02 were not
 * delivered, 1 citing relays.ordb.org."; @target NULL: a search by words. */
static char *
summary (const why_page *w, const char *target)
{
    GString *s = g_string_new (NULL);
    GHashTableIter it;
    gpointer k, v;
    const char *list = NULL;
    guint most = 0;

    g_hash_table_iter_init (&it, w->lists);
    while (g_hash_table_iter_next (&it, &k, &v))
        if (GPOINTER_TO_UINT (v) > most || (GPOINTER_TO_UINT (v) == most && strcmp (k, list) < 0)) {
            list = k;
            most = GPOINTER_TO_UINT (v);
        }
    if (target)
        g_string_append_printf (s, "%u of %u messages to %s", w->failed, w->total, target);
    else
        g_string_append_printf (s, "%u of the %u bounces whose server said these words", w->failed, w->total);
    if (w->has_first) {
        char *since = local_time (w->first, "%Y-%m-%d %H:%M");
        g_string_append_printf (s, " since %s", since);
        g_free (since);
    }
    g_string_append_printf (s, " %s not delivered", w->failed == 1 ? "was" : "were");
    if (list && most == w->failed)
        g_string_append_printf (s, ", %s %s", w->failed == 1 ? "citing" : "all citing", list);
    else if (list)
        g_string_append_printf (s, ", %u citing %s", most, list);
    if (w->delayed)
        g_string_append_printf (s, "; %u delayed", w->delayed);
    g_string_append_c (s, '.');
    return g_string_free (s, FALSE);
}

/* The incidents at @domain, before its diagnoses: the pattern a list of
 * single bounces hides. */
static gboolean
show_incidents (ba_store *st, const char *domain, why_page *w, GError **error)
{
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    GPtrArray *all = ba_store_find_incidents (st, NULL, INCIDENTS_DEFAULT_GAP, INCIDENTS_DEFAULT_MIN,
                                              now, error);
    GPtrArray *here;
    if (!all)
        return FALSE;
    here = g_ptr_array_new ();
    for (guint i = 0; i < all->len; i++) {
        ba_incident *inc = g_ptr_array_index (all, i);
        if (inc->domain && !g_ascii_strcasecmp (inc->domain, domain))
            g_ptr_array_add (here, inc);
    }
    if (w->sp) {
        w->sp->map_key (w->sp, "incidents");
        incidents_json (w->sp, here);
    } else if (here->len) {
        g_string_append (w->out, "<section aria-labelledby=\"h-incidents\"><h2 id=\"h-incidents\">Incidents</h2>\n");
        ba_html_incidents (w->out, here);
        g_string_append (w->out, "</section>\n<h2>Bounces, the latest first</h2>\n");
    }
    g_ptr_array_unref (here);
    g_ptr_array_unref (all);
    return TRUE;
}

/* Has @s no control or format character (escape.h)? */
static gboolean
check_query_chars (const char *s)
{
    for (const char *p = s; *p; p = g_utf8_next_char (p))
        if (ba_unichar_is_hidden (g_utf8_get_char (p)))
            return FALSE;
    return TRUE;
}

/* An address (with a letter or digit each side of its @), a domain (a
 * dot, no blank), or else words for the full-text index. */
static void
read_query (const char *q, ba_query *query, char **lower)
{
    const char *at = strrchr (q, '@');
    *lower = g_utf8_strdown (q, -1);
    if (!strpbrk (q, " \t") && at && at > q && at[1])
        query->address = *lower;
    else if (!strpbrk (q, " \t\"*") && strchr (q, '.') && (!at || at == q))
        query->domain = *lower + (at == q);
    else
        query->text = q;
}

void
serve_why (const serve_site *site, const char *q, gboolean json, serve_reply *r)
{
    why_page w = { 0 };
    ba_query query = { 0 };
    char *clean = q ? g_utf8_make_valid (q, -1) : NULL, *lower = NULL, *fts = NULL;
    ba_store *st = NULL;
    GError *err = NULL;

    if (clean)
        g_strstrip (clean);
    if (!clean || !*clean) {
        if (json)
            serve_error (r, 400, TRUE, "give q: an address, a domain or words");
        else
            serve_home (site, r);
        goto out;
    }
    if (g_utf8_strlen (clean, -1) > SERVE_MAX_QUERY || !check_query_chars (clean)) {
        serve_error (r, 400, json, "that search is too long or holds control characters");
        goto out;
    }
    read_query (clean, &query, &lower);
    if (query.text && !(fts = ba_store_fts_query (query.text))) {
        serve_error (r, 400, json, "no words to search for");
        goto out;
    }
    if (!(st = open_or_fail (site, r, json)))
        goto out;
    w.lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    w.set = site->set;
    w.st = st;
    if (!ba_store_find (st, &query, add_up, &w, &err))
        goto failed;
    if (!w.total && query.domain) {
        /* no mail to such a domain: "relays.ordb.org" is a word of the replies */
        query.domain = NULL;
        query.text = clean;
        if (!ba_store_find (st, &query, add_up, &w, &err))
            goto failed;
    }
    query.limit = SERVE_MAX_SHOWN;
    if (json) {
        r->status = 200;
        r->type = "application/json";
        w.sp = sprinter_json_new_string (r->body);
        w.sp->begin_map (w.sp);
        json_pair (w.sp, "query", clean);
        json_pair (w.sp, "kind", query.address ? "address" : query.domain ? "domain" : "words");
        w.sp->map_key (w.sp, "total");
        w.sp->integer (w.sp, w.total);
        w.sp->map_key (w.sp, "failed");
        w.sp->integer (w.sp, w.failed);
        w.sp->map_key (w.sp, "delayed");
        w.sp->integer (w.sp, w.delayed);
    } else {
        char *title = g_strdup_printf ("Why: %s", clean);
        html_reply (r, 200);
        w.out = r->body;
        ba_html_begin (r->body, title, nav);
        g_free (title);
        search_form (r->body, clean);
        g_string_append (r->body, "<p class=\"lead\" role=\"status\">");
        if (w.total) {
            char *s = summary (&w, query.text ? NULL : query.address ? query.address : query.domain);
            ba_html_text (r->body, s, 0);
            g_free (s);
        } else {
            ba_html_text (r->body, "No stored bounce matches.", 0);
        }
        g_string_append (r->body, "</p>\n");
    }
    if (query.domain && !show_incidents (st, query.domain, &w, &err))
        goto failed;
    if (json) {
        w.sp->map_key (w.sp, "diagnoses");
        w.sp->begin_list (w.sp);
    }
    if (w.total && !ba_store_find (st, &query, show, &w, &err))
        goto failed;
    if (json) {
        w.sp->end (w.sp);
        w.sp->end (w.sp);
        g_string_append_c (r->body, '\n');
    } else {
        if (w.total > w.shown)
            g_string_append_printf (r->body, "<p>%u older not shown.</p>\n", w.total - w.shown);
        ba_html_end (r->body);
    }
    goto out;
failed:
    serve_error (r, err->code == BA_STORE_ERROR_QUERY ? 400 : 503, json, err->message);
out:
    if (w.sp)
        w.sp->free (w.sp);
    if (w.lists)
        g_hash_table_unref (w.lists);
    g_clear_error (&err);
    close_store (st, r, json);
    g_free (fts);
    g_free (lower);
    g_free (clean);
}

void
serve_report (const serve_site *site, serve_reply *r)
{
    ba_html_report o = { 0 };
    ba_store *st = open_or_fail (site, r, FALSE);
    GError *err = NULL;
    if (!st)
        return;
    o.top = 10;
    o.gap = INCIDENTS_DEFAULT_GAP;
    o.min = INCIDENTS_DEFAULT_MIN;
    o.now = g_get_real_time () / G_USEC_PER_SEC;
    o.nav = nav;
    html_reply (r, 200);
    if (!ba_report_html (r->body, st, site->set, &o, &err)) {
        serve_error (r, 503, FALSE, err->message);
        g_error_free (err);
    }
    close_store (st, r, FALSE);
}

void
serve_incidents (const serve_site *site, gboolean json, serve_reply *r)
{
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    ba_store *st = open_or_fail (site, r, json);
    GPtrArray *found;
    GError *err = NULL;
    if (!st)
        return;
    found = ba_store_find_incidents (st, NULL, INCIDENTS_DEFAULT_GAP, INCIDENTS_DEFAULT_MIN, now, &err);
    if (!found) {
        serve_error (r, 503, json, err->message);
        g_error_free (err);
    } else if (json) {
        sprinter *sp = sprinter_json_new_string (r->body);
        r->status = 200;
        r->type = "application/json";
        incidents_json (sp, found);
        sp->free (sp);
        g_string_append_c (r->body, '\n');
    } else {
        html_reply (r, 200);
        ba_html_begin (r->body, "Incidents", nav);
        ba_html_incidents (r->body, found);
        ba_html_end (r->body);
    }
    if (found)
        g_ptr_array_unref (found);
    close_store (st, r, json);
}
