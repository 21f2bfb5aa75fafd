/* emit.h - the emit stage: a report as structured values (through a
 * sprinter) or as text for a person. */
#ifndef BA_EMIT_H
#define BA_EMIT_H

#include "bounce-analyzer.h"
#include "sprinter.h"

/* One recipient's diagnosis as the ndjson/json object of the README. */
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
