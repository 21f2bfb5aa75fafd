/* parallel-pool.h - worker processes that analyse messages the caller
 * has already read and placed (ingest -j): the caller keeps reading,
 * deciding and storing in input order; the workers parse and analyse. */
#ifndef BA_PARALLEL_POOL_H
#define BA_PARALLEL_POOL_H

#include "bounce-analyzer.h"

typedef struct ba_pool ba_pool;

/* Fork @workers processes over the loaded @set (before the caller starts
 * threads or opens a database: they share only the rule set); NULL when
 * @workers < 2. */
ba_pool *ba_pool_new (const ba_ruleset *set, guint workers);

/* Ask for the analysis of the message of file @source at mbox @offset
 * (-1: the file is one message), as ba_reader_next read it there;
 * FALSE (@error set) when the worker is gone. */
gboolean ba_pool_submit (ba_pool *pool, const char *source, gint64 offset, GError **error);

/* The report of the oldest message submitted and not yet collected,
 * waiting for it; NULL with @error set when it could not be analysed
 * (a worker that died is named with the message). */
ba_report *ba_pool_collect (ba_pool *pool, GError **error);

/* Messages submitted, not yet collected. */
guint ba_pool_in_flight (const ba_pool *pool);

/* A worker's share of a file (parallel-worker.h). */
typedef struct ba_result ba_result;

/* Ask every worker for its units (ba_reader_set_share) of the mbox
 * @source, read from @start as ba_reader_next would read it after its
 * file_opened hook returned @start; nothing may be in flight.  Then take
 * the results with ba_pool_share_next. */
gboolean ba_pool_share (ba_pool *pool, const char *source, gint64 start, GError **error);

/* The next result of the share, in input order, into *@result (kept by the
 * pool until the next call: steal what is wanted of it), with the
 * message's content ids; *@result NULL at the end.  FALSE (@error set,
 * naming where) when a worker died: the pool is of no further use. */
gboolean ba_pool_share_next (ba_pool *pool, ba_result **result, GError **error);

/* Leave a share before its end (the pool is of no further use then). */
void ba_pool_share_stop (ba_pool *pool);

/* Stops the workers (what is in flight is dropped) and frees everything. */
void ba_pool_free (ba_pool *pool);

#endif
