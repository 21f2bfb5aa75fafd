/* incidents.h - grouping stored failures into incidents: runs of failures
 * with one receiving domain (or remote MTA) and one cause, each within a
 * gap of the one before, and on our side our IP or domain on a live
 * blacklist across all domains.  Pure: no SQL, no I/O. */
#ifndef BA_INCIDENTS_H
#define BA_INCIDENTS_H

#include <glib.h>

/* One stored failure, as the grouping needs it; strings may be NULL. */
typedef struct {
    gint64 time;                /* unix time */
    const char *domain;         /* recipient domain */
    const char *remote_mta;
    const char *reason;
    const char *dnsbl;
    const char *listed;
    const char *fault;
    const char *advice;
    const char *sender;         /* original sender's address */
    const char *recipient;
} ba_incident_failure;

typedef struct {
    gboolean ours;              /* our IP or domain on a live list, across domains */
    char *domain;               /* NULL on our side, or when only the remote MTA is known */
    char *remote_mta;           /* the most frequent; NULL on our side or when none */
    char *reason;
    char *dnsbl;
    char *listed;
    char *fault;                /* the most frequent */
    char *advice;               /* the latest failure's */
    gint64 first_seen, last_seen;
    guint64 failures;
    guint64 senders, recipients, domains;   /* distinct */
    char *domain_list;          /* on our side: "a.example, b.example, … (+3 more)" */
    gboolean ongoing;           /* a failure within the gap of now */
} ba_incident;

typedef struct ba_incident_finder ba_incident_finder;

/* Failures at most @gap seconds apart join one run; a run of at least
 * @min failures is an incident, ongoing when its last failure is within
 * @gap of @now. */
ba_incident_finder *ba_incident_finder_new (gint64 gap, guint min, gint64 now);

/* Add one failure; failures come in time order (a late one joins its run). */
void ba_incident_finder_add (ba_incident_finder *f, const ba_incident_failure *x);

/* The incidents (of ba_incident*), ongoing first, then the latest first;
 * frees @f. */
GPtrArray *ba_incident_finder_finish (ba_incident_finder *f);

void ba_incident_free (ba_incident *inc);

/* Does @x belong to our side: a live blacklist lists our IP or domain
 * (the knowledge made it the sending system's fault)? */
gboolean ba_incident_failure_is_ours (const ba_incident_failure *x);

/* One line naming the incident's place and cause, e.g. "retail.example
 * refuses our mail citing relays.ordb.org" (raw: escape it for output). */
char *ba_incident_headline (const ba_incident *inc);

/* "17 h 5 min", "2 h", "40 min", "3 d 2 h": how long @seconds is. */
char *ba_incident_span (gint64 seconds);

#endif
