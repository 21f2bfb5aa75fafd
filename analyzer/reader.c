/* reader.c - the read stage: turn a path (message file, directory tree,
 * Maildir, mbox, or "-") into a stream of parsed messages, each with its
 * origin.  Files are opened read-only and never written.  An mbox is read
 * by GMime's parser in mbox mode, one message at a time, so memory does
 * not grow with the mailbox. */
#define _GNU_SOURCE            /* O_NOATIME */
#include "bounce-analyzer.h"
#include "capstream.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- a filter for mailboxes written with bare CR line ends -------------- */

/* Old Mac mail stores use CR alone.  Such a file has no LF at all, so
 * mapping every CR to LF is exact and keeps byte offsets. */
typedef struct { GMimeFilter parent; } BaFilterCr;
typedef struct { GMimeFilterClass parent_class; } BaFilterCrClass;
GType ba_filter_cr_get_type (void);
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

/* ---- the reader --------------------------------------------------------- */

struct ba_reader {
    char *path;
    GPtrArray *todo;            /* stack of paths still to visit */
    gboolean started;
    int stdin_fd;               /* temp copy of standard input, or -1 */
    ba_reader_hooks hooks;
    GHashTable *seen;           /* device -> set of inodes: every directory and file visited */
    gboolean stdin_cut;         /* standard input was longer than BA_MAX_STDIN */
    gint64 stdin_kept;          /* then: the bytes of it read (whole mbox messages) */
    gboolean stdin_reported;

    /* the file being read */
    char *source;
    GMimeStream *stream;
    GMimeParser *parser;
    gboolean mbox;
    gboolean done_file;
    GMimeStream *cap;           /* the header-capping stream the parser reads (in @stream) */
    gint64 start;               /* where in the file the parser started */
    gint64 parser_base;         /* the parser's offset for that start */
    int fd;                     /* the file's descriptor, owned by @stream */
    gint64 end;                 /* read no further than this, or -1 */
    gboolean cr_only;           /* bare-CR line ends: the CR filter is on */
    GMimeMessage *message;      /* handed out, freed on the next call */
};

ba_reader *
ba_reader_open (const char *path)
{
    ba_reader *r = g_new0 (ba_reader, 1);
    r->path = g_strdup (path);
    r->todo = g_ptr_array_new_with_free_func (g_free);
    r->seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                     (GDestroyNotify) g_hash_table_unref);
    r->stdin_fd = -1;
    return r;
}

static void
close_file (ba_reader *r)
{
    g_clear_object (&r->parser);
    g_clear_object (&r->stream);
    g_clear_pointer (&r->source, g_free);
    r->mbox = FALSE;
    r->done_file = FALSE;
    r->cap = NULL;
}

void
ba_reader_free (ba_reader *r)
{
    if (!r)
        return;
    g_clear_object (&r->message);
    close_file (r);
    if (r->stdin_fd >= 0)
        close (r->stdin_fd);
    g_ptr_array_unref (r->todo);
    g_hash_table_unref (r->seen);
    g_free (r->path);
    g_free (r);
}

