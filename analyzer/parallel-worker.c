/* parallel-worker.c - see parallel-worker.h. */
#define _GNU_SOURCE
#include "parallel-worker.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* Write all of @data to @fd; FALSE when the caller has gone. */
static gboolean
write_all (int fd, const guint8 *data, gsize len)
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

static void
note_doing (ba_worker_doing *doing, const ba_input *in)
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
    pid_t parent = getppid ();
    ba_reader *reader;
    ba_context *ctx;
    GByteArray *out = g_byte_array_new ();
    gboolean more = TRUE;

    /* the caller's death or Ctrl-C ends the worker too */
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    if (getppid () != parent)
        _exit (0);
    signal (SIGINT, SIG_DFL);
    signal (SIGTERM, SIG_DFL);
    reader = ba_reader_open (path);
    ctx = ba_context_new (set);
    ba_reader_set_share (reader, index, workers);
    while (more) {
        ba_input in;
        GError *err = NULL;
        ba_report *rep = NULL;
        ba_read_status rs = ba_reader_next (reader, &in, &err);

        if (rs == BA_READ_MESSAGE) {
            note_doing (doing, &in);
            rep = ba_analyze_message (ctx, in.message, in.source, in.offset);
        }
        ba_parallel_put_result (out, ba_reader_unit (reader), rs, &in, err, rep);
        ba_report_free (rep);
        g_clear_error (&err);
        more = rs != BA_READ_END && write_all (fd, out->data, out->len);
        if (rs == BA_READ_END)
            write_all (fd, out->data, out->len);
    }
    _exit (0);
}
