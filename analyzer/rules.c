/* rules.c - load and compile the rule set of rules/ (see README, "Rules"). */
#include "rules.h"
#include "ini.h"
#include "rules-load.h"
#include "command.h"
#include "notice.h"
#include "pattern-scan.h"
#include "small-file.h"
#include "advice.h"

#include <string.h>

static const char *const vocabulary[] = {
    "authfailure", "badreputation", "blocked", "contenterror", "delivered",
    "exceedlimit", "expired", "failedstarttls", "feedback", "filtered",
    "hasmoved", "hostunknown", "mailboxfull", "mailererror", "mesgtoobig",
    "networkerror", "norelaying", "notaccept", "notcompliantrfc", "onhold",
    "policyviolation", "rejected", "requireptr", "securityerror",
    "spamdetected", "speeding", "suspend", "syntaxerror", "systemerror",
    "systemfull", "toomanyconn", "undefined", "userunknown", "vacation",
    "virusdetected", NULL
};

static const char *const faults[] = {
    "sending-system", "sender", "recipient", "receiving-system", "unknown", "none", NULL
};

/* Vocabulary words live in static storage, so a reason is a pointer
 * that can be compared and kept without copying. */
static const char *
intern_word (const char *const *words, const char *word)
{
    for (int i = 0; word && words[i]; i++)
        if (strcmp (words[i], word) == 0)
            return words[i];
    return NULL;
}

gboolean
ba_reason_is_valid (const char *word)
{
    return intern_word (vocabulary, word) != NULL;
}

const char *
ba_intern_reason (const char *word)
{
    return intern_word (vocabulary, word);
}

const char *
ba_intern_fault (const char *word)
{
    return intern_word (faults, word);
}

/* ---- loading ------------------------------------------------------------ */

void
ba_loader_report (void *data, const char *file, int line, const char *message)
{
    ba_loader *ld = data;
    ba_rule_error *e;

    if (!ld->errors)
        return;
    e = g_new0 (ba_rule_error, 1);
    e->file = g_strdup (file);
    e->line = line;
    e->message = g_strdup (message);
    g_ptr_array_add (ld->errors, e);
}

void
ba_loader_reportf (ba_loader *ld, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start (ap, fmt);
    msg = g_strdup_vprintf (fmt, ap);
    va_end (ap);
    ba_loader_report (ld, file, line, msg);
    g_free (msg);
}

void
ba_rule_error_free (ba_rule_error *e)
{
    if (!e)
        return;
    g_free (e->file);
    g_free (e->message);
    g_free (e);
}

ba_pattern *
ba_loader_compile (ba_loader *ld, const char *file, const ba_ini_entry *e)
{
    char *msg = NULL, *warning = NULL;
    ba_pattern *p = ba_loading_pattern (ld->set, e->value, ba_format_key_is_line (e->key), &msg, &warning);

    if (!p) {
        ba_loader_reportf (ld, file, e->line, "%s: %s", e->key, msg);
        g_free (msg);
        return NULL;
    }
    ba_pattern_set_origin (p, file, e->line);
    if (warning) {
        ba_loader_reportf (ld, file, e->line, "warning: %s: %s", e->key, warning);
        g_free (warning);
    }
    return p;
}

static gboolean
parse_bool (const char *s, gboolean *out)
{
    if (!g_ascii_strcasecmp (s, "true") || !g_ascii_strcasecmp (s, "yes") || !strcmp (s, "1"))
        *out = TRUE;
    else if (!g_ascii_strcasecmp (s, "false") || !g_ascii_strcasecmp (s, "no") || !strcmp (s, "0"))
        *out = FALSE;
    else
        return FALSE;
    return TRUE;
}

static void
rule_free (gpointer p)
{
    ba_rule *r = p;
    g_free (r->id);
    g_free (r->file);
    g_free (r->description);
    g_ptr_array_unref (r->patterns);
    g_strfreev (r->status_globs);
    g_strfreev (r->code_globs);
    g_strfreev (r->command_globs);
    g_strfreev (r->action_globs);
    g_strfreev (r->remote_globs);
    g_strfreev (r->format_globs);
    g_free (r->cause);
    g_free (r);
}

static char **
split_globs (const char *value)
{
    char **v = g_strsplit_set (value, " \t,", -1);
    char **out = g_new0 (char *, g_strv_length (v) + 1);
    int n = 0;
    for (int i = 0; v[i]; i++)
        if (*v[i])
            out[n++] = g_strdup (v[i]);
    g_strfreev (v);
    return out;
}