void
ba_reader_set_hooks (ba_reader *r, const ba_reader_hooks *hooks)
{
    r->hooks = *hooks;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

static gboolean
is_dir (const char *path)
{
    struct stat st;
    return stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

static gboolean
is_maildir (const char *path)
{
    char *cur = g_build_filename (path, "cur", NULL);
    char *new = g_build_filename (path, "new", NULL);
    gboolean yes = is_dir (cur) && is_dir (new);
    g_free (cur);
    g_free (new);
    return yes;
}

/* Is @path a file in the cur/ or new/ folder of a Maildir? */
static gboolean
in_maildir_folder (const char *path)
{
    char *dir = g_path_get_dirname (path);
    char *sub = g_path_get_basename (dir);
    char *folder = g_path_get_dirname (dir);
    gboolean yes = (!strcmp (sub, "cur") || !strcmp (sub, "new")) && is_maildir (folder);
    g_free (dir);
    g_free (sub);
    g_free (folder);
    return yes;
}

/* Push a directory's entries so that they come out in name order.  In a
 * Maildir only cur/, new/ and Maildir++ subfolders hold mail. */
static gboolean
push_directory (ba_reader *r, const char *dir, GError **error)
{
    GDir *d = g_dir_open (dir, 0, error);
    GPtrArray *names;
    const char *name;
    gboolean maildir;

    if (!d)
        return FALSE;
    maildir = is_maildir (dir);
    names = g_ptr_array_new_with_free_func (g_free);
    while ((name = g_dir_read_name (d))) {
        char *full = g_build_filename (dir, name, NULL);
        gboolean sub = is_dir (full);
        gboolean keep;
        if (maildir)
            keep = sub && (!strcmp (name, "cur") || !strcmp (name, "new")
                           || (name[0] == '.' && is_maildir (full)));
        else
            keep = name[0] != '.' || (sub && is_maildir (full));
        if (keep)
            g_ptr_array_add (names, g_strdup (name));
        g_free (full);
    }
    g_dir_close (d);
    g_ptr_array_sort (names, compare_names);
    for (guint i = names->len; i > 0; i--)
        g_ptr_array_add (r->todo, g_build_filename (dir, g_ptr_array_index (names, i - 1), NULL));
    g_ptr_array_unref (names);
    return TRUE;
}

/* Standard input is copied to an unlinked temporary file (in $TMPDIR):
 * reading it then works like a file (seekable, with offsets) at no memory
 * cost.  At most BA_MAX_STDIN bytes are copied; *@cut says there was more. */
static int
spool_stdin (gboolean *cut, GError **error)
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
static gboolean
is_from_line (int fd, gint64 offset)
{
    char buf[6];
    if (offset <= 0)
        return FALSE;
    if (pread (fd, buf, sizeof buf, offset - 1) != (ssize_t) sizeof buf)
        return FALSE;
    return (buf[0] == '\n' || buf[0] == '\r') && memcmp (buf + 1, "From ", 5) == 0;
}

/* Parse the current file from byte @start (@fd becomes the stream's).
 * The parser reads through the capping stream, which cuts overlong
 * headers and lines; offsets are mapped back through it. */
static void
start_parser (ba_reader *r, int fd, gint64 start)
{
    GMimeStream *fs = g_mime_stream_fs_new_with_bounds (fd, start, r->end);
    GMimeStream *cap;

    g_mime_stream_fs_set_owner (GMIME_STREAM_FS (fs), TRUE);
    if (r->cr_only) {
        /* a filter stream cannot tell its position: the parser then
         * counts from -1 and loads part contents itself */
        GMimeStream *filtered = g_mime_stream_filter_new (fs);
        GMimeFilter *f = g_object_new (ba_filter_cr_get_type (), NULL);
        g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), f);
        g_object_unref (f);
        g_object_unref (fs);
        fs = filtered;
    }
    cap = ba_cap_stream_new (fs);
    g_object_unref (fs);
    g_clear_object (&r->parser);
    g_clear_object (&r->stream);
    r->stream = cap;
    r->cap = cap;
    r->start = start;
    r->parser = g_mime_parser_new_with_stream (cap);
    r->parser_base = g_mime_stream_tell (cap);
    g_mime_parser_set_format (r->parser, r->mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
}

/* The file offset of parser offset @p. */
static gint64
file_offset (ba_reader *r, gint64 p)
{
    return r->start + ba_cap_stream_to_source (r->cap, p - r->parser_base);
}

/* After a message GMime could not parse (an unquoted "From " line in a
 * body cuts a message in two), go on at the next From_ line rather than
 * give up the rest of the mailbox.  FALSE when there is none. */
static gboolean
resync_mbox (ba_reader *r, gint64 after)
{
    char buf[4096];            /* the next From_ line is usually near: read little */
    gint64 pos = after + 1;

    while (r->end < 0 || pos < r->end) {
        ssize_t n = pread (r->fd, buf, sizeof buf, pos);
        if (n <= 6)
            return FALSE;
        for (ssize_t i = 0; i + 5 < n; i++) {
            if ((buf[i] == '\n' || buf[i] == '\r') && memcmp (buf + i + 1, "From ", 5) == 0) {
                gint64 at = pos + i + 1;
                int fd2;
                if (r->end >= 0 && at >= r->end)
                    return FALSE;
                fd2 = dup (r->fd);
                if (fd2 < 0)
                    return FALSE;
                r->fd = fd2;
                start_parser (r, fd2, at);
                return TRUE;
            }
        }
        pos += n - 5;
    }
    return FALSE;
}

/* Open one file: sniff whether it is an mbox and whether it uses bare CR. */
static gboolean
open_file (ba_reader *r, const char *source, int fd, GError **error)
{
    char head[4096];
    ssize_t n;
    gboolean has_lf, has_cr;
    struct stat st;
    gint64 start = 0, end = -1;

    /* Read no further than the size now: a message being appended while
     * we read is left for the next run rather than taken half-written. */
    if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
        end = st.st_size;
    n = pread (fd, head, sizeof head, 0);
    if (n < 0) {
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                     "%s", g_strerror (errno));
        close (fd);
        return FALSE;
    }
    if (n == 0) {
        close (fd);
        r->source = g_strdup (source);
        r->done_file = TRUE;    /* empty: nothing to read, nothing wrong */
        return TRUE;
    }
    has_lf = memchr (head, '\n', n) != NULL;
    has_cr = memchr (head, '\r', n) != NULL;
    r->mbox = n >= 5 && memcmp (head, "From ", 5) == 0;
    if (r->mbox && in_maildir_folder (source)) {
        /* one message, with the From_ line some MDAs write first */
        const char *eol = memchr (head, '\n', n);
        r->mbox = FALSE;
        start = eol ? eol - head + 1 : 0;
    }

    if (r->hooks.file_opened) {
        gint64 want = r->hooks.file_opened (r->hooks.data, source, fd, end >= 0 ? end : n, r->mbox);
        if (r->mbox && end >= 0 && want == end) {
            close (fd);
            r->source = g_strdup (source);
            r->done_file = TRUE;    /* nothing new since last time */
            return TRUE;
        }
        if (r->mbox && want > 0 && (end < 0 || want < end) && is_from_line (fd, want))
            start = want;
    }

    r->source = g_strdup (source);
    r->fd = fd;
    r->end = end;
    r->cr_only = has_cr && !has_lf;
    start_parser (r, fd, start);
    return TRUE;
}

