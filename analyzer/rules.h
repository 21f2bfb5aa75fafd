/* rules.h - a loaded rule set: classification rules, reason vocabulary,
 * bounce formats and blacklist knowledge, all read from rules/.  Internal
 * to the library; the CLI sees only what bounce-analyzer.h exposes. */
#ifndef BA_RULES_H
#define BA_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "bounce-analyzer.h"

typedef struct {
    char *source;
    pcre2_code *code;           /* read it with ba_pattern_code: NULL until compiled, or when it does not compile */
    guint32 captures;           /* its capture groups, once compiled */
    char *error;                /* why it does not compile, once tried; else NULL */
    char *where;                /* "file:line" it was loaded from, or NULL */
    gsize compile_done;         /* g_once flag: @code compiled (at load, or on first use: ba_pattern_new_lazy) */
    gsize jit_done;             /* g_once flag: JIT-compiled on first match (see ba_pattern_ready) */
    gsize literals_done;        /* g_once flag: @literals read on first use (see ba_pattern_literals) */
    char **literals;            /* lower-case texts any match contains one of, or NULL */
    /* written once, when the automaton of its family is built (pattern-scan.c) */
    guint scan_family;          /* 1 + the ba_scan_family whose automaton holds its literals; 0: none */
    guint scan_index;           /* its number among the family's patterns */
    gboolean scan_always;       /* it has no literal: it may always match */
} ba_pattern;

/* @p's compiled code, compiling it on first use (safe when threads share
 * the rule set); NULL when it does not compile (@p->error says why). */
const pcre2_code *ba_pattern_code (const ba_pattern *p);
/* JIT-compile @p on its first use; safe when threads share the rule set. */
void ba_pattern_ready (const ba_pattern *p);
/* Does @p define a capture group named @name?  For the loader: read from
 * its source when it is not compiled yet, and a "no" is confirmed by
 * compiling it, so a rule set loads alike either way. */
gboolean ba_pattern_has_group (const ba_pattern *p, const char *name);

/* The lower-case literals every match of @p contains one of
 * (NULL-terminated), or NULL when there are none; read on first use. */
char *const *ba_pattern_literals (const ba_pattern *p);

typedef struct {
    char *id;
    char *file;
    int line;
    const char *reason;         /* interned vocabulary word */
    char *description;
    int priority;
    gboolean site;
    guint order;                /* load order, for ties */
    GPtrArray *patterns;        /* of ba_pattern* */
    char **status_globs;        /* NULL = any */
    char **code_globs;          /* NULL = any */
    char **command_globs;       /* smtp-command: NULL = any */
    char **action_globs;        /* action (failed, delayed, ...): NULL = any */
    char **remote_globs;        /* remote-mta host name: NULL = any */
    char **format_globs;        /* the report's format id: NULL = any */
    int hard;                   /* -1 = reason's default */
    const char *fault;          /* NULL = reason's default */
    char *cause;                /* what the wording says went wrong, picks the advice; NULL = none */
} ba_rule;

typedef enum { BA_HARD_FALSE, BA_HARD_TRUE, BA_HARD_PERMANENT } ba_hard_mode;

typedef struct {
    const char *name;           /* interned */
    char *description;
    char *summary;
    ba_hard_mode hard;
    const char *fault;
    char *status;               /* typical RFC 3463 code, for deriving a status */
} ba_reason_info;

typedef struct {
    char *id;
    char *description;
    char *file;
    int line;
    GPtrArray *detect;          /* body patterns, any */
    GPtrArray *detect_subject;  /* header patterns, any */
    GPtrArray *detect_from;
    ba_pattern *begin, *end;    /* region of the notice with the recipients */
    GPtrArray *recipient;       /* line patterns: (?<recipient>) (?<diagnostic>)? */
    ba_pattern *cont;           /* continuation lines; NULL: any non-blank line */
    GPtrArray *detail;          /* line patterns giving a recipient's diagnostic */
    ba_pattern *original;       /* line after which the original's headers follow */
    ba_pattern *remote_mta;     /* (?<remote_mta>) in a diagnostic */
    ba_pattern *reporting_mta;  /* (?<reporting_mta>) in the notice */
    char *action;               /* default action, "failed" */
    GPtrArray *detect_header;   /* patterns on the "Name: value" header block */
    GPtrArray *unless_from;     /* the format never applies when From matches */
    gboolean autoreply;         /* kind = autoreply: no recipients, a vacation notice */
    gboolean span_region;       /* span = region: a recipient's text runs past blank lines */
    GPtrArray *recipient_header; /* (?<recipient>) in the header block, every match */
    GPtrArray *recipient_original; /* ... in the returned message's header block */
    ba_pattern *diagnostic;     /* (?<diagnostic>) anywhere in the region: text for all */
    int unescape_json;          /* unescape = json (1): captured text is a JSON string body;
                                 * json-in-json (2): one inside a JSON string, escaped twice */
    gboolean bare_recipient;    /* bare-recipient = yes: a recipient may be a mailbox name alone */
    ba_pattern *recipient_domain; /* (?<domain>) completing a bare mailbox name */
    char *feedback_type;        /* feedback-type: its recipients are feedback, not failures */
    const char *command;        /* command: the SMTP command its rejections came after, by default */
    ba_pattern *delayed_section; /* a heading after which recipients are delayed, up to a begin line */
    ba_pattern *delivered_section; /* ... after which they were delivered (a return receipt) */
} ba_format;

