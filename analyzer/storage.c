/* storage.c - see storage.h: ingest, queries, reclassify (the schema and
 * the connection are in storage-open.c; the schema is described in README.md).
 *
 * A message's identity decides whether it is already stored:
 *   file:PATH            a message file, by canonical path
 *   maildir:DIR/NAME     a Maildir message, by folder and unique name (the
 *                        file name up to ':'), so that a message moved from
 *                        new/ to cur/ or flagged is still the same message
 *   mbox:PATH:SHA256     an mbox message, by its mbox and its content (From_
 *                        line too), so that a rewritten mbox is read again
 *                        without duplicates; the same bytes in another mbox
 *                        are another bounce, as analyze reports them
 *   stdin:SHA256         standard input, by content
 * content_hash is the SHA-256 of the message's bytes as stored in the
 * file: for an mbox from its From_ line up to the next one. */
#include "storage.h"
#include "storage-private.h"
#include "emit.h"
#include "command.h"
#include "context.h"
#include "sprinter.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_BATCH 500
#define HEAD_BYTES 4096
/* An mbox whose last message has no final newline and that changed this
 * recently is taken to be still being written. */
#define STILL_WRITING_SECONDS 60

G_DEFINE_QUARK (ba-store-error-quark, ba_store_error)

/* ---- binding ------------------------------------------------------------ */

/* Text is bound as valid UTF-8 (invalid bytes as U+FFFD), NULL as NULL. */
static void
bind_text (sqlite3_stmt *stmt, int i, const char *s)
{
    if (!s) {
        sqlite3_bind_null (stmt, i);
    } else if (g_utf8_validate (s, -1, NULL)) {
        sqlite3_bind_text (stmt, i, s, -1, SQLITE_TRANSIENT);
    } else {
        char *v = g_utf8_make_valid (s, -1);
        sqlite3_bind_text (stmt, i, v, -1, g_free);
    }
}

static void
bind_int_or_null (sqlite3_stmt *stmt, int i, gboolean set, gint64 v)
{
    if (set)
        sqlite3_bind_int64 (stmt, i, v);
    else
        sqlite3_bind_null (stmt, i);
}

static const char *
col_text (sqlite3_stmt *stmt, int i)
{
    return (const char *) sqlite3_column_text (stmt, i);
}

/* ---- dates -------------------------------------------------------------- */

static gboolean
iso_to_unix (const char *iso, gint64 *out)
{
    GDateTime *dt = iso ? ba_parse_iso_date (iso) : NULL;
    if (!dt)
        return FALSE;
    *out = g_date_time_to_unix (dt);
    g_date_time_unref (dt);
    return TRUE;
}

static char *
now_iso (void)
{
    GDateTime *now = g_date_time_new_now_utc ();
    char *s = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref (now);
    return s;
}

gboolean
ba_store_parse_time (const char *s, gint64 now, gboolean until, gint64 *out)
{
    GTimeZone *tz;
    GDateTime *dt = NULL;
    int y, m, d;
    char tail;
    gsize len;

    if (!s)
        return FALSE;
    len = strlen (s);
    if (len >= 2 && len < 12 && g_ascii_isdigit (s[0])) {
        char *end;
        guint64 n = g_ascii_strtoull (s, &end, 10);
        gint64 unit = 0;
        if (end[0] && !end[1]) {
            switch (end[0]) {
            case 's': unit = 1; break;
            case 'm': unit = 60; break;
            case 'h': unit = 3600; break;
            case 'd': unit = 86400; break;
            case 'w': unit = 7 * 86400; break;
            }
        }
        if (unit && n < (guint64) G_MAXINT64 / (guint64) unit) {
            *out = now - (gint64) n * unit;
            return TRUE;
        }
    }

    tz = g_time_zone_new_local ();
    if (len == 10 && sscanf (s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3) {
        dt = g_date_time_new (tz, y, m, d, 0, 0, 0);
        if (dt && until) {
            GDateTime *next = g_date_time_add_days (dt, 1);
            g_date_time_unref (dt);
            dt = next;
        }
    } else if (len >= 16 && len < 40 && (s[10] == 'T' || s[10] == ' ' || s[10] == 't')) {
        char *iso = g_strdup (s);
        iso[10] = 'T';
        dt = g_date_time_new_from_iso8601 (iso, tz);
        if (!dt && iso[13] == ':' && iso[16] != ':') {
            /* GLib wants seconds: "2008-03-25T09:00" gets ":00" */
            char *with = g_strdup_printf ("%.16s:00%s", iso, iso + 16);
            dt = g_date_time_new_from_iso8601 (with, tz);
            g_free (with);
        }
        g_free (iso);
    }
    g_time_zone_unref (tz);
    if (!dt)
        return FALSE;
    *out = g_date_time_to_unix (dt);
    g_date_time_unref (dt);
    return TRUE;
}

/* ---- full-text queries -------------------------------------------------- */

static void
append_phrase (GString *q, const char *word, gsize len, gboolean prefix)
{
    if (q->len)
        g_string_append_c (q, ' ');
    g_string_append_c (q, '"');
    for (gsize i = 0; i < len; i++) {
        if (word[i] == '"')
            g_string_append_c (q, '"');
        g_string_append_c (q, word[i]);
    }
    g_string_append_c (q, '"');
    if (prefix)
        g_string_append_c (q, '*');
}

char *
ba_store_fts_query (const char *text)
{
    GString *q = g_string_new (NULL);
    gboolean pending_or = FALSE, have_term = FALSE;
    const char *p = text ? text : "";

    for (;;) {
        const char *start;
        gsize len;
        gboolean phrase = FALSE, prefix = FALSE;

        while (g_ascii_isspace (*p))
            p++;
        if (!*p)
            break;
        if (*p == '"') {
            start = ++p;
            while (*p && *p != '"')
                p++;
            len = p - start;
            if (*p)
                p++;
            phrase = TRUE;
        } else {
            start = p;
            while (*p && !g_ascii_isspace (*p))
                p++;
            len = p - start;
        }
        if (!phrase && len == 2 && !strncmp (start, "OR", 2)) {
            pending_or = have_term;
            continue;
        }
        if (!phrase && len > 1 && start[len - 1] == '*') {
            prefix = TRUE;
            len--;
        }
        /* a word of punctuation only has no token: FTS5 would refuse it */
        {
            gboolean any = FALSE;
            for (gsize i = 0; i < len; i++)
                if (g_ascii_isalnum (start[i]) || (guchar) start[i] >= 0x80)
                    any = TRUE;
            if (!any)
                continue;
        }
        if (pending_or)
            g_string_append (q, " OR");
        else if (have_term)
            g_string_append (q, " AND");
        pending_or = FALSE;
        append_phrase (q, start, len, prefix);
        have_term = TRUE;
    }
    if (!q->len) {
        g_string_free (q, TRUE);
        return NULL;
    }
    return g_string_free (q, FALSE);
}

/* ---- hashing ------------------------------------------------------------ */

static gboolean
pread_all (int fd, char *buf, gsize len, gint64 offset)
{
    gsize done = 0;
    while (done < len) {
        ssize_t n = pread (fd, buf + done, len - done, offset + done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        done += n;
    }
    return TRUE;
}

/* SHA-256 (hex) of @len bytes of @fd at @offset, into @out; when
 * @prefix_len is in (0, len), also of the first @prefix_len bytes. */
static gboolean
hash_range (int fd, gint64 offset, gint64 len, char out[65], gint64 prefix_len, char prefix_out[65])
{
    GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
    char buf[65536];
    gint64 done = 0;
    gboolean ok = TRUE;

    if (prefix_out)
        prefix_out[0] = '\0';
    while (done < len) {
        gint64 want = MIN ((gint64) sizeof buf, len - done);
        if (prefix_out && prefix_len > done && prefix_len < done + want)
            want = prefix_len - done;
        if (!pread_all (fd, buf, want, offset + done)) {
            ok = FALSE;
            break;
        }
        g_checksum_update (sum, (const guchar *) buf, want);
        done += want;
        if (prefix_out && done == prefix_len && done < len) {
            GChecksum *copy = g_checksum_copy (sum);
            g_strlcpy (prefix_out, g_checksum_get_string (copy), 65);
            g_checksum_free (copy);
        }
    }
    if (ok)
        g_strlcpy (out, g_checksum_get_string (sum), 65);
    g_checksum_free (sum);
    return ok;
}

static void
hash_string (const char *s, gsize len, char out[65])
{
    char *h = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) s, len);
    g_strlcpy (out, h, 65);
    g_free (h);
}

