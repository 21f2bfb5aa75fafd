/* parallel-pool.c - see parallel-pool.h.  Requests go round-robin to the
 * workers, each over its own pipe, and results come back in the same
 * order over another, so collecting in submission order needs no window
 * of its own: the caller bounds what is in flight (ba_pool_in_flight).
 * A file's share (ba_pool_share) asks every worker at once for its units
 * of one mbox, as analyze's workers read theirs (parallel.c): results are
 * taken unit by unit from the owner's pipe, the others' pipes drained
 * meanwhile up to AHEAD_BYTES each so that a worker ahead keeps working. */
#define _GNU_SOURCE
#include "parallel-pool.h"
#include "parallel-worker.h"
#include "report-wire.h"
#include "storage-private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* What a request asks for: one message, or a worker's share of a file. */
enum { ASK_MESSAGE, ASK_SHARE };

/* Results of a worker ahead of the caller kept in memory: a few units'
 * (a 1 MiB chunk's results take some 1 MiB); half of analyze's, for the
 * writer's queue holds up to 2,000 more and the tree must stay in 64 MiB. */
#define AHEAD_BYTES ((gsize) 4 * 1024 * 1024)

typedef struct {
    pid_t pid;
    int requests;               /* write end of its requests; -1 once closed */
    ba_frame_in results;
    ba_worker_doing *doing;     /* shared with the worker: the message it is on, or NULL */
    ba_result *head;            /* in a share: its next result, decoded, not yet taken */
    gboolean ended;             /* in a share: its end was taken */
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
    /* the file being shared, if any */
    char *share_source;
    gint64 share_start;
    guint64 unit;               /* the unit being handed out */
    ba_result *current;         /* handed out: freed on the next call */
    gboolean broken;            /* a worker died or a share was left unfinished: pipes out of step */
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
    ba_parallel_put_result (out, 0, rs, &in, err, rep, NULL);
    g_clear_error (&err);
    ba_report_free (rep);
    ba_reader_free (reader);
}

typedef struct {
    gint64 start;
    int fd;                     /* a copy of the reader's descriptor, for hashing */
} share_hook;

/* The reader's hook in a worker reading its share: start where the caller
 * decided (the reader checks it is a From_ line), keep the file to hash. */
static gint64
share_opened (void *data, const char *path, int fd, gint64 size, gboolean mbox)
{
    share_hook *h = data;
    if (h->fd < 0)
        h->fd = fcntl (fd, F_DUPFD_CLOEXEC, 0);
    return h->start;
}

/* @in's content_hash and key, as ingest works them out for an mbox
 * message (storage-ingest.c): from the file's bytes, or, when they cannot
 * be read again, from GMime's rendering of the message. */
static void
content_ids (int fd, const ba_input *in, const char *message_id, char hash[65], char **key)
{
    if (fd >= 0 && in->size > 0 && ba_hash_message_at (fd, in->offset, in->size, message_id, hash, key))
        return;
    char *text = g_mime_object_to_string (GMIME_OBJECT (in->message), NULL);
    ba_hash_message_text (text, strlen (text), message_id, hash, key);
    g_free (text);
}

/* Read and analyse this worker's units (@index of @workers) of the mbox
 * @source from @start, writing each result, then the end, to @results;
 * FALSE when the caller has gone. */
