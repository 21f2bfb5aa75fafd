/* storage.h - the database of diagnoses (the schema is described in
 * README.md).  The storage-*.c modules are the only ones that speak SQL
 * (their backend seam is in storage-private.h); every value is bound,
 * never formatted into a statement. */
#ifndef BA_STORAGE_H
#define BA_STORAGE_H

#include "bounce-analyzer.h"

/* The schema this build writes and understands (PRAGMA user_version). */
#define BA_STORE_SCHEMA_VERSION 3

#define BA_STORE_ERROR (ba_store_error_quark ())
GQuark ba_store_error_quark (void);

typedef enum {
    BA_STORE_ERROR_MISSING,     /* no database at that path */
    BA_STORE_ERROR_NOT_OURS,    /* some other program's file or database */
    BA_STORE_ERROR_TOO_NEW,     /* written by a newer bounce-analyzer */
    BA_STORE_ERROR_QUERY,       /* the user's query cannot be run */
    BA_STORE_ERROR_SQL,         /* SQLite failed: I/O, locked, ... */
    BA_STORE_ERROR_CORRUPT,     /* the database is damaged */
    BA_STORE_ERROR_READ_ONLY,   /* the file, its directory or file system is read-only */
    BA_STORE_ERROR_FULL,        /* no space left on the file system */
} ba_store_error;

typedef struct ba_store ba_store;

/* Is @path a PostgreSQL connection string (a postgresql:// or postgres://
 * URI, or libpq key=value pairs) rather than an SQLite file? */
gboolean ba_store_names_pg (const char *path);

/* $BOUNCE_ANALYZER_DB, else "bounces.db" in the current directory. */
const char *ba_store_default_path (void);

/* Open the database at @path for writing, creating it when @create, else
 * failing with BA_STORE_ERROR_MISSING when there is none.  An existing
 * one must pass PRAGMA quick_check (else BA_STORE_ERROR_CORRUPT) and be
 * writable (else BA_STORE_ERROR_READ_ONLY).  Brings an older schema up to
 * date; refuses a newer one (BA_STORE_ERROR_TOO_NEW). */
ba_store *ba_store_open (const char *path, gboolean create, GError **error);

/* Open the database at @path for queries only: read-only, it never writes
 * the file and leaves no new file beside it.  A WAL database that no one
 * has open (no -wal file) is read as an immutable snapshot, so a user who
 * may not write its directory can query it too; ba_store_unchanged() says
 * whether it stayed so. */
ba_store *ba_store_open_readonly (const char *path, GError **error);

/* FALSE, with an error to show, when a database read as a snapshot was
 * written while it was read (an ingest ran), so an answer may be wrong. */
gboolean ba_store_unchanged (const ba_store *st, GError **error);

void ba_store_free (ba_store *st);
const char *ba_store_path (const ba_store *st);

/* The database engines this build stores into, for --version: SQLite's
 * version, and PostgreSQL's client library or that it was left out. */
char *ba_store_engines (void);

/* ---- ingest ------------------------------------------------------------- */

typedef struct {
    guint64 messages;           /* messages read from the inputs */
    guint64 bounces;            /* new bounces stored (kind other than "other") */
    guint64 stored;             /* new messages stored, bounces or not */
    guint64 recipients;         /* diagnoses stored */
    guint64 skipped;            /* already stored: files left unopened, mbox messages seen */
    guint64 replaced;           /* stored half-written by an earlier run, now whole */
    guint64 deferred;           /* still being written: left for the next run */
    guint64 rewritten;          /* mboxes rewritten or truncated since the last run: read again */
    guint64 errors;             /* messages or files that could not be read */
    guint64 relocated;          /* of the skipped, found in a new place (refiled, rotated):
                                 * the new place is recorded */
} ba_ingest_stats;

typedef struct ba_ingest ba_ingest;

/* Ingest with the rules of @set (which must outlive the ingest).  Work
 * is committed every @batch messages (0: a default of 2,000); each commit
 * also records how far every mbox got, so a killed run loses at most the
 * open batch and the next run takes it up again. */
ba_ingest *ba_ingest_new (ba_store *st, const ba_ruleset *set, guint batch);
/* Rolls back anything not committed. */
void ba_ingest_free (ba_ingest *ing);

/* Record @host (NULL or empty: this machine's name, the default) as the
 * host that ingests: in each new message, and in the progress through
 * each source, which is its own per host. */
void ba_ingest_set_host (ba_ingest *ing, const char *host);