/* ---- ingest ------------------------------------------------------------- */

/* Ingest runs on two threads.  The caller's thread reads, parses,
 * analyses and hashes messages and decides what is new (reading the
 * database through a connection of its own); a writer thread executes
 * every change, in order, as a queue of operations.  The caller decides
 * where transactions end, so a batch's messages and its mbox progress
 * always commit together. */

typedef enum {
    OP_INSERT,                  /* a new message and its diagnoses */
    OP_MOVE,                    /* a Maildir message's file was renamed */
    OP_SET_OFFSET,              /* an mbox message moved in a rewritten mbox */
    OP_DELETE,                  /* a message stored half-written */
    OP_PROGRESS,                /* how far an mbox got */
    OP_NOTE,                    /* a path given on the command line */
    OP_COMMIT,
    OP_STOP,
} op_kind;

/* A file both threads read: the writer hashes what the reader parsed. */
typedef struct {
    int fd;
    gint refs;
} shared_file;

static shared_file *
file_ref (shared_file *f)
{
    if (f)
        g_atomic_int_inc (&f->refs);
    return f;
}

static void
file_unref (shared_file *f)
{
    if (f && g_atomic_int_dec_and_test (&f->refs)) {
        close (f->fd);
        g_free (f);
    }
}

typedef struct {
    op_kind kind;
    gint64 id;
    shared_file *file;          /* INSERT without a hash: hash @size bytes at @offset (0: a file) */
    ba_report *rep;
    char *identity, *source, *name, *hash, *kind_name;
    gint64 offset, size;        /* INSERT, SET_OFFSET; PROGRESS: resume offset, file size */
    gint64 last, head_len;      /* PROGRESS */
    char *head_hash, *tail_hash;
} op;

static void
op_free (op *o)
{
    file_unref (o->file);
    ba_report_free (o->rep);
    g_free (o->identity);
    g_free (o->source);
    g_free (o->name);
    g_free (o->hash);
    g_free (o->kind_name);
    g_free (o->head_hash);
    g_free (o->tail_hash);
    g_free (o);
}

/* Statements of the reading connection and of the writer's. */
enum { R_FIND_IDENTITY, R_AT_OFFSET, R_GET_SOURCE, N_READS };
enum {
    W_MOVE_MESSAGE, W_SET_OFFSET, W_DELETE_RECIPIENTS, W_DELETE_MESSAGE, W_INSERT_MESSAGE,
    W_INSERT_RECIPIENT, W_PUT_SOURCE, W_NOTE_SOURCE, W_FTS_ADD, N_WRITES
};

static const char *const read_sql[N_READS] = {
    [R_FIND_IDENTITY] = "SELECT id, source, mbox_offset FROM messages WHERE identity = ?",
    [R_AT_OFFSET] = "SELECT id, size, content_hash FROM messages WHERE mbox_offset = ? AND source = ?",
    [R_GET_SOURCE] =
        "SELECT size, resume_offset, last_message_offset, head_length, head_hash, tail_hash"
        " FROM sources WHERE path = ?",
};

static const char *const write_sql[N_WRITES] = {
    [W_MOVE_MESSAGE] = "UPDATE messages SET source = ?, name = ? WHERE id = ?",
    [W_SET_OFFSET] = "UPDATE messages SET mbox_offset = ? WHERE id = ?",
    [W_DELETE_RECIPIENTS] = "DELETE FROM recipients WHERE message_id = ?",
    [W_DELETE_MESSAGE] = "DELETE FROM messages WHERE id = ?",
    [W_INSERT_MESSAGE] =
        "INSERT OR IGNORE INTO messages (identity, source, mbox_offset, name, size, content_hash,"
        " kind, format, bounce_date, bounce_time, bounce_from, bounce_subject, reporting_mta,"
        " original_message_id, original_from, original_sender, original_to, original_subject,"
        " original_date, ingested_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [W_INSERT_RECIPIENT] =
        "INSERT INTO recipients (message_id, position, address, domain, original_recipient,"
        " original_domain, action, status, reported_status, smtp_code, remote_mta, command,"
        " diagnostic, last_attempt, time, feedback_type, reason, hard, rule, captures, dnsbl,"
        " listed, fault, advice, ruleset)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [W_PUT_SOURCE] =
        "INSERT INTO sources (path, kind, size, resume_offset, last_message_offset, head_length,"
        " head_hash, tail_hash, first_ingest, last_ingest) VALUES (?, 'mbox', ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (path) DO UPDATE SET kind = 'mbox', size = excluded.size,"
        " resume_offset = excluded.resume_offset,"
        " last_message_offset = excluded.last_message_offset, head_length = excluded.head_length,"
        " head_hash = excluded.head_hash, tail_hash = excluded.tail_hash,"
        " last_ingest = excluded.last_ingest",
    [W_NOTE_SOURCE] =
        "INSERT INTO sources (path, kind, first_ingest, last_ingest) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (path) DO UPDATE SET last_ingest = excluded.last_ingest,"
        " kind = CASE WHEN sources.kind = 'mbox' THEN 'mbox' ELSE excluded.kind END",
    [W_FTS_ADD] =
        "INSERT INTO diagnostics_fts (rowid, diagnostic)"
        " SELECT id, diagnostic FROM recipients WHERE id >= ? ORDER BY id",
};

/* Operations in flight at most: bounds memory when the writer lags. */
#define MAX_QUEUED 2000
/* Operations handed over at a time: a handover wakes the writer. */
#define HANDOVER 64

struct ba_ingest {
    ba_store *st;               /* its connection is the writer's */
    ba_store reader;            /* a second connection, for the caller's thread */
    const ba_ruleset *set;
    ba_context *ctx;
    char *now;                  /* ingest time of this run */
    guint batch_size;
    guint batch;                /* messages since the last commit was queued */

    /* shared with the writer, under lock */
    GMutex lock;
    GCond room;
    guint queued;
    ba_ingest_stats wstats;     /* stored, bounces, recipients, skipped by the writer */
    GError *werror;             /* the writer's first failure */
    ba_ingest_stats merged;     /* handed out by ba_ingest_get_stats */

    GAsyncQueue *queue;         /* of GPtrArray* of op*: to the writer */
    GAsyncQueue *done;          /* the same, done: freed by the caller's thread */
    GPtrArray *pending;         /* ops not yet handed over */
    GThread *writer;
    gint abandon;               /* atomic: skip what is queued, roll back */

    /* the caller's thread only */
    ba_ingest_stats stats;
    sqlite3_stmt *rstmt[N_READS];
    GError *hook_error;         /* from a hook, handed out by the next call */
    char *want_path;            /* the path want_file saw, with its identity */
    char *want_canon;
    char *want_identity;
    char *path;                 /* the file being read, as the reader names it */
    char *canon;                /* canonical path, or "-" */
    char *identity;             /* of a single-message file */
    char *name;                 /* file name, for a single-message file */
    shared_file *file;          /* our copy of the reader's descriptor, or NULL */
    int fd;                     /* its descriptor, or -1 */
    gint64 fresh_from;          /* mbox: no message from here on can be stored already */
    gint64 size;                /* when opened */
    gint64 mtime;
    gboolean mbox;
    gboolean progress_dirty;    /* how far the mbox got, queued with each commit */
    gint64 resume_offset, last_offset;
    gint64 head_length;
    char head_hash[65];

