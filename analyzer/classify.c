/* classify.c - decide the reason of one recipient from its diagnostic
 * text and codes, with the rules of the set (see README, "Rules"). */
#include "classify.h"
#include "classify-status.h"
#include "command.h"
#include "pattern-scan.h"
#include "util.h"

#include <string.h>

void
ba_trace_step_free (ba_trace_step *step)
{
    if (!step)
        return;
    g_free (step->span);
    g_free (step);
}

/* g_pattern_match_simple's matching ('*' any text, '?' one character)
 * without compiling a GPatternSpec on every call: the classic scan that
 * backs up to the last '*'. */
static const char *
next_char (const char *p)
{
    /* (never past the terminating NUL, whatever the bytes) */
    p++;
    while (((guchar) *p & 0xC0) == 0x80)
        p++;
    return p;
}

static gboolean
glob_match (const char *glob, const char *value)
{
    const char *g = glob, *v = value, *star = NULL, *resume = NULL;

    while (*v) {
        if (*g == '*') {
            star = ++g;
            resume = v;
        } else if (*g == '?' || (*g && *g == *v)) {
            if (*g == '?')
                v = next_char (v);
            else
                v++;
            g++;
        } else if (star) {
            g = star;
            resume = next_char (resume);
            v = resume;
        } else {
            return FALSE;
        }
    }
    while (*g == '*')
        g++;
    return *g == '\0';
}

/* Does @value pass @globs: it matches one of the plain globs (when there
 * are any) and none of the "!" ones?  An unknown value passes only a list
 * of "!" globs: "!RCPT" means "not known to be RCPT". */
static gboolean
glob_any (char **globs, const char *value)
{
    gboolean positive = FALSE, hit = FALSE;

    if (!globs)
        return TRUE;
    for (int i = 0; globs[i]; i++) {
        if (globs[i][0] == '!') {
            if (value && glob_match (globs[i] + 1, value))
                return FALSE;
        } else {
            positive = TRUE;
            if (value && glob_match (globs[i], value))
                hit = TRUE;
        }
    }
    return !positive || hit;
}

/* A recipient's facts as the rules' globs are written: lower case, and
 * without the "forwarded+" of "forwarded+qmail" (a notice forwarded inline
 * keeps the verdict of the notice it quotes); made once per recipient. */
typedef struct {
    const char *code;           /* reply code as text, or NULL */
    char *action, *remote, *format_low;
    const char *format;         /* inside format_low */
} rule_facts;

static void
rule_facts_init (rule_facts *f, const ba_recipient *rcpt, const char *code)
{
    f->code = code;
    f->action = rcpt->action ? g_ascii_strdown (rcpt->action, -1) : NULL;
    f->remote = rcpt->remote_mta ? g_ascii_strdown (rcpt->remote_mta, -1) : NULL;
    f->format_low = rcpt->format ? g_ascii_strdown (rcpt->format, -1) : NULL;
    f->format = f->format_low;
    while (f->format && g_str_has_prefix (f->format, "forwarded+"))
        f->format += strlen ("forwarded+");
}

static void
rule_facts_clear (rule_facts *f)
{
    g_free (f->action);
    g_free (f->remote);
    g_free (f->format_low);
}

static gboolean
conditions_hold (const ba_rule *r, const ba_recipient *rcpt, const rule_facts *f)
{
    return glob_any (r->status_globs, rcpt->status) && glob_any (r->code_globs, f->code)
        && glob_any (r->command_globs, rcpt->command) && glob_any (r->action_globs, f->action)
        && glob_any (r->remote_globs, f->remote) && glob_any (r->format_globs, f->format);
}

const char *
ba_recipient_capture (const ba_recipient *rcpt, const char *name)
{
    if (!rcpt->captures)
        return NULL;
    for (guint i = 0; i < rcpt->captures->len; i++) {
        const ba_capture *c = g_ptr_array_index (rcpt->captures, i);
        if (!strcmp (c->name, name))
            return c->value;
    }
    return NULL;
}

