/* parallel.h - analysing one input with several worker threads, results
 * handed out in input order (so output does not depend on the count). */
#ifndef BA_PARALLEL_H
#define BA_PARALLEL_H

#include "bounce-analyzer.h"

typedef struct ba_parallel ba_parallel;

/* The default worker count: the number of processors. */
guint ba_parallel_default_workers (void);

/* Analyse @path (as ba_reader_open takes it) with @workers threads, each
 * with its own reader share and context over the shared, read-only @set;
 * 1 (and standard input, which is read once) runs in the calling thread. */
ba_parallel *ba_parallel_open (const ba_ruleset *set, const char *path, guint workers);

/* Like ba_reader_next, in the same order as one reader: on BA_READ_MESSAGE
 * *@report is the message's analysis (the caller frees it) and
 * @input->message is NULL unless the run is in the calling thread;
 * @input's strings stay valid until the next call. */
ba_read_status ba_parallel_next (ba_parallel *p, ba_input *input, ba_report **report, GError **error);

/* The calling thread's context (for explain), or NULL when workers run. */
ba_context *ba_parallel_context (ba_parallel *p);

/* Stops the workers (a run may be left early) and frees everything. */
void ba_parallel_free (ba_parallel *p);

#endif