static int
find_rule (const ba_ruleset *set, const char *id)
{
    for (guint i = 0; i < set->rules->len; i++)
        if (strcmp (((ba_rule *) g_ptr_array_index (set->rules, i))->id, id) == 0)
            return (int) i;
    return -1;
}

static void
load_rules (ba_loader *ld, const ba_ini *ini)
{
    for (guint g = 0; g < ini->groups->len; g++) {
        const ba_ini_group *grp = g_ptr_array_index (ini->groups, g);
        ba_rule *r = g_new0 (ba_rule, 1);
        gboolean ok = TRUE, disabled = FALSE;
        int existing;

        r->id = g_strdup (grp->name);
        r->file = g_strdup (ini->file);
        r->line = grp->line;
        r->priority = 50;
        r->hard = -1;
        r->site = ld->site;
        r->order = ld->order++;
        r->patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_pattern_free);

        for (guint i = 0; i < grp->entries->len; i++) {
            const ba_ini_entry *e = g_ptr_array_index (grp->entries, i);
            if (g_str_has_prefix (e->key, "pattern")) {
                ba_pattern *p = ba_loader_compile (ld, ini->file, e);
                if (p)
                    g_ptr_array_add (r->patterns, p);
                else
                    ok = FALSE;
            } else if (!strcmp (e->key, "reason")) {
                r->reason = ba_intern_reason (e->value);
                if (!r->reason) {
                    ba_loader_reportf (ld, ini->file, e->line, "unknown reason '%s'", e->value);
                    ok = FALSE;
                }
            } else if (!strcmp (e->key, "description")) {
                g_free (r->description);
                r->description = g_strdup (e->value);
            } else if (!strcmp (e->key, "priority")) {
                char *endp;
                gint64 v = g_ascii_strtoll (e->value, &endp, 10);
                if (*e->value == '\0' || *endp || v < -1000 || v > 1000) {
                    ba_loader_reportf (ld, ini->file, e->line, "priority must be a whole number from -1000 to 1000");
                    ok = FALSE;
                } else {
                    r->priority = (int) v;
                }
            } else if (!strcmp (e->key, "status")) {
                g_strfreev (r->status_globs);
                r->status_globs = split_globs (e->value);
            } else if (!strcmp (e->key, "smtp-code")) {
                g_strfreev (r->code_globs);
                r->code_globs = split_globs (e->value);
            } else if (!strcmp (e->key, "smtp-command")) {
                g_strfreev (r->command_globs);
                r->command_globs = split_globs (e->value);
                /* a word without glob characters must be a command: a typo
                 * would silently never match */
                for (int k = 0; r->command_globs[k]; k++) {
                    const char *w = r->command_globs[k] + (r->command_globs[k][0] == '!');
                    if (!strpbrk (w, "*?") && !ba_intern_command (w)) {
                        ba_loader_reportf (ld, ini->file, e->line, "unknown smtp-command '%s' (CONN, HELO, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA)", w);
                        ok = FALSE;
                    }
                }
            } else if (!strcmp (e->key, "action")) {
                /* the DSN Action of the recipient, lower case */
                char *low = g_ascii_strdown (e->value, -1);
                g_strfreev (r->action_globs);
                r->action_globs = split_globs (low);
                g_free (low);
            } else if (!strcmp (e->key, "remote-mta")) {
                /* the remote MTA's host name, lower case */
                char *low = g_ascii_strdown (e->value, -1);
                g_strfreev (r->remote_globs);
                r->remote_globs = split_globs (low);
                g_free (low);
            } else if (!strcmp (e->key, "format")) {
                /* the id of the format that read the notice, lower case */
                char *low = g_ascii_strdown (e->value, -1);
                g_strfreev (r->format_globs);
                r->format_globs = split_globs (low);
                g_free (low);
            } else if (!strcmp (e->key, "hard")) {
                gboolean b;
                if (!parse_bool (e->value, &b)) {
                    ba_loader_reportf (ld, ini->file, e->line, "hard must be true or false");
                    ok = FALSE;
                } else {
                    r->hard = b;
                }
            } else if (!strcmp (e->key, "fault")) {
                r->fault = ba_intern_fault (e->value);
                if (!r->fault) {
                    ba_loader_reportf (ld, ini->file, e->line, "unknown fault '%s' (sending-system, sender, recipient, receiving-system, unknown, none)", e->value);
                    ok = FALSE;
                }
            } else if (!strcmp (e->key, "cause")) {
                /* a word naming an advice group: a typo would silently fall back */
                g_free (r->cause);
                r->cause = g_strdup (e->value);
                if (!*e->value || strspn (e->value, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen (e->value)) {
                    ba_loader_reportf (ld, ini->file, e->line, "cause must be a lower-case word of letters, digits and '-'");
                    ok = FALSE;
                }
            } else if (!strcmp (e->key, "disabled")) {
                if (!parse_bool (e->value, &disabled)) {
                    ba_loader_reportf (ld, ini->file, e->line, "disabled must be true or false");
                    ok = FALSE;
                }
            } else {
                ba_loader_reportf (ld, ini->file, e->line, "unknown key '%s'", e->key);
            }
        }

        existing = find_rule (ld->set, r->id);
        if (existing >= 0 && !ld->site) {
            ba_loader_reportf (ld, ini->file, grp->line, "duplicate rule id '%s'", r->id);
            ok = FALSE;
        } else if (existing >= 0) {
            /* A site rule with a default rule's id replaces (or disables) it. */
            g_ptr_array_remove_index (ld->set->rules, existing);
        }
        if (disabled) {
            rule_free (r);
            continue;
        }
        if (ok && !r->reason) {
            ba_loader_reportf (ld, ini->file, grp->line, "rule '%s' has no reason", r->id);
            ok = FALSE;
        }
        if (ok && r->patterns->len == 0 && !r->status_globs && !r->code_globs && !r->command_globs
            && !r->action_globs && !r->remote_globs && !r->format_globs) {
            ba_loader_reportf (ld, ini->file, grp->line, "rule '%s' has no pattern, status, smtp-code, smtp-command, action, remote-mta or format", r->id);
            ok = FALSE;
        }
        if (ok && !r->description)
            ba_loader_reportf (ld, ini->file, grp->line, "rule '%s' has no description", r->id);
        if (ok)
            g_ptr_array_add (ld->set->rules, r);
        else
            rule_free (r);
    }
}

