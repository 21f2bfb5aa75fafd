/* commands.h - one function per subcommand (one file each), and the
 * option handling they share. */
#ifndef BA_COMMANDS_H
#define BA_COMMANDS_H

#include "bounce-analyzer.h"

/* Exit codes (README "Exit codes"): 0 ok, 1 some input could not be
 * read (or the database failed), 2 usage or configuration error, 3 kept
 * for "incidents found". */
#define EXIT_USAGE 2
#define EXIT_INPUT 1
/* Another run holds the database's write lock (sysexits' EX_TEMPFAIL): try later. */
#define EXIT_LOCKED 75

#include "config.h"

/* The settings (config files, environment), loaded once at startup; NULL
 * while only --help runs. */
const ba_config *cli_config (void);
/* The value of @key in cli_config(), or NULL. */
const char *cli_setting (ba_setting_key key);
/* The one-line summary of the command @name, or NULL. */
const char *command_summary (const char *name);
#define EXIT_INCIDENTS 3

/* The exit codes, for the end of every --help. */
#define EXIT_CODES_HELP \
    "Exit status: 0 ok; 1 some input could not be read or the database failed;\n" \
    "2 usage or configuration error (bad option, rule set, config, date);\n" \
    "3 an incident is ongoing (incidents --exit-status); 75 another run holds\n" \
    "the database's write lock: try later.\n" \
    "Output cut short by its reader (| head) is not an error."

/* ---- the output contract (output.c) ---- */

#include "sprinter.h"

typedef enum { OUT_TEXT, OUT_JSON, OUT_NDJSON, OUT_CSV, OUT_HTML } out_format;
#define OUT_ALLOW_TEXT (1u << OUT_TEXT)
#define OUT_ALLOW_JSON (1u << OUT_JSON)
#define OUT_ALLOW_NDJSON (1u << OUT_NDJSON)
#define OUT_ALLOW_CSV (1u << OUT_CSV)
#define OUT_ALLOW_HTML (1u << OUT_HTML)
#define OUT_ALLOW_ALL (OUT_ALLOW_TEXT | OUT_ALLOW_JSON | OUT_ALLOW_NDJSON | OUT_ALLOW_CSV)

/* @name (NULL: text) as one of the @allowed formats; FALSE after printing
 * why and a usage hint naming @command. */
gboolean parse_out_format (const char *command, const char *name, unsigned allowed, out_format *out);

/* A JSON document: an object whose first keys are "format_version" and
 * "command"; the caller adds the rest, then json_document_end(). */
sprinter *json_document_begin (FILE *out, const char *command);
void json_document_end (sprinter *sp);

/* Has @out's reader closed the pipe (EPIPE; SIGPIPE is ignored)? */
gboolean output_closed (FILE *out);

/* Flush stdout: @status, also when the reader closed the pipe early;
 * EXIT_INPUT after printing why when writing failed otherwise. */
int finish_output (const char *command, int status);

/* ---- explanations (cmd-explain.c) ---- */

typedef struct {
    const ba_recipient *recipient;
    const GPtrArray *trace;     /* of ba_trace_step* */
} explanation;

/* Classify @r again with a trace of every rule tried (of ba_trace_step*). */
GPtrArray *explain_recipient (ba_context *ctx, const ba_report *rep, ba_recipient *r);
/* The explanation (data: an explanation*) as a ba_explain_fn. */
void explain_json (sprinter *sp, void *data);
void explain_text (FILE *out, const ba_recipient *r, const GPtrArray *trace);

/* Set the help's summary and description: @summary, then the exit codes. */
void help_texts (GOptionContext *ctx, const char *summary);

typedef struct {
    char *rules_dir;
    char **site_rules;
} rule_options;

/* Add --rules and --site-rules to @group. */
void rule_options_add (GOptionContext *ctx, rule_options *ro);

/* Load the rule set the options name; prints problems to stderr.  NULL
 * (after printing why) when the rules cannot be used. */
