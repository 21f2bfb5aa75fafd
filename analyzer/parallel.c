/* parallel.c - see parallel.h.  Each worker is a process forked once the
 * rule set is loaded (so it shares it copy-on-write); it runs its own
 * reader over the same path, sharing it by units (ba_reader_set_share:
 * the reader's own splitting into files and mbox chunks at From_ lines),
 * and writes what it reads and finds, tagged with the unit, to its pipe
 * (report-wire.h).  The caller takes unit after unit from the pipe of the
 * unit's owner, so the order is the input's.  While it waits for one
 * worker it drains the others' pipes into memory, up to AHEAD_BYTES each,
 * so a worker ahead of the caller goes on working (a pipe alone holds far
 * less than a unit's results, which serialised the workers); beyond that
 * it blocks on its full pipe, which bounds memory.  Processes,
 * not threads: GLib's global locks in object creation and disposal made
 * two threads barely faster than one. */
#define _GNU_SOURCE
#include "parallel.h"
#include "parallel-worker.h"
#include "report-wire.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

typedef ba_result item;

typedef struct {
    pid_t pid;
    ba_frame_in in;             /* the worker's results */
    item *head;                 /* the next result, decoded, not yet taken */
    gboolean ended;             /* its BA_READ_END was taken */
    ba_worker_doing *doing;     /* shared with the worker: the message it is on */
} worker;

struct ba_parallel {
    const ba_ruleset *set;
    char *path;
    guint n;
    /* in the calling process (n == 1) */
    ba_reader *reader;
    ba_context *ctx;
    /* with workers */
    worker *workers;
    guint64 unit;               /* the unit being handed out */
    item *current;              /* handed out: freed on the next call */
    gboolean failed;            /* a worker died: the run ends */
};

guint
ba_parallel_default_workers (void)
{
    return MAX (1u, g_get_num_processors ());
}

#define item_free ba_result_free

/* Results of a worker ahead of the caller kept in memory: several units'. */
#define AHEAD_BYTES ((gsize) 8 * 1024 * 1024)

/* Waits until @want's pipe has something (or ends), meanwhile reading what
 * the other workers' pipes have while their buffers are under AHEAD_BYTES. */
static void
fill (ba_parallel *p, worker *want)
{
    ba_frame_in *ins[p->n];
    guint k = 0;

    for (guint i = 0; i < p->n; i++) {
        worker *w = &p->workers[i];
        if (w->in.fd < 0 || w->in.eof)
            continue;
        if (w != want && w->in.buf->len - w->in.used >= AHEAD_BYTES)
            continue;
        ins[k++] = &w->in;
    }
    ba_frames_fill (ins, k, &want->in);
}

/* What became of worker @w, which stopped before its end, in words. */
static char *
death (ba_parallel *p, worker *w)
{
    if (w->in.fd >= 0)
        close (w->in.fd);
    w->in.fd = -1;
    return ba_worker_death (&w->pid, (guint) (w - p->workers) + 1, p->n, "reading or analysing");
}

/* The next result of @w, waiting for it; not taken off.  A worker that
 * died gives an error item naming the message it was on. */
static item *
peek (ba_parallel *p, worker *w)
{
    while (!w->head) {
        guint32 len;
        const guint8 *frame;
        if (!ba_frame_ready (&w->in)) {
            fill (p, w);
            continue;
        }
        frame = ba_frame_next (&w->in, &len);
        if (frame)
            w->head = ba_result_decode (frame, len);
        if (!w->head) {
            item *it = g_new0 (item, 1);
            char *why = death (p, w);
            it->status = BA_READ_ERROR;
            it->unit = p->unit;
            it->source = w->doing && w->doing->source[0]
                         ? g_strndup (w->doing->source, sizeof w->doing->source) : g_strdup (p->path);
            it->offset = w->doing ? w->doing->offset : -1;
            it->size = -1;
            it->error = g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_FAILED, why);
            g_free (why);
            p->failed = TRUE;
            w->head = it;
        }
    }
    return w->head;
}

static void
start_workers (ba_parallel *p)
{
    fflush (stdout);
    fflush (stderr);
    p->workers = g_new0 (worker, p->n);
    for (guint i = 0; i < p->n; i++) {
        worker *w = &p->workers[i];
        int fds[2];
        w->in.fd = -1;
        w->in.buf = g_byte_array_new ();
        w->doing = mmap (NULL, sizeof *w->doing, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (w->doing == MAP_FAILED || pipe2 (fds, O_CLOEXEC) != 0) {
            if (w->doing == MAP_FAILED)
                w->doing = NULL;
            continue;           /* found out as a dead worker when its turn comes */
        }
        memset (w->doing, 0, sizeof *w->doing);
        w->doing->offset = -1;
        w->pid = fork ();
        if (w->pid == 0) {
            close (fds[0]);
            for (guint j = 0; j < i; j++)
                if (p->workers[j].in.fd >= 0)
                    close (p->workers[j].in.fd);
            ba_parallel_worker_run (p->set, p->path, i, p->n, fds[1], w->doing);
        }
        close (fds[1]);
        if (w->pid < 0) {
            w->pid = 0;
            close (fds[0]);
            continue;
        }
        w->in.fd = fds[0];
    }
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
    start_workers (p);
    return p;
}

ba_context *
ba_parallel_context (ba_parallel *p)
{
    return p->ctx;
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
    if (p->failed)
        return BA_READ_END;
    for (guint i = 0; i < p->n; i++)
        ended += p->workers[i].ended;
    /* every unit has one owner: its results, then a later unit's or the
     * end, come out of that owner's pipe */
    while (ended < p->n) {
        worker *w = &p->workers[p->unit % p->n];
        item *it;
        if (w->ended) {
            p->unit++;
            continue;
        }
        it = peek (p, w);
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
        w->head = NULL;
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
    for (guint i = 0; p->workers && i < p->n; i++) {
        worker *w = &p->workers[i];
        if (w->in.fd >= 0)
            close (w->in.fd);
        if (w->pid > 0) {
            /* a run left early: the worker's results are not wanted */
            if (!w->ended)
                kill (w->pid, SIGKILL);
            while (waitpid (w->pid, NULL, 0) < 0 && errno == EINTR)
                ;
        }
        item_free (w->head);
        g_byte_array_unref (w->in.buf);
        if (w->doing)
            munmap (w->doing, sizeof *w->doing);
    }
    g_free (p->workers);
    g_clear_pointer (&p->current, item_free);
    g_free (p->path);
    g_free (p);
}
