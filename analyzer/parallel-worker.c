/* parallel-worker.c - see parallel-worker.h. */
#define _GNU_SOURCE
#include "parallel-worker.h"
#include "report-wire.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

gboolean
ba_write_all (int fd, const guint8 *data, gsize len)
{
    while (len > 0) {
        ssize_t n = write (fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        data += n;
        len -= (gsize) n;
    }
    return TRUE;
}

void
ba_worker_detach (void)
{
    pid_t parent = getppid ();
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    if (getppid () != parent)
        _exit (0);              /* the caller died before the line above */
}

/* A result bigger than this is not a worker's: the pipe is taken as broken. */
#define MAX_FRAME ((guint32) 256 * 1024 * 1024)

gboolean
ba_frame_ready (const ba_frame_in *in)
{
    gsize have = in->buf->len - in->used;
    guint32 len;

    if (in->fd < 0 || in->eof)
        return TRUE;
    if (have < 4)
        return FALSE;
    memcpy (&len, in->buf->data + in->used, 4);
    return len > MAX_FRAME || have - 4 >= len;
}

void
ba_frame_fill (ba_frame_in *in)
{
    guint8 chunk[65536];
    ssize_t n;

    if (in->fd < 0 || in->eof)
        return;
    do
        n = read (in->fd, chunk, sizeof chunk);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        in->eof = TRUE;
    else
        g_byte_array_append (in->buf, chunk, (guint) n);
}

const guint8 *
ba_frame_next (ba_frame_in *in, guint32 *len)
{
    guint8 chunk[65536];

    *len = 0;
    if (in->used > 0 && in->used == in->buf->len) {
        g_byte_array_set_size (in->buf, 0);
        in->used = 0;
    } else if (in->used > sizeof chunk) {
        g_byte_array_remove_range (in->buf, 0, (guint) in->used);
        in->used = 0;
    }
    for (;;) {
        gsize have = in->buf->len - in->used;
        ssize_t n;
        if (have >= 4) {
            memcpy (len, in->buf->data + in->used, 4);
            if (*len > MAX_FRAME)
                return NULL;
            if (have - 4 >= *len) {
                const guint8 *frame = in->buf->data + in->used + 4;
                in->used += 4 + (gsize) *len;
                return frame;
            }
        }
        if (in->fd < 0 || in->eof)
            return NULL;
        do
            n = read (in->fd, chunk, sizeof chunk);
        while (n < 0 && errno == EINTR);
        if (n <= 0) {
            *len = 0;
            return NULL;
        }
        g_byte_array_append (in->buf, chunk, (guint) n);
    }
}

void
ba_worker_note_doing (ba_worker_doing *doing, const ba_input *in)
{
    gsize n = in->source ? strlen (in->source) : 0;
    memcpy (doing->source, in->source ? in->source : "", MIN (n, sizeof doing->source));
    if (n < sizeof doing->source)
        doing->source[n] = '\0';
    doing->offset = in->offset;
}

void
ba_parallel_worker_run (const ba_ruleset *set, const char *path, guint index, guint workers, int fd,
                        ba_worker_doing *doing)
{
    ba_reader *reader;
    ba_context *ctx;
    GByteArray *out = g_byte_array_new ();
    gboolean more = TRUE;

    ba_worker_detach ();
    reader = ba_reader_open (path);
    ctx = ba_context_new (set);
    ba_reader_set_share (reader, index, workers);
    while (more) {
        ba_input in;
        GError *err = NULL;
        ba_report *rep = NULL;
        ba_read_status rs = ba_reader_next (reader, &in, &err);

        if (rs == BA_READ_MESSAGE) {
            ba_worker_note_doing (doing, &in);
            rep = ba_analyze_message (ctx, in.message, in.source, in.offset);
        }
        ba_parallel_put_result (out, ba_reader_unit (reader), rs, &in, err, rep, NULL);
        ba_report_free (rep);
        g_clear_error (&err);
        more = rs != BA_READ_END && ba_write_all (fd, out->data, out->len);
        if (rs == BA_READ_END)
            ba_write_all (fd, out->data, out->len);
    }
    _exit (0);
}

void
ba_parallel_put_result (GByteArray *out, guint64 unit, ba_read_status status, const ba_input *in,
                        const GError *error, const ba_report *rep, const ba_content_ids *ids)
{
    guint32 len;

    g_byte_array_set_size (out, 4);
    ba_wire_put_i64 (out, (gint64) unit);
    ba_wire_put_u32 (out, (guint32) status);
    ba_wire_put_string (out, in->source);
    ba_wire_put_i64 (out, in->offset);
    ba_wire_put_i64 (out, in->size);
    ba_wire_put_string (out, error ? g_quark_to_string (error->domain) : NULL);
    ba_wire_put_i64 (out, error ? error->code : 0);
    ba_wire_put_string (out, error ? error->message : NULL);
    ba_wire_put_u32 (out, rep != NULL);
    if (rep)
        ba_wire_put_report (out, rep);
    ba_wire_put_u32 (out, ids != NULL);
    if (ids) {
        ba_wire_put_string (out, ids->hash);
        ba_wire_put_string (out, ids->key);
        ba_wire_put_string (out, ids->message_id);
    }
    len = out->len - 4;
    memcpy (out->data, &len, 4);
}

void
ba_result_free (ba_result *res)
{
    if (!res)
        return;
    g_free (res->source);
    g_clear_error (&res->error);
    ba_report_free (res->report);
    g_free (res->hash);
    g_free (res->key);
    g_free (res->message_id);
    g_free (res);
}

ba_result *
ba_result_decode (const guint8 *data, gsize len)
{
    ba_wire_reader r = { data, data + len, FALSE };
    ba_result *res = g_new0 (ba_result, 1);
    char *domain, *message;
    gint64 code;

    res->unit = (guint64) ba_wire_get_i64 (&r);
    res->status = (ba_read_status) ba_wire_get_u32 (&r);
    res->source = ba_wire_get_string (&r);
    res->offset = ba_wire_get_i64 (&r);
    res->size = ba_wire_get_i64 (&r);
    domain = ba_wire_get_string (&r);
    code = ba_wire_get_i64 (&r);
    message = ba_wire_get_string (&r);
    if (domain)
        res->error = g_error_new_literal (g_quark_from_string (domain), (gint) code, message ? message : "");
    g_free (domain);
    g_free (message);
    if (ba_wire_get_u32 (&r))
        res->report = ba_wire_get_report (&r);
    if ((res->has_ids = ba_wire_get_u32 (&r) != 0)) {
        res->hash = ba_wire_get_string (&r);
        res->key = ba_wire_get_string (&r);
        res->message_id = ba_wire_get_string (&r);
    }
    if (r.bad || r.p != r.end || res->status > BA_READ_INCOMPLETE) {
        ba_result_free (res);
        return NULL;
    }
    return res;
}

void
ba_frames_fill (ba_frame_in **ins, guint n, ba_frame_in *want)
{
    struct pollfd fds[n + 1];
    int ready;

    for (guint i = 0; i < n; i++) {
        fds[i].fd = ins[i]->fd;
        fds[i].events = POLLIN;
        fds[i].revents = 0;
    }
    do
        ready = poll (fds, n, -1);
    while (ready < 0 && errno == EINTR);
    if (ready < 0) {
        want->eof = TRUE;       /* found out as a dead worker */
        return;
    }
    for (guint i = 0; i < n; i++)
        if (fds[i].revents)
            ba_frame_fill (ins[i]);
}

char *
ba_worker_death (pid_t *pid, guint index, guint n, const char *doing)
{
    int st = 0;
    pid_t got;

    do
        got = *pid > 0 ? waitpid (*pid, &st, 0) : -1;
    while (got < 0 && errno == EINTR);
    *pid = 0;
    if (got > 0 && WIFSIGNALED (st))
        return g_strdup_printf ("analysis stopped: worker process %u of %u was killed by signal %d (%s) "
                                "while %s this message", index, n, WTERMSIG (st), g_strsignal (WTERMSIG (st)),
                                doing);
    if (got > 0 && WIFEXITED (st))
        return g_strdup_printf ("analysis stopped: worker process %u of %u exited (status %d) "
                                "while %s this message", index, n, WEXITSTATUS (st), doing);
    return g_strdup_printf ("analysis stopped: worker process %u of %u could not be started or sent "
                            "a broken result", index, n);
}
