/* parallel.c - see parallel.h.  Each worker runs its own reader over the
 * same path, sharing it by units (ba_reader_set_share), and puts what it
 * reads and finds, tagged with the unit, into its own bounded queue; the
 * caller takes unit after unit from the queue of the unit's owner, so the
 * order is the input's and memory is bounded by the queues. */
#include "parallel.h"

#include <string.h>

/* Results a worker may have waiting: enough to ride out a slow message. */
#define QUEUE_CAP 64

typedef struct {
    guint64 unit;
    ba_read_status status;
    char *source;
    gint64 offset, size;
    GError *error;
    ba_report *report;
} item;

typedef struct {
    struct ba_parallel *owner;
    guint index;
    GThread *thread;
    GMutex lock;
    GCond changed;
    GQueue items;               /* of item* */
    gboolean ended;             /* its BA_READ_END item was taken */
} worker;

struct ba_parallel {
    const ba_ruleset *set;
    char *path;
    guint n;
    gint stop;                  /* atomic: the caller is done, workers quit */
    /* in the calling thread (n == 1) */
    ba_reader *reader;
    ba_context *ctx;
    /* with workers */
    worker *workers;
    guint64 unit;               /* the unit being handed out */
    item *current;              /* handed out: freed on the next call */
};

guint
ba_parallel_default_workers (void)
{
    return MAX (1u, g_get_num_processors ());
}

static void
item_free (item *it)
{
    if (!it)
        return;
    g_free (it->source);
    g_clear_error (&it->error);
    ba_report_free (it->report);
    g_free (it);
}

/* Queue @it for the caller; FALSE when the caller has stopped. */
static gboolean
put (worker *w, item *it)
{
    gboolean stopped;
    g_mutex_lock (&w->lock);
    while (w->items.length >= QUEUE_CAP && !g_atomic_int_get (&w->owner->stop))
        g_cond_wait (&w->changed, &w->lock);
    stopped = g_atomic_int_get (&w->owner->stop);
    if (!stopped)
        g_queue_push_tail (&w->items, it);
    g_cond_broadcast (&w->changed);
    g_mutex_unlock (&w->lock);
    if (stopped)
        item_free (it);
    return !stopped;
}

static gpointer
work (gpointer data)
{
    worker *w = data;
    ba_parallel *p = w->owner;
    ba_reader *reader = ba_reader_open (p->path);
    ba_context *ctx = ba_context_new (p->set);
    gboolean more = TRUE;

    ba_reader_set_share (reader, w->index, p->n);
    while (more) {
        ba_input in;
        GError *err = NULL;
        item *it = g_new0 (item, 1);

        it->status = ba_reader_next (reader, &in, &err);
        it->unit = ba_reader_unit (reader);
        it->source = g_strdup (in.source);
        it->offset = in.offset;
        it->size = in.size;
        it->error = err;
        if (it->status == BA_READ_MESSAGE)
            it->report = ba_analyze_message (ctx, in.message, in.source, in.offset);
        more = it->status != BA_READ_END;
        more = put (w, it) && more;
    }
    ba_context_free (ctx);
    ba_reader_free (reader);
    return NULL;
}

ba_parallel *
ba_parallel_open (const ba_ruleset *set, const char *path, guint workers)
{
    ba_parallel *p = g_new0 (ba_parallel, 1);
    p->set = set;
    p->path = g_strdup (path);
    p->n = strcmp (path, "-") ? MAX (workers, 1u) : 1;
    if (p->n == 1) {
        p->reader = ba_reader_open (path);
        p->ctx = ba_context_new (set);
        return p;
    }
    p->workers = g_new0 (worker, p->n);
    for (guint i = 0; i < p->n; i++) {
        worker *w = &p->workers[i];
        w->owner = p;
        w->index = i;
        g_mutex_init (&w->lock);
        g_cond_init (&w->changed);
        g_queue_init (&w->items);
    }
    for (guint i = 0; i < p->n; i++)
        p->workers[i].thread = g_thread_new ("ba-worker", work, &p->workers[i]);
    return p;
}

ba_context *
ba_parallel_context (ba_parallel *p)
{
    return p->ctx;
}

/* The first item of @w's queue, waiting for one; not taken off. */
static item *
peek (worker *w)
{
    item *it;
    g_mutex_lock (&w->lock);
    while (!(it = g_queue_peek_head (&w->items)))
        g_cond_wait (&w->changed, &w->lock);
    g_mutex_unlock (&w->lock);
    return it;
}

static void
take (worker *w)
{
    g_mutex_lock (&w->lock);
    g_queue_pop_head (&w->items);
    g_cond_broadcast (&w->changed);
    g_mutex_unlock (&w->lock);
}

static ba_read_status
hand_out (ba_parallel *p, item *it, ba_input *input, ba_report **report, GError **error)
{
    p->current = it;
    input->source = it->source;
    input->offset = it->offset;
    input->size = it->size;
    *report = g_steal_pointer (&it->report);
    if (it->error)
        g_propagate_error (error, g_steal_pointer (&it->error));
    return it->status;
}

ba_read_status
ba_parallel_next (ba_parallel *p, ba_input *input, ba_report **report, GError **error)
{
    guint ended = 0;

    memset (input, 0, sizeof *input);
    input->offset = -1;
    input->size = -1;
    *report = NULL;
    if (p->reader) {
        ba_read_status rs = ba_reader_next (p->reader, input, error);
        if (rs == BA_READ_MESSAGE)
            *report = ba_analyze_message (p->ctx, input->message, input->source, input->offset);
        return rs;
    }
    g_clear_pointer (&p->current, item_free);
    for (guint i = 0; i < p->n; i++)
        ended += p->workers[i].ended;
    /* every unit has one owner: its results, then a later unit's or the
     * end, come out of that owner's queue */
    while (ended < p->n) {
        worker *w = &p->workers[p->unit % p->n];
        item *it;
        if (w->ended) {
            p->unit++;
            continue;
        }
        it = peek (w);
        if (it->status == BA_READ_END) {
            w->ended = TRUE;
            ended++;
            p->unit++;
            continue;
        }
        if (it->unit > p->unit) {
            p->unit++;
            continue;
        }
        take (w);
        return hand_out (p, it, input, report, error);
    }
    return BA_READ_END;
}

void
ba_parallel_free (ba_parallel *p)
{
    if (!p)
        return;
    if (p->reader) {
        ba_reader_free (p->reader);
        ba_context_free (p->ctx);
    }
    if (p->workers) {
        g_atomic_int_set (&p->stop, 1);
        for (guint i = 0; i < p->n; i++) {
            worker *w = &p->workers[i];
            g_mutex_lock (&w->lock);
            g_cond_broadcast (&w->changed);
            g_mutex_unlock (&w->lock);
        }
        for (guint i = 0; i < p->n; i++) {
            worker *w = &p->workers[i];
            g_thread_join (w->thread);
            g_queue_clear_full (&w->items, (GDestroyNotify) item_free);
            g_mutex_clear (&w->lock);
            g_cond_clear (&w->changed);
        }
        g_free (p->workers);
    }
    g_clear_pointer (&p->current, item_free);
    g_free (p->path);
    g_free (p);
}
