/* reader-file.c - the reader's file-level helpers (see reader-private.h):
 * the bare-CR filter, standard input's spool, From_ line look-ups. */
#include "reader-private.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* ---- a filter for mailboxes written with bare CR line ends -------------- */

/* Old Mac mail stores use CR alone.  Such a file has no LF at all, so
 * mapping every CR to LF is exact and keeps byte offsets. */
typedef struct { GMimeFilter parent; } BaFilterCr;
typedef struct { GMimeFilterClass parent_class; } BaFilterCrClass;
G_DEFINE_TYPE (BaFilterCr, ba_filter_cr, GMIME_TYPE_FILTER)

static GMimeFilter *
cr_copy (GMimeFilter *f)
{
    (void) f;
    return g_object_new (ba_filter_cr_get_type (), NULL);
}

static void
cr_filter (GMimeFilter *f, char *in, size_t len, size_t prespace,
           char **out, size_t *outlen, size_t *outprespace)
{
    (void) prespace;
    g_mime_filter_set_size (f, len, FALSE);
    for (size_t i = 0; i < len; i++)
        f->outbuf[i] = in[i] == '\r' ? '\n' : in[i];
    *out = f->outbuf;
    *outlen = len;
    *outprespace = f->outpre;
}

static void
cr_reset (GMimeFilter *f)
{
    (void) f;
}

static void
ba_filter_cr_class_init (BaFilterCrClass *klass)
{
    GMimeFilterClass *fc = GMIME_FILTER_CLASS (klass);
    fc->copy = cr_copy;
    fc->filter = cr_filter;
    fc->complete = cr_filter;
    fc->reset = cr_reset;
}

static void
ba_filter_cr_init (BaFilterCr *self)
{
    (void) self;
}

/* Standard input is copied to an unlinked temporary file (in $TMPDIR):
 * reading it then works like a file (seekable, with offsets) at no memory
 * cost.  At most BA_MAX_STDIN bytes are copied; *@cut says there was more. */
int
ba_reader_spool_stdin (gboolean *cut, GError **error)
{
    char *tmpl = NULL;
    int fd = g_file_open_tmp ("bounce-analyzer-stdin-XXXXXX", &tmpl, error);
    char buf[65536];
    ssize_t n;
    gint64 total = 0;

    *cut = FALSE;
    if (fd < 0)
        return -1;
    unlink (tmpl);
    g_free (tmpl);
    while ((n = read (0, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                         "reading standard input: %s", g_strerror (errno));
            close (fd);
            return -1;
        }
        if (total + n > BA_MAX_STDIN) {
            n = BA_MAX_STDIN - total;
            *cut = TRUE;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write (fd, buf + off, n - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                             "spooling standard input: %s", g_strerror (errno));
                close (fd);
                return -1;
            }
            off += w;
        }
        total += n;
        if (*cut)
            break;
    }
    lseek (fd, 0, SEEK_SET);
    return fd;
}

/* Is @offset of @fd the start of a From_ line? */
gboolean
ba_reader_is_from_line (int fd, gint64 offset)
{
    char buf[6];
    if (offset <= 0)
        return FALSE;
    if (pread (fd, buf, sizeof buf, offset - 1) != (ssize_t) sizeof buf)
        return FALSE;
    return (buf[0] == '\n' || buf[0] == '\r') && memcmp (buf + 1, "From ", 5) == 0;
}

/* Where the chunk of an mbox that begins at @from ends: the first From_
 * line after a blank line at least SHARE_CHUNK bytes on (every mbox parser
 * starts a message there), or @end. */
gint64
ba_reader_chunk_end_after (int fd, gint64 from, gint64 end)
{
    char buf[4096];
    gint64 pos = from + SHARE_CHUNK;

    while (pos < end) {
        ssize_t n = pread (fd, buf, MIN ((gint64) sizeof buf, end - pos), pos);
        if (n <= 7)
            return end;
        for (ssize_t i = 0; i + 7 <= n; i++)
            if (buf[i] == '\n' && buf[i + 1] == '\n' && memcmp (buf + i + 2, "From ", 5) == 0)
                return pos + i + 2;
        pos += n - 6;
    }
    return end;
}

/* The offset of the last From_ line of @fd before @end, or 0. */
gint64
ba_reader_last_from_line (int fd, gint64 end)
{
    char buf[65536];
    gint64 pos = end;

    while (pos > 0) {
        gint64 from = MAX (pos - (gint64) sizeof buf, 0);
        ssize_t n = pread (fd, buf, pos - from, from);
        if (n <= 0)
            return 0;
        for (ssize_t i = n - 6; i >= 0; i--)
            if ((buf[i] == '\n' || buf[i] == '\r') && !memcmp (buf + i + 1, "From ", 5))
                return from + i + 1;
        if (from == 0)
            return 0;
        pos = from + 5;         /* a From_ line across the chunk border is seen next time */
    }
    return 0;
}