    /* the writer thread only */
    sqlite3_stmt *wstmt[N_WRITES];
    gboolean in_tx;
    gint64 fts_from;            /* first recipient id not yet in the FTS index, or 0 */
};

static sqlite3_stmt *
stmt_get (ba_store *st, sqlite3_stmt **cache, const char *sql, GError **error)
{
    if (!*cache)
        *cache = ba_store_sql_prepare (st, sql, error);
    else
        sqlite3_reset (*cache);
    if (*cache)
        sqlite3_clear_bindings (*cache);
    return *cache;
}

#define RSTMT(ing, which, error) stmt_get (&(ing)->reader, &(ing)->rstmt[which], read_sql[which], error)
#define WSTMT(ing, which, error) stmt_get ((ing)->st, &(ing)->wstmt[which], write_sql[which], error)

/* Run a statement that returns no row. */
static gboolean
stmt_done (ba_store *st, sqlite3_stmt *stmt, GError **error)
{
    int rc = sqlite3_step (stmt);
    sqlite3_reset (stmt);
    if (rc != SQLITE_DONE)
        return ba_store_sql_fail (st, error, "writing");
    return TRUE;
}

/* ---- the writer's side -------------------------------------------------- */

static gboolean
ensure_tx (ba_ingest *ing, GError **error)
{
    if (ing->in_tx)
        return TRUE;
    if (!ba_store_sql_exec (ing->st, "BEGIN IMMEDIATE", error))
        return FALSE;
    ing->in_tx = TRUE;
    return TRUE;
}

/* Index the recipients stored since the last flush. */
static gboolean
flush_fts (ba_ingest *ing, GError **error)
{
    sqlite3_stmt *s;
    if (!ing->fts_from)
        return TRUE;
    if (!(s = WSTMT (ing, W_FTS_ADD, error)))
        return FALSE;
    sqlite3_bind_int64 (s, 1, ing->fts_from);
    if (!stmt_done (ing->st, s, error))
        return FALSE;
    ing->fts_from = 0;
    return TRUE;
}

static char *
captures_json (const ba_recipient *r)
{
    GString *out = g_string_new (NULL);
    sprinter *sp = sprinter_json_new_string (out);
    ba_emit_captures (sp, r);
    sp->free (sp);
    return g_string_free (out, FALSE);
}

static void
bind_verdict (sqlite3_stmt *s, int first, const ba_recipient *r, const char *ruleset)
{
    char *caps = captures_json (r);
    bind_text (s, first, r->reason);
    sqlite3_bind_int (s, first + 1, r->hard ? 1 : 0);
    bind_text (s, first + 2, r->rule);
    sqlite3_bind_text (s, first + 3, caps, -1, g_free);
    bind_text (s, first + 4, r->dnsbl);
    bind_text (s, first + 5, r->listed);
    bind_text (s, first + 6, r->fault);
    bind_text (s, first + 7, r->advice);
    bind_text (s, first + 8, ruleset);
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

static gboolean
write_insert (ba_ingest *ing, op *o, GError **error)
{
    const ba_report *rep = o->rep;
    sqlite3_stmt *s = WSTMT (ing, W_INSERT_MESSAGE, error);
    gint64 bounce_time = 0, id;
    gboolean has_bounce_time;
    guint stored = 0;
    char h[65], *sender;

    if (!s)
        return FALSE;
    if (!o->hash) {
        if (!hash_range (o->file->fd, MAX (o->offset, 0), o->size, h, 0, NULL)) {
            g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_SQL,
                         "%s: cannot read the message at offset %" G_GINT64_FORMAT " again: %s",
                         o->source, MAX (o->offset, 0), g_strerror (errno));
            return FALSE;
        }
    }
    has_bounce_time = iso_to_unix (rep->date, &bounce_time);
    /* what this thread allocates, this thread frees (the binding owns it) */
    if (o->identity)
        bind_text (s, 1, o->identity);
    else
        sqlite3_bind_text (s, 1, g_strconcat ("mbox:", o->source, ":", o->hash ? o->hash : h, NULL), -1, g_free);
    bind_text (s, 2, o->source);
    bind_int_or_null (s, 3, o->offset >= 0, o->offset);
    bind_text (s, 4, o->name);
    bind_int_or_null (s, 5, o->size >= 0, o->size);
    bind_text (s, 6, o->hash ? o->hash : h);
    bind_text (s, 7, ba_kind_name (rep->kind));
    bind_text (s, 8, rep->format);
    bind_text (s, 9, rep->date);
    bind_int_or_null (s, 10, has_bounce_time, bounce_time);
    bind_text (s, 11, rep->from);
    bind_text (s, 12, rep->subject);
    bind_text (s, 13, rep->reporting_mta);
    bind_text (s, 14, rep->original.message_id);
    bind_text (s, 15, rep->original.from);
    sender = sender_address (rep->original.from);
    bind_text (s, 16, sender);
    g_free (sender);
    bind_text (s, 17, rep->original.to);
    bind_text (s, 18, rep->original.subject);
    bind_text (s, 19, rep->original.date);
    bind_text (s, 20, ing->now);
    if (!stmt_done (ing->st, s, error))
        return FALSE;
    if (sqlite3_changes (ing->st->db) == 0) {
        /* already there: the same file twice in one run, or another ingest */
        g_mutex_lock (&ing->lock);
        ing->wstats.skipped++;
        g_mutex_unlock (&ing->lock);
        return TRUE;
    }
    id = sqlite3_last_insert_rowid (ing->st->db);

    for (guint i = 0; i < rep->recipients->len; i++) {
        const ba_recipient *r = g_ptr_array_index (rep->recipients, i);
        char *domain = r->recipient ? ba_address_domain (r->recipient) : NULL;
        /* kept only when it differs: most bounces repeat the final recipient */
        const char *orig = r->original_recipient && r->recipient
                           && g_ascii_strcasecmp (r->original_recipient, r->recipient)
                           ? r->original_recipient : NULL;
        char *odomain = orig ? ba_address_domain (orig) : NULL;
        gint64 t = 0;
        gboolean has_t = iso_to_unix (r->last_attempt, &t);

        if (!has_t) {
            has_t = has_bounce_time;
            t = bounce_time;
        }
        if (!(s = WSTMT (ing, W_INSERT_RECIPIENT, error))) {
            g_free (domain);
            g_free (odomain);
            return FALSE;
        }
        sqlite3_bind_int64 (s, 1, id);
        sqlite3_bind_int (s, 2, (int) i);
        bind_text (s, 3, r->recipient ? r->recipient : "");
        bind_text (s, 4, domain);
        bind_text (s, 5, orig);
        bind_text (s, 6, odomain);
        bind_text (s, 7, r->action);
        bind_text (s, 8, r->status);
        bind_text (s, 9, r->reported_status);
        bind_int_or_null (s, 10, r->smtp_code != 0, r->smtp_code);
        bind_text (s, 11, r->remote_mta);
        bind_text (s, 12, r->command);
        bind_text (s, 13, r->diagnostic);
        bind_text (s, 14, r->last_attempt);
        bind_int_or_null (s, 15, has_t, t);
        bind_text (s, 16, r->feedback_type);
        bind_verdict (s, 17, r, ba_ruleset_id (ing->set));
        g_free (domain);
        g_free (odomain);
        if (!stmt_done (ing->st, s, error))
            return FALSE;
        if (!ing->fts_from)
            ing->fts_from = sqlite3_last_insert_rowid (ing->st->db);
        stored++;
    }
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
    sqlite3_stmt *s;

    if (o->kind == OP_COMMIT) {
        if (!ing->in_tx)
            return TRUE;
        if (!flush_fts (ing, error) || !ba_store_sql_exec (ing->st, "COMMIT", error))
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
        bind_text (s, 1, o->source);
        bind_text (s, 2, o->name);
        sqlite3_bind_int64 (s, 3, o->id);
        return stmt_done (ing->st, s, error);
    case OP_SET_OFFSET:
        if (!(s = WSTMT (ing, W_SET_OFFSET, error)))
            return FALSE;
        sqlite3_bind_int64 (s, 1, o->offset);
        sqlite3_bind_int64 (s, 2, o->id);
        return stmt_done (ing->st, s, error);
    case OP_DELETE:
        /* the delete trigger takes rows out of the index: they must be in it */
        if (!flush_fts (ing, error) || !(s = WSTMT (ing, W_DELETE_RECIPIENTS, error)))
            return FALSE;
        sqlite3_bind_int64 (s, 1, o->id);
        if (!stmt_done (ing->st, s, error) || !(s = WSTMT (ing, W_DELETE_MESSAGE, error)))
            return FALSE;
        sqlite3_bind_int64 (s, 1, o->id);
        return stmt_done (ing->st, s, error);
    case OP_PROGRESS:
        if (!(s = WSTMT (ing, W_PUT_SOURCE, error)))
            return FALSE;
        bind_text (s, 1, o->source);
        sqlite3_bind_int64 (s, 2, o->size);
        sqlite3_bind_int64 (s, 3, o->offset);
        bind_int_or_null (s, 4, o->last >= 0, o->last);
        sqlite3_bind_int64 (s, 5, o->head_len);
        bind_text (s, 6, o->head_hash);
        bind_text (s, 7, o->tail_hash);
        bind_text (s, 8, ing->now);
        bind_text (s, 9, ing->now);
        return stmt_done (ing->st, s, error);
    case OP_NOTE:
        if (!(s = WSTMT (ing, W_NOTE_SOURCE, error)))
            return FALSE;
        bind_text (s, 1, o->source);
        bind_text (s, 2, o->kind_name);
        bind_text (s, 3, ing->now);
        bind_text (s, 4, ing->now);
        return stmt_done (ing->st, s, error);
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
        ba_store_sql_exec (ing->st, "ROLLBACK", NULL);
    ing->in_tx = FALSE;
    return NULL;
}

/* ---- the caller's side -------------------------------------------------- */

static op *
op_new (op_kind kind)
{
    op *o = g_new0 (op, 1);
    o->kind = kind;
    return o;
}

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
    ing->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) op_free);
    reap (ing);
}

