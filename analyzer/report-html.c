/* report-html.c - the HTML report: totals, incidents, five inline SVG
 * charts (failures per period stacked by reason, by fault, top domains,
 * top remote MTAs, the blacklists cited and their lives) and the latest
 * failures; every string from a bounce goes through ba_html_text(). */
#include "report-html.h"
#include "emit.h"
#include "html.h"
#include "rules.h"
#include "storage-incidents.h"
#include "svg.h"

#include <string.h>

#define MAX_SERIES 6            /* reasons charted apart; the rest are "other" */
#define MAX_COLUMNS 200

static char *
local (gint64 t, const char *fmt)
{
    GDateTime *dt = g_date_time_new_from_unix_local (t);
    char *s = dt ? g_date_time_format (dt, fmt) : g_strdup ("?");
    if (dt)
        g_date_time_unref (dt);
    return s;
}

static void
text_printf (GString *out, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* Format, then escape the whole: for sentences built from stored strings. */
static void
text_printf (GString *out, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start (ap, fmt);
    s = g_strdup_vprintf (fmt, ap);
    va_end (ap);
    ba_html_text (out, s, 0);
    g_free (s);
}

static void
field (GString *out, const char *term, const char *value)
{
    if (!value || !*value)
        return;
    g_string_append (out, "<dt>");
    ba_html_text (out, term, 0);
    g_string_append (out, "</dt><dd>");
    ba_html_text (out, value, 0);
    g_string_append (out, "</dd>\n");
}

void
ba_html_incidents (GString *out, const GPtrArray *found)
{
    if (!found->len) {
        g_string_append (out, "<p>No incident: no run of failures to one place for one cause.</p>\n");
        return;
    }
    for (guint i = 0; i < found->len; i++) {
        const ba_incident *inc = g_ptr_array_index (found, i);
        char *head = ba_incident_headline (inc);
        char *first = local (inc->first_seen, "%Y-%m-%d %H:%M"), *last = local (inc->last_seen, "%Y-%m-%d %H:%M");
        char *span = ba_incident_span (inc->last_seen - inc->first_seen);
        char *seen = g_strdup_printf ("%s to %s (%s)", first, last, span);
        char *count = g_strdup_printf ("%" G_GUINT64_FORMAT " from %" G_GUINT64_FORMAT " senders to %"
                                       G_GUINT64_FORMAT " recipients", inc->failures, inc->senders,
                                       inc->recipients);
        char *cause = g_strdup_printf ("%s%s%s%s%s", inc->reason ? inc->reason : "unknown",
                                       inc->dnsbl ? ", blacklist " : "", inc->dnsbl ? inc->dnsbl : "",
                                       inc->listed ? ", listed: " : "", inc->listed ? inc->listed : "");
        g_string_append (out, "<article class=\"card\"><h3>");
        g_string_append (out, inc->ongoing ? "<span class=\"ongoing\">Ongoing:</span> " : "Ended: ");
        ba_html_text (out, head, 0);
        g_string_append (out, "</h3>\n<dl>\n");
        field (out, "seen", seen);
        field (out, "failures", count);
        field (out, "cause", cause);
        field (out, "remote MTA", inc->remote_mta);
        field (out, "domains", inc->domain_list);
        field (out, "fault", ba_fault_words (inc->fault));
        field (out, "advice", inc->advice);
        g_string_append (out, "</dl></article>\n");
        g_free (head);
        g_free (first);
        g_free (last);
        g_free (span);
        g_free (seen);
        g_free (count);
        g_free (cause);
    }
}

void
ba_html_diagnosis (GString *out, const ba_diagnosis *d, const ba_ruleset *set)
{
    const char *words = set ? ba_reason_summary (set, d->reason) : NULL;
    char *when = d->has_time ? local (d->time, "%Y-%m-%d %H:%M") : g_strdup ("date unknown");
    char *verdict = g_strdup_printf ("%s (%s, %s%s%s)", words ? words : d->reason, d->reason,
                                     d->hard ? "hard bounce: retrying will not help" : "soft",
                                     d->status ? ", status " : "", d->status ? d->status : "");
    char *list = d->dnsbl ? g_strdup_printf ("%s%s%s", d->dnsbl, d->listed ? ", listed: " : "",
                                             d->listed ? d->listed : "") : NULL;
    char *mta = d->remote_mta && d->command ? g_strdup_printf ("%s (refused at %s)", d->remote_mta, d->command)
                                            : g_strdup (d->remote_mta);

    g_string_append (out, "<article class=\"card\"><h3>");
    text_printf (out, "%s  %s: %s", when, d->recipient ? d->recipient : "?", d->outcome ? d->outcome : "?");
    g_string_append (out, "</h3>\n<dl>\n");
    if (d->original_recipient && d->recipient && g_ascii_strcasecmp (d->original_recipient, d->recipient))
        field (out, "sent to", d->original_recipient);
    field (out, "verdict", verdict);
    field (out, "server said", d->diagnostic);
    field (out, "blacklist", list);
    field (out, "remote MTA", mta);
    field (out, "subject", d->original_subject);
    field (out, "sent by", d->original_from);
    field (out, "fault", ba_fault_words (d->fault));
    field (out, "advice", d->advice);
    g_string_append (out, "</dl></article>\n");
    g_free (when);
    g_free (verdict);
    g_free (list);
    g_free (mta);
}

/* ---- failures per period, stacked by reason ---- */

static void
chart_periods (GString *out, ba_store *st, const ba_html_report *o, const ba_store_totals *totals,
               GError **error, gboolean *ok)
{
    gint64 from = o->range.has_since ? o->range.since : totals->first;
    gint64 to = o->range.has_until ? o->range.until - 1 : totals->last;
    ba_period period = to - from <= 92 * 86400 ? BA_PERIOD_DAY
                     : to - from <= 120 * 31 * 86400LL ? BA_PERIOD_MONTH : BA_PERIOD_YEAR;
    const char *fmt = period == BA_PERIOD_DAY ? "%Y-%m-%d" : period == BA_PERIOD_MONTH ? "%Y-%m" : "%Y";
    const char *unit = period == BA_PERIOD_DAY ? "day" : period == BA_PERIOD_MONTH ? "month" : "year";
    GPtrArray *rows = ba_store_failures_per_period (st, &o->range, period, error);
    GPtrArray *columns = g_ptr_array_new_with_free_func (g_free);
    GHashTable *column_of = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTable *reason_total = g_hash_table_new (g_str_hash, g_str_equal);
    GPtrArray *reasons = g_ptr_array_new ();
    ba_svg_series series[MAX_SERIES + 1];
    guint nseries = 0;
    gint64 *values;
    GString *desc = g_string_new (NULL);
    gint64 total = 0;
    char *title;

    if (!rows) {
        *ok = FALSE;
        goto done;
    }
    if (totals->has_time || o->range.has_since) {
        GDateTime *dt = g_date_time_new_from_unix_local (MAX (from, to - (gint64) MAX_COLUMNS * 366 * 86400));
        GDateTime *end = g_date_time_new_from_unix_local (to);
        char *last = end ? g_date_time_format (end, fmt) : NULL;
        while (dt && last && columns->len < MAX_COLUMNS) {
            GDateTime *next;
            char *key = g_date_time_format (dt, fmt);
            gboolean done_ = !strcmp (key, last) || strcmp (key, last) > 0;
            g_ptr_array_add (columns, key);
            g_hash_table_insert (column_of, key, GUINT_TO_POINTER (columns->len));
            if (done_)
                break;
            next = period == BA_PERIOD_DAY ? g_date_time_add_days (dt, 1)
                 : period == BA_PERIOD_MONTH ? g_date_time_add_months (dt, 1) : g_date_time_add_years (dt, 1);
            g_date_time_unref (dt);
            dt = next;
        }
        if (dt)
            g_date_time_unref (dt);
        if (end)
            g_date_time_unref (end);
        g_free (last);
    }
    /* the reasons, the most frequent first */
    for (guint i = 0; i < rows->len; i++) {
        ba_count *c = g_ptr_array_index (rows, i);
        const char *r = c->sub ? c->sub : "unknown";
        gint64 n = GPOINTER_TO_SIZE (g_hash_table_lookup (reason_total, r));
        if (!n)
            g_ptr_array_add (reasons, (gpointer) r);
        g_hash_table_insert (reason_total, (gpointer) r, GSIZE_TO_POINTER ((gsize) (n + c->count)));
    }
    for (guint i = 1; i < reasons->len; i++)     /* insertion sort: few reasons */
        for (guint j = i; j > 0; j--) {
            gsize a = GPOINTER_TO_SIZE (g_hash_table_lookup (reason_total, reasons->pdata[j - 1]));
            gsize b = GPOINTER_TO_SIZE (g_hash_table_lookup (reason_total, reasons->pdata[j]));
            if (a > b || (a == b && strcmp (reasons->pdata[j - 1], reasons->pdata[j]) <= 0))
                break;
            gpointer t = reasons->pdata[j];
            reasons->pdata[j] = reasons->pdata[j - 1];
            reasons->pdata[j - 1] = t;
        }
    for (guint i = 0; i < reasons->len && i < MAX_SERIES; i++) {
        series[nseries].name = reasons->pdata[i];
        series[nseries++].colour = ba_svg_colour (i);
    }
    if (reasons->len > MAX_SERIES) {
        series[nseries].name = "other reasons";
        series[nseries++].colour = BA_SVG_GREY;
    }
    values = g_new0 (gint64, MAX (columns->len, 1) * MAX (nseries, 1));
    for (guint i = 0; i < rows->len; i++) {
        ba_count *c = g_ptr_array_index (rows, i);
        guint col = GPOINTER_TO_UINT (g_hash_table_lookup (column_of, c->key));
        guint s = MAX_SERIES;
        for (guint k = 0; k < nseries && k < MAX_SERIES; k++)
            if (!strcmp (series[k].name, c->sub ? c->sub : "unknown"))
                s = k;
        if (!col || s >= nseries)
            continue;
        values[(col - 1) * nseries + s] += c->count;
        total += c->count;
    }
    g_string_append_printf (desc, "%" G_GINT64_FORMAT " failure%s in %u %s%s", total, total == 1 ? "" : "s",
                            columns->len, unit, columns->len == 1 ? "" : "s");
    if (columns->len)
        g_string_append_printf (desc, " from %s to %s", (char *) columns->pdata[0],
                                (char *) columns->pdata[columns->len - 1]);
    g_string_append (desc, nseries ? "; by reason:" : "");
    for (guint k = 0; k < nseries; k++) {
        gint64 n = 0;
        for (guint c = 0; c < columns->len; c++)
            n += values[c * nseries + k];
        g_string_append_printf (desc, "%s %s %" G_GINT64_FORMAT, k ? "," : "", series[k].name, n);
    }
    g_string_append (desc, ".");
    title = g_strdup_printf ("Failures per %s, by reason", unit);
    g_string_append (out, "<figure class=\"wide\"><figcaption>");
    ba_html_text (out, title, 0);
    g_string_append (out, "</figcaption>\n");
    ba_svg_stacked (out, "per-period", title, desc->str, (char *const *) columns->pdata, columns->len,
                    series, nseries, values);
    g_string_append (out, "</figure>\n");
    g_free (title);
    g_free (values);
done:
    g_string_free (desc, TRUE);
    g_ptr_array_unref (reasons);
    g_hash_table_unref (reason_total);
    g_hash_table_unref (column_of);
    g_ptr_array_unref (columns);
    if (rows)
        g_ptr_array_unref (rows);
}

/* ---- bars: by fault, domains, remote MTAs ---- */

static const char *
fault_colour (const char *fault)
{
    static const char *const order[] = { "sending-system", "sender", "recipient", "receiving-system" };
    for (guint i = 0; i < G_N_ELEMENTS (order); i++)
        if (!g_strcmp0 (fault, order[i]))
            return ba_svg_colour (i);
    return BA_SVG_GREY;
}

static void
bars_figure (GString *out, const char *id, const char *title, const ba_svg_bar *bars, guint n)
{
    GString *desc = g_string_new (NULL);
    for (guint i = 0; i < n; i++)
        g_string_append_printf (desc, "%s%s: %" G_GINT64_FORMAT, i ? "; " : "", bars[i].label, bars[i].value);
    if (!n)
        g_string_append (desc, "none");
    g_string_append (out, "<figure><figcaption>");
    ba_html_text (out, title, 0);
    g_string_append (out, "</figcaption>\n");
    ba_svg_bars (out, id, title, desc->str, bars, n);
    g_string_append (out, "</figure>\n");
    g_string_free (desc, TRUE);
}

static void
chart_faults (GString *out, GPtrArray *rows)
{
    ba_svg_bar *bars = g_new0 (ba_svg_bar, MAX (rows->len, 1));
    for (guint i = 0; i < rows->len; i++) {
        ba_count *c = g_ptr_array_index (rows, i);
        bars[i].label = ba_fault_words (c->key);
        bars[i].value = c->count;
        bars[i].colour = fault_colour (c->key);
    }
    bars_figure (out, "by-fault", "Failures by whose move it is (fault)", bars, rows->len);
    g_free (bars);
}

static void
chart_tally (GString *out, const char *id, const char *title, GPtrArray *rows, guint colour)
{
    ba_svg_bar *bars = g_new0 (ba_svg_bar, MAX (rows->len, 1));
    for (guint i = 0; i < rows->len; i++) {
        ba_tally *t = g_ptr_array_index (rows, i);
        bars[i].label = t->key;
        bars[i].value = t->failed;
        bars[i].colour = ba_svg_colour (colour);
    }
    bars_figure (out, id, title, bars, rows->len);
    g_free (bars);
}

/* ---- the blacklists cited and their lives ---- */

static const ba_blacklist *
find_list (const ba_ruleset *set, const char *zone)
{
    for (guint i = 0; set && i < set->blacklists->len; i++) {
        const ba_blacklist *b = g_ptr_array_index (set->blacklists, i);
        for (int j = 0; b->zones && b->zones[j]; j++)
            if (!g_ascii_strcasecmp (b->zones[j], zone))
                return b;
    }
    return NULL;
}

static void
chart_lists (GString *out, GPtrArray *rows, const ba_ruleset *set, gint64 now)
{
    ba_svg_life *lives = g_new0 (ba_svg_life, MAX (rows->len, 1));
    GPtrArray *notes = g_ptr_array_new_with_free_func (g_free);
    GString *desc = g_string_new (NULL);
    gint64 from = now, to = now;

    for (guint i = 0; i < rows->len; i++) {
        ba_tally *t = g_ptr_array_index (rows, i);
        const ba_blacklist *b = find_list (set, t->key);
        GDateTime *death = NULL;
        char *note, *first, *last;
        if (b) {
            death = b->lists_everything_since;
            if (b->shut_down && (!death || g_date_time_compare (b->shut_down, death) < 0))
                death = b->shut_down;
        }
        lives[i].label = t->key;
        lives[i].alive_today = b && b->state == BA_LIST_ACTIVE && !death;
        lives[i].has_death = death != NULL;
        lives[i].death = death ? g_date_time_to_unix (death) : 0;
        lives[i].cited_first = t->has_time ? t->first : now;
        lives[i].cited_last = t->has_time ? t->last : now;
        if (death) {
            char *d = g_date_time_format (death, "%Y-%m-%d");
            note = g_strdup_printf ("dead since %s", d);
            g_free (d);
            from = MIN (from, lives[i].death);
        } else {
            note = g_strdup (!b ? "not in our knowledge" : lives[i].alive_today ? "alive" : "closed, date unknown");
        }
        g_ptr_array_add (notes, note);
        lives[i].note = note;
        if (t->has_time)
            from = MIN (from, t->first);
        first = t->has_time ? local (t->first, "%Y-%m-%d") : g_strdup ("?");
        last = t->has_time ? local (t->last, "%Y-%m-%d") : g_strdup ("?");
        g_string_append_printf (desc, "%s%s, %s: cited %" G_GINT64_FORMAT " times from %s to %s",
                                i ? "; " : "", t->key, note, t->total, first, last);
        g_free (first);
        g_free (last);
    }
    if (!rows->len)
        g_string_append (desc, "No blacklist was cited.");
    /* from the start of the earliest year shown */
    from -= 365 * 86400 / 2;
    to += 365 * 86400 / 4;
    g_string_append (out, "<figure class=\"wide\"><figcaption>Blacklists cited, and their lives</figcaption>\n");
    ba_svg_lives (out, "lists", "Blacklists cited, and their lives", desc->str, lives, rows->len, from, to);
    g_string_append (out, "</figure>\n");
    g_string_free (desc, TRUE);
    g_ptr_array_unref (notes);
    g_free (lives);
}

/* ---- the latest failures ---- */

typedef struct {
    GString *out;
    const ba_ruleset *set;
} table;

static gboolean
latest_row (const ba_diagnosis *d, void *data)
{
    table *t = data;
    GString *out = t->out;
    char *when = d->has_time ? local (d->time, "%Y-%m-%d %H:%M") : g_strdup ("?");
    g_string_append (out, "<tr><td data-label=\"date\">");
    ba_html_text (out, when, 0);
    g_string_append (out, "</td><td data-label=\"recipient\">");
    ba_html_text (out, d->recipient, 80);
    g_string_append (out, "</td><td data-label=\"reason\">");
    ba_html_text (out, d->reason, 0);
    g_string_append (out, "</td><td data-label=\"fault\">");
    ba_html_text (out, ba_fault_words (d->fault), 0);
    g_string_append (out, "</td><td class=\"said\" data-label=\"server said\">");
    ba_html_text (out, d->diagnostic, 300);
    g_string_append (out, "</td><td data-label=\"subject\">");
    ba_html_text (out, d->original_subject, 120);
    g_string_append (out, "</td></tr>\n");
    g_free (when);
    return TRUE;
}

gboolean
ba_report_html (GString *out, ba_store *st, const ba_ruleset *set, const ba_html_report *o,
                GError **error)
{
    ba_store_totals totals;
    GPtrArray *faults = NULL, *domains = NULL, *mtas = NULL, *lists = NULL, *found = NULL;
    guint top = o->top;
    ba_query latest = { 0 };
    table tb = { out, set };
    gboolean ok = TRUE;
    char *path, *title, *made;

    if (!ba_store_get_totals (st, &o->range, &totals, error)
        || !(faults = ba_store_fault_counts (st, &o->range, error))
        || !(domains = ba_store_tally (st, BA_TALLY_DOMAIN, &o->range, top, error))
        || !(mtas = ba_store_tally (st, BA_TALLY_REMOTE_MTA, &o->range, top, error))
        || !(lists = ba_store_tally (st, BA_TALLY_BLACKLIST, &o->range, 0, error))
        || !(found = ba_store_find_incidents (st, &o->range, o->gap, o->min, o->now, error))) {
        ok = FALSE;
        goto out;
    }
    path = g_path_get_basename (ba_store_path (st));
    title = g_strdup_printf ("Bounce report for %s", path);
    ba_html_begin (out, title, o->nav);
    made = local (o->now, "%Y-%m-%d %H:%M");
    g_string_append (out, "<p class=\"lead\">");
    text_printf (out, "%" G_GINT64_FORMAT " messages (%" G_GINT64_FORMAT " bounces, automatic replies and "
                 "reports), %" G_GINT64_FORMAT " diagnoses: %" G_GINT64_FORMAT " failed, %"
                 G_GINT64_FORMAT " delayed.", totals.messages, totals.bounces, totals.diagnoses,
                 totals.failed, totals.delayed);
    if (totals.has_time) {
        char *a = local (totals.first, "%Y-%m-%d %H:%M"), *b = local (totals.last, "%Y-%m-%d %H:%M");
        text_printf (out, " From %s to %s.", a, b);
        g_free (a);
        g_free (b);
    }
    text_printf (out, " Made %s; times are local.", made);
    g_string_append (out, "</p>\n");
    g_free (made);
    g_free (title);
    g_free (path);

    g_string_append (out, "<section aria-labelledby=\"h-incidents\"><h2 id=\"h-incidents\">Incidents</h2>\n");
    ba_html_incidents (out, found);
    g_string_append (out, "</section>\n<section aria-labelledby=\"h-charts\"><h2 id=\"h-charts\">Charts</h2>\n"
                          "<div class=\"charts\">\n");
    chart_periods (out, st, o, &totals, error, &ok);
    if (!ok)
        goto out;
    chart_faults (out, faults);
    chart_tally (out, "domains", "Top receiving domains (failures)", domains, 0);
    chart_tally (out, "remote-mtas", "Top remote MTAs (failures)", mtas, 5);
    chart_lists (out, lists, set, o->now);
    g_string_append (out, "</div></section>\n");

    g_string_append (out, "<section aria-labelledby=\"h-latest\"><h2 id=\"h-latest\">Latest failures</h2>\n"
                          "<div class=\"scroll\"><table class=\"rows\">\n<colgroup><col class=\"c-date\">"
                          "<col class=\"c-who\"><col class=\"c-reason\"><col class=\"c-fault\">"
                          "<col class=\"c-said\"><col class=\"c-subject\"></colgroup>\n<thead><tr><th scope=\"col\">date</th>"
                          "<th scope=\"col\">recipient</th><th scope=\"col\">reason</th>"
                          "<th scope=\"col\">fault</th><th scope=\"col\">server said</th>"
                          "<th scope=\"col\">subject</th></tr></thead>\n<tbody>\n");
    latest.outcome = "failed";
    latest.has_since = o->range.has_since;
    latest.since = o->range.since;
    latest.has_until = o->range.has_until;
    latest.until = o->range.until;
    latest.limit = o->latest ? o->latest : 25;
    if (!ba_store_find (st, &latest, latest_row, &tb, error)) {
        ok = FALSE;
        goto out;
    }
    g_string_append (out, "</tbody></table></div></section>\n");
    ba_html_end (out);

out:
    if (faults)
        g_ptr_array_unref (faults);
    if (domains)
        g_ptr_array_unref (domains);
    if (mtas)
        g_ptr_array_unref (mtas);
    if (lists)
        g_ptr_array_unref (lists);
    if (found)
        g_ptr_array_unref (found);
    return ok;
}