ba_ruleset *rule_options_load (const rule_options *ro, const char *command);
void rule_options_clear (rule_options *ro);

/* Parse @argv with @ctx; on error print one line and a usage hint. */
gboolean parse_options (GOptionContext *ctx, const char *command, int *argc, char ***argv);

/* Print a line to stderr with the program name, control chars removed. */
void warn (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
/* Say why the reader skipped @in (a FIFO, a device, an mbox still being written). */
void warn_skipped (const ba_input *in, const GError *err);

int cmd_analyze (int argc, char **argv);
/* analyze, or explain (analyze --explain with its own help). */
int run_analyze (int argc, char **argv, const char *command);
int cmd_rules (int argc, char **argv);
int cmd_classify (int argc, char **argv);
int cmd_explain (int argc, char **argv);
int cmd_ingest (int argc, char **argv);
int cmd_why (int argc, char **argv);
int cmd_search (int argc, char **argv);
int cmd_report (int argc, char **argv);
int cmd_reclassify (int argc, char **argv);
int cmd_prune (int argc, char **argv);
int cmd_config (int argc, char **argv);
int cmd_incidents (int argc, char **argv);
int cmd_serve (int argc, char **argv);
int cmd_export (int argc, char **argv);
int cmd_import (int argc, char **argv);

/* ---- the database commands (store-options.c) ---- */

#include "storage.h"

/* Add --db FILE. */
void db_option_add (GOptionContext *ctx, char **db);

/* Add --host NAME (a query), or --host-name NAME (@ingesting). */
void host_option_add (GOptionContext *ctx, char **host, gboolean ingesting);

/* Is @host (NULL: not given) a host name?  FALSE after printing why,
 * naming @option. */
gboolean check_host_name (const char *command, const char *option, const char *host);

/* Open --db (or the default) to write; NULL after printing why. */
ba_store *open_store (const char *command, const char *db, gboolean create);

/* Like open_store(), then taking the database's write lock (DB.lock,
 * held until the process ends), so two writing runs never overlap.  NULL
 * with *@status EXIT_LOCKED when another run holds it, EXIT_INPUT on any
 * other failure; *@status is untouched on success. */
ba_store *open_store_locked (const char *command, const char *db, gboolean create, int *status);

/* Open --db (or the default) for a query, read-only; NULL after printing why. */
ba_store *open_store_to_read (const char *command, const char *db);

/* After a query: FALSE, after printing why, when the database was written
 * under a snapshot read (see ba_store_unchanged()). */
gboolean store_read_was_stable (const char *command, const ba_store *st);

/* Is @s (NULL: not given) an address (LOCAL@DOMAIN) or a domain (also
 * @DOMAIN), each part with a letter or digit and no control character?
 * FALSE after printing why, naming @option (e.g. "--domain ") if given. */
gboolean check_target (const char *command, const char *option, const char *s);

/* Parse --since/--until into @q; FALSE after printing why. */
gboolean parse_period (const char *command, const char *since, const char *until, ba_query *q);

/* @t as local time with @fmt, e.g. "%Y-%m-%d %H:%M". */
char *local_time (gint64 t, const char *fmt);

/* A stored diagnosis as the diagnosis object (stored.c). */
#include "emit.h"
typedef struct {
    ba_diagnosis_view view;
    GPtrArray *captures;
    char *feedback_type;
} stored_view;
void stored_view_init (stored_view *sv, ba_store *st, const ba_diagnosis *d);
void stored_view_clear (stored_view *sv);

/* "s" unless @n is 1: "1 message", "2 messages". */
#define PLURAL_S(n) ((n) == 1 ? "" : "s")

/* The local time format of every text output: the zone is always shown. */
#define LOCAL_MINUTE "%Y-%m-%d %H:%M %z"

/* Unix time @t as UTC, "2008-03-25T08:02:00Z". */
char *ba_unix_to_utc (gint64 t);

/* End a CSV record (cells from ba_csv_cell()) with CRLF and write it. */
void csv_end (FILE *out, GString *line);

#endif