static void
reason_free (gpointer p)
{
    ba_reason_info *r = p;
    g_free (r->description);
    g_free (r->summary);
    g_free (r->status);
    g_free (r);
}

static void
load_reasons (ba_loader *ld, const ba_ini *ini)
{
    for (guint g = 0; g < ini->groups->len; g++) {
        const ba_ini_group *grp = g_ptr_array_index (ini->groups, g);
        const char *name = ba_intern_reason (grp->name);
        ba_reason_info *info;

        if (!name) {
            ba_loader_reportf (ld, ini->file, grp->line, "'%s' is not a reason of the vocabulary", grp->name);
            continue;
        }
        info = g_new0 (ba_reason_info, 1);
        info->name = name;
        info->fault = "unknown";
        for (guint i = 0; i < grp->entries->len; i++) {
            const ba_ini_entry *e = g_ptr_array_index (grp->entries, i);
            if (!strcmp (e->key, "description")) {
                g_free (info->description);
                info->description = g_strdup (e->value);
            } else if (!strcmp (e->key, "summary")) {
                g_free (info->summary);
                info->summary = g_strdup (e->value);
            } else if (!strcmp (e->key, "status")) {
                g_free (info->status);
                info->status = g_strdup (e->value);
            } else if (!strcmp (e->key, "hard")) {
                gboolean b;
                if (!strcmp (e->value, "permanent"))
                    info->hard = BA_HARD_PERMANENT;
                else if (parse_bool (e->value, &b))
                    info->hard = b ? BA_HARD_TRUE : BA_HARD_FALSE;
                else
                    ba_loader_reportf (ld, ini->file, e->line, "hard must be true, false or permanent");
            } else if (!strcmp (e->key, "fault")) {
                const char *f = ba_intern_fault (e->value);
                if (f)
                    info->fault = f;
                else
                    ba_loader_reportf (ld, ini->file, e->line, "unknown fault '%s'", e->value);
            } else {
                ba_loader_reportf (ld, ini->file, e->line, "unknown key '%s'", e->key);
            }
        }
        g_hash_table_replace (ld->set->reasons, (gpointer) name, info);
    }
}

