/* parallel-worker.h - what parallel.c's worker processes run. */
#ifndef BA_PARALLEL_WORKER_H
#define BA_PARALLEL_WORKER_H

#include "bounce-analyzer.h"

/* In memory shared with the caller: the message a worker is on, so that
 * a worker that dies can be reported with the message that killed it. */
typedef struct {
    gint64 offset;
    char source[4096];          /* cut, not NUL-terminated when full */
} ba_worker_doing;

/* Serialise one result into @out as a frame: a 32-bit length, then the
 * result (parallel.c decodes it). */
void ba_parallel_put_result (GByteArray *out, guint64 unit, ba_read_status status, const ba_input *in,
                             const GError *error, const ba_report *rep);

/* In a forked worker: read the units of @path that are worker @index's
 * of @workers, analyse them over @set, write each result to @fd; never
 * returns (_exit, so that nothing of the parent's is flushed twice). */
G_GNUC_NORETURN void ba_parallel_worker_run (const ba_ruleset *set, const char *path, guint index,
                                             guint workers, int fd, ba_worker_doing *doing);

#endif
