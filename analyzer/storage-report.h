/* storage-report.h - the queries of `report` and `search` beyond
 * storage.h's: failures by fault, by day (UTC or local) and by day and
 * reason, and a diagnosis's feedback type. */
#ifndef BA_STORAGE_REPORT_H
#define BA_STORAGE_REPORT_H

#include "storage.h"

/* Failures (outcome failed) in @range by fault, the largest first
 * (ba_tally: key, total = failed, hard, domains, first/last). */
GPtrArray *ba_store_failures_by_fault (ba_store *st, const ba_query *range, GError **error);

/* One day's failures, by reason. */
typedef struct {
    char *day;                  /* YYYY-MM-DD */
    char *reason;
    gint64 failed;
} ba_day_reason;

void ba_day_reason_free (ba_day_reason *d);

/* Failures in @range per day and reason (of ba_day_reason*), days in
 * order, the largest reason first; days in UTC unless @local. */
GPtrArray *ba_store_failures_by_day_reason (ba_store *st, const ba_query *range, gboolean local,
                                            GError **error);

/* The feedback type (ARF) of diagnosis @id; NULL when none or on error. */
char *ba_store_feedback_type (ba_store *st, gint64 id);

#endif
