/* parallel-pool.c - see parallel-pool.h.  Requests go round-robin to the
 * workers, each over its own pipe, and results come back in the same
 * order over another, so collecting in submission order needs no window
 * of its own: the caller bounds what is in flight (ba_pool_in_flight). */
#define _GNU_SOURCE
#include "parallel-pool.h"
#include "parallel-worker.h"
#include "report-wire.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    pid_t pid;
    int requests;               /* write end of its requests; -1 once closed */
    ba_frame_in results;
} pool_worker;

typedef struct {
    char *source;
    gint64 offset;
} request;

struct ba_pool {
    guint n;
    pool_worker *workers;
    guint64 submitted, collected;
    GQueue asked;               /* of request*, in submission order: to name a failure */
    GByteArray *out;
};

static void
request_free (request *rq)
{
    g_free (rq->source);
    g_free (rq);
}

/* The reader's hook in a worker: start reading the file at the offset asked for. */
static gint64
start_at (void *data, const char *path, int fd, gint64 size, gboolean mbox)
{
    gint64 offset = *(const gint64 *) data;
    return offset > 0 && offset < size ? offset : 0;
}

/* One request's analysis, as a result frame in @out. */
static void
analyse (ba_context *ctx, const char *source, gint64 offset, GByteArray *out)
{
    ba_reader *reader = ba_reader_open (source);
    ba_reader_hooks hooks = { .file_opened = start_at, .data = &offset };
    ba_input in;
    GError *err = NULL;
    ba_report *rep = NULL;
    ba_read_status rs;

    ba_reader_set_hooks (reader, &hooks);
    rs = ba_reader_next (reader, &in, &err);
    if (rs == BA_READ_MESSAGE && in.offset != offset) {
        rs = BA_READ_ERROR;
        g_set_error (&err, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                     "the file changed while it was read: no message at this offset any more");
    } else if (rs == BA_READ_MESSAGE) {
        rep = ba_analyze_message (ctx, in.message, source, offset);
    } else if (rs != BA_READ_ERROR) {
        rs = BA_READ_ERROR;
        g_set_error (&err, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                     "the file changed while it was read: no message here any more");
    }
    ba_parallel_put_result (out, 0, rs, &in, err, rep);
    g_clear_error (&err);
    ba_report_free (rep);
    ba_reader_free (reader);
}

G_GNUC_NORETURN static void
worker_main (const ba_ruleset *set, int requests, int results)
{
    ba_frame_in in = { requests, g_byte_array_new (), 0 };
    ba_context *ctx;
    GByteArray *out = g_byte_array_new ();
    const guint8 *frame;
    guint32 len;

    ba_worker_detach ();
    ctx = ba_context_new (set);
    while ((frame = ba_frame_next (&in, &len))) {
        ba_wire_reader r = { frame, frame + len, FALSE };
        gint64 offset = ba_wire_get_i64 (&r);
        char *source = ba_wire_get_string (&r);
        if (r.bad || !source)
            _exit (3);
        analyse (ctx, source, offset, out);
        g_free (source);
        if (!ba_write_all (results, out->data, out->len))
            break;
    }
    _exit (0);
}

ba_pool *
ba_pool_new (const ba_ruleset *set, guint workers)
{
    ba_pool *pool;

    if (workers < 2)
        return NULL;
    pool = g_new0 (ba_pool, 1);
    pool->n = workers;
    pool->workers = g_new0 (pool_worker, workers);
    pool->out = g_byte_array_new ();
    g_queue_init (&pool->asked);
    fflush (stdout);
    fflush (stderr);
    for (guint i = 0; i < workers; i++) {
        pool_worker *w = &pool->workers[i];
        int req[2], res[2];
        w->requests = -1;
        w->results.fd = -1;
        w->results.buf = g_byte_array_new ();
        if (pipe2 (req, O_CLOEXEC) != 0)
            continue;           /* found out as a dead worker when its turn comes */
        if (pipe2 (res, O_CLOEXEC) != 0) {
            close (req[0]);
            close (req[1]);
            continue;
        }
        w->pid = fork ();
        if (w->pid == 0) {
            close (req[1]);
            close (res[0]);
            for (guint j = 0; j < i; j++) {
                if (pool->workers[j].requests >= 0)
                    close (pool->workers[j].requests);
                if (pool->workers[j].results.fd >= 0)
                    close (pool->workers[j].results.fd);
            }
            worker_main (set, req[0], res[1]);
        }
        close (req[0]);
        close (res[1]);
        if (w->pid < 0) {
            w->pid = 0;
            close (req[1]);
            close (res[0]);
            continue;
        }
        w->requests = req[1];
        w->results.fd = res[0];
    }
    return pool;
}