static gboolean
share (ba_context *ctx, const char *source, gint64 start, guint index, guint workers, int results,
       ba_worker_doing *doing, GByteArray *out)
{
    ba_reader *reader = ba_reader_open (source);
    share_hook hook = { start, -1 };
    ba_reader_hooks hooks = { .file_opened = share_opened, .data = &hook };
    ba_read_status rs;
    gboolean ok = TRUE;

    ba_reader_set_hooks (reader, &hooks);
    ba_reader_set_share (reader, index, workers);
    do {
        ba_input in;
        GError *err = NULL;
        ba_report *rep = NULL;
        char hash[65], *key = NULL;
        ba_content_ids ids = { hash, NULL, NULL };

        rs = ba_reader_next (reader, &in, &err);
        if (rs == BA_READ_MESSAGE) {
            if (doing)
                ba_worker_note_doing (doing, &in);
            rep = ba_analyze_message (ctx, in.message, in.source, in.offset);
            ids.message_id = g_mime_message_get_message_id (in.message);
            content_ids (hook.fd, &in, ids.message_id, hash, &key);
            ids.key = key;
        }
        ba_parallel_put_result (out, ba_reader_unit (reader), rs, &in, err, rep,
                                rs == BA_READ_MESSAGE ? &ids : NULL);
        ba_report_free (rep);
        g_free (key);
        g_clear_error (&err);
        ok = ba_write_all (results, out->data, out->len);
    } while (ok && rs != BA_READ_END);
    if (hook.fd >= 0)
        close (hook.fd);
    ba_reader_free (reader);
    return ok;
}

G_GNUC_NORETURN static void
worker_main (const ba_ruleset *set, int requests, int results, ba_worker_doing *doing)
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
        guint32 kind = ba_wire_get_u32 (&r);
        gint64 offset = ba_wire_get_i64 (&r);
        char *source = ba_wire_get_string (&r);
        guint32 index = ba_wire_get_u32 (&r), workers = ba_wire_get_u32 (&r);
        gboolean ok;
        if (r.bad || !source || kind > ASK_SHARE)
            _exit (3);
        if (kind == ASK_SHARE) {
            ok = share (ctx, source, offset, index, workers, results, doing, out);
        } else {
            analyse (ctx, source, offset, out);
            ok = ba_write_all (results, out->data, out->len);
        }
        g_free (source);
        if (!ok)
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
        w->doing = mmap (NULL, sizeof *w->doing, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (w->doing == MAP_FAILED)
            w->doing = NULL;
        else
            memset (w->doing, 0, sizeof *w->doing);
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
            worker_main (set, req[0], res[1], w->doing);
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

/* A request as worker_main reads it, framed, into @out. */
static void
put_request (GByteArray *out, guint32 kind, const char *source, gint64 offset, guint32 index,
             guint32 workers)
{
    guint32 len;
    g_byte_array_set_size (out, 4);
    ba_wire_put_u32 (out, kind);
    ba_wire_put_i64 (out, offset);
    ba_wire_put_string (out, source);
    ba_wire_put_u32 (out, index);
    ba_wire_put_u32 (out, workers);
    len = out->len - 4;
    memcpy (out->data, &len, 4);
}

static gboolean
out_of_step (GError **error)
{
    g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                         "analysis stopped: the worker processes are out of step after an earlier failure");
    return FALSE;
}