/* Hooks for the reader of each input: skip stored files, resume mboxes. */
void ba_ingest_hooks (ba_ingest *ing, ba_reader_hooks *hooks);

/* Remember @path, as given on the command line, as a source. */
gboolean ba_ingest_note_source (ba_ingest *ing, const char *path, GError **error);

/* Analyse and store one message the reader yielded (unless it is already
 * stored).  FALSE only when the database failed: stop then. */
gboolean ba_ingest_message (ba_ingest *ing, const ba_input *in, GError **error);

/* Count a read error. */
void ba_ingest_count_error (ba_ingest *ing);
struct ba_pool;
/* ingest -j: analyse through @pool's worker processes (a struct ba_pool of
 * parallel-pool.h, borrowed: it must outlive @ing); call before the first
 * message. */
void ba_ingest_set_pool (ba_ingest *ing, struct ba_pool *pool);
/* ingest -j reads each mbox through the pool's workers, inside the reader's
 * file_opened hook: what they read that is not a message, and each message
 * taken, is told to the caller thus, in input order.  @error is borrowed. */
typedef struct {
    void (*problem) (void *data, ba_read_status status, const ba_input *in, const GError *error);
    void (*step) (void *data, const ba_input *in);
    void *data;
} ba_ingest_observer;
void ba_ingest_set_observer (ba_ingest *ing, const ba_ingest_observer *observer);
/* FALSE (with @error) when one of the hooks failed: stop then. */
gboolean ba_ingest_check (ba_ingest *ing, GError **error);
/* Store everything read so far that waits for its analysis, in order (call
 * before printing anything about a later message); FALSE on a failure. */
gboolean ba_ingest_settle (ba_ingest *ing, GError **error);

/* Commit what is pending. */
gboolean ba_ingest_finish (ba_ingest *ing, GError **error);

const ba_ingest_stats *ba_ingest_get_stats (const ba_ingest *ing);

/* ---- moving data: export and import (NDJSON) ---------------------------- */

typedef struct {
    guint64 lines;              /* lines read */
    guint64 messages;           /* messages they made */
    guint64 recipients;         /* diagnoses they carried */
    guint64 errors;             /* lines left out: not JSON, or not a diagnosis */
} ba_import_stats;

/* Read NDJSON from @in (named @input in messages): the lines of export,
 * or of analyze --format ndjson, and store each message they make
 * through @ing (unless stored already: ba_ingest_get_stats() says how
 * many were new), committing as ingest does.  Lines that are not
 * diagnoses are counted and told on stderr; FALSE only when the store
 * failed or @in could not be read.  Then call ba_ingest_finish(). */
gboolean ba_store_import (ba_ingest *ing, FILE *in, const char *input, ba_import_stats *stats,
                          GError **error);

/* ---- queries ------------------------------------------------------------ */

/* Which diagnoses.  Every member may be NULL / unset. */
typedef struct {
    const char *address;        /* recipient or original recipient, any case */
    const char *domain;         /* domain of the recipient or original recipient */
    const char *sender;         /* original sender: an address, or a domain */
    const char *reason;
    const char *text;           /* full-text words, see ba_store_fts_query() */
    const char *outcome;        /* failed, delayed, delivered, autoreply, feedback */
    const char *host;           /* the host that ingested it */
    gboolean has_since, has_until;
    gint64 since, until;        /* unix time: since <= time < until */
    guint limit;                /* 0: all */
} ba_query;

/* One row of the diagnoses view; the strings are valid during the
 * callback only.  NULL where the bounce did not say. */
typedef struct {
    gint64 id;
    gint64 message_id;
    const char *source;
    gint64 offset;              /* -1 unless from an mbox */
    const char *kind;
    const char *format;
    const char *bounce_date;
    const char *reporting_mta;
    const char *recipient;
    const char *domain;
    const char *original_recipient;
    const char *action;
    const char *status;
    const char *reported_status;
    int smtp_code;              /* 0: none */
    const char *remote_mta;
    const char *command;        /* SMTP command refused: RCPT, DATA, ... */
    const char *diagnostic;
    const char *date;           /* last attempt, else bounce date, ISO 8601 */
    gboolean has_time;
    gint64 time;                /* the same as unix time */
    const char *reason;
    gboolean hard;
    const char *rule;
    const char *captures;       /* JSON object */
    const char *dnsbl;
    const char *listed;
    const char *fault;
    const char *advice;
    const char *ruleset;
    const char *outcome;
    const char *original_message_id;
    const char *original_from;
    const char *original_sender;
    const char *original_to;
    const char *original_subject;
    const char *original_date;
    const char *ingested_at;
    const char *host;           /* NULL: ingested before hosts were recorded */
} ba_diagnosis;

