/* report-days.h - report's calendar: every day from the first failure to
 * the last, those without failures too, with the reasons of each day. */
#ifndef BA_REPORT_DAYS_H
#define BA_REPORT_DAYS_H

#include "storage-report.h"
#include "sprinter.h"

#include <stdio.h>

/* Longest run of days listed one by one (ten years); before it, only
 * days with failures are listed, so a stray 1970 date cannot make the
 * calendar long. */
#define CALENDAR_MAX_DAYS 3660

typedef struct {
    char day[11];               /* YYYY-MM-DD */
    gint64 failed;
    GPtrArray *reasons;         /* of ba_day_reason* (borrowed), the largest first */
} calendar_day;

/* The calendar of @rows (from ba_store_failures_by_day_reason(), which
 * the calendar borrows), of calendar_day*. */
GPtrArray *calendar_new (GPtrArray *rows);

/* Text: the latest @max days, a bar each, and the reasons of each day. */
void calendar_print (FILE *out, const GPtrArray *days, guint max);
/* JSON: "days": [{"day", "failed", "reasons": {REASON: N}}]. */
void calendar_json (sprinter *sp, const GPtrArray *days);

#endif
