/* rules.c - load and compile the rule set of rules/ (see README, "Rules"). */
#include "rules.h"
#include "ini.h"
#include "command.h"
#include "notice.h"
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

typedef struct {
    ba_ruleset *set;
    GPtrArray *errors;
    gboolean site;
    guint order;
    GChecksum *checksum;
} loader;

static void
report (void *data, const char *file, int line, const char *message)
{
    loader *ld = data;
    ba_rule_error *e;

    if (!ld->errors)
        return;
    e = g_new0 (ba_rule_error, 1);
    e->file = g_strdup (file);
    e->line = line;
    e->message = g_strdup (message);
    g_ptr_array_add (ld->errors, e);
}

static void G_GNUC_PRINTF (4, 5)
reportf (loader *ld, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start (ap, fmt);
    msg = g_strdup_vprintf (fmt, ap);
    va_end (ap);
    report (ld, file, line, msg);
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

static ba_pattern *
compile_entry (loader *ld, const char *file, const ba_ini_entry *e)
{
    char *msg = NULL;
    ba_pattern *p = ba_pattern_compile (e->value, &msg);
    uint32_t n = 0;

    if (!p) {
        reportf (ld, file, e->line, "%s: %s", e->key, msg);
        g_free (msg);
        return NULL;
    }
    ba_pattern_set_origin (p, file, e->line);
    msg = ba_pattern_hazard (e->value, ba_format_key_is_line (e->key));
    if (msg) {
        reportf (ld, file, e->line, "warning: %s: %s", e->key, msg);
        g_free (msg);
    }
    pcre2_pattern_info (p->code, PCRE2_INFO_CAPTURECOUNT, &n);
    if (n + 1 > ld->set->max_captures)
        ld->set->max_captures = n + 1;
    return p;
}

gboolean
ba_format_key_is_line (const char *key)
{
    return !strcmp (key, "recipient") || !strcmp (key, "continue") || !strcmp (key, "detail");
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
load_rules (loader *ld, const ba_ini *ini)
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
                ba_pattern *p = compile_entry (ld, ini->file, e);
                if (p)
                    g_ptr_array_add (r->patterns, p);
                else
                    ok = FALSE;
            } else if (!strcmp (e->key, "reason")) {
                r->reason = ba_intern_reason (e->value);
                if (!r->reason) {
                    reportf (ld, ini->file, e->line, "unknown reason '%s'", e->value);
                    ok = FALSE;
                }
            } else if (!strcmp (e->key, "description")) {
                g_free (r->description);
                r->description = g_strdup (e->value);
            } else if (!strcmp (e->key, "priority")) {
                char *endp;
                gint64 v = g_ascii_strtoll (e->value, &endp, 10);
                if (*e->value == '\0' || *endp || v < -1000 || v > 1000) {
                    reportf (ld, ini->file, e->line, "priority must be a whole number from -1000 to 1000");
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
                        reportf (ld, ini->file, e->line, "unknown smtp-command '%s' (CONN, HELO, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA)", w);
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
                    reportf (ld, ini->file, e->line, "hard must be true or false");
                    ok = FALSE;
                } else {
                    r->hard = b;
                }
            } else if (!strcmp (e->key, "fault")) {
                r->fault = ba_intern_fault (e->value);
                if (!r->fault) {
                    reportf (ld, ini->file, e->line, "unknown fault '%s' (sending-system, sender, recipient, receiving-system, unknown, none)", e->value);
                    ok = FALSE;
                }
            } else if (!strcmp (e->key, "cause")) {
                /* a word naming an advice group: a typo would silently fall back */
                g_free (r->cause);
                r->cause = g_strdup (e->value);
                if (!*e->value || strspn (e->value, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen (e->value)) {
                    reportf (ld, ini->file, e->line, "cause must be a lower-case word of letters, digits and '-'");
                    ok = FALSE;
                }
            } else if (!strcmp (e->key, "disabled")) {
                if (!parse_bool (e->value, &disabled)) {
                    reportf (ld, ini->file, e->line, "disabled must be true or false");
                    ok = FALSE;
                }
            } else {
                reportf (ld, ini->file, e->line, "unknown key '%s'", e->key);
            }
        }

        existing = find_rule (ld->set, r->id);
        if (existing >= 0 && !ld->site) {
            reportf (ld, ini->file, grp->line, "duplicate rule id '%s'", r->id);
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
            reportf (ld, ini->file, grp->line, "rule '%s' has no reason", r->id);
            ok = FALSE;
        }
        if (ok && r->patterns->len == 0 && !r->status_globs && !r->code_globs && !r->command_globs
            && !r->action_globs && !r->remote_globs && !r->format_globs) {
            reportf (ld, ini->file, grp->line, "rule '%s' has no pattern, status, smtp-code, smtp-command, action, remote-mta or format", r->id);
            ok = FALSE;
        }
        if (ok && !r->description)
            reportf (ld, ini->file, grp->line, "rule '%s' has no description", r->id);
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
load_reasons (loader *ld, const ba_ini *ini)
{
    for (guint g = 0; g < ini->groups->len; g++) {
        const ba_ini_group *grp = g_ptr_array_index (ini->groups, g);
        const char *name = ba_intern_reason (grp->name);
        ba_reason_info *info;

        if (!name) {
            reportf (ld, ini->file, grp->line, "'%s' is not a reason of the vocabulary", grp->name);
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
                    reportf (ld, ini->file, e->line, "hard must be true, false or permanent");
            } else if (!strcmp (e->key, "fault")) {
                const char *f = ba_intern_fault (e->value);
                if (f)
                    info->fault = f;
                else
                    reportf (ld, ini->file, e->line, "unknown fault '%s'", e->value);
            } else {
                reportf (ld, ini->file, e->line, "unknown key '%s'", e->key);
            }
        }
        g_hash_table_replace (ld->set->reasons, (gpointer) name, info);
    }
}

