/* storage-writer.c - ingest's writer thread (see storage-ingest.h): it
 * runs the queued operations, in order, in the transactions the caller
 * ends with OP_COMMIT. */
#include "storage-ingest.h"
#include "util.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Operations in flight at most: bounds memory when the writer lags. */
#define MAX_QUEUED 2000
/* Operations handed over at a time: a handover wakes the writer. */
#define HANDOVER 64

static const char *const write_sql[N_WRITES] = {
    [W_MOVE_MESSAGE] = "UPDATE messages SET source = ?, name = ? WHERE id = ?",
    [W_MOVE_LOCATION] = "UPDATE locations SET source = ?, name = ?, last_seen = ? WHERE key = ?",
    [W_SET_OFFSET] = "UPDATE messages SET mbox_offset = ? WHERE id = ? AND source = ?",
    [W_SET_LOCATION_OFFSET] = "UPDATE locations SET mbox_offset = ?, last_seen = ? WHERE key = ?",
    [W_DELETE_RECIPIENTS] = "DELETE FROM recipients WHERE message_id = ?",
    [W_DELETE_MESSAGE] = "DELETE FROM messages WHERE id = ?",
    [W_INSERT_MESSAGE] =
        "INSERT INTO messages (identity, source, mbox_offset, name, size, content_hash,"
        " kind, format, bounce_date, bounce_time, bounce_from, bounce_subject, reporting_mta,"
        " original_message_id, original_from, original_sender, original_to, original_subject,"
        " original_date, ingested_at, content_key, host)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING RETURNING id",
#define INSERT_RECIPIENT \
        "INSERT INTO recipients (message_id, position, address, domain, original_recipient," \
        " original_domain, action, status, reported_status, smtp_code, remote_mta, command," \
        " diagnostic, last_attempt, time, feedback_type, reason, hard, rule, captures, dnsbl," \
        " listed, fault, advice, ruleset)" \
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    [W_INSERT_RECIPIENT] = INSERT_RECIPIENT " RETURNING id",
    /* without an id to wait for, a backend may send many rows at once */
    [W_INSERT_RECIPIENT_PLAIN] = INSERT_RECIPIENT,
    [W_PUT_SOURCE] =
        "INSERT INTO sources (path, kind, size, resume_offset, last_message_offset, head_length,"
        " head_hash, tail_hash, first_ingest, last_ingest, host)"
        " VALUES (?, 'mbox', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (host, path) DO UPDATE SET kind = 'mbox', size = excluded.size,"
        " resume_offset = excluded.resume_offset,"
        " last_message_offset = excluded.last_message_offset, head_length = excluded.head_length,"
        " head_hash = excluded.head_hash, tail_hash = excluded.tail_hash,"
        " last_ingest = excluded.last_ingest",
    [W_NOTE_SOURCE] =
        "INSERT INTO sources (path, kind, first_ingest, last_ingest, host) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (host, path) DO UPDATE SET last_ingest = excluded.last_ingest,"
        " kind = CASE WHEN sources.kind = 'mbox' THEN 'mbox' ELSE excluded.kind END",
    [W_FIND_CONTENT] = "SELECT id FROM messages WHERE content_key = ?",
    [W_FIND_LOCATION] = "SELECT message_id FROM locations WHERE key = ?",
    [W_PUT_LOCATION] =
        "INSERT INTO locations (key, message_id, source, mbox_offset, name, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET message_id = excluded.message_id,"
        " source = excluded.source, mbox_offset = excluded.mbox_offset, name = excluded.name,"
        " last_seen = excluded.last_seen",
    [W_RELOCATE] =
        "UPDATE messages SET source = ?, mbox_offset = ?, name = ?, size = ?, content_hash = ?,"
        " content_key = coalesce (content_key, ?) WHERE id = ?",
    [W_FILL_KEY] = "UPDATE messages SET content_key = ? WHERE id = ? AND content_key IS NULL",
    [W_LOCATIONS_LEFT] = "SELECT count(*) FROM locations WHERE message_id = ?",
};

#define WSTMT(ing, which, error) ba_sql_cached ((ing)->st, &(ing)->wstmt[which], write_sql[which], error)

