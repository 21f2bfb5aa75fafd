/* storage-ingest-pool.c - ingest -j.  An mbox is read by the pool's
 * workers, each its chunks (ba_pool_share), and the caller takes their
 * reports and hashes in input order, deciding what is new as with one
 * process.  A single-message file is read by the caller and analysed by a
 * worker; every operation still reaches the writer in input order: behind
 * an INSERT whose report is not back yet, later operations wait here. */
#include "storage-ingest.h"
#include "emit.h"
#include "parallel-pool.h"
#include "parallel-worker.h"

/* INSERTs in flight before the oldest is waited for: enough to keep the
 * workers busy while the caller reads, little enough to bound memory. */
#define AWAITING_MAX 32
/* Operations held back at most (skipped messages' moves between inserts). */
#define DEFERRED_MAX 1024

void
ba_ingest_set_pool (ba_ingest *ing, struct ba_pool *pool)
{
    ing->pool = pool;
}

/* Hand @o to the writer, printing an INSERT's warnings as one process would. */
static gboolean
pass_on (ba_ingest *ing, op *o, GError **error)
{
    if (o->kind == OP_INSERT && o->rep && !o->imported)
        ba_emit_warnings (stderr, o->rep);
    return ba_writer_queue (ing, o, error);
}

/* Pass on what is held back, waiting for reports until at most @keep
 * INSERTs (and DEFERRED_MAX operations) are left waiting. */
static gboolean
settle (ba_ingest *ing, guint keep, GError **error)
{
    op *o;

    while ((o = g_queue_peek_head (&ing->deferred))) {
        if (o->awaiting) {
            if (ing->awaiting <= keep && ing->deferred.length <= DEFERRED_MAX)
                break;
            o->rep = ba_pool_collect (ing->pool, error);
            o->awaiting = FALSE;
            ing->awaiting--;
            if (!o->rep) {
                g_queue_pop_head (&ing->deferred);
                ba_op_free (o);
                return FALSE;
            }
        }
        g_queue_pop_head (&ing->deferred);
        if (!pass_on (ing, o, error))
            return FALSE;
    }
    return TRUE;
}

gboolean
ba_ingest_queue (ba_ingest *ing, op *o, GError **error)
{
    if (!o->awaiting && ing->deferred.length == 0)
        return pass_on (ing, o, error);
    g_queue_push_tail (&ing->deferred, o);
    if (o->awaiting)
        ing->awaiting++;
    return settle (ing, AWAITING_MAX, error);
}

gboolean
ba_ingest_settle (ba_ingest *ing, GError **error)
{
    return settle (ing, 0, error);
}

void
ba_ingest_drop_deferred (ba_ingest *ing)
{
    g_queue_clear_full (&ing->deferred, (GDestroyNotify) ba_op_free);
    ing->awaiting = 0;
}

gboolean
ba_ingest_share_file (ba_ingest *ing, gint64 start, GError **error)
{
    ba_result *res;

    if (!ba_ingest_settle (ing, error) || !ba_pool_share (ing->pool, ing->path, start, error))
        return FALSE;
    for (;;) {
        ba_input in = { 0 };
        if (!ba_pool_share_next (ing->pool, &res, error))
            return FALSE;
        if (!res)
            return TRUE;
        /* what was appended since the file was opened is the next run's,
         * as one reader would leave it */
        if (res->offset >= ing->size)
            continue;
        in.source = ing->path;
        in.offset = res->offset;
        in.size = res->size;
        if (res->status != BA_READ_MESSAGE) {
            if (ing->observer.problem)
                ing->observer.problem (ing->observer.data, res->status, &in, res->error);
            continue;
        }
        if (!res->has_ids || !res->hash || !res->report) {
            g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                         "%s: offset %" G_GINT64_FORMAT ": the worker sent no report or content hash",
                         ing->path, res->offset);
            ba_pool_share_stop (ing->pool);
            return FALSE;
        }
        if (!ba_ingest_read (ing, &in, res->message_id, res, error)) {
            ba_pool_share_stop (ing->pool);
            return FALSE;
        }
        if (ing->observer.step)
            ing->observer.step (ing->observer.data, &in);
    }
}
