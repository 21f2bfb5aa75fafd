/* storage-ingest.c - ingest, the caller's side (see storage-ingest.h):
 * which files and mbox messages are new, where an mbox resumes, what is
 * queued for the writer; identities as storage-hash.c describes them. */
#include "storage-ingest.h"
#include "parallel-pool.h"
#include "parallel-worker.h"
#include "emit.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Each commit rewrites every index page its batch touched, and the keys
 * of identities and content keys are hashes, so spread over every page:
 * 2,000 a batch took a third less of the writer's time than 500 (README). */
#define DEFAULT_BATCH 2000
/* An mbox whose last message has no final newline and that changed this
 * recently is taken to be still being written. */
#define STILL_WRITING_SECONDS 60

#define RSTMT(ing, which, error) \
    ((ing)->reader ? ba_sql_cached ((ing)->reader, &(ing)->rstmt[which], read_sql[which], error) \
                   : (g_set_error_literal (error, BA_STORE_ERROR, BA_STORE_ERROR_SQL, \
                                           "no second connection to the database"), NULL))

static const char *const read_sql[N_READS] = {
    /* a message of schema 1 has no content key yet: read it once more */
    [R_FIND_LOCATION] =
        "SELECT l.message_id, l.source, l.mbox_offset, CASE WHEN m.content_key IS NULL THEN 1 ELSE 0 END"
        " FROM locations l JOIN messages m ON m.id = l.message_id WHERE l.key = ?",
    [R_AT_OFFSET] = "SELECT id, size, content_hash FROM messages WHERE mbox_offset = ? AND source = ?",
    [R_GET_SOURCE] =
        "SELECT size, resume_offset, last_message_offset, head_length, head_hash, tail_hash"
        " FROM sources WHERE path = ? AND host IN (?, '') ORDER BY host = '' LIMIT 1",
};

ba_ingest *
ba_ingest_new (ba_store *st, const ba_ruleset *set, guint batch)
{
    ba_ingest *ing = g_new0 (ba_ingest, 1);
    ing->st = st;
    ing->set = set;
    ing->ctx = ba_context_new (set);
    ing->now = ba_store_now_iso ();
    ing->host = g_strdup (g_get_host_name ());
    ing->batch_size = batch ? batch : DEFAULT_BATCH;
    ing->fd = -1;

    /* no second connection: the writer's error will tell */
    ing->reader = st->be->open_again (st, &ing->hook_error);
    ba_writer_start (ing);
    return ing;
}

void
ba_ingest_set_host (ba_ingest *ing, const char *host)
{
    g_free (ing->host);
    ing->host = g_strdup (host && *host ? host : g_get_host_name ());
}

static void
close_current (ba_ingest *ing)
{
    ba_shared_file_unref (ing->file);
    ing->file = NULL;
    ing->fd = -1;
    g_clear_pointer (&ing->path, g_free);
    g_clear_pointer (&ing->canon, g_free);
    g_clear_pointer (&ing->identity, g_free);
    g_clear_pointer (&ing->name, g_free);
    ing->mbox = FALSE;
    ing->progress_dirty = FALSE;
}

void
ba_ingest_free (ba_ingest *ing)
{
    if (!ing)
        return;
    ba_ingest_drop_deferred (ing);
    ba_writer_stop (ing, TRUE);
    ba_writer_clear (ing);
    for (int i = 0; i < N_READS; i++)
        g_clear_pointer (&ing->rstmt[i], ba_sql_finalize);
    if (ing->reader)
        ba_store_free (ing->reader);
    close_current (ing);
    g_free (ing->want_path);
    g_free (ing->want_canon);
    g_free (ing->want_identity);
    g_clear_error (&ing->hook_error);
    g_clear_error (&ing->werror);
    ba_context_free (ing->ctx);
    g_free (ing->now);
    g_free (ing->host);
    g_free (ing);
}

const ba_ingest_stats *
ba_ingest_get_stats (const ba_ingest *cing)
{
    ba_ingest *ing = (ba_ingest *) cing;
    g_mutex_lock (&ing->lock);
    ing->merged = ing->stats;
    ing->merged.stored = ing->wstats.stored;
    ing->merged.bounces = ing->wstats.bounces;
    ing->merged.recipients = ing->wstats.recipients;
    ing->merged.skipped += ing->wstats.skipped;
    ing->merged.relocated = ing->wstats.relocated;
    g_mutex_unlock (&ing->lock);
    return &ing->merged;
}