/* Queue @o for the writer; FALSE (with the writer's error) once it failed. */
static gboolean
queue_op (ba_ingest *ing, op *o, GError **error)
{
    g_mutex_lock (&ing->lock);
    if (ing->werror) {
        g_set_error_literal (error, ing->werror->domain, ing->werror->code, ing->werror->message);
        g_mutex_unlock (&ing->lock);
        op_free (o);
        return FALSE;
    }
    g_mutex_unlock (&ing->lock);
    g_ptr_array_add (ing->pending, o);
    if (ing->pending->len >= HANDOVER || o->kind == OP_COMMIT || o->kind == OP_STOP)
        hand_over (ing);
    return TRUE;
}

ba_ingest *
ba_ingest_new (ba_store *st, const ba_ruleset *set, guint batch)
{
    ba_ingest *ing = g_new0 (ba_ingest, 1);
    ing->st = st;
    ing->set = set;
    ing->ctx = ba_context_new (set);
    ing->now = now_iso ();
    ing->batch_size = batch ? batch : DEFAULT_BATCH;
    ing->fd = -1;
    g_mutex_init (&ing->lock);
    g_cond_init (&ing->room);
    ing->queue = g_async_queue_new ();
    ing->done = g_async_queue_new ();
    ing->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) op_free);

    ing->reader.path = st->path;
    if (sqlite3_open_v2 (st->path, &ing->reader.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        /* no second connection: the writer's error will tell */
        ba_store_set_error (&ing->hook_error, ing->reader.db, st->path, "opening a second connection");
        sqlite3_close (ing->reader.db);
        ing->reader.db = NULL;
    } else {
        sqlite3_busy_timeout (ing->reader.db, 30000);
    }
    /* Index pages are touched all over by every batch: keep them in
     * memory, and checkpoint less often so fewer are written twice. */
    ba_store_sql_exec (st, "PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 4000", NULL);
    ing->writer = g_thread_new ("ba-writer", writer_main, ing);
    return ing;
}

static void
close_current (ba_ingest *ing)
{
    file_unref (ing->file);
    ing->file = NULL;
    ing->fd = -1;
    g_clear_pointer (&ing->path, g_free);
    g_clear_pointer (&ing->canon, g_free);
    g_clear_pointer (&ing->identity, g_free);
    g_clear_pointer (&ing->name, g_free);
    ing->mbox = FALSE;
    ing->progress_dirty = FALSE;
}

/* Stop the writer: after the queued operations, or at once when
 * @give_up (then the open batch is rolled back). */
static void
stop_writer (ba_ingest *ing, gboolean give_up)
{
    if (!ing->writer)
        return;
    if (give_up)
        g_atomic_int_set (&ing->abandon, 1);
    g_ptr_array_add (ing->pending, op_new (OP_STOP));
    hand_over (ing);
    g_thread_join (ing->writer);
    ing->writer = NULL;
    reap (ing);
}

void
ba_ingest_free (ba_ingest *ing)
{
    if (!ing)
        return;
    stop_writer (ing, TRUE);
    for (int i = 0; i < N_WRITES; i++)
        sqlite3_finalize (ing->wstmt[i]);
    for (int i = 0; i < N_READS; i++)
        sqlite3_finalize (ing->rstmt[i]);
    if (ing->reader.db)
        sqlite3_close_v2 (ing->reader.db);
    close_current (ing);
    g_async_queue_unref (ing->queue);
    g_async_queue_unref (ing->done);
    g_ptr_array_unref (ing->pending);
    g_mutex_clear (&ing->lock);
    g_cond_clear (&ing->room);
    g_free (ing->want_path);
    g_free (ing->want_canon);
    g_free (ing->want_identity);
    g_clear_error (&ing->hook_error);
    g_clear_error (&ing->werror);
    ba_context_free (ing->ctx);
    g_free (ing->now);
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
    g_mutex_unlock (&ing->lock);
    return &ing->merged;
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
    if (ing->fd < 0 || !hash_range (ing->fd, from, ing->resume_offset - from, tail, 0, NULL))
        tail[0] = '\0';
    o = op_new (OP_PROGRESS);
    o->source = g_strdup (ing->canon);
    o->size = ing->size;
    o->offset = ing->resume_offset;
    o->last = ing->last_offset;
    o->head_len = ing->head_length;
    o->head_hash = g_strdup (ing->head_hash);
    o->tail_hash = tail[0] ? g_strdup (tail) : NULL;
    ing->progress_dirty = FALSE;
    return queue_op (ing, o, error);
}

static gboolean
queue_commit (ba_ingest *ing, GError **error)
{
    ing->batch = 0;
    return flush_progress (ing, error) && queue_op (ing, op_new (OP_COMMIT), error);
}

/* A file inside a Maildir's cur/ or new/: the Maildir and the unique
 * part of the name (flags after ':' change as the message is read). */
static char *
identity_of_file (const char *canon)
{
    char *dir = g_path_get_dirname (canon);
    char *base = g_path_get_basename (canon);
    char *sub = g_path_get_basename (dir);
    char *id = NULL;

    if (!strcmp (sub, "cur") || !strcmp (sub, "new")) {
        char *folder = g_path_get_dirname (dir);
        char *cur = g_build_filename (folder, "cur", NULL);
        char *new = g_build_filename (folder, "new", NULL);
        if (g_file_test (cur, G_FILE_TEST_IS_DIR) && g_file_test (new, G_FILE_TEST_IS_DIR)) {
            char *colon = strchr (base, ':');
            id = g_strdup_printf ("maildir:%s/%.*s", folder,
                                  colon ? (int) (colon - base) : (int) strlen (base), base);
        }
        g_free (cur);
        g_free (new);
        g_free (folder);
    }
    if (!id)
        id = g_strconcat ("file:", canon, NULL);
    g_free (dir);
    g_free (base);
    g_free (sub);
    return id;
}

