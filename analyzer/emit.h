/* emit.h - the emit stage: a report as structured values (through a
 * sprinter) or as text for a person. */
#ifndef BA_EMIT_H
#define BA_EMIT_H

#include "bounce-analyzer.h"
#include "sprinter.h"

/* The version of the output contract (README "Output"): every JSON
 * document and every ndjson line carries it as "format_version". */
#define BA_FORMAT_VERSION 1

/* One diagnosis as every command prints it, whether it comes from a bounce
 * just read (analyze, classify) or from the database (search, why); NULL
 * (0 for the numbers) where it is not known. */
typedef struct {
    gboolean has_id;
    gint64 id;                  /* the database row; analyze has none */
    const char *source;
    gint64 offset;              /* -1 unless from an mbox */
    const char *kind, *format;
    const char *recipient, *domain, *original_recipient;
    const char *outcome, *action, *status, *reported_status;
    int smtp_code;
    const char *smtp_command, *remote_mta, *reporting_mta;
    const char *date;           /* ISO 8601 with the bounce's own offset */
    const char *reason;
    gboolean hard;
    const char *rule;
    const GPtrArray *captures;  /* of ba_capture*, may be NULL */
    const char *diagnostic, *feedback_type, *dnsbl, *listed, *fault, *advice;
    const char *original_message_id, *original_from, *original_to, *original_subject;
    const char *original_date;  /* ISO 8601 */
    const char *ruleset;
    char *own_domain;           /* owned: freed by ba_diagnosis_view_clear() */
} ba_diagnosis_view;

/* @v for recipient @r of @rep, classified by rule set @ruleset (an id). */
void ba_diagnosis_view_of_recipient (ba_diagnosis_view *v, const ba_report *rep,
                                     const ba_recipient *r, const char *ruleset);
void ba_diagnosis_view_clear (ba_diagnosis_view *v);

/* What became of the message to the recipient, as the database's
 * diagnoses view says it: failed, delayed, delivered, autoreply, feedback. */
const char *ba_outcome_of (const char *kind, const char *reason, const char *action);

/* Writes the value of "explanation" (README "Output"); NULL: null. */
typedef void (*ba_explain_fn) (sprinter *sp, void *data);

/* The one diagnosis object of every command: "format_version" first when
 * @versioned (an ndjson line), then the keys of ba_diagnosis_keys. */
void ba_emit_diagnosis (sprinter *sp, const ba_diagnosis_view *v, gboolean versioned,
                        ba_explain_fn explain, void *explain_data);

/* The keys of the diagnosis object in order (NULL-terminated). */
extern const char *const ba_diagnosis_keys[];

/* The CSV header of a diagnosis (the same keys, "original.x" as
 * "original_x", captures as a JSON object) and one record. */
void ba_csv_diagnosis_header (GString *line);
void ba_csv_diagnosis (GString *line, const ba_diagnosis_view *v);

/* An ISO 8601 date with an offset as UTC, "2008-03-25T08:02:00Z", and
 * its own offset, "+01:00"; NULL when @iso cannot be read. */
char *ba_iso_to_utc (const char *iso);
char *ba_iso_offset (const char *iso);
/* The same date in the reader's local time with the zone, for text:
 * "2008-03-25 09:02:00 +0100"; @iso itself when it cannot be read. */
char *ba_iso_to_local (const char *iso);

/* One recipient's diagnosis as the ndjson object (versioned) of the README. */
void ba_emit_recipient (sprinter *sp, const ba_report *rep, const ba_recipient *r);

/* A recipient's captures as a JSON object (named groups of the rule). */
void ba_emit_captures (sprinter *sp, const ba_recipient *r);

/* "  label        value" with the value made safe; nothing when empty. */
void ba_print_field (FILE *out, const char *label, const char *value);

/* A report as text for a helpdesk. */
void ba_emit_text (FILE *out, const ba_report *rep);

/* Whose move it is, in plain words: "the receiving system", ... */
const char *ba_fault_words (const char *fault);

/* @s safe to print on a terminal: invalid UTF-8 as U+FFFD, tabs, line
 * breaks and U+2028/9 as a space, other C0, DEL and C1 controls (ESC
 * starts every escape sequence) as '?', format characters (bidi controls,
 * zero-width characters, the BOM) dropped; NULL gives "". */
char *ba_safe_text (const char *s);

/* Each warning of @rep as "SOURCE[: offset N]: warning: TEXT" lines, made safe. */
void ba_emit_warnings (FILE *out, const ba_report *rep);

#endif