static void
format_free (gpointer p)
{
    ba_format *f = p;
    g_free (f->id);
    g_free (f->description);
    g_free (f->file);
    g_ptr_array_unref (f->detect);
    g_ptr_array_unref (f->detect_subject);
    g_ptr_array_unref (f->detect_from);
    g_ptr_array_unref (f->detect_header);
    g_ptr_array_unref (f->unless_from);
    g_ptr_array_unref (f->recipient);
    g_ptr_array_unref (f->detail);
    g_ptr_array_unref (f->recipient_header);
    g_ptr_array_unref (f->recipient_original);
    ba_pattern_free (f->diagnostic);
    ba_pattern_free (f->recipient_domain);
    ba_pattern_free (f->begin);
    ba_pattern_free (f->end);
    ba_pattern_free (f->cont);
    ba_pattern_free (f->original);
    ba_pattern_free (f->remote_mta);
    ba_pattern_free (f->reporting_mta);
    g_free (f->action);
    g_free (f->feedback_type);
    g_free (f);
}

static GPtrArray *
pattern_array (void)
{
    return g_ptr_array_new_with_free_func ((GDestroyNotify) ba_pattern_free);
}

static gboolean
has_group (const ba_pattern *p, const char *name)
{
    int rc = pcre2_substring_nametable_scan (p->code, (PCRE2_SPTR) name, NULL, NULL);
    return rc >= 0 || rc == PCRE2_ERROR_NOUNIQUESUBSTRING;
}