typedef enum { BA_LIST_ACTIVE, BA_LIST_SHUT_DOWN, BA_LIST_LISTS_EVERYTHING } ba_list_state;

typedef struct {
    char *id;
    char *name;
    char *operator_;
    char *lists;
    char **zones;               /* lower case, first is canonical */
    GPtrArray *urls;            /* of ba_pattern* */
    ba_list_state state;
    GDateTime *shut_down;       /* NULL when unknown */
    GDateTime *lists_everything_since;
    char *shut_down_text;       /* as written, for advice */
    char *lists_everything_text;
} ba_blacklist;

#define BA_SCAN_FAMILY_SLOTS 4  /* ba_scan_family's count (pattern-scan.h) */
struct ba_ruleset {
    GPtrArray *rules;           /* of ba_rule*, sorted: site first, priority, order */
    GHashTable *reasons;        /* name -> ba_reason_info* */
    GPtrArray *formats;         /* of ba_format*, in load order */
    GPtrArray *blacklists;      /* of ba_blacklist*, in load order */
    GHashTable *advice;         /* "reason" or "reason.case" -> template */
    guint32 max_captures;       /* largest capture count of the patterns compiled at load (a context's
                                 * match data grows for those compiled later) */
    GPtrArray *commands;        /* of ba_command_rule*, from commands.conf */
    GPtrArray *notice;          /* of ba_notice_group*, from notice.conf */
    char *fingerprint;          /* hash of every file loaded */
    gboolean check_hazards;     /* while loading: is the file being read checked by ba_pattern_hazard
                                 * and its patterns compiled at once (else on first use) */
    /* one literal automaton per pattern family, built on first use (pattern-scan.c) */
    struct ba_scanner *scanners[BA_SCAN_FAMILY_SLOTS];
    gsize scanners_done[BA_SCAN_FAMILY_SLOTS];  /* g_once flags */
};

/* Compile @source (PCRE2, caseless, multiline; JIT on first match).  On
 * error returns NULL and sets *@message. */
ba_pattern *ba_pattern_compile (const char *source, char **message);
/* @source, compiled on first use (ba_pattern_code): for the shipped rule
 * set, which the tests compile and check (`rules check`). */
ba_pattern *ba_pattern_new_lazy (const char *source);
/* A pattern of the file @set is loading: compiled at once when the file is
 * checked (site rules, a rules directory of one's own, `rules check`),
 * else on first use.  NULL with *@message when it does not compile; a
 * hazard found is set in *@warning (else NULL). */
ba_pattern *ba_loading_pattern (ba_ruleset *set, const char *source, gboolean one_line,
                                char **message, char **warning);
void ba_pattern_free (ba_pattern *p);
/* Record where @p was loaded from, for warnings about it. */
void ba_pattern_set_origin (ba_pattern *p, const char *file, int line);

/* A static check of a pattern's source for the shapes that make matching
 * superlinear: adjacent or nested unbounded quantifiers whose character
 * sets overlap (README, "Patterns that stay linear").  @one_line: it is
 * matched against one line.  Returns a sentence, or NULL when clean. */
char *ba_pattern_hazard (const char *source, gboolean one_line);
/* ba_pattern_hazard while loading @set, when its current file is checked; else NULL. */
char *ba_loading_hazard (const ba_ruleset *set, const char *source, gboolean one_line);
/* Is a format key's pattern matched against one line at a time? */
gboolean ba_format_key_is_line (const char *key);

/* The lower-case literal every match of @regex must contain, or NULL. */
char *ba_pattern_required_literal (const char *regex);
/* The lower-case literals every match of @regex contains one of (at
 * least 3 bytes each), NULL-terminated, or NULL when it finds none. */
char **ba_pattern_literal_set (const char *regex);

const ba_reason_info *ba_ruleset_reason (const ba_ruleset *set, const char *reason);
const char *ba_ruleset_fingerprint (const ba_ruleset *set);

#endif

/* Internal helpers shared by the library's modules. */
const char *ba_intern_reason (const char *word);
const char *ba_intern_fault (const char *word);
GDateTime *ba_parse_iso_date (const char *s);