shared_file *
ba_shared_file_ref (shared_file *f)
{
    if (f)
        g_atomic_int_inc (&f->refs);
    return f;
}

void
ba_shared_file_unref (shared_file *f)
{
    if (f && g_atomic_int_dec_and_test (&f->refs)) {
        close (f->fd);
        g_free (f);
    }
}

op *
ba_op_new (op_kind kind)
{
    op *o = g_new0 (op, 1);
    o->kind = kind;
    return o;
}

void
ba_op_free (op *o)
{
    ba_shared_file_unref (o->file);
    ba_report_free (o->rep);
    g_free (o->identity);
    g_free (o->source);
    g_free (o->name);
    g_free (o->hash);
    g_free (o->key);
    g_free (o->message_id);
    g_free (o->kind_name);
    g_free (o->head_hash);
    g_free (o->tail_hash);
    g_free (o->host);
    g_free (o->ingested_at);
    g_free (o->ruleset);
    g_free (o);
}

/* ---- the writer's side -------------------------------------------------- */

static gboolean
ensure_tx (ba_ingest *ing, GError **error)
{
    if (ing->in_tx)
        return TRUE;
    if (!ba_sql_exec (ing->st, ing->st->be->begin_write, error))
        return FALSE;
    ing->in_tx = TRUE;
    return TRUE;
}

/* Index the recipients stored since the last flush. */
static gboolean
flush_index (ba_ingest *ing, GError **error)
{
    if (!ing->fts_from || !ing->st->be->index_text)
        return TRUE;
    if (!ing->st->be->index_text (ing->st, ing->fts_from, error))
        return FALSE;
    ing->fts_from = 0;
    return TRUE;
}

/* The lower-case address of the first mailbox of @from ("Name <addr>"
 * or a bare address, as the analysis writes it), or NULL. */
static char *
sender_address (const char *from)
{
    const char *p, *at = NULL, *start, *end;

    if (!from)
        return NULL;
    for (p = from; (p = strchr (p, '<')); p++) {
        end = strchr (p, '>');
        at = end ? memchr (p, '@', end - p) : NULL;
        if (at)
            return g_utf8_strdown (p + 1, end - p - 1);
    }
    at = strchr (from, '@');
    if (!at)
        return NULL;
    for (start = at; start > from && !strchr (" \t,;:\"(<", start[-1]); start--)
        ;
    for (end = at; *end && !strchr (" \t,;\")>", *end); end++)
        ;
    return g_utf8_strdown (start, end - start);
}

/* Run @s, an INSERT ... RETURNING id: the new row's id into *@id, or 0
 * when nothing was inserted.  Resets @s. */
static gboolean
insert_returning (ba_stmt *s, gint64 *id, GError **error)
{
    ba_sql_result r = ba_sql_step (s, error);
    *id = 0;
    if (r == BA_SQL_ROW) {
        *id = ba_sql_col_int (s, 0);
        r = ba_sql_step (s, error);
    }
    ba_sql_reset (s);
    return r != BA_SQL_ERROR;
}