static void
load_advice (ba_loader *ld, const ba_ini *ini)
{
    for (guint g = 0; g < ini->groups->len; g++) {
        const ba_ini_group *grp = g_ptr_array_index (ini->groups, g);
        const ba_ini_entry *t = ba_ini_get (grp, "template");
        if (!t) {
            ba_loader_reportf (ld, ini->file, grp->line, "advice '%s' has no template", grp->name);
            continue;
        }
        /* several template lines are alternatives, tried in order: the
         * first whose facts are all known is printed (advice.c) */
        GString *alts = g_string_new (NULL);
        for (guint i = 0; i < grp->entries->len; i++) {
            const ba_ini_entry *e = g_ptr_array_index (grp->entries, i);
            char *unknown = NULL;
            if (!strcmp (e->key, "template") && (unknown = ba_advice_unknown_fact (e->value)))
                ba_loader_reportf (ld, ini->file, e->line, "advice '%s': '{%s' names no fact (see the list at the top of advice.conf)",
                         grp->name, unknown);
            else if (!strcmp (e->key, "template"))
                g_string_append_printf (alts, "%s%s", alts->len ? "\n" : "", e->value);
            else
                ba_loader_reportf (ld, ini->file, e->line, "unknown key '%s' in advice '%s'", e->key, grp->name);
            g_free (unknown);
        }
        g_hash_table_replace (ld->set->advice, g_strdup (grp->name), g_string_free (alts, FALSE));
    }
}

GPtrArray *
ba_loader_pattern_array (void)
{
    return g_ptr_array_new_with_free_func ((GDestroyNotify) ba_pattern_free);
}

static void
load_file (ba_loader *ld, const char *path)
{
    char *text = NULL;
    gsize len = 0;
    GError *err = NULL;
    char *base;
    ba_ini *ini;

    if (!ba_read_small_file (path, BA_RULE_FILE_MAX, &text, &len, &err)) {
        ba_loader_report (ld, path, 0, err->message);
        g_error_free (err);
        return;
    }
    sha256_update (&ld->checksum, len, (const guchar *) text);
    ini = ba_ini_parse (path, text, len, ba_loader_report, ld);
    g_free (text);

    base = g_path_get_basename (path);
    if (!strcmp (base, "reasons.conf"))
        load_reasons (ld, ini);
    else if (!strcmp (base, "blacklists.conf"))
        ba_blacklists_load (ld, ini);
    else if (!strcmp (base, "advice.conf"))
        load_advice (ld, ini);
    else if (!strcmp (base, "commands.conf"))
        ba_commands_load (ld->set, ini, ba_loader_report, ld);
    else if (!strcmp (base, "notice.conf"))
        ba_notice_load (ld->set, ini, ba_loader_report, ld);
    else if (g_str_has_suffix (base, ".formats"))
        ba_formats_load (ld, ini);
    else
        load_rules (ld, ini);
    g_free (base);
    ba_ini_free (ini);
}
static gboolean
is_rule_file (const char *name)
{
    return g_str_has_suffix (name, ".rules") || g_str_has_suffix (name, ".formats")
        || !strcmp (name, "reasons.conf") || !strcmp (name, "blacklists.conf")
        || !strcmp (name, "advice.conf") || !strcmp (name, "commands.conf")
        || !strcmp (name, "notice.conf");
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Site rules first, then higher priority, then load order. */
static gint
compare_rules (gconstpointer a, gconstpointer b)
{
    const ba_rule *x = *(ba_rule *const *) a, *y = *(ba_rule *const *) b;
    if (x->site != y->site)
        return x->site ? -1 : 1;
    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

const char *
ba_default_rules_dir (void)
{
    const char *env = g_getenv ("BOUNCE_ANALYZER_RULES");
    if (env && *env)
        return env;
    if (g_file_test (BA_SOURCE_RULES_DIR, G_FILE_TEST_IS_DIR))
        return BA_SOURCE_RULES_DIR;
    return BA_INSTALL_RULES_DIR;
}

char *
ba_loading_hazard (const ba_ruleset *set, const char *source, gboolean one_line)
{
    return set->check_hazards ? ba_pattern_hazard (source, one_line) : NULL;
}

/* Is @dir the rule set this build ships (in the source tree or installed)? */
static gboolean
is_shipped_rules_dir (const char *dir)
{
    char *canon = g_canonicalize_filename (dir, NULL);
    char *source = g_canonicalize_filename (BA_SOURCE_RULES_DIR, NULL);
    char *installed = g_canonicalize_filename (BA_INSTALL_RULES_DIR, NULL);
    gboolean shipped = !strcmp (canon, source) || !strcmp (canon, installed);
    g_free (canon);
    g_free (source);
    g_free (installed);
    return shipped;
}

/* The rule set's id: the first 16 hex digits of the SHA-256 of its files. */
static char *
fingerprint_of (struct sha256_ctx *checksum)
{
    guint8 digest[SHA256_DIGEST_SIZE];
    GString *hex = g_string_sized_new (16);

    sha256_digest (checksum, sizeof digest, digest);
    for (int i = 0; i < 8; i++)
        g_string_append_printf (hex, "%02x", digest[i]);
    return g_string_free (hex, FALSE);
}

static ba_ruleset *
load_rule_set (const char *rules_dir, const char *const *site_files, GPtrArray *errors, gboolean check_all)
{
    ba_ruleset *set;
    ba_loader ld = { 0 };
    GDir *dir;
    GError *err = NULL;
    GPtrArray *names;
    const char *name;

    if (!rules_dir)
        rules_dir = ba_default_rules_dir ();
    dir = g_dir_open (rules_dir, 0, &err);
    if (!dir) {
        ld.errors = errors;
        ba_loader_report (&ld, rules_dir, 0, err->message);
        g_error_free (err);
        return NULL;
    }

    set = g_new0 (ba_ruleset, 1);
    set->rules = g_ptr_array_new_with_free_func (rule_free);
    set->reasons = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, reason_free);
    set->formats = g_ptr_array_new_with_free_func (ba_format_free);
    set->blacklists = g_ptr_array_new_with_free_func (ba_blacklist_free);
    set->advice = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    set->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_command_rule_free);
    set->notice = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_notice_group_free);
    set->max_captures = 1;
    ld.set = set;
    ld.errors = errors;
    /* nettle's SHA-256 uses the CPU's SHA instructions: GLib's took 18 M of classify's instructions */
    sha256_init (&ld.checksum);
    /* the hazard check costs a third of start-up: the shipped set is checked by the tests */
    set->check_hazards = check_all || !is_shipped_rules_dir (rules_dir);

    names = g_ptr_array_new_with_free_func (g_free);
    while ((name = g_dir_read_name (dir)))
        if (is_rule_file (name))
            g_ptr_array_add (names, g_build_filename (rules_dir, name, NULL));
    g_dir_close (dir);
    g_ptr_array_sort (names, compare_strings);
    for (guint i = 0; i < names->len; i++)
        load_file (&ld, g_ptr_array_index (names, i));
    g_ptr_array_unref (names);

    ld.site = TRUE;
    set->check_hazards = TRUE;
    for (int i = 0; site_files && site_files[i]; i++)
        load_file (&ld, site_files[i]);

    ba_formats_check_rule_globs (&ld);
    g_ptr_array_sort (set->rules, compare_rules);
    set->fingerprint = fingerprint_of (&ld.checksum);
    return set;
}

