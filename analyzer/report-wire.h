/* report-wire.h - a report in a compact binary form, for handing it from
 * a worker process to its parent (parallel.c).  Both ends are the same
 * build, so the form has no version; the reader still checks every length
 * against the bytes it was given. */
#ifndef BA_REPORT_WIRE_H
#define BA_REPORT_WIRE_H

#include "bounce-analyzer.h"

/* Writing: append to @out. */
void ba_wire_put_u32 (GByteArray *out, guint32 v);
void ba_wire_put_i64 (GByteArray *out, gint64 v);
/* A string or NULL (kept apart from ""). */
void ba_wire_put_string (GByteArray *out, const char *s);
void ba_wire_put_report (GByteArray *out, const ba_report *rep);

/* Reading from [@p, @end): each call advances @p; past a fault every call
 * fails (and @bad is set), so a caller checks once at the end. */
typedef struct {
    const guint8 *p, *end;
    gboolean bad;
} ba_wire_reader;

guint32 ba_wire_get_u32 (ba_wire_reader *r);
gint64 ba_wire_get_i64 (ba_wire_reader *r);
/* A new string, or NULL (for NULL, or a fault). */
char *ba_wire_get_string (ba_wire_reader *r);
/* A new report, or NULL on a fault. */
ba_report *ba_wire_get_report (ba_wire_reader *r);

#endif
