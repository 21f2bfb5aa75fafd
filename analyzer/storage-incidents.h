/* storage-incidents.h - the queries behind incidents and the HTML report's
 * charts: stored failures in time order, and counts the tallies of
 * storage.h do not give (per period and reason, per fault). */
#ifndef BA_STORAGE_INCIDENTS_H
#define BA_STORAGE_INCIDENTS_H

#include "storage.h"
#include "incidents.h"

/* Call @fn for every stored failure with a time in @range's since/until,
 * the earliest first; the strings are valid during the call only.
 * Return FALSE from @fn to stop. */
typedef gboolean (*ba_failure_fn) (const ba_incident_failure *x, void *data);
gboolean ba_store_each_failure (ba_store *st, const ba_query *range, ba_failure_fn fn, void *data,
                                GError **error);

/* The incidents among the failures of @range (see incidents.h); NULL
 * with @error set when the database fails. */
GPtrArray *ba_store_find_incidents (ba_store *st, const ba_query *range, gint64 gap, guint min,
                                    gint64 now, GError **error);

/* A count of failures sharing one or two keys. */
typedef struct {
    char *key;                  /* a period, a fault */
    char *sub;                  /* a reason, or NULL */
    gint64 count;
} ba_count;

void ba_count_free (ba_count *c);

typedef enum {
    BA_PERIOD_DAY,              /* local day, key YYYY-MM-DD */
    BA_PERIOD_MONTH,            /* local month, key YYYY-MM */
    BA_PERIOD_YEAR,             /* key YYYY */
} ba_period;

/* Failures in @range per @period and reason, in order of period. */
GPtrArray *ba_store_failures_per_period (ba_store *st, const ba_query *range, ba_period period,
                                         GError **error);

/* Failures in @range per fault, the largest first. */
GPtrArray *ba_store_fault_counts (ba_store *st, const ba_query *range, GError **error);

#endif