/* Has the file or directory of @st been visited already?  (Marks it.)
 * An inode is kept in the pointer itself where it fits, so a tree of a
 * million files costs some 24 bytes a file. */
static gboolean
seen_before (ba_reader *r, const struct stat *st)
{
    gint64 dev = (gint64) st->st_dev;
    GHashTable *inodes = g_hash_table_lookup (r->seen, &dev);

    if (!inodes) {
#if GLIB_SIZEOF_VOID_P >= 8
        inodes = g_hash_table_new (g_direct_hash, g_direct_equal);
#else
        inodes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
#endif
        g_hash_table_insert (r->seen, g_memdup2 (&dev, sizeof dev), inodes);
    }
#if GLIB_SIZEOF_VOID_P >= 8
    {
        gpointer key = GSIZE_TO_POINTER ((gsize) st->st_ino);
        if (g_hash_table_contains (inodes, key))
            return TRUE;
        g_hash_table_add (inodes, key);
    }
#else
    {
        gint64 ino = (gint64) st->st_ino;
        if (g_hash_table_contains (inodes, &ino))
            return TRUE;
        g_hash_table_add (inodes, g_memdup2 (&ino, sizeof ino));
    }
#endif
    return FALSE;
}

static const char *
file_kind (mode_t mode)
{
    if (S_ISFIFO (mode))
        return "a FIFO";
    if (S_ISSOCK (mode))
        return "a socket";
    if (S_ISCHR (mode))
        return "a character device";
    if (S_ISBLK (mode))
        return "a block device";
    return "not a regular file";
}