static gboolean
insert_recipients (ba_ingest *ing, gint64 id, const ba_report *rep, const char *ruleset,
                   gboolean has_bounce_time, gint64 bounce_time, guint *stored, GError **error)
{
    for (guint i = 0; i < rep->recipients->len; i++) {
        const ba_recipient *r = g_ptr_array_index (rep->recipients, i);
        char *domain = r->recipient ? ba_address_domain (r->recipient) : NULL;
        /* kept only when it differs: most bounces repeat the final recipient */
        const char *orig = r->original_recipient && r->recipient
                           && g_ascii_strcasecmp (r->original_recipient, r->recipient)
                           ? r->original_recipient : NULL;
        char *odomain = orig ? ba_address_domain (orig) : NULL;
        char *caps;
        gint64 t = 0, rid;
        gboolean has_t = ba_store_iso_to_unix (r->last_attempt, &t), ok, plain;
        ba_stmt *s;

        if (!has_t) {
            has_t = has_bounce_time;
            t = bounce_time;
        }
        /* only the first new row's id is needed, and only to index its text */
        plain = ing->fts_from || !ing->st->be->index_text;
        if (!(s = WSTMT (ing, plain ? W_INSERT_RECIPIENT_PLAIN : W_INSERT_RECIPIENT, error))) {
            g_free (domain);
            g_free (odomain);
            return FALSE;
        }
        ba_sql_int (s, 1, id);
        ba_sql_int (s, 2, i);
        ba_sql_text_kept (s, 3, r->recipient ? r->recipient : "");
        ba_sql_text_kept (s, 4, domain);
        ba_sql_text_kept (s, 5, orig);
        ba_sql_text_kept (s, 6, odomain);
        ba_sql_text_kept (s, 7, r->action);
        ba_sql_text_kept (s, 8, r->status);
        ba_sql_text_kept (s, 9, r->reported_status);
        ba_sql_int_or_null (s, 10, r->smtp_code != 0, r->smtp_code);
        ba_sql_text_kept (s, 11, r->remote_mta);
        ba_sql_text_kept (s, 12, r->command);
        ba_sql_text_kept (s, 13, r->diagnostic);
        ba_sql_text_kept (s, 14, r->last_attempt);
        ba_sql_int_or_null (s, 15, has_t, t);
        ba_sql_text_kept (s, 16, r->feedback_type);
        ba_sql_text_kept (s, 17, r->reason);
        ba_sql_int (s, 18, r->hard ? 1 : 0);
        ba_sql_text_kept (s, 19, r->rule);
        caps = ba_store_captures_json (r);
        ba_sql_text_kept (s, 20, caps);
        ba_sql_text_kept (s, 21, r->dnsbl);
        ba_sql_text_kept (s, 22, r->listed);
        ba_sql_text_kept (s, 23, r->fault);
        ba_sql_text_kept (s, 24, r->advice);
        ba_sql_text_kept (s, 25, ruleset);
        if (plain)
            ok = ba_sql_run (s, error);
        else if ((ok = insert_returning (s, &rid, error)))
            ing->fts_from = rid;
        /* bound without a copy: freed once the statement was reset */
        g_free (caps);
        g_free (domain);
        g_free (odomain);
        if (!ok)
            return FALSE;
        (*stored)++;
    }
    return TRUE;
}

/* The single integer the query @s returns, 0 when no row; -1 on failure. */
static gint64
query_id (ba_stmt *s, GError **error)
{
    ba_sql_result r = ba_sql_step (s, error);
    gint64 id = r == BA_SQL_ROW ? ba_sql_col_int (s, 0) : 0;
    ba_sql_reset (s);
    return r == BA_SQL_ERROR ? -1 : id;
}

/* Delete message @id and its diagnoses. */
static gboolean
delete_message (ba_ingest *ing, gint64 id, GError **error)
{
    ba_stmt *s;
    /* the index drops rows as they are deleted: they must be in it */
    if (!flush_index (ing, error) || !(s = WSTMT (ing, W_DELETE_RECIPIENTS, error)))
        return FALSE;
    ba_sql_int (s, 1, id);
    if (!ba_sql_run (s, error) || !(s = WSTMT (ing, W_DELETE_MESSAGE, error)))
        return FALSE;
    ba_sql_int (s, 1, id);
    return ba_sql_run (s, error);
}

/* The message of @o is stored already: by its content key (it was filed
 * elsewhere too), or at this location (given twice, or stored by schema 1
 * without a key).  Record the location; a message of schema 1 that was
 * stored again from its new place before the upgrade loses that place to
 * the first, and goes once it has none. */
