/* bounce-analyzer.h - the one public header of libbounce-analyzer.
 *
 * Flow: a ba_reader yields messages with their origin, ba_analyze_message()
 * turns one message into a ba_report (what it is, who failed, why), using a
 * ba_context that holds the loaded rule set.  A ba_ruleset is immutable once
 * loaded and may be shared by several threads; a ba_context is per thread.
 */
#ifndef BOUNCE_ANALYZER_H
#define BOUNCE_ANALYZER_H

#include <glib.h>
#include <gmime/gmime.h>

G_BEGIN_DECLS

#define BA_VERSION "0.1.0"

typedef enum {
    BA_KIND_OTHER = 0,  /* not a bounce */
    BA_KIND_DSN,        /* RFC 3464 delivery status notification */
    BA_KIND_BOUNCE,     /* an MTA's notice without a DSN part */
    BA_KIND_AUTOREPLY,  /* RFC 3834 automatic reply, e.g. out of office */
    BA_KIND_FEEDBACK,   /* RFC 5965 abuse feedback report */
} ba_kind;

const char *ba_kind_name (ba_kind kind);

typedef struct {
    char *name;
    char *value;
} ba_capture;

/* The original (bounced) message, as far as the bounce carries it. */
typedef struct {
    char *message_id;
    char *from;
    char *to;
    char *subject;
    char *date;                 /* ISO 8601 */
} ba_original;

/* Everything known about one failed (or reported) recipient. */
typedef struct {
    /* facts, from the bounce */
    char *recipient;            /* final recipient */
    char *original_recipient;
    char *action;               /* failed, delayed, delivered, ... */
    char *reported_status;      /* as written in the bounce, if any */
    char *status;               /* best RFC 3463 code: reported, or derived from text */
    int smtp_code;              /* 0 = none */
    char *remote_mta;
    const char *command;        /* SMTP command the server refused: "RCPT", "DATA",
                                 * ... (static storage); NULL when unknown */
    char *diagnostic;           /* unfolded, decoded, whitespace collapsed */
    char *last_attempt;         /* ISO 8601 */
    char *feedback_type;        /* ARF only */
    char *format;               /* id of the report's format ("qmail", "dsn+postfix"), for
                                 * rules limited to a format; NULL when unknown */

    /* verdict, from the rules */
    const char *reason;         /* vocabulary word (static storage) */
    char *rule;                 /* id of the deciding rule, NULL when none */
    GPtrArray *captures;        /* of ba_capture*: named groups of the rule */
    gboolean hard;
    char *dnsbl;                /* blacklist zone cited, lower case */
    char *listed;               /* IP or domain the list was asked about */
    const char *fault;          /* sending-system, sender, recipient, receiving-system, unknown */
    char *advice;               /* one or two sentences for a helpdesk */
} ba_recipient;

typedef struct {
    char *source;               /* path as given, "-" for standard input */
    gint64 offset;              /* mbox byte offset of the From_ line, or -1 */
    ba_kind kind;
    char *format;               /* which format recognised it: "dsn", "exim", ... */
    char *reporting_mta;
    char *date;                 /* of the bounce, ISO 8601 */
    char *from;                 /* of the bounce */
    char *subject;              /* of the bounce */
    ba_original original;
    GPtrArray *recipients;      /* of ba_recipient* */
    GPtrArray *warnings;        /* of char*: what was cut or given up while
                                 * analysing (a header or recipient list cut,
                                 * a pattern limit hit); NULL when none */
} ba_report;