static void
load_formats (loader *ld, const ba_ini *ini)
{
    for (guint g = 0; g < ini->groups->len; g++) {
        const ba_ini_group *grp = g_ptr_array_index (ini->groups, g);
        ba_format *f = g_new0 (ba_format, 1);

        f->id = g_strdup (grp->name);
        f->file = g_strdup (ini->file);
        f->line = grp->line;
        f->detect = pattern_array ();
        f->detect_subject = pattern_array ();
        f->detect_from = pattern_array ();
        f->detect_header = pattern_array ();
        f->unless_from = pattern_array ();
        f->recipient = pattern_array ();
        f->detail = pattern_array ();
        f->recipient_header = pattern_array ();
        f->recipient_original = pattern_array ();
        f->action = g_strdup ("failed");

        for (guint i = 0; i < grp->entries->len; i++) {
            const ba_ini_entry *e = g_ptr_array_index (grp->entries, i);
            const char *k = e->key;
            ba_pattern **single = NULL;
            GPtrArray *multi = NULL;

            if (!strcmp (k, "description")) {
                g_free (f->description);
                f->description = g_strdup (e->value);
                continue;
            }
            if (!strcmp (k, "kind")) {
                if (!strcmp (e->value, "autoreply"))
                    f->autoreply = TRUE;
                else if (strcmp (e->value, "bounce"))
                    reportf (ld, ini->file, e->line, "kind must be bounce or autoreply");
                continue;
            }
            if (!strcmp (k, "action")) {
                if (strcmp (e->value, "failed") && strcmp (e->value, "delayed")
                    && strcmp (e->value, "delivered"))
                    reportf (ld, ini->file, e->line, "action must be failed, delayed or delivered");
                else {
                    g_free (f->action);
                    f->action = g_strdup (e->value);
                }
                continue;
            }
            if (!strcmp (k, "feedback-type")) {
                static const char *const types[] = { "abuse", "fraud", "virus", "other", "not-spam",
                                                     "opt-out", "auth-failure", NULL };
                if (!g_strv_contains (types, e->value))
                    reportf (ld, ini->file, e->line, "feedback-type must be one of abuse, fraud, virus, other, not-spam, opt-out, auth-failure");
                else {
                    g_free (f->feedback_type);
                    f->feedback_type = g_strdup (e->value);
                }
                continue;
            }
            if (!strcmp (k, "span")) {
                if (!strcmp (e->value, "region"))
                    f->span_region = TRUE;
                else if (!strcmp (e->value, "paragraph"))
                    f->span_region = FALSE;
                else
                    reportf (ld, ini->file, e->line, "span must be paragraph or region");
                continue;
            }
            if (!strcmp (k, "command")) {
                f->command = ba_intern_command (e->value);
                if (!f->command)
                    reportf (ld, ini->file, e->line, "unknown command '%s' (CONN, HELO, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA)", e->value);
                continue;
            }
            if (!strcmp (k, "unescape")) {
                if (!strcmp (e->value, "json"))
                    f->unescape_json = 1;
                else if (!strcmp (e->value, "json-in-json"))
                    f->unescape_json = 2;
                else if (!strcmp (e->value, "none"))
                    f->unescape_json = 0;
                else
                    reportf (ld, ini->file, e->line, "unescape must be json, json-in-json or none");
                continue;
            }
            if (!strcmp (k, "bare-recipient")) {
                if (!strcmp (e->value, "yes"))
                    f->bare_recipient = TRUE;
                else if (!strcmp (e->value, "no"))
                    f->bare_recipient = FALSE;
                else
                    reportf (ld, ini->file, e->line, "bare-recipient must be yes or no");
                continue;
            }
            if (!strcmp (k, "detect")) multi = f->detect;
            else if (!strcmp (k, "detect-subject")) multi = f->detect_subject;
            else if (!strcmp (k, "detect-from")) multi = f->detect_from;
            else if (!strcmp (k, "detect-header")) multi = f->detect_header;
            else if (!strcmp (k, "unless-from")) multi = f->unless_from;
            else if (!strcmp (k, "recipient")) multi = f->recipient;
            else if (!strcmp (k, "detail")) multi = f->detail;
            else if (!strcmp (k, "recipient-header")) multi = f->recipient_header;
            else if (!strcmp (k, "recipient-original")) multi = f->recipient_original;
            else if (!strcmp (k, "diagnostic")) single = &f->diagnostic;
            else if (!strcmp (k, "recipient-domain")) single = &f->recipient_domain;
            else if (!strcmp (k, "begin")) single = &f->begin;
            else if (!strcmp (k, "end")) single = &f->end;
            else if (!strcmp (k, "continue")) single = &f->cont;
            else if (!strcmp (k, "original")) single = &f->original;
            else if (!strcmp (k, "remote-mta")) single = &f->remote_mta;
            else if (!strcmp (k, "reporting-mta")) single = &f->reporting_mta;
            else {
                reportf (ld, ini->file, e->line, "unknown key '%s'", k);
                continue;
            }
            ba_pattern *p = compile_entry (ld, ini->file, e);
            if (!p)
                continue;
            if ((multi == f->recipient || multi == f->recipient_header || multi == f->recipient_original)
                && !has_group (p, "recipient")) {
                reportf (ld, ini->file, e->line, "a recipient pattern needs a (?<recipient>...) group");
                ba_pattern_free (p);
                continue;
            }
            if (multi == f->detail && !has_group (p, "diagnostic")) {
                reportf (ld, ini->file, e->line, "a detail pattern needs a (?<diagnostic>...) group");
                ba_pattern_free (p);
                continue;
            }
            if (single == &f->diagnostic && !has_group (p, "diagnostic")) {
                reportf (ld, ini->file, e->line, "diagnostic needs a (?<diagnostic>...) group");
                ba_pattern_free (p);
                continue;
            }
            if (single == &f->recipient_domain && !has_group (p, "domain")) {
                reportf (ld, ini->file, e->line, "recipient-domain needs a (?<domain>...) group");
                ba_pattern_free (p);
                continue;
            }
            if (single == &f->remote_mta && !has_group (p, "remote_mta")) {
                reportf (ld, ini->file, e->line, "remote-mta needs a (?<remote_mta>...) group");
                ba_pattern_free (p);
                continue;
            }
            if (single == &f->reporting_mta && !has_group (p, "reporting_mta")) {
                reportf (ld, ini->file, e->line, "reporting-mta needs a (?<reporting_mta>...) group");
                ba_pattern_free (p);
                continue;
            }
            if (multi) {
                g_ptr_array_add (multi, p);
            } else {
                ba_pattern_free (*single);
                *single = p;
            }
        }
        if (f->detect->len == 0 && f->detect_subject->len == 0 && f->detect_from->len == 0
            && f->detect_header->len == 0) {
            reportf (ld, ini->file, grp->line, "format '%s' has no detect, detect-subject, detect-from or detect-header", f->id);
            format_free (f);
        } else if (f->recipient_domain && !f->bare_recipient) {
            reportf (ld, ini->file, grp->line, "format '%s' has recipient-domain without bare-recipient = yes", f->id);
            format_free (f);
        } else if (f->recipient->len == 0 && f->recipient_header->len == 0
                   && f->recipient_original->len == 0 && !f->autoreply) {
            reportf (ld, ini->file, grp->line, "format '%s' has no recipient pattern", f->id);
            format_free (f);
        } else {
            g_ptr_array_add (ld->set->formats, f);
        }
    }
}