static gboolean
write_known (ba_ingest *ing, op *o, const char *location, const char *hash, const char *key,
             GError **error)
{
    ba_stmt *s;
    gint64 id, was;
    gboolean new_place;

    if (!(s = WSTMT (ing, W_FIND_CONTENT, error)))
        return FALSE;
    ba_sql_text (s, 1, key);
    if ((id = query_id (s, error)) < 0 || !(s = WSTMT (ing, W_FIND_LOCATION, error)))
        return FALSE;
    ba_sql_text (s, 1, location);
    if ((was = query_id (s, error)) < 0)
        return FALSE;
    if (!id)
        id = was;
    new_place = id && was != id;
    if (id) {
        if (!(s = WSTMT (ing, W_PUT_LOCATION, error)))
            return FALSE;
        ba_sql_text (s, 1, location);
        ba_sql_int (s, 2, id);
        ba_sql_text (s, 3, o->source);
        ba_sql_int_or_null (s, 4, o->offset >= 0, o->offset);
        ba_sql_text (s, 5, o->name);
        ba_sql_text (s, 6, ing->now);
        ba_sql_text (s, 7, ing->now);
        if (!ba_sql_run (s, error))
            return FALSE;
        if (!(s = WSTMT (ing, new_place ? W_RELOCATE : W_FILL_KEY, error)))
            return FALSE;
        if (new_place) {
            /* the message is where it was found last */
            ba_sql_text (s, 1, o->source);
            ba_sql_int_or_null (s, 2, o->offset >= 0, o->offset);
            ba_sql_text (s, 3, o->name);
            ba_sql_int_or_null (s, 4, o->size >= 0, o->size);
            ba_sql_text (s, 5, hash);
            ba_sql_text (s, 6, key);
            ba_sql_int (s, 7, id);
        } else {
            ba_sql_text (s, 1, key);
            ba_sql_int (s, 2, id);
        }
        if (!ba_sql_run (s, error))
            return FALSE;
    }
    if (new_place && was) {
        gint64 left;
        if (!(s = WSTMT (ing, W_LOCATIONS_LEFT, error)))
            return FALSE;
        ba_sql_int (s, 1, was);
        if ((left = query_id (s, error)) < 0 || (left == 0 && !delete_message (ing, was, error)))
            return FALSE;
    }
    g_mutex_lock (&ing->lock);
    ing->wstats.skipped++;
    if (new_place)
        ing->wstats.relocated++;
    g_mutex_unlock (&ing->lock);
    return TRUE;
}

static gboolean
write_insert (ba_ingest *ing, op *o, GError **error)
{
    const ba_report *rep = o->rep;
    ba_stmt *s = WSTMT (ing, W_INSERT_MESSAGE, error);
    gint64 bounce_time = 0, id;
    gboolean has_bounce_time, ok;
    guint stored = 0;
    char h[65], *sender, *location, *key = NULL;
    const char *hash = o->hash ? o->hash : h;

    if (!s)
        return FALSE;
    if (!o->hash && !ba_hash_message_at (o->file->fd, MAX (o->offset, 0), o->size, o->message_id, h, &key)) {
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_SQL,
                     "%s: cannot read the message at offset %" G_GINT64_FORMAT " again: %s",
                     o->source, MAX (o->offset, 0), g_strerror (errno));
        return FALSE;
    }
    if (o->hash)
        key = g_strdup (o->key);
    has_bounce_time = ba_store_iso_to_unix (rep->date, &bounce_time);
    location = o->identity ? g_strdup (o->identity) : g_strconcat ("mbox:", o->source, ":", hash, NULL);
    ba_sql_text_kept (s, 1, location);
    ba_sql_text_kept (s, 2, o->source);
    ba_sql_int_or_null (s, 3, o->offset >= 0, o->offset);
    ba_sql_text_kept (s, 4, o->name);
    ba_sql_int_or_null (s, 5, o->size >= 0, o->size);
    ba_sql_text_kept (s, 6, hash);
    ba_sql_text_kept (s, 7, ba_kind_name (rep->kind));
    ba_sql_text_kept (s, 8, rep->format);
    ba_sql_text_kept (s, 9, rep->date);
    ba_sql_int_or_null (s, 10, has_bounce_time, bounce_time);
    ba_sql_text_kept (s, 11, rep->from);
    ba_sql_text_kept (s, 12, rep->subject);
    ba_sql_text_kept (s, 13, rep->reporting_mta);
    ba_sql_text_kept (s, 14, rep->original.message_id);
    ba_sql_text_kept (s, 15, rep->original.from);
    sender = sender_address (rep->original.from);
    ba_sql_text_kept (s, 16, sender);
    ba_sql_text_kept (s, 17, rep->original.to);
    ba_sql_text_kept (s, 18, rep->original.subject);
    ba_sql_text_kept (s, 19, rep->original.date);
    ba_sql_text_kept (s, 20, o->ingested_at ? o->ingested_at : ing->now);
    ba_sql_text_kept (s, 21, key);
    ba_sql_text_kept (s, 22, o->imported ? o->host : ing->host);
    ok = insert_returning (s, &id, error);
    g_free (sender);            /* bound without a copy until the reset */
    if (ok && id == 0) {
        /* already there: filed elsewhere too, the same file twice, another ingest */
        ok = write_known (ing, o, location, hash, key, error);
        g_free (location);
        g_free (key);
        return ok;
    }
    if (ok && (s = WSTMT (ing, W_PUT_LOCATION, error))) {
        ba_sql_text (s, 1, location);
        ba_sql_int (s, 2, id);
        ba_sql_text (s, 3, o->source);
        ba_sql_int_or_null (s, 4, o->offset >= 0, o->offset);
        ba_sql_text (s, 5, o->name);
        ba_sql_text (s, 6, ing->now);
        ba_sql_text (s, 7, ing->now);
        ok = ba_sql_run (s, error);
    } else {
        ok = FALSE;
    }
    g_free (location);
    g_free (key);
    if (!ok || !insert_recipients (ing, id, rep, o->imported ? o->ruleset : ba_ruleset_id (ing->set),
                                    has_bounce_time, bounce_time, &stored, error))
        return FALSE;
    g_mutex_lock (&ing->lock);
    ing->wstats.stored++;
    if (rep->kind != BA_KIND_OTHER)
        ing->wstats.bounces++;
    ing->wstats.recipients += stored;
    g_mutex_unlock (&ing->lock);
    return TRUE;
}

