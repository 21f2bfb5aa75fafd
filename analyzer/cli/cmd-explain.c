/* cmd-explain.c - bounce-analyzer explain FILE: why each verdict; and the
 * explanation analyze --explain and classify --explain add. */
#include "commands.h"
#include "emit.h"

#include <string.h>

static void
print_safe (FILE *out, const char *prefix, const char *s)
{
    char *safe = ba_safe_text (s);
    fprintf (out, "%s%s\n", prefix, safe);
    g_free (safe);
}

/* The step of the winning rule: the first that matched. */
static const ba_trace_step *
first_match (const GPtrArray *trace)
{
    for (guint i = 0; i < trace->len; i++)
        if (((ba_trace_step *) g_ptr_array_index (trace, i))->matched)
            return g_ptr_array_index (trace, i);
    return NULL;
}

GPtrArray *
explain_recipient (ba_context *ctx, const ba_report *rep, ba_recipient *r)
{
    GPtrArray *trace = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_trace_step_free);
    /* classify again from the bounce's own codes, not the status the
     * first classification derived */
    g_free (r->status);
    r->status = ba_status_before_rules (r->reported_status, r->diagnostic);
    ba_classify (ctx, r, rep->date, trace);
    return trace;
}

void
explain_json (sprinter *sp, void *data)
{
    const explanation *e = data;
    const ba_recipient *r = e->recipient;
    const ba_trace_step *won = first_match (e->trace);

    sp->begin_map (sp);
    sp->map_key (sp, "text");
    sp->string (sp, r->diagnostic);
    sp->map_key (sp, "status");
    sp->string (sp, r->status);
    sp->map_key (sp, "status_derived");
    sp->boolean (sp, r->status && !r->reported_status);
    sp->map_key (sp, "smtp_code");
    if (r->smtp_code)
        sp->integer (sp, r->smtp_code);
    else
        sp->null (sp);
    sp->map_key (sp, "smtp_command");
    sp->string (sp, r->command);
    sp->map_key (sp, "format");
    sp->string (sp, r->format);
    sp->map_key (sp, "decided_by");
    sp->string (sp, won ? "rule" : strcmp (r->reason, "undefined") ? "message kind" : "nothing");
    sp->map_key (sp, "steps");
    sp->begin_list (sp);
    for (guint i = 0; i < e->trace->len; i++) {
        const ba_trace_step *st = g_ptr_array_index (e->trace, i);
        sp->begin_map (sp);
        sp->map_key (sp, "rule");
        sp->string (sp, st->rule);
        sp->map_key (sp, "reason");
        sp->string (sp, st->reason);
        sp->map_key (sp, "priority");
        sp->integer (sp, st->priority);
        sp->map_key (sp, "result");
        sp->string (sp, !st->matched ? "limit" : st == won ? "won" : "matched");
        sp->map_key (sp, "span");
        sp->string (sp, st->span);
        sp->map_key (sp, "why");
        sp->string (sp, st->why);
        sp->end (sp);
    }
    sp->end (sp);
    sp->end (sp);
}

void
explain_text (FILE *out, const ba_recipient *r, const GPtrArray *trace)
{
    const ba_trace_step *won = first_match (trace);
    char *who = ba_safe_text (r->recipient);

    fprintf (out, "  explain %s:\n", who);
    g_free (who);
    print_safe (out, "    text tried:  ", r->diagnostic ? r->diagnostic : "(no diagnostic text)");
    fprintf (out, "    codes:       status %s%s, reply code %d, command %s, format %s\n",
             r->status ? r->status : "none", r->status && !r->reported_status ? " (derived)" : "",
             r->smtp_code, r->command ? r->command : "unknown", r->format ? r->format : "unknown");
    if (!won)
        fprintf (out, "    no rule matched%s\n",
                 strcmp (r->reason, "undefined") ? "; the reason is fixed by the message kind"
                                                 : "; nothing decides it: undefined");
    for (guint j = 0; j < trace->len; j++) {
        const ba_trace_step *st = g_ptr_array_index (trace, j);
        char *span = ba_safe_text (st->span);
        if (!st->matched)
            fprintf (out, "    LIMIT %-35s %-15s priority %-4d no answer\n", st->rule, st->reason, st->priority);
        else
            fprintf (out, "    %s %-36s %-15s priority %-4d matched \"%s\"\n", st == won ? "WON " : "    ",
                     st->rule, st->reason, st->priority, span);
        fprintf (out, "         %s\n", st->why);
        g_free (span);
    }
}

int
cmd_explain (int argc, char **argv)
{
    return run_analyze (argc, argv, "explain");
}
