/* storage-ingest.h - what the two halves of ingest share: the caller's
 * thread (storage-ingest.c) reads messages, or under -j takes what the
 * workers read, analysed and hashed (storage-ingest-pool.c), and decides
 * what is new, reading the store through a connection of its own; a
 * writer thread (storage-writer.c) executes every change, in order, as a
 * queue of operations.  The caller decides where transactions end, so a
 * batch's messages and its mbox progress always commit together. */
#ifndef BA_STORAGE_INGEST_H
#define BA_STORAGE_INGEST_H

#include "storage-private.h"
#include "context.h"

typedef enum {
    OP_INSERT,                  /* a new message and its diagnoses */
    OP_MOVE,                    /* a Maildir message's file was renamed (new/ to cur/, flags) */
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

typedef struct {
    op_kind kind;
    gint64 id;
    shared_file *file;          /* INSERT without a hash: hash @size bytes at @offset (0: a file) */
    ba_report *rep;
    char *identity;             /* the location's key; INSERT from an mbox: NULL, from the hash */
    char *source, *name, *kind_name;
    char *hash, *key;           /* content_hash and content key, or NULL: from @file */
    char *message_id;           /* INSERT: the message's own Message-ID */
    gint64 offset, size;        /* INSERT, SET_OFFSET; PROGRESS: resume offset, file size */
    gint64 last, head_len;      /* PROGRESS */
    char *head_hash, *tail_hash;
    /* INSERT of an imported message: what its store said (NULL: this run's) */
    gboolean imported;
    char *host, *ingested_at, *ruleset;
    /* INSERT under ingest -j: @rep is still being made by the pool */
    gboolean awaiting;
} op;

/* Statements of the reading connection and of the writer's. */
enum { R_FIND_LOCATION, R_AT_OFFSET, R_GET_SOURCE, N_READS };
enum {
    W_MOVE_MESSAGE, W_MOVE_LOCATION, W_SET_OFFSET, W_SET_LOCATION_OFFSET, W_DELETE_RECIPIENTS,
    W_DELETE_MESSAGE, W_INSERT_MESSAGE, W_INSERT_RECIPIENT, W_INSERT_RECIPIENT_PLAIN, W_PUT_SOURCE, W_NOTE_SOURCE,
    W_FIND_CONTENT, W_FIND_LOCATION, W_PUT_LOCATION, W_RELOCATE, W_FILL_KEY, W_LOCATIONS_LEFT,
    N_WRITES
};

#define HEAD_BYTES 4096

struct ba_ingest {
    ba_store *st;               /* its connection is the writer's */
    ba_store *reader;           /* a second connection, for the caller's thread */
    const ba_ruleset *set;
    ba_context *ctx;
    char *now;                  /* ingest time of this run */
    char *host;                 /* the host recorded as ingesting */
    guint batch_size;
    guint batch;                /* messages since the last commit was queued */

    /* shared with the writer, under lock */
    GMutex lock;
    GCond room;
    guint queued;
    ba_ingest_stats wstats;     /* stored, bounces, recipients, skipped, relocated by the writer */
    GError *werror;             /* the writer's first failure */
    ba_ingest_stats merged;     /* handed out by ba_ingest_get_stats */

    GAsyncQueue *queue;         /* of GPtrArray* of op*: to the writer */
    GAsyncQueue *done;          /* the same, done: freed by the caller's thread */
    GPtrArray *pending;         /* ops not yet handed over */
    GThread *writer;
    gint abandon;               /* atomic: skip what is queued, roll back */

    /* the caller's thread only */
    ba_ingest_stats stats;
    ba_stmt *rstmt[N_READS];
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

    /* ingest -j (storage-ingest-pool.c): ops held back behind an INSERT
     * still awaiting its report, so that the writer gets them in order */
    struct ba_pool *pool;       /* borrowed; NULL: analyse in this thread */
    ba_ingest_observer observer;    /* told of what the workers read of a shared file */
    GQueue deferred;            /* of op* */
    guint awaiting;             /* of them, INSERTs without their report yet */

    /* the writer thread only */
    ba_stmt *wstmt[N_WRITES];
    gboolean in_tx;
    gint64 fts_from;            /* first recipient id not yet in the text index, or 0 */
};

/* ba_ingest_message, for a message read here (@pre NULL) or by a worker
 * (@pre its result, with its content ids; its report is taken). */
struct ba_result;
gboolean ba_ingest_read (ba_ingest *ing, const ba_input *in, const char *message_id,
                         struct ba_result *pre, GError **error);

/* storage-ingest-pool.c: have the pool's workers read the current mbox
 * from @start, and store what they found, in order; FALSE once it failed. */
gboolean ba_ingest_share_file (ba_ingest *ing, gint64 start, GError **error);

/* storage-ingest-pool.c: queue @o for the writer behind what is held back
 * (an INSERT's warnings are printed then); FALSE once it failed. */
gboolean ba_ingest_queue (ba_ingest *ing, op *o, GError **error);
/* Drop what is held back (the run was given up). */
void ba_ingest_drop_deferred (ba_ingest *ing);

/* storage-writer.c: the writer thread, and handing it operations. */
shared_file *ba_shared_file_ref (shared_file *f);
void ba_shared_file_unref (shared_file *f);
op *ba_op_new (op_kind kind);
void ba_op_free (op *o);
void ba_writer_start (ba_ingest *ing);
/* Queue @o for the writer; FALSE (with the writer's error) once it failed. */
gboolean ba_writer_queue (ba_ingest *ing, op *o, GError **error);
/* Stop the writer: after the queued operations, or at once when
 * @give_up (then the open batch is rolled back). */
void ba_writer_stop (ba_ingest *ing, gboolean give_up);
/* Finalize the writer's statements (after it stopped). */
void ba_writer_clear (ba_ingest *ing);

#endif
