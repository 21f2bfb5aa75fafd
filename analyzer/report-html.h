/* report-html.h - report --format html (and serve's /report): one
 * self-contained page of the stored diagnoses with inline SVG charts. */
#ifndef BA_REPORT_HTML_H
#define BA_REPORT_HTML_H

#include "bounce-analyzer.h"
#include "storage.h"

typedef struct {
    ba_query range;             /* only since/until are used */
    guint top;                  /* domains and remote MTAs charted (0: all) */
    gint64 gap;                 /* incidents: see incidents.h */
    guint min;
    gint64 now;
    guint latest;               /* rows of the latest failures (0: 25) */
    const char *nav;            /* trusted HTML before the header, or NULL */
} ba_html_report;

/* Append the whole page to @out; @set (may be NULL) gives the reasons'
 * plain words and the blacklists' lives.  FALSE when the database fails. */
gboolean ba_report_html (GString *out, ba_store *st, const ba_ruleset *set,
                         const ba_html_report *o, GError **error);

/* The incidents (of ba_incident*) as HTML cards; "none" when empty. */
void ba_html_incidents (GString *out, const GPtrArray *found);

/* One stored diagnosis as an HTML card: date, outcome, verdict, the
 * server's words, blacklist, remote MTA, subject, sender, fault, advice. */
void ba_html_diagnosis (GString *out, const ba_diagnosis *d, const ba_ruleset *set);

#endif