static gboolean
run_op (ba_ingest *ing, op *o, GError **error)
{
    ba_stmt *s;

    if (o->kind == OP_COMMIT) {
        if (!ing->in_tx)
            return TRUE;
        if (!flush_index (ing, error) || !ba_sql_exec (ing->st, "COMMIT", error))
            return FALSE;
        ing->in_tx = FALSE;
        return TRUE;
    }
    if (!ensure_tx (ing, error))
        return FALSE;
    switch (o->kind) {
    case OP_INSERT:
        return write_insert (ing, o, error);
    case OP_MOVE:
        if (!(s = WSTMT (ing, W_MOVE_MESSAGE, error)))
            return FALSE;
        ba_sql_text (s, 1, o->source);
        ba_sql_text (s, 2, o->name);
        ba_sql_int (s, 3, o->id);
        if (!ba_sql_run (s, error) || !(s = WSTMT (ing, W_MOVE_LOCATION, error)))
            return FALSE;
        ba_sql_text (s, 1, o->source);
        ba_sql_text (s, 2, o->name);
        ba_sql_text (s, 3, ing->now);
        ba_sql_text (s, 4, o->identity);
        return ba_sql_run (s, error);
    case OP_SET_OFFSET:
        if (!(s = WSTMT (ing, W_SET_OFFSET, error)))
            return FALSE;
        ba_sql_int (s, 1, o->offset);
        ba_sql_int (s, 2, o->id);
        ba_sql_text (s, 3, o->source);
        if (!ba_sql_run (s, error) || !(s = WSTMT (ing, W_SET_LOCATION_OFFSET, error)))
            return FALSE;
        ba_sql_int (s, 1, o->offset);
        ba_sql_text (s, 2, ing->now);
        ba_sql_text (s, 3, o->identity);
        return ba_sql_run (s, error);
    case OP_DELETE:
        return delete_message (ing, o->id, error);
    case OP_PROGRESS:
        if (!(s = WSTMT (ing, W_PUT_SOURCE, error)))
            return FALSE;
        ba_sql_text (s, 1, o->source);
        ba_sql_int (s, 2, o->size);
        ba_sql_int (s, 3, o->offset);
        ba_sql_int_or_null (s, 4, o->last >= 0, o->last);
        ba_sql_int (s, 5, o->head_len);
        ba_sql_text (s, 6, o->head_hash);
        ba_sql_text (s, 7, o->tail_hash);
        ba_sql_text (s, 8, ing->now);
        ba_sql_text (s, 9, ing->now);
        ba_sql_text (s, 10, ing->host);
        return ba_sql_run (s, error);
    case OP_NOTE:
        if (!(s = WSTMT (ing, W_NOTE_SOURCE, error)))
            return FALSE;
        ba_sql_text (s, 1, o->source);
        ba_sql_text (s, 2, o->kind_name);
        ba_sql_text (s, 3, ing->now);
        ba_sql_text (s, 4, ing->now);
        ba_sql_text (s, 5, ing->host);
        return ba_sql_run (s, error);
    default:
        return TRUE;
    }
}

