/* rules-formats.c - load the notice formats of rules/NN-*.formats (README,
 * "Formats") and check the `format` words of rules against them. */
#include "rules.h"
#include "rules-load.h"
#include "command.h"
#include "advice.h"

#include <string.h>

gboolean
ba_format_key_is_line (const char *key)
{
    return !strcmp (key, "recipient") || !strcmp (key, "continue") || !strcmp (key, "detail");
}

void
ba_format_free (gpointer p)
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
    ba_pattern_free (f->delayed_section);
    ba_pattern_free (f->delivered_section);
    ba_pattern_free (f->original);
    ba_pattern_free (f->remote_mta);
    ba_pattern_free (f->reporting_mta);
    g_free (f->action);
    g_free (f->feedback_type);
    g_free (f);
}

static gboolean
has_group (const ba_pattern *p, const char *name)
{
    return ba_pattern_has_group (p, name);
}

void
ba_formats_load (ba_loader *ld, const ba_ini *ini)
{
    for (guint g = 0; g < ini->groups->len; g++) {
        const ba_ini_group *grp = g_ptr_array_index (ini->groups, g);
        ba_format *f = g_new0 (ba_format, 1);

        f->id = g_strdup (grp->name);
        f->file = g_strdup (ini->file);
        f->line = grp->line;
        f->detect = ba_loader_pattern_array ();
        f->detect_subject = ba_loader_pattern_array ();
        f->detect_from = ba_loader_pattern_array ();
        f->detect_header = ba_loader_pattern_array ();
        f->unless_from = ba_loader_pattern_array ();
        f->recipient = ba_loader_pattern_array ();
        f->detail = ba_loader_pattern_array ();
        f->recipient_header = ba_loader_pattern_array ();
        f->recipient_original = ba_loader_pattern_array ();
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
                    ba_loader_reportf (ld, ini->file, e->line, "kind must be bounce or autoreply");
                continue;
            }
            if (!strcmp (k, "action")) {
                if (strcmp (e->value, "failed") && strcmp (e->value, "delayed")
                    && strcmp (e->value, "delivered"))
                    ba_loader_reportf (ld, ini->file, e->line, "action must be failed, delayed or delivered");
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
                    ba_loader_reportf (ld, ini->file, e->line, "feedback-type must be one of abuse, fraud, virus, other, not-spam, opt-out, auth-failure");
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
                    ba_loader_reportf (ld, ini->file, e->line, "span must be paragraph or region");
                continue;
            }
            if (!strcmp (k, "command")) {
                f->command = ba_intern_command (e->value);
                if (!f->command)
                    ba_loader_reportf (ld, ini->file, e->line, "unknown command '%s' (CONN, HELO, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA)", e->value);
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
                    ba_loader_reportf (ld, ini->file, e->line, "unescape must be json, json-in-json or none");
                continue;
            }
            if (!strcmp (k, "bare-recipient")) {
                if (!strcmp (e->value, "yes"))
                    f->bare_recipient = TRUE;
                else if (!strcmp (e->value, "no"))
                    f->bare_recipient = FALSE;
                else
                    ba_loader_reportf (ld, ini->file, e->line, "bare-recipient must be yes or no");
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
            else if (!strcmp (k, "delayed-section")) single = &f->delayed_section;
            else if (!strcmp (k, "delivered-section")) single = &f->delivered_section;
            else if (!strcmp (k, "original")) single = &f->original;
            else if (!strcmp (k, "remote-mta")) single = &f->remote_mta;
            else if (!strcmp (k, "reporting-mta")) single = &f->reporting_mta;
            else {
                ba_loader_reportf (ld, ini->file, e->line, "unknown key '%s'", k);
                continue;
            }
            ba_pattern *p = ba_loader_compile (ld, ini->file, e);
            if (!p)
                continue;
            if ((multi == f->recipient || multi == f->recipient_header || multi == f->recipient_original)
                && !has_group (p, "recipient")) {
                ba_loader_reportf (ld, ini->file, e->line, "a recipient pattern needs a (?<recipient>...) group");
                ba_pattern_free (p);
                continue;
            }
            if (multi == f->detail && !has_group (p, "diagnostic")) {
                ba_loader_reportf (ld, ini->file, e->line, "a detail pattern needs a (?<diagnostic>...) group");
                ba_pattern_free (p);
                continue;
            }
            if (single == &f->diagnostic && !has_group (p, "diagnostic")) {
                ba_loader_reportf (ld, ini->file, e->line, "diagnostic needs a (?<diagnostic>...) group");
                ba_pattern_free (p);
                continue;
            }
            if (single == &f->recipient_domain && !has_group (p, "domain")) {
                ba_loader_reportf (ld, ini->file, e->line, "recipient-domain needs a (?<domain>...) group");
                ba_pattern_free (p);
                continue;
            }
            if (single == &f->remote_mta && !has_group (p, "remote_mta")) {
                ba_loader_reportf (ld, ini->file, e->line, "remote-mta needs a (?<remote_mta>...) group");
                ba_pattern_free (p);
                continue;
            }
            if (single == &f->reporting_mta && !has_group (p, "reporting_mta")) {
                ba_loader_reportf (ld, ini->file, e->line, "reporting-mta needs a (?<reporting_mta>...) group");
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
            ba_loader_reportf (ld, ini->file, grp->line, "format '%s' has no detect, detect-subject, detect-from or detect-header", f->id);
            ba_format_free (f);
        } else if (f->recipient_domain && !f->bare_recipient) {
            ba_loader_reportf (ld, ini->file, grp->line, "format '%s' has recipient-domain without bare-recipient = yes", f->id);
            ba_format_free (f);
        } else if (f->recipient->len == 0 && f->recipient_header->len == 0
                   && f->recipient_original->len == 0 && !f->autoreply) {
            ba_loader_reportf (ld, ini->file, grp->line, "format '%s' has no recipient pattern", f->id);
            ba_format_free (f);
        } else {
            g_ptr_array_add (ld->set->formats, f);
        }
    }
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
void
ba_formats_check_rule_globs (ba_loader *ld)
{
    for (guint i = 0; i < ld->set->rules->len; i++) {
        const ba_rule *r = g_ptr_array_index (ld->set->rules, i);
        for (int k = 0; r->format_globs && r->format_globs[k]; k++) {
            const char *w = r->format_globs[k] + (r->format_globs[k][0] == '!');
            if (!strpbrk (w, "*?") && !is_known_format (ld->set, w))
                ba_loader_reportf (ld, r->file, r->line, "rule '%s': unknown format '%s' (see `bounce-analyzer rules list`)", r->id, w);
        }
        if (r->cause && !ba_advice_has_cause (ld->set, r->reason, r->cause))
            ba_loader_reportf (ld, r->file, r->line, "rule '%s': cause '%s' has no advice group [%s.%s] or [%s] in advice.conf",
                               r->id, r->cause, r->reason, r->cause, r->cause);
    }
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