ba_ruleset *
ba_ruleset_load (const char *rules_dir, const char *const *site_files, GPtrArray *errors)
{
    return load_rule_set (rules_dir, site_files, errors, FALSE);
}

ba_ruleset *
ba_ruleset_load_checked (const char *rules_dir, const char *const *site_files, GPtrArray *errors)
{
    return load_rule_set (rules_dir, site_files, errors, TRUE);
}

void
ba_ruleset_free (ba_ruleset *set)
{
    if (!set)
        return;
    g_ptr_array_unref (set->rules);
    g_hash_table_unref (set->reasons);
    g_ptr_array_unref (set->formats);
    g_ptr_array_unref (set->blacklists);
    g_hash_table_unref (set->advice);
    g_ptr_array_unref (set->commands);
    g_ptr_array_unref (set->notice);
    g_free (set->fingerprint);
    ba_ruleset_scanners_free (set);
    g_free (set);
}

const ba_reason_info *
ba_ruleset_reason (const ba_ruleset *set, const char *reason)
{
    return reason ? g_hash_table_lookup (set->reasons, reason) : NULL;
}

const char *
ba_ruleset_fingerprint (const ba_ruleset *set)
{
    return set->fingerprint;
}

guint
ba_ruleset_n_rules (const ba_ruleset *set)
{
    return set->rules->len;
}

void
ba_ruleset_rule_info (const ba_ruleset *set, guint i, ba_rule_info *info)
{
    const ba_rule *r = g_ptr_array_index (set->rules, i);
    info->id = r->id;
    info->file = r->file;
    info->line = r->line;
    info->reason = r->reason;
    info->description = r->description;
    info->priority = r->priority;
    info->site = r->site;
    info->n_patterns = r->patterns->len;
}

const char *
ba_ruleset_id (const ba_ruleset *set)
{
    return set->fingerprint;
}

const char *
ba_reason_summary (const ba_ruleset *set, const char *reason)
{
    const ba_reason_info *info = ba_ruleset_reason (set, reason);
    return info ? info->summary : NULL;
}