static gpointer
writer_main (gpointer data)
{
    ba_ingest *ing = data;
    gboolean failed = FALSE;

    for (gboolean stop = FALSE; !stop;) {
        GPtrArray *ops = g_async_queue_pop (ing->queue);

        for (guint i = 0; i < ops->len; i++) {
            op *o = g_ptr_array_index (ops, i);
            GError *err = NULL;
            if (o->kind == OP_STOP)
                stop = TRUE;
            else if (!failed && !g_atomic_int_get (&ing->abandon) && !run_op (ing, o, &err)) {
                failed = TRUE;
                g_mutex_lock (&ing->lock);
                ing->werror = err;
                g_mutex_unlock (&ing->lock);
            }
        }
        g_mutex_lock (&ing->lock);
        ing->queued -= ops->len;
        g_cond_signal (&ing->room);
        g_mutex_unlock (&ing->lock);
        /* what the caller's thread allocated, it frees */
        g_async_queue_push (ing->done, ops);
    }
    /* a stop without a commit before it gives the batch up */
    if (ing->in_tx)
        ba_sql_exec (ing->st, "ROLLBACK", NULL);
    ing->in_tx = FALSE;
    return NULL;
}

/* ---- the caller's side -------------------------------------------------- */

/* Free the ops the writer is done with. */
static void
reap (ba_ingest *ing)
{
    GPtrArray *ops;
    while ((ops = g_async_queue_try_pop (ing->done)))
        g_ptr_array_unref (ops);
}

/* Give the writer the pending ops, waiting while too many are in flight. */
static void
hand_over (ba_ingest *ing)
{
    if (!ing->pending->len)
        return;
    g_mutex_lock (&ing->lock);
    while (ing->queued >= MAX_QUEUED && !ing->werror)
        g_cond_wait (&ing->room, &ing->lock);
    ing->queued += ing->pending->len;
    g_mutex_unlock (&ing->lock);
    g_async_queue_push (ing->queue, ing->pending);
    ing->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_op_free);
    reap (ing);
}

gboolean
ba_writer_queue (ba_ingest *ing, op *o, GError **error)
{
    g_mutex_lock (&ing->lock);
    if (ing->werror) {
        g_set_error_literal (error, ing->werror->domain, ing->werror->code, ing->werror->message);
        g_mutex_unlock (&ing->lock);
        ba_op_free (o);
        return FALSE;
    }
    g_mutex_unlock (&ing->lock);
    g_ptr_array_add (ing->pending, o);
    if (ing->pending->len >= HANDOVER || o->kind == OP_COMMIT || o->kind == OP_STOP)
        hand_over (ing);
    return TRUE;
}

void
ba_writer_start (ba_ingest *ing)
{
    g_mutex_init (&ing->lock);
    g_cond_init (&ing->room);
    ing->queue = g_async_queue_new ();
    ing->done = g_async_queue_new ();
    ing->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_op_free);
    ing->writer = g_thread_new ("ba-writer", writer_main, ing);
}

void
ba_writer_stop (ba_ingest *ing, gboolean give_up)
{
    if (!ing->writer)
        return;
    if (give_up)
        g_atomic_int_set (&ing->abandon, 1);
    g_ptr_array_add (ing->pending, ba_op_new (OP_STOP));
    hand_over (ing);
    g_thread_join (ing->writer);
    ing->writer = NULL;
    reap (ing);
}

void
ba_writer_clear (ba_ingest *ing)
{
    for (int i = 0; i < N_WRITES; i++)
        g_clear_pointer (&ing->wstmt[i], ba_sql_finalize);
    g_async_queue_unref (ing->queue);
    g_async_queue_unref (ing->done);
    g_ptr_array_unref (ing->pending);
    g_mutex_clear (&ing->lock);
    g_cond_clear (&ing->room);
}