void
ba_ingest_set_observer (ba_ingest *ing, const ba_ingest_observer *observer)
{
    ing->observer = *observer;
}

gboolean
ba_ingest_check (ba_ingest *ing, GError **error)
{
    if (!ing->hook_error)
        return TRUE;
    g_propagate_error (error, ing->hook_error);
    ing->hook_error = NULL;
    return FALSE;
}

void
ba_ingest_count_error (ba_ingest *ing)
{
    ing->stats.errors++;
}

/* Queue how far the current mbox got (in the batch being written). */
static gboolean
flush_progress (ba_ingest *ing, GError **error)
{
    char tail[65] = "";
    gint64 from;
    op *o;

    if (!ing->progress_dirty || !ing->mbox || !ing->canon || !strcmp (ing->canon, "-"))
        return TRUE;
    from = MAX (0, ing->resume_offset - HEAD_BYTES);
    if (ing->fd < 0 || !ba_hash_range (ing->fd, from, ing->resume_offset - from, tail, 0, NULL))
        tail[0] = '\0';
    o = ba_op_new (OP_PROGRESS);
    o->source = g_strdup (ing->canon);
    o->size = ing->size;
    o->offset = ing->resume_offset;
    o->last = ing->last_offset;
    o->head_len = ing->head_length;
    o->head_hash = g_strdup (ing->head_hash);
    o->tail_hash = tail[0] ? g_strdup (tail) : NULL;
    ing->progress_dirty = FALSE;
    return ba_ingest_queue (ing, o, error);
}

static gboolean
queue_commit (ba_ingest *ing, GError **error)
{
    ing->batch = 0;
    return flush_progress (ing, error) && ba_ingest_queue (ing, ba_op_new (OP_COMMIT), error);
}

static void
hook_failed (ba_ingest *ing, GError *err)
{
    if (!ing->hook_error)
        ing->hook_error = err;
    else
        g_error_free (err);
}

static gboolean
hook_want_file (void *data, const char *path)
{
    ba_ingest *ing = data;
    GError *err = NULL;
    ba_stmt *s;
    char *canon, *identity;
    gboolean want = TRUE;

    if (ing->hook_error)
        return TRUE;
    canon = ba_store_canonical (path);
    identity = ba_store_file_identity (canon);
    if (!(s = RSTMT (ing, R_FIND_LOCATION, &err))) {
        hook_failed (ing, err);
        g_free (canon);
        g_free (identity);
        return TRUE;
    }
    ba_sql_text (s, 1, identity);
    if (ba_sql_step (s, NULL) == BA_SQL_ROW && !ba_sql_col_int (s, 3)) {
        gint64 id = ba_sql_col_int (s, 0);
        gboolean moved = g_strcmp0 (ba_sql_col_text (s, 1), canon) != 0;
        ba_sql_reset (s);
        want = FALSE;
        ing->stats.skipped++;
        if (moved) {
            /* a Maildir message moved from new/ to cur/, or flagged */
            op *o = ba_op_new (OP_MOVE);
            o->id = id;
            o->identity = g_strdup (identity);
            o->source = g_strdup (canon);
            o->name = g_path_get_basename (canon);
            if (!ba_ingest_queue (ing, o, &err))
                hook_failed (ing, err);
            else if (++ing->batch >= ing->batch_size && !queue_commit (ing, &err))
                hook_failed (ing, err);
        }
    } else {
        ba_sql_reset (s);
    }
    g_free (ing->want_path);
    g_free (ing->want_canon);
    g_free (ing->want_identity);
    ing->want_path = g_strdup (path);
    ing->want_canon = canon;
    ing->want_identity = identity;
    return want;
}

/* Where to resume the mbox @ing->canon: see the sources table.  *@known:
 * whether it was read before (its messages are stored with its progress,
 * in the same transactions). */
