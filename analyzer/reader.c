/* reader.c - the read stage: turn a path (message file, directory tree,
 * Maildir, mbox, or "-") into a stream of parsed messages, each with its
 * origin.  Files are opened read-only and never written.  An mbox is read
 * by GMime's parser in mbox mode, one message at a time, so memory does
 * not grow with the mailbox. */
#define _GNU_SOURCE            /* O_NOATIME */
#include "bounce-analyzer.h"
#include "capstream.h"
#include "reader-private.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BA_WITH_LSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(BA_WITH_LSAN)
#include <sanitizer/lsan_interface.h>
#define BA_LSAN_DISABLE() __lsan_disable ()
#define BA_LSAN_ENABLE() __lsan_enable ()
#else
#define BA_LSAN_DISABLE() ((void) 0)
#define BA_LSAN_ENABLE() ((void) 0)
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

    /* sharing the input among workers (ba_reader_set_share); workers 0: no sharing */
    guint share_worker, share_workers;
    guint64 next_unit;          /* units numbered in input order: a file, or a chunk of a big mbox */
    guint64 unit;               /* the unit of the last result */
    gint64 file_end;            /* when reading an mbox by chunks: the file's end (r->end is the chunk's) */
    gboolean chunk_over;        /* the chunk's last message was bad: on to the next chunk */
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
    r->file_end = -1;
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
    r->file_end = -1;
    r->chunk_over = FALSE;
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

void
ba_reader_set_share (ba_reader *r, guint worker, guint workers)
{
    r->share_worker = worker;
    r->share_workers = workers > 1 ? workers : 0;
}

guint64
ba_reader_unit (const ba_reader *r)
{
    return r->unit;
}

static gboolean
unit_owned (const ba_reader *r, guint64 unit)
{
    return !r->share_workers || unit % r->share_workers == r->share_worker;
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


/* Go to the next chunk of the mbox, at @r->end, that this worker owns;
 * FALSE when the file has none left.  @first: the chunk at @start,
 * numbered with the file's own unit. */
static gboolean
next_owned_chunk (ba_reader *r, int fd, gint64 start, gboolean first)
{
    for (;;) {
        gint64 end = ba_reader_chunk_end_after (fd, start, r->file_end);
        if (!first)
            r->unit = r->next_unit++;
        first = FALSE;
        if (unit_owned (r, r->unit)) {
            r->end = end;
            start_parser (r, fd, start);
            return TRUE;
        }
        if (end >= r->file_end)
            return FALSE;
        start = end;
    }
}

/* At the end of a chunk, the next one this worker owns; FALSE at the file's end. */
static gboolean
chunk_done (ba_reader *r)
{
    int fd2;
    if (r->file_end < 0 || r->end < 0 || r->end >= r->file_end)
        return FALSE;
    fd2 = dup (r->fd);
    if (fd2 < 0)
        return FALSE;
    r->fd = fd2;
    if (next_owned_chunk (r, fd2, r->end, FALSE))
        return TRUE;
    close (fd2);
    g_clear_object (&r->parser);
    g_clear_object (&r->stream);
    r->cap = NULL;
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
        if (r->mbox && want > 0 && (end < 0 || want < end) && ba_reader_is_from_line (fd, want))
            start = want;
    }

    r->source = g_strdup (source);
    r->fd = fd;
    r->end = end;
    r->cr_only = has_cr && !has_lf;
    if (r->share_workers && r->mbox && !r->cr_only && end >= 0) {
        r->file_end = end;
        if (!next_owned_chunk (r, fd, start, TRUE)) {
            close (fd);
            r->done_file = TRUE;    /* no chunk of it is this worker's */
        }
        return TRUE;
    }
    if (!unit_owned (r, r->unit)) {
        close (fd);
        r->done_file = TRUE;
        return TRUE;
    }
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

int
ba_open_input (const char *path)
{
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    int fd;

#ifdef O_NOATIME
    fd = open (path, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM)       /* O_NOATIME needs the file's owner */
        fd = open (path, flags);
#else
    fd = open (path, flags);
#endif
    return fd;
}

/* Open @path for reading (ba_open_input); *@skipped is set when it is not
 * a regular file. */
static gboolean
open_path (ba_reader *r, const char *path, gboolean *skipped, GError **error)
{
    struct stat st;
    int fd = ba_open_input (path);

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
        gboolean resynced = resync_mbox (r, MAX (offset, before));
        if (!resynced && r->file_end >= 0 && r->end < r->file_end) {
            /* a chunk's last message: the next chunk begins at a From_ line
             * (gone to on the next call, so this error keeps its unit) */
            r->chunk_over = TRUE;
        } else if (!resynced) {
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


/* Open standard input (spooled); FALSE with @error set when it cannot be.
 * When it was cut at the cap, only its whole mbox messages are read: a
 * message cut short would be analysed wrong. */
static gboolean
open_stdin (ba_reader *r, GError **error)
{
    r->stdin_fd = ba_reader_spool_stdin (&r->stdin_cut, error);
    if (r->stdin_fd < 0)
        return FALSE;
    if (r->stdin_cut) {
        char head[5];
        gboolean mbox = pread (r->stdin_fd, head, 5, 0) == 5 && !memcmp (head, "From ", 5);
        r->stdin_kept = mbox ? ba_reader_last_from_line (r->stdin_fd, BA_MAX_STDIN) : 0;
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
    gboolean owned;

    r->unit = r->next_unit++;
    owned = unit_owned (r, r->unit);
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
               || (!owned && st.st_size < SHARE_CHUNK)
               || (r->hooks.want_file && !r->hooks.want_file (r->hooks.data, path))) {
        /* (a file another worker reads alone is not even opened; a big one
         * may be an mbox, whose chunks are shared) */
        ok = TRUE;
    } else {
        ok = open_path (r, path, &skipped, error);
    }
    if (!ok && !owned) {
        /* its owner reports it */
        g_clear_error (error);
        g_free (path);
        return BA_READ_MESSAGE;
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
            if (r->chunk_over || g_mime_parser_eos (r->parser)) {
                r->chunk_over = FALSE;
                if (!chunk_done (r))
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
        /* GMime's registry drops, unfreed, the entries ba_original_register
         * replaces (16 bytes each, once): LeakSanitizer is not to count them */
        BA_LSAN_DISABLE ();
        g_mime_init ();
        BA_LSAN_ENABLE ();
        ba_original_register ();
        g_once_init_leave (&once, 1);
    }
}