static char *
canonical (const char *path)
{
    char *r;
    if (!strcmp (path, "-"))
        return g_strdup ("-");
    r = realpath (path, NULL);
    if (r) {
        char *copy = g_strdup (r);
        free (r);
        return copy;
    }
    return g_canonicalize_filename (path, NULL);
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
    sqlite3_stmt *s;
    char *canon, *identity;
    gboolean want = TRUE;

    if (ing->hook_error)
        return TRUE;
    canon = canonical (path);
    identity = identity_of_file (canon);
    if (!(s = RSTMT (ing, R_FIND_IDENTITY, &err))) {
        hook_failed (ing, err);
        g_free (canon);
        g_free (identity);
        return TRUE;
    }
    bind_text (s, 1, identity);
    if (sqlite3_step (s) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64 (s, 0);
        gboolean moved = g_strcmp0 (col_text (s, 1), canon) != 0;
        sqlite3_reset (s);
        want = FALSE;
        ing->stats.skipped++;
        if (moved) {
            /* a Maildir message moved from new/ to cur/, or flagged */
            op *o = op_new (OP_MOVE);
            o->id = id;
            o->source = g_strdup (canon);
            o->name = g_path_get_basename (canon);
            if (!queue_op (ing, o, &err))
                hook_failed (ing, err);
            else if (++ing->batch >= ing->batch_size && !queue_commit (ing, &err))
                hook_failed (ing, err);
        }
    } else {
        sqlite3_reset (s);
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
    sqlite3_stmt *s = RSTMT (ing, R_GET_SOURCE, &err);
    gint64 size, resume, last, head_len;
    char *head_hash, *tail_hash;
    char h[65];
    gboolean same;
    char buf[6];

    if (!s) {
        hook_failed (ing, err);
        return 0;
    }
    bind_text (s, 1, ing->canon);
    *known = FALSE;
    if (sqlite3_step (s) != SQLITE_ROW || sqlite3_column_type (s, 1) == SQLITE_NULL) {
        sqlite3_reset (s);
        return 0;
    }
    *known = TRUE;
    size = sqlite3_column_int64 (s, 0);
    resume = sqlite3_column_int64 (s, 1);
    last = sqlite3_column_type (s, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64 (s, 2);
    head_len = sqlite3_column_int64 (s, 3);
    head_hash = g_strdup (col_text (s, 4));
    tail_hash = g_strdup (col_text (s, 5));
    sqlite3_reset (s);

    /* The same mailbox, only grown: no smaller, same first bytes, same
     * bytes before where we stopped.  Else it was rewritten (a mail client
     * deleted or moved messages) or truncated: read it all again. */
    same = ing->size >= size && resume <= ing->size && head_len <= ing->size && head_hash;
    if (same)
        same = hash_range (ing->fd, 0, head_len, h, 0, NULL) && !strcmp (h, head_hash);
    if (same && resume > 0) {
        gint64 from = MAX (0, resume - HEAD_BYTES);
        same = tail_hash && hash_range (ing->fd, from, resume - from, h, 0, NULL)
               && !strcmp (h, tail_hash);
    }
    g_free (head_hash);
    g_free (tail_hash);
    if (!same) {
        ing->stats.rewritten++;
        return 0;
    }
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
        ing->canon = canonical (path);
        ing->identity = strcmp (path, "-") ? identity_of_file (ing->canon) : NULL;
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
    if (!hash_range (ing->fd, 0, ing->head_length, ing->head_hash, 0, NULL))
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
    op *o = op_new (OP_NOTE);
    struct stat sb;

    o->source = canonical (path);
    if (!strcmp (path, "-")) {
        o->kind_name = g_strdup ("stdin");
    } else if (stat (path, &sb) == 0 && S_ISDIR (sb.st_mode)) {
        char *cur = g_build_filename (path, "cur", NULL);
        o->kind_name = g_strdup (g_file_test (cur, G_FILE_TEST_IS_DIR) ? "maildir" : "directory");
        g_free (cur);
    } else {
        o->kind_name = g_strdup ("file");
    }
    return queue_op (ing, o, error);
}

/* Queue the deletion of the messages stored at @offset of this mbox that
 * are a prefix of the message there now: they were read while being
 * written. */
static gboolean
drop_partial_copies (ba_ingest *ing, gint64 offset, gint64 size, GError **error)
{
    sqlite3_stmt *s = RSTMT (ing, R_AT_OFFSET, error);
    GArray *drop = g_array_new (FALSE, FALSE, sizeof (gint64));
    gboolean ok = TRUE;

    if (!s) {
        g_array_free (drop, TRUE);
        return FALSE;
    }
    sqlite3_bind_int64 (s, 1, offset);
    bind_text (s, 2, ing->canon);
    while (sqlite3_step (s) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64 (s, 0);
        gint64 old = sqlite3_column_type (s, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64 (s, 1);
        const char *old_hash = col_text (s, 2);
        char whole[65], prefix[65];
        if (old <= 0 || old >= size || !old_hash)
            continue;
        if (hash_range (ing->fd, offset, size, whole, old, prefix) && !strcmp (prefix, old_hash))
            g_array_append_val (drop, id);
    }
    sqlite3_reset (s);
    for (guint i = 0; ok && i < drop->len; i++) {
        op *o = op_new (OP_DELETE);
        o->id = g_array_index (drop, gint64, i);
        ok = queue_op (ing, o, error);
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
    gboolean mbox = in->offset >= 0;
    gboolean same = ing->path && in->source && !strcmp (ing->path, in->source);
    gboolean from_file = same && ing->fd >= 0 && in->size > 0;
    gboolean stdin_input = !same || !strcmp (ing->canon, "-");
    /* A file that passed want_file, and the part of an mbox past what
     * is stored, hold only new messages: the writer hashes them. */
    gboolean fresh = from_file && !stdin_input && (!mbox || in->offset >= ing->fresh_from);
    char hash[65];
    char *identity = NULL;
    sqlite3_stmt *s;
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
        if (!from_file || !hash_range (ing->fd, mbox ? in->offset : 0, in->size, hash, 0, NULL)) {
            /* not seekable: hash GMime's rendering of the message instead */
            char *text = g_mime_object_to_string (GMIME_OBJECT (in->message), NULL);
            hash_string (text, strlen (text), hash);
            g_free (text);
        }
        if (stdin_input)
            identity = g_strconcat ("stdin:", hash, NULL);
        else if (mbox)
            identity = g_strconcat ("mbox:", ing->canon, ":", hash, NULL);
        else
            identity = g_strdup (ing->identity);

        if (!(s = RSTMT (ing, R_FIND_IDENTITY, error))) {
            g_free (identity);
            return FALSE;
        }
        bind_text (s, 1, identity);
        if (sqlite3_step (s) == SQLITE_ROW) {
            gint64 id = sqlite3_column_int64 (s, 0);
            gboolean moved = mbox && !g_strcmp0 (col_text (s, 1), ing->canon)
                             && sqlite3_column_int64 (s, 2) != in->offset;
            sqlite3_reset (s);
            g_free (identity);
            identity = NULL;
            ing->stats.skipped++;
            if (moved) {
                /* the mbox was rewritten: the message is now elsewhere in it */
                o = op_new (OP_SET_OFFSET);
                o->id = id;
                o->offset = in->offset;
                if (!queue_op (ing, o, error))
                    return FALSE;
            }
        } else {
            sqlite3_reset (s);
            if (mbox && from_file && !stdin_input
                && !drop_partial_copies (ing, in->offset, in->size, error)) {
                g_free (identity);
                return FALSE;
            }
        }
    }

    if (fresh || identity) {
        o = op_new (OP_INSERT);
        o->rep = ba_analyze_message (ing->ctx, in->message, in->source, in->offset);
        ba_emit_warnings (stderr, o->rep);
        o->source = g_strdup (stdin_input ? "-" : ing->canon);
        o->name = mbox || stdin_input ? NULL : g_strdup (ing->name);
        o->offset = in->offset;
        o->size = in->size > 0 ? in->size : -1;
        if (fresh) {
            o->file = file_ref (ing->file);
            o->identity = mbox ? NULL : g_strdup (ing->identity);
        } else {
            o->identity = identity;
            o->hash = g_strdup (hash);
        }
        if (!queue_op (ing, o, error))
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
    if (!queue_commit (ing, error))
        return FALSE;
    stop_writer (ing, FALSE);
    if (ing->werror) {
        g_propagate_error (error, ing->werror);
        ing->werror = NULL;
        return FALSE;
    }
    return TRUE;
}

/* ---- queries ------------------------------------------------------------ */

/* Append the conditions of @q (AND ...) to @sql and their values to
 * @binds (of char*, NULL for a time placeholder; times go to @times). */
typedef struct {
    GPtrArray *texts;           /* values bound in order: char* */
    GArray *kinds;              /* 0 = text, 1 = int */
    GArray *ints;
} binds;

static void
binds_init (binds *b)
{
    b->texts = g_ptr_array_new_with_free_func (g_free);
    b->kinds = g_array_new (FALSE, FALSE, sizeof (int));
    b->ints = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
binds_clear (binds *b)
{
    g_ptr_array_unref (b->texts);
    g_array_free (b->kinds, TRUE);
    g_array_free (b->ints, TRUE);
}

static void
add_text (binds *b, const char *s)
{
    int k = 0;
    gint64 zero = 0;
    g_ptr_array_add (b->texts, g_strdup (s));
    g_array_append_val (b->kinds, k);
    g_array_append_val (b->ints, zero);
}

static void
add_int (binds *b, gint64 v)
{
    int k = 1;
    g_ptr_array_add (b->texts, NULL);
    g_array_append_val (b->kinds, k);
    g_array_append_val (b->ints, v);
}

static void
apply_binds (sqlite3_stmt *s, const binds *b)
{
    for (guint i = 0; i < b->kinds->len; i++) {
        if (g_array_index (b->kinds, int, i) == 0)
            bind_text (s, (int) i + 1, g_ptr_array_index (b->texts, i));
        else
            sqlite3_bind_int64 (s, (int) i + 1, g_array_index (b->ints, gint64, i));
    }
}

static gboolean
add_conditions (GString *sql, binds *b, const ba_query *q, const char *time_col, GError **error)
{
    if (q->address && *q->address) {
        g_string_append (sql, " AND (recipient = ? COLLATE NOCASE"
                              " OR original_recipient = ? COLLATE NOCASE)");
        add_text (b, q->address);
        add_text (b, q->address);
    }
    if (q->domain && *q->domain) {
        char *d = g_utf8_strdown (q->domain[0] == '@' ? q->domain + 1 : q->domain, -1);
        g_string_append (sql, " AND (domain = ? OR original_domain = ?)");
        add_text (b, d);
        add_text (b, d);
        g_free (d);
    }
    if (q->sender && *q->sender) {
        char *lower = g_utf8_strdown (q->sender, -1);
        if (strchr (lower + 1, '@')) {
            g_string_append (sql, " AND original_sender = ?");
            add_text (b, lower);
        } else {
            g_string_append (sql, " AND substr (original_sender, instr (original_sender, '@') + 1) = ?");
            add_text (b, lower[0] == '@' ? lower + 1 : lower);
        }
        g_free (lower);
    }
    if (q->reason && *q->reason) {
        g_string_append (sql, " AND reason = ?");
        add_text (b, q->reason);
    }
    if (q->outcome && *q->outcome) {
        g_string_append (sql, " AND outcome = ?");
        add_text (b, q->outcome);
    }
    if (q->text && *q->text) {
        char *fts = ba_store_fts_query (q->text);
        if (!fts) {
            g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_QUERY,
                         "the search text '%s' has no word to look for", q->text);
            return FALSE;
        }
        g_string_append (sql, " AND id IN (SELECT rowid FROM diagnostics_fts"
                              " WHERE diagnostics_fts MATCH ?)");
        add_text (b, fts);
        g_free (fts);
    }
    if (q->has_since) {
        g_string_append_printf (sql, " AND %s >= ?", time_col);
        add_int (b, q->since);
    }
    if (q->has_until) {
        g_string_append_printf (sql, " AND %s < ?", time_col);
        add_int (b, q->until);
    }
    return TRUE;
}

static const char diagnosis_columns[] =
    "id, message_id, source, mbox_offset, kind, format, bounce_date, reporting_mta,"
    " recipient, domain, original_recipient, action, status, reported_status, smtp_code,"
    " remote_mta, command, diagnostic, date, time, reason, hard, rule, captures, dnsbl, listed, fault,"
    " advice, ruleset, outcome, original_message_id, original_from, original_sender,"
    " original_to, original_subject, original_date, ingested_at";

static void
read_diagnosis (sqlite3_stmt *s, ba_diagnosis *d)
{
    int i = 0;
    d->id = sqlite3_column_int64 (s, i++);
    d->message_id = sqlite3_column_int64 (s, i++);
    d->source = col_text (s, i++);
    d->offset = sqlite3_column_type (s, i) == SQLITE_NULL ? -1 : sqlite3_column_int64 (s, i);
    i++;
    d->kind = col_text (s, i++);
    d->format = col_text (s, i++);
    d->bounce_date = col_text (s, i++);
    d->reporting_mta = col_text (s, i++);
    d->recipient = col_text (s, i++);
    d->domain = col_text (s, i++);
    d->original_recipient = col_text (s, i++);
    d->action = col_text (s, i++);
    d->status = col_text (s, i++);
    d->reported_status = col_text (s, i++);
    d->smtp_code = sqlite3_column_int (s, i++);
    d->remote_mta = col_text (s, i++);
    d->command = col_text (s, i++);
    d->diagnostic = col_text (s, i++);
    d->date = col_text (s, i++);
    d->has_time = sqlite3_column_type (s, i) != SQLITE_NULL;
    d->time = sqlite3_column_int64 (s, i++);
    d->reason = col_text (s, i++);
    d->hard = sqlite3_column_int (s, i++) != 0;
    d->rule = col_text (s, i++);
    d->captures = col_text (s, i++);
    d->dnsbl = col_text (s, i++);
    d->listed = col_text (s, i++);
    d->fault = col_text (s, i++);
    d->advice = col_text (s, i++);
    d->ruleset = col_text (s, i++);
    d->outcome = col_text (s, i++);
    d->original_message_id = col_text (s, i++);
    d->original_from = col_text (s, i++);
    d->original_sender = col_text (s, i++);
    d->original_to = col_text (s, i++);
    d->original_subject = col_text (s, i++);
    d->original_date = col_text (s, i++);
    d->ingested_at = col_text (s, i++);
}

static gboolean
step_failed (ba_store *st, int rc, GError **error)
{
    const char *msg = sqlite3_errmsg (st->db);
    /* a malformed full-text query is the user's to fix, not a failure */
    if (strstr (msg, "fts5") || strstr (msg, "syntax error"))
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_QUERY, "bad search text: %s", msg);
    else
        ba_store_sql_fail (st, error, "reading");
    (void) rc;
    return FALSE;
}

gboolean
ba_store_find (ba_store *st, const ba_query *q, ba_diagnosis_fn fn, void *data, GError **error)
{
    GString *sql = g_string_new (NULL);
    sqlite3_stmt *s;
    binds b;
    gboolean ok = TRUE;
    int rc;

    binds_init (&b);
    g_string_printf (sql, "SELECT %s FROM diagnoses WHERE 1", diagnosis_columns);
    if (!add_conditions (sql, &b, q, "time", error)) {
        binds_clear (&b);
        g_string_free (sql, TRUE);
        return FALSE;
    }
    g_string_append (sql, " ORDER BY time IS NULL, time DESC, id DESC");
    if (q->limit) {
        g_string_append (sql, " LIMIT ?");
        add_int (&b, q->limit);
    }
    s = ba_store_sql_prepare (st, sql->str, error);
    g_string_free (sql, TRUE);
    if (!s) {
        binds_clear (&b);
        return FALSE;
    }
    apply_binds (s, &b);
    binds_clear (&b);
    while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
        ba_diagnosis d;
        read_diagnosis (s, &d);
        if (!fn (&d, data))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        ok = step_failed (st, rc, error);
    sqlite3_finalize (s);
    return ok;
}

void
ba_tally_free (ba_tally *t)
{
    if (!t)
        return;
    g_free (t->key);
    g_free (t);
}

GPtrArray *
ba_store_tally (ba_store *st, ba_tally_kind kind, const ba_query *range, guint limit,
                GError **error)
{
    ba_query q = { 0 };
    GString *sql = g_string_new (NULL);
    GPtrArray *out = NULL;
    const char *key, *where, *order = "2 DESC, 1";
    sqlite3_stmt *s;
    binds b;
    int rc;

    switch (kind) {
    case BA_TALLY_REASON:
        key = "reason";
        where = "";
        break;
    case BA_TALLY_DOMAIN:
        key = "domain";
        where = " AND outcome = 'failed' AND domain IS NOT NULL";
        break;
    case BA_TALLY_REMOTE_MTA:
        key = "remote_mta";
        where = " AND outcome = 'failed' AND remote_mta IS NOT NULL";
        break;
    case BA_TALLY_BLACKLIST:
        key = "dnsbl";
        where = " AND dnsbl IS NOT NULL";
        break;
    default:
        key = "date (time, 'unixepoch', 'localtime')";
        where = " AND outcome = 'failed' AND time IS NOT NULL";
        order = "1";
        break;
    }
    g_string_printf (sql,
                     "SELECT %s, count(*), sum (outcome = 'failed'), sum (outcome = 'delayed'),"
                     " sum (hard), count (DISTINCT domain), min (time), max (time)"
                     " FROM diagnoses WHERE 1%s", key, where);
    q.has_since = range && range->has_since;
    q.since = range ? range->since : 0;
    q.has_until = range && range->has_until;
    q.until = range ? range->until : 0;
    binds_init (&b);
    add_conditions (sql, &b, &q, "time", NULL);
    g_string_append_printf (sql, " GROUP BY 1 ORDER BY %s", order);
    if (limit) {
        g_string_append (sql, " LIMIT ?");
        add_int (&b, limit);
    }
    s = ba_store_sql_prepare (st, sql->str, error);
    g_string_free (sql, TRUE);
    if (!s) {
        binds_clear (&b);
        return NULL;
    }
    apply_binds (s, &b);
    binds_clear (&b);
    out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_tally_free);
    while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
        ba_tally *t = g_new0 (ba_tally, 1);
        t->key = g_strdup (col_text (s, 0) ? col_text (s, 0) : "");
        t->total = sqlite3_column_int64 (s, 1);
        t->failed = sqlite3_column_int64 (s, 2);
        t->delayed = sqlite3_column_int64 (s, 3);
        t->hard = sqlite3_column_int64 (s, 4);
        t->domains = sqlite3_column_int64 (s, 5);
        t->has_time = sqlite3_column_type (s, 6) != SQLITE_NULL;
        t->first = sqlite3_column_int64 (s, 6);
        t->last = sqlite3_column_int64 (s, 7);
        g_ptr_array_add (out, t);
    }
    if (rc != SQLITE_DONE) {
        step_failed (st, rc, error);
        g_clear_pointer (&out, g_ptr_array_unref);
    }
    sqlite3_finalize (s);
    return out;
}

gboolean
ba_store_get_totals (ba_store *st, const ba_query *range, ba_store_totals *out, GError **error)
{
    ba_query q = { 0 };
    GString *sql = g_string_new (NULL);
    sqlite3_stmt *s;
    binds b;
    gboolean ok = TRUE;

    memset (out, 0, sizeof *out);
    q.has_since = range && range->has_since;
    q.since = range ? range->since : 0;
    q.has_until = range && range->has_until;
    q.until = range ? range->until : 0;

    /* messages by the bounce's own date */
    binds_init (&b);
    g_string_assign (sql, "SELECT count(*), sum (kind <> 'other') FROM messages WHERE 1");
    add_conditions (sql, &b, &q, "bounce_time", NULL);
    if (!(s = ba_store_sql_prepare (st, sql->str, error))) {
        ok = FALSE;
    } else {
        apply_binds (s, &b);
        if (sqlite3_step (s) == SQLITE_ROW) {
            out->messages = sqlite3_column_int64 (s, 0);
            out->bounces = sqlite3_column_int64 (s, 1);
        } else {
            ok = ba_store_sql_fail (st, error, "reading");
        }
        sqlite3_finalize (s);
    }
    binds_clear (&b);

    if (ok) {
        binds_init (&b);
        g_string_assign (sql, "SELECT count(*), sum (outcome = 'failed'), sum (outcome = 'delayed'),"
                              " min (time), max (time) FROM diagnoses WHERE 1");
        add_conditions (sql, &b, &q, "time", NULL);
        if (!(s = ba_store_sql_prepare (st, sql->str, error))) {
            ok = FALSE;
        } else {
            apply_binds (s, &b);
            if (sqlite3_step (s) == SQLITE_ROW) {
                out->diagnoses = sqlite3_column_int64 (s, 0);
                out->failed = sqlite3_column_int64 (s, 1);
                out->delayed = sqlite3_column_int64 (s, 2);
                out->has_time = sqlite3_column_type (s, 3) != SQLITE_NULL;
                out->first = sqlite3_column_int64 (s, 3);
                out->last = sqlite3_column_int64 (s, 4);
            } else {
                ok = ba_store_sql_fail (st, error, "reading");
            }
            sqlite3_finalize (s);
        }
        binds_clear (&b);
    }
    g_string_free (sql, TRUE);
    return ok;
}

/* ---- reclassify --------------------------------------------------------- */

void
ba_reclassify_stats_clear (ba_reclassify_stats *s)
{
    if (s->transitions)
        g_ptr_array_unref (s->transitions);
    if (s->warnings)
        g_ptr_array_unref (s->warnings);
    memset (s, 0, sizeof *s);
}

static void
transition_free (ba_transition *t)
{
    g_free (t->from);
    g_free (t->to);
    g_free (t);
}

static gint
compare_transitions (gconstpointer a, gconstpointer b)
{
    const ba_transition *x = *(ba_transition *const *) a, *y = *(ba_transition *const *) b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp (x->from, y->from) ? strcmp (x->from, y->from) : strcmp (x->to, y->to);
}

gboolean
ba_store_reclassify (ba_store *st, const ba_ruleset *set, gboolean dry_run,
                     ba_reclassify_stats *out, GError **error)
{
    static const char select_sql[] =
        "SELECT r.id, r.address, r.original_recipient, r.action, r.reported_status, r.smtp_code,"
        " r.remote_mta, r.diagnostic, r.last_attempt, r.feedback_type, m.bounce_date,"
        " r.reason, r.hard, r.fault, r.rule, r.status, r.captures, r.dnsbl, r.listed, r.advice,"
        " r.command, m.format"
        " FROM recipients r JOIN messages m ON m.id = r.message_id ORDER BY r.id";
    static const char update_sql[] =
        "UPDATE recipients SET status = ?, reason = ?, hard = ?, rule = ?, captures = ?,"
        " dnsbl = ?, listed = ?, fault = ?, advice = ?, ruleset = ? WHERE id = ?";
    ba_context *ctx = ba_context_new (set);
    sqlite3_stmt *sel = NULL, *upd = NULL, *all = NULL;
    GHashTable *moves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    GHashTableIter it;
    gpointer k, v;
    gboolean ok = FALSE;
    int rc;

    memset (out, 0, sizeof *out);
    out->transitions = g_ptr_array_new_with_free_func ((GDestroyNotify) transition_free);
    /* a dry run only reads, so it may run on a read-only store */
    if (!ba_store_sql_exec (st, dry_run ? "BEGIN" : "BEGIN IMMEDIATE", error))
        goto done;
    if (!(sel = ba_store_sql_prepare (st, select_sql, error)) || !(upd = ba_store_sql_prepare (st, update_sql, error)))
        goto done;
    while ((rc = sqlite3_step (sel)) == SQLITE_ROW) {
        ba_recipient r = { 0 };
        char *caps;
        gboolean verdict_changed, row_changed;

        r.recipient = (char *) col_text (sel, 1);
        r.original_recipient = (char *) col_text (sel, 2);
        r.action = (char *) col_text (sel, 3);
        r.reported_status = (char *) col_text (sel, 4);
        r.smtp_code = sqlite3_column_int (sel, 5);
        r.remote_mta = (char *) col_text (sel, 6);
        r.diagnostic = (char *) col_text (sel, 7);
        r.last_attempt = (char *) col_text (sel, 8);
        r.feedback_type = (char *) col_text (sel, 9);
        r.command = ba_intern_command (col_text (sel, 20));
        r.format = (char *) col_text (sel, 21);
        r.status = ba_status_before_rules (r.reported_status, r.diagnostic);
        ba_reclassify_one (ctx, &r, col_text (sel, 10), sqlite3_column_int64 (sel, 0), out);

        caps = captures_json (&r);
        verdict_changed = g_strcmp0 (r.reason, col_text (sel, 11)) != 0
                          || (r.hard ? 1 : 0) != sqlite3_column_int (sel, 12)
                          || g_strcmp0 (r.fault, col_text (sel, 13)) != 0;
        row_changed = verdict_changed
                      || g_strcmp0 (r.rule, col_text (sel, 14)) != 0
                      || g_strcmp0 (r.status, col_text (sel, 15)) != 0
                      || g_strcmp0 (caps, col_text (sel, 16)) != 0
                      || g_strcmp0 (r.dnsbl, col_text (sel, 17)) != 0
                      || g_strcmp0 (r.listed, col_text (sel, 18)) != 0
                      || g_strcmp0 (r.advice, col_text (sel, 19)) != 0;
        out->examined++;
        if (verdict_changed) {
            char *key = g_strdup_printf ("%s\t%s", col_text (sel, 11), r.reason);
            gpointer n = g_hash_table_lookup (moves, key);
            g_hash_table_replace (moves, key, GSIZE_TO_POINTER (GPOINTER_TO_SIZE (n) + 1));
            out->changed++;
        }
        if (row_changed) {
            out->updated++;
            if (!dry_run) {
                sqlite3_reset (upd);
                bind_text (upd, 1, r.status);
                bind_verdict (upd, 2, &r, ba_ruleset_id (set));
                sqlite3_bind_int64 (upd, 11, sqlite3_column_int64 (sel, 0));
                rc = sqlite3_step (upd);
                if (rc != SQLITE_DONE) {
                    ba_store_sql_fail (st, error, "updating a verdict");
                    rc = SQLITE_ERROR;
                }
            }
        }
        g_free (caps);
        g_free (r.status);
        g_free (r.rule);
        g_free (r.dnsbl);
        g_free (r.listed);
        g_free (r.advice);
        if (r.captures)
            g_ptr_array_unref (r.captures);
        if (rc == SQLITE_ERROR)
            goto done;
    }
    if (rc != SQLITE_DONE) {
        ba_store_sql_fail (st, error, "reading");
        goto done;
    }
    if (!dry_run) {
        /* every verdict is now the current set's, changed or not */
        if (!(all = ba_store_sql_prepare (st, "UPDATE recipients SET ruleset = ? WHERE ruleset IS NOT ?", error)))
            goto done;
        bind_text (all, 1, ba_ruleset_id (set));
        bind_text (all, 2, ba_ruleset_id (set));
        if (sqlite3_step (all) != SQLITE_DONE) {
            ba_store_sql_fail (st, error, "updating");
            goto done;
        }
        sqlite3_finalize (all);
        all = NULL;
        if (!(all = ba_store_sql_prepare (st, "INSERT OR REPLACE INTO meta (key, value) VALUES"
                                 " ('reclassified_with', ?), ('reclassified_at', ?)", error)))
            goto done;
        {
            char *now = now_iso ();
            bind_text (all, 1, ba_ruleset_id (set));
            bind_text (all, 2, now);
            g_free (now);
        }
        if (sqlite3_step (all) != SQLITE_DONE) {
            ba_store_sql_fail (st, error, "updating");
            goto done;
        }
    }
    g_hash_table_iter_init (&it, moves);
    while (g_hash_table_iter_next (&it, &k, &v)) {
        ba_transition *t = g_new0 (ba_transition, 1);
        char **parts = g_strsplit (k, "\t", 2);
        t->from = g_strdup (parts[0]);
        t->to = g_strdup (parts[1] ? parts[1] : "");
        t->count = GPOINTER_TO_SIZE (v);
        g_strfreev (parts);
        g_ptr_array_add (out->transitions, t);
    }
    g_ptr_array_sort (out->transitions, compare_transitions);
    ok = TRUE;
done:
    sqlite3_finalize (sel);
    sqlite3_finalize (upd);
    sqlite3_finalize (all);
    if (ok && !dry_run)
        ok = ba_store_sql_exec (st, "COMMIT", error);
    if (!ok || dry_run)
        ba_store_sql_exec (st, "ROLLBACK", NULL);
    g_hash_table_unref (moves);
    ba_context_free (ctx);
    return ok;
}

/* ---- the captures column ------------------------------------------------ */

/* A JSON string at *@p (after the opening quote) up to its closing quote. */
static char *
json_string (const char **p)
{
    GString *out = g_string_new (NULL);
    const char *s = *p;

    while (*s && *s != '"') {
        if (*s != '\\') {
            g_string_append_c (out, *s++);
            continue;
        }
        s++;
        switch (*s) {
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u': {
            gunichar c = 0;
            for (int i = 1; i <= 4 && g_ascii_isxdigit (s[i]); i++)
                c = c * 16 + g_ascii_xdigit_value (s[i]);
            s += 4;
            if (c >= 0xd800 && c < 0xdc00 && s[1] == '\\' && s[2] == 'u') {
                gunichar lo = 0;
                for (int i = 3; i <= 6 && g_ascii_isxdigit (s[i]); i++)
                    lo = lo * 16 + g_ascii_xdigit_value (s[i]);
                if (lo >= 0xdc00 && lo < 0xe000) {
                    c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                    s += 6;
                }
            }
            if (!g_unichar_validate (c))
                c = 0xfffd;
            g_string_append_unichar (out, c);
            break;
        }
        case '\0':
            s--;
            break;
        default:
            g_string_append_c (out, *s);
        }
        s++;
    }
    if (*s == '"')
        s++;
    *p = s;
    return g_string_free (out, FALSE);
}

GPtrArray *
ba_store_captures_parse (const char *json)
{
    GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_capture_free);
    const char *p = json;

    if (!p)
        return out;
    while (*p && *p != '{')
        p++;
    while (*p) {
        ba_capture *c;
        while (*p && *p != '"' && *p != '}')
            p++;
        if (*p != '"')
            break;
        p++;
        c = g_new0 (ba_capture, 1);
        c->name = json_string (&p);
        while (*p && *p != '"' && *p != '}')
            p++;
        if (*p != '"') {
            ba_capture_free (c);
            break;
        }
        p++;
        c->value = json_string (&p);
        g_ptr_array_add (out, c);
    }
    return out;
}