static gint64
resume_point (ba_ingest *ing, gboolean *known)
{
    GError *err = NULL;
    ba_stmt *s = RSTMT (ing, R_GET_SOURCE, &err);
    gint64 size, resume, last, head_len;
    char *head_hash, *tail_hash;
    char h[65];
    gboolean same;
    char buf[6];

    if (!s) {
        hook_failed (ing, err);
        return 0;
    }
    ba_sql_text (s, 1, ing->canon);
    ba_sql_text (s, 2, ing->host);
    *known = FALSE;
    if (ba_sql_step (s, NULL) != BA_SQL_ROW || ba_sql_col_null (s, 1)) {
        ba_sql_reset (s);
        return 0;
    }
    *known = TRUE;
    size = ba_sql_col_int (s, 0);
    resume = ba_sql_col_int (s, 1);
    last = ba_sql_col_null (s, 2) ? -1 : ba_sql_col_int (s, 2);
    head_len = ba_sql_col_int (s, 3);
    head_hash = g_strdup (ba_sql_col_text (s, 4));
    tail_hash = g_strdup (ba_sql_col_text (s, 5));
    ba_sql_reset (s);

    /* The same mailbox, only grown: no smaller, same first bytes, same
     * bytes before where we stopped.  Else it was rewritten (a mail client
     * deleted or moved messages) or truncated: read it all again. */
    same = ing->size >= size && resume <= ing->size && head_len <= ing->size && head_hash;
    if (same)
        same = ba_hash_range (ing->fd, 0, head_len, h, 0, NULL) && !strcmp (h, head_hash);
    if (same && resume > 0) {
        gint64 from = MAX (0, resume - HEAD_BYTES);
        same = tail_hash && ba_hash_range (ing->fd, from, resume - from, h, 0, NULL)
               && !strcmp (h, tail_hash);
    }
    if (!same && head_hash)
        ing->stats.rewritten++;
    /* else the schema was upgraded: its messages need their content keys */
    g_free (head_hash);
    g_free (tail_hash);
    if (!same)
        return 0;
    ing->last_offset = last;
    ing->resume_offset = resume;
    if (resume >= ing->size)
        return ing->size;
    /* the last message stored may have grown since (it was being
     * written): read it again, the growth is noticed when storing it */
    if (pread (ing->fd, buf, 6, resume - 1) == 6 && memcmp (buf + 1, "From ", 5) == 0)
        return resume;
    return last > 0 ? last : 0;
}

static gint64
hook_file_opened (void *data, const char *path, int fd, gint64 size, gboolean mbox)
{
    ba_ingest *ing = data;
    GError *err = NULL;
    struct stat sb;
    gint64 start;
    gboolean known = FALSE;

    if (ing->hook_error)
        return 0;
    if (!flush_progress (ing, &err)) {
        hook_failed (ing, err);
        return 0;
    }
    close_current (ing);
    ing->path = g_strdup (path);
    if (ing->want_path && !strcmp (ing->want_path, path)) {
        ing->canon = g_strdup (ing->want_canon);
        ing->identity = g_strdup (ing->want_identity);
    } else {
        ing->canon = ba_store_canonical (path);
        ing->identity = strcmp (path, "-") ? ba_store_file_identity (ing->canon) : NULL;
    }
    ing->name = strcmp (path, "-") ? g_path_get_basename (ing->canon) : NULL;
    ing->fd = fcntl (fd, F_DUPFD_CLOEXEC, 0);
    if (ing->fd >= 0) {
        ing->file = g_new0 (shared_file, 1);
        ing->file->fd = ing->fd;
        ing->file->refs = 1;
    }
    ing->size = size;
    ing->fresh_from = G_MAXINT64;
    ing->mtime = ing->fd >= 0 && fstat (ing->fd, &sb) == 0 ? (gint64) sb.st_mtime : 0;
    ing->mbox = mbox;
    ing->last_offset = -1;
    ing->resume_offset = 0;
    if (!mbox || ing->fd < 0)
        return 0;

    ing->head_length = MIN (size, HEAD_BYTES);
    if (!ba_hash_range (ing->fd, 0, ing->head_length, ing->head_hash, 0, NULL))
        ing->head_hash[0] = '\0';
    if (!strcmp (ing->canon, "-"))
        return 0;
    start = resume_point (ing, &known);
    if (start == 0) {
        /* new, or read again from the start: record it as such */
        ing->resume_offset = 0;
        ing->last_offset = -1;
        ing->progress_dirty = TRUE;
        if (!known)
            ing->fresh_from = 0;
    } else {
        /* only grown: nothing past where we stopped is stored */
        ing->fresh_from = ing->resume_offset;
    }
    if (ing->pool && start < size && ing->fd >= 0) {
        /* the workers read the rest of the file, each its chunks, and this
         * reader has nothing left to do in it */
        if (!ba_ingest_share_file (ing, start, &err))
            hook_failed (ing, err);
        return size;
    }
    return start;
}

