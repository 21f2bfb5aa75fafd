/* rules-load.h - the rule-set loader's state and helpers, shared by the
 * modules that read one kind of rules/ file (rules.c, rules-formats.c,
 * rules-blacklists.c).  Private to the loader. */
#ifndef BA_RULES_LOAD_H
#define BA_RULES_LOAD_H

#include "rules.h"
#include "ini.h"

#include <nettle/sha2.h>

typedef struct {
    ba_ruleset *set;
    GPtrArray *errors;          /* of ba_rule_error*, or NULL */
    gboolean site;              /* loading --site-rules files */
    guint order;
    struct sha256_ctx checksum; /* of every file loaded: the rule set's id */
} ba_loader;

/* Record a problem at @file:@line (a ba_ini report callback; @data is the loader). */
void ba_loader_report (void *data, const char *file, int line, const char *message);
void ba_loader_reportf (ba_loader *ld, const char *file, int line, const char *fmt, ...) G_GNUC_PRINTF (4, 5);
/* Compile an entry's pattern, reporting errors and hazards at its line. */
ba_pattern *ba_loader_compile (ba_loader *ld, const char *file, const ba_ini_entry *e);
GPtrArray *ba_loader_pattern_array (void);

void ba_formats_load (ba_loader *ld, const ba_ini *ini);
void ba_format_free (gpointer p);
/* Once every file is loaded: a rule's `format` word that names no format is an error. */
void ba_formats_check_rule_globs (ba_loader *ld);

void ba_blacklists_load (ba_loader *ld, const ba_ini *ini);
void ba_blacklist_free (gpointer p);

#endif