gboolean
ba_pool_submit (ba_pool *pool, const char *source, gint64 offset, GError **error)
{
    pool_worker *w = &pool->workers[pool->submitted % pool->n];
    request *rq;

    if (pool->broken)
        return out_of_step (error);
    rq = g_new0 (request, 1);
    put_request (pool->out, ASK_MESSAGE, source, offset, 0, 0);
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
    return ba_worker_death (&w->pid, (guint) (w - pool->workers) + 1, pool->n, "analysing");
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

/* ---- a file's share ----------------------------------------------------- */

gboolean
ba_pool_share (ba_pool *pool, const char *source, gint64 start, GError **error)
{
    g_return_val_if_fail (ba_pool_in_flight (pool) == 0 && !pool->share_source, FALSE);
    if (pool->broken)
        return out_of_step (error);
    pool->share_source = g_strdup (source);
    pool->share_start = start;
    pool->unit = 0;
    for (guint i = 0; i < pool->n; i++) {
        pool_worker *w = &pool->workers[i];
        w->ended = FALSE;
        if (w->doing) {
            w->doing->source[0] = '\0';
            w->doing->offset = -1;
        }
        put_request (pool->out, ASK_SHARE, source, start, i, pool->n);
        /* a worker gone is found out, and named, when its results are due */
        if (w->requests >= 0 && !ba_write_all (w->requests, pool->out->data, pool->out->len)) {
            close (w->requests);
            w->requests = -1;
        }
    }
    return TRUE;
}

/* Waits until @want's pipe has something (or ends), meanwhile reading what
 * the other workers' pipes have while their buffers are under AHEAD_BYTES. */
static void
fill (ba_pool *pool, pool_worker *want)
{
    ba_frame_in *ins[pool->n];
    guint k = 0;

    for (guint i = 0; i < pool->n; i++) {
        pool_worker *w = &pool->workers[i];
        if (w->results.fd < 0 || w->results.eof || (w->ended && w != want))
            continue;
        if (w != want && w->results.buf->len - w->results.used >= AHEAD_BYTES)
            continue;
        ins[k++] = &w->results;
    }
    ba_frames_fill (ins, k, &want->results);
}

/* The next result of @w in the share, waiting for it, not taken off; NULL
 * (@error set, naming the message it was on) when the worker died. */
static ba_result *
share_peek (ba_pool *pool, pool_worker *w, GError **error)
{
    while (!w->head) {
        const guint8 *frame;
        guint32 len;
        char *why;
        gint64 offset;
        if (!ba_frame_ready (&w->results)) {
            fill (pool, w);
            continue;
        }
        frame = ba_frame_next (&w->results, &len);
        if (frame && (w->head = ba_result_decode (frame, len)))
            break;
        why = death (pool, w);
        if (w->results.fd >= 0)
            close (w->results.fd);
        w->results.fd = -1;
        /* a worker that died before its first message stopped the share where it began */
        offset = w->doing && w->doing->offset >= 0 ? w->doing->offset : pool->share_start;
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: offset %" G_GINT64_FORMAT ": %s",
                     pool->share_source, offset, why);
        g_free (why);
        pool->broken = TRUE;
        return NULL;
    }
    return w->head;
}

gboolean
ba_pool_share_next (ba_pool *pool, ba_result **result, GError **error)
{
    guint ended = 0;

    *result = NULL;
    g_clear_pointer (&pool->current, ba_result_free);
    if (!pool->share_source)
        return TRUE;
    for (guint i = 0; i < pool->n; i++)
        ended += pool->workers[i].ended;
    /* every unit has one owner: its results, then a later unit's or the
     * end, come out of that owner's pipe */
    while (ended < pool->n) {
        pool_worker *w = &pool->workers[pool->unit % pool->n];
        ba_result *it;
        if (w->ended) {
            pool->unit++;
            continue;
        }
        if (!(it = share_peek (pool, w, error))) {
            g_clear_pointer (&pool->share_source, g_free);
            return FALSE;
        }
        if (it->status == BA_READ_END) {
            w->ended = TRUE;
            g_clear_pointer (&w->head, ba_result_free);
            ended++;
            pool->unit++;
            continue;
        }
        if (it->unit > pool->unit) {
            pool->unit++;
            continue;
        }
        w->head = NULL;
        pool->current = *result = it;
        return TRUE;
    }
    g_clear_pointer (&pool->share_source, g_free);
    return TRUE;
}

void
ba_pool_share_stop (ba_pool *pool)
{
    g_clear_pointer (&pool->current, ba_result_free);
    if (!pool->share_source)
        return;
    /* the workers' unread results would be taken for the next request's */
    pool->broken = TRUE;
    g_clear_pointer (&pool->share_source, g_free);
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
            if (pool->broken || pool->share_source || ba_pool_in_flight (pool) > 0)
                kill (w->pid, SIGKILL);
            while (waitpid (w->pid, NULL, 0) < 0 && errno == EINTR)
                ;
        }
        g_byte_array_unref (w->results.buf);
        ba_result_free (w->head);
        if (w->doing)
            munmap (w->doing, sizeof *w->doing);
    }
    ba_result_free (pool->current);
    g_free (pool->share_source);
    g_queue_clear_full (&pool->asked, (GDestroyNotify) request_free);
    g_byte_array_unref (pool->out);
    g_free (pool->workers);
    g_free (pool);
}