void ba_report_free (ba_report *report);
/* One recipient of a report (reports free theirs). */
void ba_recipient_free (ba_recipient *r);
/* Add a warning (one sentence, no source: the printer adds it). */
void ba_report_warn (ba_report *report, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* ---- rule sets ---------------------------------------------------------- */

typedef struct ba_ruleset ba_ruleset;

/* One problem found while loading rules, as "file:line: message". */
typedef struct {
    char *file;
    int line;
    char *message;
} ba_rule_error;

/* The compiled-in default rules directory. */
const char *ba_default_rules_dir (void);

/* Load every rule file of @rules_dir (NULL: the default set), then the
 * @site_files (NULL-terminated, may be NULL), which win over the defaults.
 * Problems are appended to @errors (of ba_rule_error*, may be NULL); the
 * set is returned even with errors, holding what did load.  Returns NULL
 * only when @rules_dir cannot be read at all. */
ba_ruleset *ba_ruleset_load (const char *rules_dir, const char *const *site_files,
                             GPtrArray *errors);
/* The same, with the static check for superlinear patterns run on every
 * file: ba_ruleset_load skips it on the shipped rule set (the test suite's
 * `rules check` has run it there) and runs it on site files and on any
 * other rules directory. */
ba_ruleset *ba_ruleset_load_checked (const char *rules_dir, const char *const *site_files,
                                     GPtrArray *errors);
void ba_ruleset_free (ba_ruleset *set);
void ba_rule_error_free (ba_rule_error *e);

/* Read-only view of one loaded rule, for `rules list`. */
typedef struct {
    const char *id;
    const char *file;
    int line;
    const char *reason;
    const char *description;
    int priority;
    gboolean site;
    guint n_patterns;
} ba_rule_info;

guint ba_ruleset_n_rules (const ba_ruleset *set);
void ba_ruleset_rule_info (const ba_ruleset *set, guint i, ba_rule_info *info);
guint ba_ruleset_n_formats (const ba_ruleset *set);
const char *ba_ruleset_format_id (const ba_ruleset *set, guint i);
const char *ba_ruleset_format_description (const ba_ruleset *set, guint i);
/* The generic notice reader's groups (rules/notice.conf), in load order:
 * id, kind word (heading, line, delay, ...) and description. */
guint ba_ruleset_n_notice_groups (const ba_ruleset *set);
void ba_ruleset_notice_group (const ba_ruleset *set, guint i, const char **id, const char **kind,
                              const char **description);

/* Is @word one of the reason vocabulary? */
gboolean ba_reason_is_valid (const char *word);

/* A short hash of every rule file the set was loaded from: two sets with
 * the same id classify alike.  Stored with each verdict. */
const char *ba_ruleset_id (const ba_ruleset *set);

/* The reason's plain words for a helpdesk (the "summary" of
 * rules/reasons.conf), or NULL when the set has none. */
const char *ba_reason_summary (const ba_ruleset *set, const char *reason);

/* ---- analysis ----------------------------------------------------------- */

typedef struct ba_context ba_context;

/* A context borrows @set; the set must outlive it.  One context per thread. */
ba_context *ba_context_new (const ba_ruleset *set);
void ba_context_free (ba_context *ctx);

/* A message's matching budget (README, "Patterns that stay linear"): at
 * most @bytes of text read by matches and @usec of time from
 * ba_context_begin; after that the remaining formats and rules are
 * skipped.  0 keeps the default. */
void ba_context_set_budget (ba_context *ctx, guint64 bytes, gint64 usec);
/* Start a message: arm the budget and forget earlier limit hits.
 * ba_analyze_message does this itself; call it before a bare ba_classify. */
void ba_context_begin (ba_context *ctx);
/* What went wrong in matching since ba_context_begin, as sentences (a
 * pattern that hit a PCRE2 limit, the budget used up); NULL-terminated,
 * free with g_strfreev. */
char **ba_context_warnings (const ba_context *ctx);

/* The number of patterns of rule @rule (in `rules list` order), and
 * whether pattern @pattern of it matches @text, conditions aside. */
guint ba_ruleset_rule_n_patterns (const ba_ruleset *set, guint rule);
gboolean ba_ruleset_pattern_matches (ba_context *ctx, guint rule, guint pattern, const char *text);

/* Analyse one parsed message.  Never NULL: a message that is not a bounce
 * gives kind BA_KIND_OTHER and no recipients. */
ba_report *ba_analyze_message (ba_context *ctx, GMimeMessage *message,
                               const char *source, gint64 offset);

/* One rule considered for a recipient, for `explain`. */
typedef struct {
    const char *rule;
    const char *reason;
    int priority;
    gboolean matched;
    char *span;                 /* the text the winning pattern matched */
    const char *why;            /* why it was rejected or won */
} ba_trace_step;

/* Classify a bare error text with optional status and reply code; fills
 * the verdict fields of @rcpt.  When @trace is not NULL, every rule that
 * matched is appended to it (of ba_trace_step*). */
void ba_classify (ba_context *ctx, ba_recipient *rcpt, const char *bounce_date,
                  GPtrArray *trace);
void ba_trace_step_free (ba_trace_step *step);
/* What decided the reason of @rcpt, in words for text output: the rule's
 * id, or why there is none (a report or reply needs no rule). */
const char *ba_decided_by (const ba_recipient *rcpt);

/* ---- reading ------------------------------------------------------------ */

typedef struct ba_reader ba_reader;

typedef struct {
    GMimeMessage *message;      /* owned by the reader; valid until the next call */
    const char *source;
    gint64 offset;              /* -1 unless from an mbox */
    gint64 size;                /* bytes of this message, when known, else -1 */
} ba_input;

typedef enum {
    BA_READ_MESSAGE,            /* @input holds a message */
    BA_READ_ERROR,              /* @error says what could not be read; go on */
    BA_READ_END,
    BA_READ_SKIPPED,            /* @error says what was skipped and why (a FIFO,
                                 * socket or device): a warning, not a failure */
    BA_READ_INCOMPLETE,         /* @error says the last mbox message is not yet
                                 * complete (being written): a note, not a failure */
} ba_read_status;

/* The key (g_object_get_data) of a message's GPtrArray of char*: what the
 * reader cut (overlong headers and lines); ba_analyze_message() turns
 * them into the report's warnings. */
#define BA_READ_WARNINGS "ba-read-warnings"

/* Standard input is read up to this many bytes; the rest is an error. */
#define BA_MAX_STDIN ((gint64) 256 * 1024 * 1024)

/* Open @path: a message file, a directory (recursive), a Maildir, an mbox,
 * or "-" for standard input.  Opening itself never fails; problems come
 * out of ba_reader_next() as BA_READ_ERROR, what is not a file to read
 * (FIFO, socket, device) as BA_READ_SKIPPED, an mbox's unfinished last
 * message as BA_READ_INCOMPLETE.  Each directory and file is read once,
 * however many symbolic links lead to it. */
/* Open @path read-only as the reader does: without blocking (a FIFO
 * swapped in after a stat would block) and without changing its access
 * time where the kernel lets us.  A descriptor, or -1 with errno set. */
int ba_open_input (const char *path);
ba_reader *ba_reader_open (const char *path);
ba_read_status ba_reader_next (ba_reader *reader, ba_input *input, GError **error);
void ba_reader_free (ba_reader *reader);

/* Hooks that let a caller (ingest) skip what it already has.  Every
 * member may be NULL. */
typedef struct {
    /* Before a file is opened: FALSE skips it (no message, no error). */
    gboolean (*want_file) (void *data, const char *path);
    /* Once a file is open: @fd is read-only and stays open until the next
     * file (dup() it to keep it longer; use pread(), not read()), @size is
     * its size now, and the reader reads no further than that.  For an
     * mbox the return value is where to start: the offset of a From_ line,
     * or @size when there is nothing new; anything else (0, -1, an offset
     * that is not the start of a From_ line) reads from the start.  Offsets
     * reported stay absolute. */
    gint64 (*file_opened) (void *data, const char *path, int fd, gint64 size, gboolean mbox);
    void *data;
} ba_reader_hooks;

/* Call before the first ba_reader_next(); @hooks is copied. */
void ba_reader_set_hooks (ba_reader *reader, const ba_reader_hooks *hooks);

/* Share the input among @workers readers of the same path: this one,
 * number @worker (from 0), yields only the units it owns (unit % workers
 * == worker), where a unit is a file, or a chunk of about 1 MiB of an
 * mbox that starts at a From_ line after a blank line.  Results that are
 * not the worker's (errors included) are left to their owner.  Call
 * before the first ba_reader_next(); not for standard input. */
void ba_reader_set_share (ba_reader *reader, guint worker, guint workers);

/* The unit (numbered in input order from 0) of the last result. */
guint64 ba_reader_unit (const ba_reader *reader);

/* ---- text helpers ------------------------------------------------------- */

/* The status a recipient is classified with, from the reported status and
 * the diagnostic text: the remote server's own code when the text has one,
 * unless the reported one is more specific.  (reclassify rebuilds it so.) */
char *ba_status_before_rules (const char *reported, const char *diagnostic);

/* Whitespace runs collapsed to one space, ends trimmed (as diagnostics are). */
char *ba_collapse_text (const char *s);
/* The first SMTP reply code in @text, or 0. */
int ba_reply_code_of (const char *text);
/* The first RFC 3463 status code in @text into @out; FALSE when none. */
gboolean ba_status_of (const char *text, char out[16]);

/* ---- library set-up ----------------------------------------------------- */

/* Call once before any other function (initialises GMime). */
void ba_init (void);

G_END_DECLS

#endif
