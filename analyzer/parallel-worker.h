/* parallel-worker.h - what parallel.c's worker processes run. */
#ifndef BA_PARALLEL_WORKER_H
#define BA_PARALLEL_WORKER_H

#include "bounce-analyzer.h"

/* In memory shared with the caller: the message a worker is on, so that
 * a worker that dies can be reported with the message that killed it. */
typedef struct {
    gint64 offset;
    char source[4096];          /* cut, not NUL-terminated when full */
} ba_worker_doing;

/* Record in @doing that the worker is on @in's message. */
void ba_worker_note_doing (ba_worker_doing *doing, const ba_input *in);

/* What ingest stores to know a message again, worked out by the worker
 * that read it (see storage-hash.c): its content_hash, content key and
 * Message-ID. */
typedef struct {
    const char *hash, *key, *message_id;
} ba_content_ids;

/* Serialise one result into @out as a frame: a 32-bit length, then the
 * result (parallel.c decodes it); @ids may be NULL. */
void ba_parallel_put_result (GByteArray *out, guint64 unit, ba_read_status status, const ba_input *in,
                             const GError *error, const ba_report *rep, const ba_content_ids *ids);

/* Frames read from a pipe. */
typedef struct {
    int fd;                     /* -1 once closed */
    GByteArray *buf;            /* bytes read from @fd, not yet taken */
    gsize used;                 /* of @buf, taken */
    gboolean eof;               /* @fd gave its end (or an error): nothing more to read */
} ba_frame_in;

/* Whether ba_frame_next on @in would return without reading @fd: a whole
 * frame (or one too long to be a result) is buffered, or @fd has ended. */
gboolean ba_frame_ready (const ba_frame_in *in);

/* Reads what @fd has now (one read, which may block) into @in's buffer;
 * sets @in->eof at its end. */
void ba_frame_fill (ba_frame_in *in);

/* The payload of the next frame of @in, waiting for it (valid until the
 * next call), its length in *@len; NULL at the pipe's end, on an error, or
 * for a frame longer than any result (then *@len is not 0). */
const guint8 *ba_frame_next (ba_frame_in *in, guint32 *len);

/* Waits until @want (one of the @n frame readers @ins) has something or
 * ends, meanwhile reading what the others have: the caller leaves out of
 * @ins those whose buffers are full enough. */
void ba_frames_fill (ba_frame_in **ins, guint n, ba_frame_in *want);

/* Reaps worker process *@pid (@index of @n), which stopped before its end,
 * and says what became of it, in words, for an error about the message it
 * was @doing ("analysing"); *@pid is 0 after. */
char *ba_worker_death (pid_t *pid, guint index, guint n, const char *doing);

/* Write all of @data to @fd; FALSE when the other end has gone. */
gboolean ba_write_all (int fd, const guint8 *data, gsize len);

/* A result as ba_parallel_put_result wrote it. */
typedef struct ba_result {
    guint64 unit;
    ba_read_status status;
    char *source;
    gint64 offset, size;
    GError *error;
    ba_report *report;
    gboolean has_ids;           /* then the three below (each may be NULL) */
    char *hash, *key, *message_id;
} ba_result;

/* Decode the payload of one frame; NULL when malformed. */
ba_result *ba_result_decode (const guint8 *data, gsize len);
void ba_result_free (ba_result *res);

/* In a forked worker: make the caller's death end it too (Ctrl-C reaches
 * it as it reaches the caller: it keeps the caller's signal dispositions). */
void ba_worker_detach (void);

/* In a forked worker: read the units of @path that are worker @index's
 * of @workers, analyse them over @set, write each result to @fd; never
 * returns (_exit, so that nothing of the parent's is flushed twice). */
G_GNUC_NORETURN void ba_parallel_worker_run (const ba_ruleset *set, const char *path, guint index,
                                             guint workers, int fd, ba_worker_doing *doing);

#endif