void
ba_ingest_hooks (ba_ingest *ing, ba_reader_hooks *hooks)
{
    hooks->want_file = hook_want_file;
    hooks->file_opened = hook_file_opened;
    hooks->data = ing;
}

gboolean
ba_ingest_note_source (ba_ingest *ing, const char *path, GError **error)
{
    op *o = ba_op_new (OP_NOTE);
    struct stat sb;

    o->source = ba_store_canonical (path);
    if (!strcmp (path, "-")) {
        o->kind_name = g_strdup ("stdin");
    } else if (stat (path, &sb) == 0 && S_ISDIR (sb.st_mode)) {
        char *cur = g_build_filename (path, "cur", NULL);
        o->kind_name = g_strdup (g_file_test (cur, G_FILE_TEST_IS_DIR) ? "maildir" : "directory");
        g_free (cur);
    } else {
        o->kind_name = g_strdup ("file");
    }
    return ba_ingest_queue (ing, o, error);
}

/* Queue the deletion of the messages stored at @offset of this mbox that
 * are a prefix of the message there now: they were read while being
 * written. */
static gboolean
drop_partial_copies (ba_ingest *ing, gint64 offset, gint64 size, GError **error)
{
    ba_stmt *s = RSTMT (ing, R_AT_OFFSET, error);
    GArray *drop = g_array_new (FALSE, FALSE, sizeof (gint64));
    gboolean ok = TRUE;

    if (!s) {
        g_array_free (drop, TRUE);
        return FALSE;
    }
    ba_sql_int (s, 1, offset);
    ba_sql_text (s, 2, ing->canon);
    while (ba_sql_step (s, NULL) == BA_SQL_ROW) {
        gint64 id = ba_sql_col_int (s, 0);
        gint64 old = ba_sql_col_null (s, 1) ? -1 : ba_sql_col_int (s, 1);
        const char *old_hash = ba_sql_col_text (s, 2);
        char whole[65], prefix[65];
        if (old <= 0 || old >= size || !old_hash)
            continue;
        if (ba_hash_range (ing->fd, offset, size, whole, old, prefix) && !strcmp (prefix, old_hash))
            g_array_append_val (drop, id);
    }
    ba_sql_reset (s);
    for (guint i = 0; ok && i < drop->len; i++) {
        op *o = ba_op_new (OP_DELETE);
        o->id = g_array_index (drop, gint64, i);
        ok = ba_ingest_queue (ing, o, error);
        if (ok)
            ing->stats.replaced++;
    }
    g_array_free (drop, TRUE);
    return ok;
}

/* Is this mbox message the end of a file still being written to? */
static gboolean
still_being_written (ba_ingest *ing, const ba_input *in)
{
    char last;
    if (in->offset + in->size != ing->size || ing->fd < 0)
        return FALSE;
    if (pread (ing->fd, &last, 1, ing->size - 1) != 1 || last == '\n' || last == '\r')
        return FALSE;
    return g_get_real_time () / G_USEC_PER_SEC - ing->mtime < STILL_WRITING_SECONDS;
}

gboolean
ba_ingest_message (ba_ingest *ing, const ba_input *in, GError **error)
{
    return ba_ingest_read (ing, in, g_mime_message_get_message_id (in->message), NULL, error);
}