gboolean
ba_pool_submit (ba_pool *pool, const char *source, gint64 offset, GError **error)
{
    pool_worker *w = &pool->workers[pool->submitted % pool->n];
    request *rq = g_new0 (request, 1);
    guint32 len;

    g_byte_array_set_size (pool->out, 4);
    ba_wire_put_i64 (pool->out, offset);
    ba_wire_put_string (pool->out, source);
    len = pool->out->len - 4;
    memcpy (pool->out->data, &len, 4);
    rq->source = g_strdup (source);
    rq->offset = offset;
    g_queue_push_tail (&pool->asked, rq);
    pool->submitted++;
    /* a worker gone is found out, and named, when its result is collected */
    if (w->requests >= 0 && !ba_write_all (w->requests, pool->out->data, pool->out->len)) {
        close (w->requests);
        w->requests = -1;
    }
    return TRUE;
}

guint
ba_pool_in_flight (const ba_pool *pool)
{
    return (guint) (pool->submitted - pool->collected);
}

/* What became of @w, which sent no result, in words. */
static char *
death (ba_pool *pool, pool_worker *w)
{
    guint index = (guint) (w - pool->workers) + 1;
    int st = 0;
    pid_t got;

    do
        got = w->pid > 0 ? waitpid (w->pid, &st, 0) : -1;
    while (got < 0 && errno == EINTR);
    w->pid = 0;
    if (got > 0 && WIFSIGNALED (st))
        return g_strdup_printf ("analysis stopped: worker process %u of %u was killed by signal %d (%s) "
                                "while analysing this message", index, pool->n, WTERMSIG (st),
                                g_strsignal (WTERMSIG (st)));
    if (got > 0 && WIFEXITED (st))
        return g_strdup_printf ("analysis stopped: worker process %u of %u exited (status %d) "
                                "while analysing this message", index, pool->n, WEXITSTATUS (st));
    return g_strdup_printf ("analysis stopped: worker process %u of %u could not be started or sent "
                            "a broken result", index, pool->n);
}

ba_report *
ba_pool_collect (ba_pool *pool, GError **error)
{
    pool_worker *w = &pool->workers[pool->collected % pool->n];
    request *rq = g_queue_pop_head (&pool->asked);
    ba_result *res = NULL;
    ba_report *rep = NULL;
    const guint8 *frame;
    guint32 len;

    g_return_val_if_fail (rq != NULL, NULL);
    pool->collected++;
    if (w->results.fd >= 0 && (frame = ba_frame_next (&w->results, &len)))
        res = ba_result_decode (frame, len);
    if (!res) {
        char *why = death (pool, w);
        if (w->results.fd >= 0)
            close (w->results.fd);
        w->results.fd = -1;
        if (rq->offset >= 0)
            g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: offset %" G_GINT64_FORMAT ": %s",
                         rq->source, rq->offset, why);
        else
            g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: %s", rq->source, why);
        g_free (why);
    } else if (res->error) {
        if (rq->offset >= 0)
            g_set_error (error, res->error->domain, res->error->code, "%s: offset %" G_GINT64_FORMAT ": %s",
                         rq->source, rq->offset, res->error->message);
        else
            g_set_error (error, res->error->domain, res->error->code, "%s: %s", rq->source,
                         res->error->message);
    } else if (!res->report) {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: the worker sent no report", rq->source);
    } else {
        rep = g_steal_pointer (&res->report);
    }
    ba_result_free (res);
    request_free (rq);
    return rep;
}

void
ba_pool_free (ba_pool *pool)
{
    if (!pool)
        return;
    for (guint i = 0; i < pool->n; i++) {
        pool_worker *w = &pool->workers[i];
        if (w->requests >= 0)
            close (w->requests);
        if (w->results.fd >= 0)
            close (w->results.fd);
        if (w->pid > 0) {
            /* with its requests closed an idle worker ends; a busy one is not waited for */
            kill (w->pid, SIGKILL);
            while (waitpid (w->pid, NULL, 0) < 0 && errno == EINTR)
                ;
        }
        g_byte_array_unref (w->results.buf);
    }
    g_queue_clear_full (&pool->asked, (GDestroyNotify) request_free);
    g_byte_array_unref (pool->out);
    g_free (pool->workers);
    g_free (pool);
}
