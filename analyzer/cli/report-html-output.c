/* report-html-output.c - report --format html: report-html.c's page on
 * standard output, with the incidents' default thresholds. */
#include "incidents-output.h"
#include "report-html.h"

int
report_html (ba_store *st, const ba_query *range, guint top, const rule_options *ro)
{
    ba_ruleset *set = rule_options_load (ro, "report");    /* for plain words and lists' lives */
    ba_html_report o = { 0 };
    GString *page = g_string_new (NULL);
    GError *err = NULL;
    int status = 0;

    o.range.has_since = range->has_since;
    o.range.since = range->since;
    o.range.has_until = range->has_until;
    o.range.until = range->until;
    o.top = top;
    o.gap = INCIDENTS_DEFAULT_GAP;
    o.min = INCIDENTS_DEFAULT_MIN;
    o.now = g_get_real_time () / G_USEC_PER_SEC;
    if (ba_report_html (page, st, set, &o, &err)) {
        fwrite (page->str, 1, page->len, stdout);
    } else {
        warn ("report: %s", err->message);
        g_error_free (err);
        status = EXIT_INPUT;
    }
    g_string_free (page, TRUE);
    ba_ruleset_free (set);
    return status;
}