static void
set_skipped (GError **error, mode_t mode)
{
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 "%s, not a regular file or directory: skipped", file_kind (mode));
}

/* Open @path for reading without blocking (a FIFO swapped in after the
 * stat would block) and without changing its access time where the
 * kernel lets us.  *@skipped is set when it is not a regular file. */
static gboolean
open_path (ba_reader *r, const char *path, gboolean *skipped, GError **error)
{
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    struct stat st;
    int fd;

#ifdef O_NOATIME
    fd = open (path, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM)       /* O_NOATIME needs the file's owner */
        fd = open (path, flags);
#else
    fd = open (path, flags);
#endif
    if (fd < 0) {
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                     "%s", g_strerror (errno));
        return FALSE;
    }
    if (fstat (fd, &st) != 0) {
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                     "%s", g_strerror (errno));
        close (fd);
        return FALSE;
    }
    if (!S_ISREG (st.st_mode)) {
        *skipped = TRUE;
        set_skipped (error, st.st_mode);
        close (fd);
        return FALSE;
    }
    fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
    return open_file (r, path, fd, error);
}

/* The offset of the first From_ line at or after @from, or -1. */
static gint64
next_from_line (ba_reader *r, gint64 from)
{
    char buf[4096];            /* the next From_ line is usually near: read little */
    gint64 pos = from;

    if (pos == 0) {
        char head[5];
        if (pread (r->fd, head, 5, 0) == 5 && !memcmp (head, "From ", 5))
            return 0;
    }
    while (r->end < 0 || pos < r->end) {
        ssize_t n = pread (r->fd, buf, sizeof buf, pos);
        if (n <= 6)
            return -1;
        for (ssize_t i = 0; i + 5 < n; i++)
            if ((buf[i] == '\n' || buf[i] == '\r') && memcmp (buf + i + 1, "From ", 5) == 0)
                return pos + i + 1;
        pos += n - 5;
    }
    return -1;
}

/* Read the next message of the open file. */
static ba_read_status
next_in_file (ba_reader *r, ba_input *input, GError **error)
{
    gint64 before = file_offset (r, g_mime_parser_tell (r->parser));
    GMimeMessage *m;
    gint64 offset, after, parsed;
    GPtrArray *cuts;

    m = g_mime_parser_construct_message (r->parser, NULL);
    offset = r->mbox ? file_offset (r, g_mime_parser_get_mbox_marker_offset (r->parser)) : -1;
    parsed = g_mime_parser_tell (r->parser);
    after = file_offset (r, parsed);
    /* what was cut while reading this message (the parser may have read on) */
    cuts = ba_cap_stream_take_warnings (r->cap, r->mbox ? parsed - r->parser_base : G_MAXINT64);
    if (m && cuts)
        g_object_set_data_full (G_OBJECT (m), BA_READ_WARNINGS, cuts, (GDestroyNotify) g_ptr_array_unref);
    else if (cuts)
        g_ptr_array_unref (cuts);
    if (!r->mbox)
        r->done_file = TRUE;
    input->source = r->source;
    input->offset = offset;
    if (!m) {
        if (!r->mbox) {
            g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "not a valid message");
            return BA_READ_ERROR;
        }
        /* the parser's marker is still the previous message's: find this one's */
        gint64 at = next_from_line (r, MAX (before - 1, 0));
        if (at >= 0)
            input->offset = offset = at;
        if (!resync_mbox (r, MAX (offset, before))) {
            /* the last message: a From_ line with nothing (yet) after it */
            r->done_file = TRUE;
            g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                         "the last mbox message is not yet complete: left for the next run");
            return BA_READ_INCOMPLETE;
        }
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "not a valid mbox message");
        return BA_READ_ERROR;
    }
    r->message = m;
    input->message = m;
    input->size = after > before ? after - before : -1;
    return BA_READ_MESSAGE;
}

