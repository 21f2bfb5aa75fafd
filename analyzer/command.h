/* command.h - which SMTP command the remote server rejected: a fact of
 * each recipient (RCPT, DATA, ...), found from the bounce's words with the
 * recognisers of rules/commands.conf (see README, "Rules"). */
#ifndef BA_COMMAND_H
#define BA_COMMAND_H

#include "context.h"
#include "ini.h"

/* One recogniser: the words some MTA family uses for one command. */
typedef struct {
    char *id;
    char *description;
    char *file;
    int line;
    const char *command;        /* interned: one of ba_command_words */
    GPtrArray *patterns;        /* of ba_pattern*: in a recipient's error text */
    GPtrArray *transcript;      /* of ba_pattern*: in the notice, line breaks kept */
} ba_command_rule;

void ba_command_rule_free (ba_command_rule *c);

/* The command word @word names, case-insensitive, in static storage
 * ("RCPT"), or NULL when it is not one of CONN HELO EHLO STARTTLS AUTH
 * MAIL RCPT DATA. */
const char *ba_intern_command (const char *word);

/* Load the recognisers of one commands.conf into @set->commands;
 * problems go to @report as file:line. */
void ba_commands_load (ba_ruleset *set, const ba_ini *ini, ba_ini_report report, void *data);

/* What a notice says about commands (its transcript's exchanges; with
 * @whole, also the command its words as a whole name), read once per
 * message from the first @len bytes of @notice (may be NULL). */
typedef struct ba_command_scan ba_command_scan;
ba_command_scan *ba_command_scan_new (ba_context *ctx, const char *notice, gsize len,
                                      gboolean whole);
void ba_command_scan_free (ba_command_scan *scan);

/* Settle @rcpt->command when it is still unknown: from its error text,
 * then from @notice_text (the notice's words about this recipient, may be
 * NULL), then from the transcript exchange of @scan (may be NULL) that
 * fits it, then, when @alone (the notice is about this recipient only),
 * from the notice's words as a whole; last @fallback (the format's
 * default, may be NULL). */
void ba_command_settle (ba_context *ctx, ba_recipient *rcpt, const char *notice_text,
                        const ba_command_scan *scan, gboolean alone, const char *fallback);

#endif