gboolean
ba_ingest_read (ba_ingest *ing, const ba_input *in, const char *message_id, ba_result *pre,
                GError **error)
{
    gboolean mbox = in->offset >= 0;
    gboolean same = ing->path && in->source && !strcmp (ing->path, in->source);
    gboolean from_file = same && ing->fd >= 0 && in->size > 0;
    gboolean stdin_input = !same || !strcmp (ing->canon, "-");
    /* A file that passed want_file, and the part of an mbox past what
     * is stored, hold only new messages: the writer hashes them. */
    gboolean fresh = from_file && !stdin_input && (!mbox || in->offset >= ing->fresh_from);
    /* a single-message file is hashed whole, a From_ line before it too */
    gint64 at = mbox ? in->offset : 0;
    gint64 len = mbox || !from_file ? in->size : ing->size;
    char hash[65];
    char *identity = NULL, *key = NULL;
    ba_stmt *s;
    op *o;

    if (ing->hook_error) {
        g_propagate_error (error, ing->hook_error);
        ing->hook_error = NULL;
        return FALSE;
    }
    ing->stats.messages++;

    if (mbox && from_file && still_being_written (ing, in)) {
        ing->stats.deferred++;
        return TRUE;
    }
    if (!fresh) {
        if (pre) {
            g_strlcpy (hash, pre->hash, sizeof hash);
            key = g_strdup (pre->key);
        } else if (!from_file || !ba_hash_message_at (ing->fd, at, len, message_id, hash, &key)) {
            /* not seekable: hash GMime's rendering of the message instead */
            char *text = g_mime_object_to_string (GMIME_OBJECT (in->message), NULL);
            ba_hash_message_text (text, strlen (text), message_id, hash, &key);
            g_free (text);
        }
        if (stdin_input)
            identity = g_strconcat ("stdin:", hash, NULL);
        else if (mbox)
            identity = g_strconcat ("mbox:", ing->canon, ":", hash, NULL);
        else
            identity = g_strdup (ing->identity);

        if (!(s = RSTMT (ing, R_FIND_LOCATION, error))) {
            g_free (identity);
            g_free (key);
            return FALSE;
        }
        ba_sql_text (s, 1, identity);
        if (ba_sql_step (s, NULL) == BA_SQL_ROW && !ba_sql_col_int (s, 3)) {
            gint64 id = ba_sql_col_int (s, 0);
            gboolean moved = mbox && !g_strcmp0 (ba_sql_col_text (s, 1), ing->canon)
                             && ba_sql_col_int (s, 2) != in->offset;
            ba_sql_reset (s);
            ing->stats.skipped++;
            if (moved) {
                /* the mbox was rewritten: the message is now elsewhere in it */
                o = ba_op_new (OP_SET_OFFSET);
                o->id = id;
                o->offset = in->offset;
                o->source = g_strdup (ing->canon);
                o->identity = identity;
                identity = NULL;
                if (!ba_ingest_queue (ing, o, error)) {
                    g_free (key);
                    return FALSE;
                }
            }
            g_clear_pointer (&identity, g_free);
            g_clear_pointer (&key, g_free);
        } else {
            ba_sql_reset (s);
            if (mbox && from_file && !stdin_input
                && !drop_partial_copies (ing, in->offset, in->size, error)) {
                g_free (identity);
                g_free (key);
                return FALSE;
            }
        }
    }

    if (fresh || identity) {
        o = ba_op_new (OP_INSERT);
        if (pre) {
            o->rep = g_steal_pointer (&pre->report);
        } else if (ing->pool && from_file && !stdin_input) {
            /* a worker reads the message again at its place and analyses it */
            if (!ba_pool_submit (ing->pool, in->source, in->offset, error)) {
                ba_op_free (o);
                g_free (identity);
                g_free (key);
                return FALSE;
            }
            o->awaiting = TRUE;
        } else {
            o->rep = ba_analyze_message (ing->ctx, in->message, in->source, in->offset);
        }
        o->source = g_strdup (stdin_input ? "-" : ing->canon);
        o->name = mbox || stdin_input ? NULL : g_strdup (ing->name);
        o->offset = in->offset;
        o->size = len > 0 ? len : -1;
        if (fresh && pre) {
            /* the worker that read the message hashed it */
            o->identity = mbox ? NULL : g_strdup (ing->identity);
            o->hash = g_strdup (pre->hash);
            o->key = g_strdup (pre->key);
        } else if (fresh) {
            o->file = ba_shared_file_ref (ing->file);
            o->identity = mbox ? NULL : g_strdup (ing->identity);
            o->message_id = g_strdup (message_id);
        } else {
            o->identity = identity;
            o->hash = g_strdup (hash);
            o->key = key;
        }
        if (!ba_ingest_queue (ing, o, error))
            return FALSE;
    }

    if (mbox && from_file && !stdin_input) {
        ing->resume_offset = in->offset + in->size;
        ing->last_offset = in->offset;
        ing->progress_dirty = TRUE;
    }
    if (++ing->batch >= ing->batch_size)
        return queue_commit (ing, error);
    return TRUE;
}

gboolean
ba_ingest_finish (ba_ingest *ing, GError **error)
{
    if (ing->hook_error) {
        g_propagate_error (error, ing->hook_error);
        ing->hook_error = NULL;
        return FALSE;
    }
    if (!ba_ingest_settle (ing, error) || !queue_commit (ing, error) || !ba_ingest_settle (ing, error))
        return FALSE;
    ba_writer_stop (ing, FALSE);
    if (ing->werror) {
        g_propagate_error (error, ing->werror);
        ing->werror = NULL;
        return FALSE;
    }
    return TRUE;
}
