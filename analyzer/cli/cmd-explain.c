/* cmd-explain.c - bounce-analyzer explain FILE: why each verdict. */
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
first_match (GPtrArray *trace)
{
    for (guint i = 0; i < trace->len; i++)
        if (((ba_trace_step *) g_ptr_array_index (trace, i))->matched)
            return g_ptr_array_index (trace, i);
    return NULL;
}

/* Re-run the rules on each recipient with a trace and print it. */
void
explain_report (FILE *out, ba_context *ctx, ba_report *rep)
{
    for (guint i = 0; i < rep->recipients->len; i++) {
        ba_recipient *r = g_ptr_array_index (rep->recipients, i);
        GPtrArray *trace = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_trace_step_free);
        char *who = ba_safe_text (r->recipient);

        ba_classify (ctx, r, rep->date, trace);
        fprintf (out, "  explain %s:\n", who);
        g_free (who);
        print_safe (out, "    text tried:  ", r->diagnostic ? r->diagnostic : "(no diagnostic text)");
        fprintf (out, "    codes:       status %s, reply code %d, command %s\n",
                 r->status ? r->status : "none", r->smtp_code, r->command ? r->command : "unknown");
        if (!first_match (trace))
            fprintf (out, "    no rule matched%s\n",
                     strcmp (r->reason, "undefined") ? "; the reason is fixed by the message kind"
                                                     : "; nothing decides it: undefined");
        for (guint j = 0; j < trace->len; j++) {
            ba_trace_step *st = g_ptr_array_index (trace, j);
            char *span = ba_safe_text (st->span);
            if (!st->matched)
                fprintf (out, "    LIMIT %-35s %-15s priority %-4d no answer\n", st->rule, st->reason, st->priority);
            else
                fprintf (out, "    %s %-36s %-15s priority %-4d matched \"%s\"\n", st == first_match (trace) ? "WON " : "    ",
                         st->rule, st->reason, st->priority, span);
            fprintf (out, "         %s\n", st->why);
            g_free (span);
        }
        g_ptr_array_unref (trace);
    }
}

int
cmd_explain (int argc, char **argv)
{
    char **args = g_new0 (char *, argc + 2);
    int n = 0, rc;
    args[n++] = argv[0];
    args[n++] = "--explain";
    for (int i = 1; i < argc; i++)
        args[n++] = argv[i];
    rc = cmd_analyze (n, args);
    g_free (args);
    return rc;
}