/* The offset of the last From_ line of @fd before @end, or 0. */
static gint64
last_from_line (int fd, gint64 end)
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

/* Open standard input (spooled); FALSE with @error set when it cannot be.
 * When it was cut at the cap, only its whole mbox messages are read: a
 * message cut short would be analysed wrong. */
static gboolean
open_stdin (ba_reader *r, GError **error)
{
    r->stdin_fd = spool_stdin (&r->stdin_cut, error);
    if (r->stdin_fd < 0)
        return FALSE;
    if (r->stdin_cut) {
        char head[5];
        gboolean mbox = pread (r->stdin_fd, head, 5, 0) == 5 && !memcmp (head, "From ", 5);
        r->stdin_kept = mbox ? last_from_line (r->stdin_fd, BA_MAX_STDIN) : 0;
        if (ftruncate (r->stdin_fd, r->stdin_kept) != 0)
            r->stdin_kept = BA_MAX_STDIN;
    }
    return open_file (r, "-", dup (r->stdin_fd), error);
}

/* Visit @path (owned): a directory is pushed, a regular file opened,
 * anything else skipped with a warning. */
static ba_read_status
visit (ba_reader *r, char *path, ba_input *input, GError **error)
{
    struct stat st;
    gboolean skipped = FALSE, ok;

    if (stat (path, &st) != 0) {
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                     "%s", g_strerror (errno));
        ok = FALSE;
    } else if (S_ISDIR (st.st_mode)) {
        /* a symbolic link back up the tree leads to a directory already seen */
        ok = seen_before (r, &st) || push_directory (r, path, error);
    } else if (!S_ISREG (st.st_mode)) {
        set_skipped (error, st.st_mode);
        skipped = TRUE;
        ok = FALSE;
    } else if (seen_before (r, &st)
               || (r->hooks.want_file && !r->hooks.want_file (r->hooks.data, path))) {
        ok = TRUE;
    } else {
        ok = open_path (r, path, &skipped, error);
    }
    if (!ok) {
        /* keep the path alive for the caller until the next call */
        close_file (r);
        r->source = path;
        input->source = r->source;
        return skipped ? BA_READ_SKIPPED : BA_READ_ERROR;
    }
    g_free (path);
    return BA_READ_MESSAGE;     /* meaning: go on */
}

ba_read_status
ba_reader_next (ba_reader *r, ba_input *input, GError **error)
{
    g_clear_object (&r->message);
    memset (input, 0, sizeof *input);
    input->offset = -1;
    input->size = -1;

    for (;;) {
        if (r->parser && !r->done_file) {
            if (g_mime_parser_eos (r->parser)) {
                close_file (r);
                continue;
            }
            return next_in_file (r, input, error);
        }
        if (r->source) {
            close_file (r);
            continue;
        }
        if (r->stdin_cut && !r->stdin_reported) {
            r->stdin_reported = TRUE;
            input->source = "-";
            g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
                         "standard input is longer than %" G_GINT64_FORMAT " bytes (%" G_GINT64_FORMAT
                         " MiB): not read from byte %" G_GINT64_FORMAT " on",
                         BA_MAX_STDIN, BA_MAX_STDIN >> 20, r->stdin_kept);
            return BA_READ_ERROR;
        }

        if (!r->started) {
            r->started = TRUE;
            if (!strcmp (r->path, "-")) {
                if (!open_stdin (r, error)) {
                    input->source = "-";
                    return BA_READ_ERROR;
                }
                continue;
            }
            g_ptr_array_add (r->todo, g_strdup (r->path));
        }
        if (r->todo->len == 0)
            return BA_READ_END;

        ba_read_status st = visit (r, g_ptr_array_steal_index (r->todo, r->todo->len - 1),
                                   input, error);
        if (st != BA_READ_MESSAGE)
            return st;
    }
}

void
ba_init (void)
{
    static gsize once = 0;
    if (g_once_init_enter (&once)) {
        g_mime_init ();
        g_once_init_leave (&once, 1);
    }
}