static void
blacklist_free (gpointer p)
{
    ba_blacklist *b = p;
    g_free (b->id);
    g_free (b->name);
    g_free (b->operator_);
    g_free (b->lists);
    g_strfreev (b->zones);
    g_ptr_array_unref (b->urls);
    if (b->shut_down)
        g_date_time_unref (b->shut_down);
    if (b->lists_everything_since)
        g_date_time_unref (b->lists_everything_since);
    g_free (b->shut_down_text);
    g_free (b->lists_everything_text);
    g_free (b);
}

/* "2006-12-18", "2008-03-25T12:00-04:00" or with seconds; a date alone
 * means its start in UTC. */
GDateTime *
ba_parse_iso_date (const char *s)
{
    GTimeZone *utc;
    GDateTime *dt;
    int y, m, d;
    char tail;

    if (!s)
        return NULL;
    if (strlen (s) == 10 && sscanf (s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3) {
        utc = g_time_zone_new_utc ();
        dt = g_date_time_new (utc, y, m, d, 0, 0, 0);
        g_time_zone_unref (utc);
        return dt;
    }
    utc = g_time_zone_new_utc ();
    dt = g_date_time_new_from_iso8601 (s, utc);
    if (!dt && strlen (s) >= 16) {
        /* GLib wants seconds: insert ":00" after HH:MM. */
        char *with = g_strdup_printf ("%.16s:00%s", s, s + 16);
        dt = g_date_time_new_from_iso8601 (with, utc);
        g_free (with);
    }
    g_time_zone_unref (utc);
    return dt;
}

/* A knowledge date: a full ISO date or date-time, or only "2024-06" or
 * "2003" when the day is not known.  A partial date stands for the end of
 * its period, so that a list counts as dead only when it certainly was. */
static GDateTime *
parse_period_end (const char *s)
{
    int y, m;
    char tail;
    GTimeZone *utc;
    GDateTime *dt = NULL;

    if (strlen (s) == 4 && sscanf (s, "%4d%c", &y, &tail) == 1 && y > 1900) {
        utc = g_time_zone_new_utc ();
        dt = g_date_time_new (utc, y + 1, 1, 1, 0, 0, 0);
        g_time_zone_unref (utc);
        return dt;
    }
    if (strlen (s) == 7 && sscanf (s, "%4d-%2d%c", &y, &m, &tail) == 2 && m >= 1 && m <= 12) {
        utc = g_time_zone_new_utc ();
        dt = g_date_time_new (utc, m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1, 0, 0, 0);
        g_time_zone_unref (utc);
        return dt;
    }
    return ba_parse_iso_date (s);
}

static void
load_blacklists (loader *ld, const ba_ini *ini)
{
    for (guint g = 0; g < ini->groups->len; g++) {
        const ba_ini_group *grp = g_ptr_array_index (ini->groups, g);
        ba_blacklist *b = g_new0 (ba_blacklist, 1);
        GPtrArray *zones = g_ptr_array_new ();

        b->id = g_strdup (grp->name);
        b->urls = pattern_array ();
        for (guint i = 0; i < grp->entries->len; i++) {
            const ba_ini_entry *e = g_ptr_array_index (grp->entries, i);
            const char *k = e->key;
            if (!strcmp (k, "name")) {
                g_free (b->name);
                b->name = g_strdup (e->value);
            } else if (!strcmp (k, "operator")) {
                g_free (b->operator_);
                b->operator_ = g_strdup (e->value);
            } else if (!strcmp (k, "lists")) {
                g_free (b->lists);
                b->lists = g_strdup (e->value);
            } else if (!strcmp (k, "zone")) {
                char **v = g_strsplit_set (e->value, " \t,", -1);
                for (int j = 0; v[j]; j++)
                    if (*v[j])
                        g_ptr_array_add (zones, g_ascii_strdown (v[j], -1));
                g_strfreev (v);
            } else if (!strcmp (k, "url")) {
                ba_pattern *p = compile_entry (ld, ini->file, e);
                if (p)
                    g_ptr_array_add (b->urls, p);
            } else if (!strcmp (k, "state")) {
                if (!strcmp (e->value, "active"))
                    b->state = BA_LIST_ACTIVE;
                else if (!strcmp (e->value, "shut-down"))
                    b->state = BA_LIST_SHUT_DOWN;
                else if (!strcmp (e->value, "lists-everything"))
                    b->state = BA_LIST_LISTS_EVERYTHING;
                else
                    reportf (ld, ini->file, e->line, "state must be active, shut-down or lists-everything");
            } else if (!strcmp (k, "shut-down") || !strcmp (k, "lists-everything-since")) {
                GDateTime *dt = parse_period_end (e->value);
                gboolean shut = !strcmp (k, "shut-down");
                if (!dt) {
                    reportf (ld, ini->file, e->line, "%s: '%s' is not an ISO 8601 date", k, e->value);
                } else if (shut) {
                    if (b->shut_down)
                        g_date_time_unref (b->shut_down);
                    b->shut_down = dt;
                    g_free (b->shut_down_text);
                    b->shut_down_text = g_strdup (e->value);
                } else {
                    if (b->lists_everything_since)
                        g_date_time_unref (b->lists_everything_since);
                    b->lists_everything_since = dt;
                    g_free (b->lists_everything_text);
                    b->lists_everything_text = g_strdup (e->value);
                }
            } else if (!strcmp (k, "homepage")) {
                /* documentation only */
            } else {
                reportf (ld, ini->file, e->line, "unknown key '%s'", k);
            }
        }
        g_ptr_array_add (zones, NULL);
        b->zones = (char **) g_ptr_array_free (zones, FALSE);
        if (!b->zones[0] && b->urls->len == 0) {
            reportf (ld, ini->file, grp->line, "blacklist '%s' has no zone and no url", b->id);
            blacklist_free (b);
            continue;
        }
        if (!b->name)
            b->name = g_strdup (b->zones[0] ? b->zones[0] : b->id);
        g_ptr_array_add (ld->set->blacklists, b);
    }
}

static void
load_advice (loader *ld, const ba_ini *ini)
{
    for (guint g = 0; g < ini->groups->len; g++) {
        const ba_ini_group *grp = g_ptr_array_index (ini->groups, g);
        const ba_ini_entry *t = ba_ini_get (grp, "template");
        if (!t) {
            reportf (ld, ini->file, grp->line, "advice '%s' has no template", grp->name);
            continue;
        }
        /* several template lines are alternatives, tried in order: the
         * first whose facts are all known is printed (advice.c) */
        GString *alts = g_string_new (NULL);
        for (guint i = 0; i < grp->entries->len; i++) {
            const ba_ini_entry *e = g_ptr_array_index (grp->entries, i);
            char *unknown = NULL;
            if (!strcmp (e->key, "template") && (unknown = ba_advice_unknown_fact (e->value)))
                reportf (ld, ini->file, e->line, "advice '%s': '{%s' names no fact (see the list at the top of advice.conf)",
                         grp->name, unknown);
            else if (!strcmp (e->key, "template"))
                g_string_append_printf (alts, "%s%s", alts->len ? "\n" : "", e->value);
            else
                reportf (ld, ini->file, e->line, "unknown key '%s' in advice '%s'", e->key, grp->name);
            g_free (unknown);
        }
        g_hash_table_replace (ld->set->advice, g_strdup (grp->name), g_string_free (alts, FALSE));
    }
}

static void
load_file (loader *ld, const char *path)
{
    char *text = NULL;
    gsize len = 0;
    GError *err = NULL;
    char *base;
    ba_ini *ini;

    if (!g_file_get_contents (path, &text, &len, &err)) {
        report (ld, path, 0, err->message);
        g_error_free (err);
        return;
    }
    g_checksum_update (ld->checksum, (const guchar *) text, len);
    ini = ba_ini_parse (path, text, len, report, ld);
    g_free (text);

    base = g_path_get_basename (path);
    if (!strcmp (base, "reasons.conf"))
        load_reasons (ld, ini);
    else if (!strcmp (base, "blacklists.conf"))
        load_blacklists (ld, ini);
    else if (!strcmp (base, "advice.conf"))
        load_advice (ld, ini);
    else if (!strcmp (base, "commands.conf"))
        ba_commands_load (ld->set, ini, report, ld);
    else if (!strcmp (base, "notice.conf"))
        ba_notice_load (ld->set, ini, report, ld);
    else if (g_str_has_suffix (base, ".formats"))
        load_formats (ld, ini);
    else
        load_rules (ld, ini);
    g_free (base);
    ba_ini_free (ini);
}

/* Is @id a format a report can name: a loaded format, or one the analyzer
 * builds in (a bare DSN, ARF, the X-Failed-Recipients fallback)? */
static gboolean
is_known_format (const ba_ruleset *set, const char *id)
{
    static const char *const builtin[] = { "dsn", "arf", "x-failed-recipients", NULL };

    while (g_str_has_prefix (id, "forwarded+"))
        id += strlen ("forwarded+");
    if (g_str_has_prefix (id, "dsn+"))
        id += strlen ("dsn+");
    if (g_strv_contains (builtin, id))
        return TRUE;
    for (guint i = 0; i < set->formats->len; i++)
        if (!g_ascii_strcasecmp (((const ba_format *) g_ptr_array_index (set->formats, i))->id, id))
            return TRUE;
    return FALSE;
}

/* A `format` word without glob characters that names no format would
 * silently never match: once every file is loaded, that is an error. */
static void
check_format_globs (loader *ld)
{
    for (guint i = 0; i < ld->set->rules->len; i++) {
        const ba_rule *r = g_ptr_array_index (ld->set->rules, i);
        for (int k = 0; r->format_globs && r->format_globs[k]; k++) {
            const char *w = r->format_globs[k] + (r->format_globs[k][0] == '!');
            if (!strpbrk (w, "*?") && !is_known_format (ld->set, w))
                reportf (ld, r->file, r->line, "rule '%s': unknown format '%s' (see `bounce-analyzer rules list`)", r->id, w);
        }
        if (r->cause && !ba_advice_has_cause (ld->set, r->reason, r->cause))
            reportf (ld, r->file, r->line, "rule '%s': cause '%s' has no advice group [%s.%s] or [%s] in advice.conf",
                     r->id, r->cause, r->reason, r->cause, r->cause);
    }
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

ba_ruleset *
ba_ruleset_load (const char *rules_dir, const char *const *site_files, GPtrArray *errors)
{
    ba_ruleset *set;
    loader ld = { 0 };
    GDir *dir;
    GError *err = NULL;
    GPtrArray *names;
    const char *name;

    if (!rules_dir)
        rules_dir = ba_default_rules_dir ();
    dir = g_dir_open (rules_dir, 0, &err);
    if (!dir) {
        ld.errors = errors;
        report (&ld, rules_dir, 0, err->message);
        g_error_free (err);
        return NULL;
    }

    set = g_new0 (ba_ruleset, 1);
    set->rules = g_ptr_array_new_with_free_func (rule_free);
    set->reasons = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, reason_free);
    set->formats = g_ptr_array_new_with_free_func (format_free);
    set->blacklists = g_ptr_array_new_with_free_func (blacklist_free);
    set->advice = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    set->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_command_rule_free);
    set->notice = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_notice_group_free);
    set->max_captures = 1;
    ld.set = set;
    ld.errors = errors;
    ld.checksum = g_checksum_new (G_CHECKSUM_SHA256);

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
    for (int i = 0; site_files && site_files[i]; i++)
        load_file (&ld, site_files[i]);

    check_format_globs (&ld);
    g_ptr_array_sort (set->rules, compare_rules);
    set->fingerprint = g_strndup (g_checksum_get_string (ld.checksum), 16);
    g_checksum_free (ld.checksum);
    return set;
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

guint
ba_ruleset_n_formats (const ba_ruleset *set)
{
    return set->formats->len;
}

const char *
ba_ruleset_format_id (const ba_ruleset *set, guint i)
{
    return ((ba_format *) g_ptr_array_index (set->formats, i))->id;
}

const char *
ba_ruleset_format_description (const ba_ruleset *set, guint i)
{
    return ((ba_format *) g_ptr_array_index (set->formats, i))->description;
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