/* The first pattern of @r that matches, or -1; *@limit_hit tells whether
 * one of them gave up on a PCRE2 limit instead of answering. */
static int
rule_matches (ba_context *ctx, const ba_rule *r, const char *text, gsize len, const ba_text_scan *scan,
              gboolean *limit_hit)
{
    *limit_hit = FALSE;
    for (guint i = 0; i < r->patterns->len; i++) {
        const ba_pattern *p = g_ptr_array_index (r->patterns, i);
        if (!ba_text_may_match (scan, p))
            continue;
        if (ba_match (ctx, p, text, len, 0))
            return (int) i;
        if (ctx->last_error)
            *limit_hit = TRUE;
    }
    return -1;
}

/* A rule that gave no answer (a limit hit, the budget used up), for explain. */
static void
trace_unanswered (GPtrArray *trace, const ba_rule *r, const char *why)
{
    ba_trace_step *st = g_new0 (ba_trace_step, 1);
    st->rule = r->id;
    st->reason = r->reason;
    st->priority = r->priority;
    st->matched = FALSE;
    st->why = why;
    g_ptr_array_add (trace, st);
}

static int
status_class (const ba_recipient *rcpt)
{
    if (rcpt->status)
        return rcpt->status[0] - '0';
    if (rcpt->smtp_code)
        return rcpt->smtp_code / 100;
    if (rcpt->action && !g_ascii_strcasecmp (rcpt->action, "delayed"))
        return 4;
    if (rcpt->action && !g_ascii_strcasecmp (rcpt->action, "failed"))
        return 5;
    return 0;
}

/* When the bounce gave no status, derive the reason's typical code in the
 * class the bounce implies, or else the one its reply code implies; a
 * reported status, even a generic X.0.0, is kept (RFC 3463 precedence),
 * and reported_status stays NULL, marking the status as derived. */
static void
derive_status (ba_recipient *rcpt, const ba_reason_info *info)
{
    int cls;
    char *derived;

    if (!info || !info->status || !ba_status_valid (info->status) || rcpt->status) {
        const char *from_code = ba_status_of_reply_code (rcpt->smtp_code);
        if (!rcpt->status && from_code)
            rcpt->status = g_strdup (from_code);
        return;
    }
    cls = status_class (rcpt);
    if (cls != 4 && cls != 5)
        cls = info->status[0] - '0';
    derived = g_strdup_printf ("%d%s", cls, info->status + 1);
    g_free (rcpt->status);
    rcpt->status = derived;
}

static const char *fixed_reason (const ba_recipient *rcpt)
{
    const char *a = rcpt->action;
    if (rcpt->feedback_type)
        return "feedback";
    if (a && (!g_ascii_strcasecmp (a, "delivered") || !g_ascii_strcasecmp (a, "relayed")
              || !g_ascii_strcasecmp (a, "expanded")))
        return "delivered";
    if (a && !g_ascii_strcasecmp (a, "vacation"))
        return "vacation";
    return NULL;
}

const char *
ba_decided_by (const ba_recipient *rcpt)
{
    if (rcpt->rule)
        return rcpt->rule;
    if (!g_strcmp0 (rcpt->reason, "vacation"))
        return "(none needed: an automatic reply)";
    if (!g_strcmp0 (rcpt->reason, "feedback"))
        return "(none needed: a feedback report)";
    if (!g_strcmp0 (rcpt->reason, "delivered"))
        return "(none needed: a delivery report)";
    return "(none matched)";
}

