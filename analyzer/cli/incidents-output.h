/* incidents-output.h - what cmd-incidents.c and cmd-serve.c share: the
 * JSON of incidents and the incident options. */
#ifndef BA_INCIDENTS_OUTPUT_H
#define BA_INCIDENTS_OUTPUT_H

#include "commands.h"
#include "incidents.h"
#include "sprinter.h"

#define INCIDENTS_DEFAULT_GAP (2 * 3600)
#define INCIDENTS_DEFAULT_MIN 5

/* The incidents as a JSON list of objects with the keys of the README. */
void incidents_json (sprinter *sp, const GPtrArray *found);

/* A span such as "2h", "90m", "1d", "3600s" (or bare seconds) into
 * seconds; FALSE when it is not one, or not above 0. */
gboolean parse_span (const char *s, gint64 *out);

/* @t as UTC, ISO 8601 with Z. */
char *utc_iso (gint64 t);

/* report --format html: the page of report-html.h on standard output;
 * the exit status. */
int report_html (ba_store *st, const ba_query *range, guint top, const rule_options *ro);

#endif
