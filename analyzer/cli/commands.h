/* commands.h - one function per subcommand (one file each), and the
 * option handling they share. */
#ifndef BA_COMMANDS_H
#define BA_COMMANDS_H

#include "bounce-analyzer.h"

#define EXIT_USAGE 2
#define EXIT_INPUT 1

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
int cmd_rules (int argc, char **argv);
int cmd_classify (int argc, char **argv);
int cmd_explain (int argc, char **argv);
int cmd_ingest (int argc, char **argv);
int cmd_why (int argc, char **argv);
int cmd_search (int argc, char **argv);
int cmd_report (int argc, char **argv);
int cmd_reclassify (int argc, char **argv);
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

/* End a CSV record (cells from ba_csv_cell()) with CRLF and write it. */
void csv_end (FILE *out, GString *line);

#endif