void
ba_classify (ba_context *ctx, ba_recipient *rcpt, const char *bounce_date, GPtrArray *trace)
{
    const ba_ruleset *set = ctx->set;
    const char *text = rcpt->diagnostic ? rcpt->diagnostic : "";
    gsize len = strlen (text);
    char *lower = ba_lower_dup (text, len);
    char code[8] = "";
    const ba_rule *winner = NULL;
    gboolean budget_noted = FALSE;
    const ba_reason_info *info;
    rule_facts facts;
    ba_text_scan scan;          /* of @lower: some 290 literals are looked for in it */

    g_free (rcpt->rule);
    rcpt->rule = NULL;
    if (rcpt->captures)
        g_ptr_array_set_size (rcpt->captures, 0);
    else
        rcpt->captures = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_capture_free);
    if (rcpt->smtp_code)
        g_snprintf (code, sizeof code, "%d", rcpt->smtp_code);
    /* a bare text (classify, reclassify) names its command in its words */
    ba_command_settle (ctx, rcpt, NULL, NULL, FALSE, NULL);

    rcpt->reason = fixed_reason (rcpt);
    if (!rcpt->reason) {
        ba_text_scan_init (&scan, ctx, BA_SCAN_RULES, lower);
        rule_facts_init (&facts, rcpt, code[0] ? code : NULL);
        for (guint i = 0; i < set->rules->len; i++) {
            const ba_rule *r = g_ptr_array_index (set->rules, i);
            gboolean limit_hit = FALSE;
            int pi;

            if (!conditions_hold (r, rcpt, &facts))
                continue;
            if (r->patterns->len == 0)
                pi = 0;         /* a code-only rule: its conditions held */
            else
                pi = rule_matches (ctx, r, text, len, &scan, &limit_hit);
            if (pi < 0 && ba_context_exhausted (ctx)) {
                /* rules on codes alone still decide, so the status is not lost */
                if (trace && !budget_noted)
                    trace_unanswered (trace, r, "the message's matching budget was used up here: "
                                                "this and every later rule with a pattern were skipped");
                budget_noted = TRUE;
                continue;
            }
            if (pi < 0 && limit_hit && trace)
                trace_unanswered (trace, r, "a pattern hit a PCRE2 limit on this text: counted as no match");
            if (pi < 0)
                continue;
            if (trace) {
                ba_trace_step *st = g_new0 (ba_trace_step, 1);
                st->rule = r->id;
                st->reason = r->reason;
                st->priority = r->priority;
                st->matched = TRUE;
                if (r->patterns->len) {
                    gsize s, e;
                    ba_match_span (ctx, &s, &e);
                    st->span = g_strndup (text + s, e - s);
                } else {
                    st->span = g_strdup_printf ("status %s, reply code %s%s%s%s%s",
                                                rcpt->status ? rcpt->status : "none",
                                                code[0] ? code : "none",
                                                rcpt->command ? ", command " : "",
                                                rcpt->command ? rcpt->command : "",
                                                r->action_globs && rcpt->action ? ", action " : "",
                                                r->action_globs && rcpt->action ? rcpt->action : "");
                }
                st->why = winner ? (r->site == winner->site ? "lower priority or later in load order than the winner"
                                                            : "a default rule; a site rule won")
                                 : (r->site ? "first matching site rule: site rules win over defaults"
                                            : "highest priority of the matching rules");
                g_ptr_array_add (trace, st);
            }
            if (!winner) {
                winner = r;
                if (r->patterns->len)
                    ba_match_captures (ctx, g_ptr_array_index (r->patterns, pi), text, rcpt->captures);
                if (!trace)
                    break;
            }
        }
        rule_facts_clear (&facts);
        ba_text_scan_clear (&scan);
        if (winner) {
            rcpt->reason = winner->reason;
            rcpt->rule = g_strdup (winner->id);
        } else {
            rcpt->reason = "undefined";
        }
    }
    g_free (lower);

    info = ba_ruleset_reason (set, rcpt->reason);
    derive_status (rcpt, info);
    rcpt->hard = ba_hard_bounce_of (info, rcpt, winner ? winner->hard : -1);
    rcpt->fault = winner && winner->fault ? winner->fault : (info ? info->fault : "unknown");
    ba_apply_knowledge (ctx, rcpt, bounce_date, NULL, winner ? winner->cause : NULL);
}