/* Return FALSE to stop. */
typedef gboolean (*ba_diagnosis_fn) (const ba_diagnosis *d, void *data);

/* Call @fn for each diagnosis @q selects, latest first. */
gboolean ba_store_find (ba_store *st, const ba_query *q, ba_diagnosis_fn fn, void *data,
                        GError **error);

/* A count of diagnoses sharing a key (a reason, a domain, ...). */
typedef struct {
    char *key;
    gint64 total;
    gint64 failed;
    gint64 delayed;
    gint64 hard;
    gint64 domains;             /* distinct recipient domains */
    gboolean has_time;
    gint64 first, last;         /* unix times */
} ba_tally;

typedef enum {
    BA_TALLY_REASON,            /* every diagnosis, by reason */
    BA_TALLY_DOMAIN,            /* failures, by recipient domain */
    BA_TALLY_REMOTE_MTA,        /* failures, by remote MTA */
    BA_TALLY_BLACKLIST,         /* diagnoses citing a blacklist, by list */
    BA_TALLY_DAY,               /* failures, by local day (key YYYY-MM-DD) */
} ba_tally_kind;

void ba_tally_free (ba_tally *t);

/* Tallies in the period of @range (only its since/until and host are used), the
 * largest first (days in order); at most @limit rows (0: all). */
GPtrArray *ba_store_tally (ba_store *st, ba_tally_kind kind, const ba_query *range,
                           guint limit, GError **error);

typedef struct {
    gint64 messages;            /* stored messages, bounces or not */
    gint64 bounces;
    gint64 diagnoses;
    gint64 failed;
    gint64 delayed;
    gboolean has_time;
    gint64 first, last;
} ba_store_totals;

gboolean ba_store_get_totals (ba_store *st, const ba_query *range, ba_store_totals *out,
                              GError **error);

/* Write every stored message to @sp as NDJSON (see storage-export.c):
 * one line per diagnosis, one for a message without any; only those of
 * @q's host when it has one.  The count of lines into @lines. */
struct sprinter;
gboolean ba_store_export (ba_store *st, const ba_query *q, struct sprinter *sp, guint64 *lines,
                          GError **error);

/* ---- reclassify --------------------------------------------------------- */

typedef struct {
    char *from, *to;            /* reasons */
    guint64 count;
} ba_transition;

typedef struct {
    guint64 examined;
    guint64 changed;            /* verdicts changed: reason, hard/soft or fault */
    guint64 updated;            /* rows rewritten (any verdict field changed) */
    GPtrArray *transitions;     /* of ba_transition*, the most frequent first */
    GPtrArray *warnings;        /* of char*: matching limits hit ("diagnosis ID (address): ..."); NULL when none */
    guint64 warnings_dropped;   /* warnings past the kept ones */
} ba_reclassify_stats;

/* Re-apply @set to every stored diagnostic text and status code and store
 * the new verdicts with @set's id.  @dry_run: change nothing, only count. */
gboolean ba_store_reclassify (ba_store *st, const ba_ruleset *set, gboolean dry_run,
                              ba_reclassify_stats *out, GError **error);
void ba_reclassify_stats_clear (ba_reclassify_stats *s);
/* Classify @r (its row @row_id) with a fresh per-message matching budget, as
 * analyze does, adding the limits it hit to @out's warnings. */
void ba_reclassify_one (ba_context *ctx, ba_recipient *r, const char *bounce_date, gint64 row_id,
                        ba_reclassify_stats *out);

/* ---- helpers ------------------------------------------------------------ */

/* Parse a date given by a user: "2008-03-25" (local midnight; as an
 * @until, the end of that day), "2008-03-25T09:00" or "2008-03-25 09:00"
 * (local time, seconds and a zone optional), or a span back from @now:
 * "30m", "24h", "7d", "2w".  Into unix time. */
gboolean ba_store_parse_time (const char *s, gint64 now, gboolean until, gint64 *out);

/* The FTS5 query for a user's words: each word must appear (as a word;
 * "5.7.1" and "relays.ordb.org" work), "double quotes" make a phrase,
 * OR between words means either, a trailing * matches a prefix.  NULL
 * when there are no words. */
char *ba_store_fts_query (const char *text);

/* The captures column (a flat JSON object of strings, as stored) as
 * ba_capture* in order; an empty array when it cannot be read. */
GPtrArray *ba_store_captures_parse (const char *json);

#endif
