/* cmd-classify.c - bounce-analyzer classify "TEXT": the verdict on a bare
 * error text, such as a reject line a customer pastes. */
#include "commands.h"
#include "emit.h"

#include <string.h>


int
cmd_classify (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *status = NULL, *date = NULL, *format = NULL;
    gboolean json = FALSE, explain = FALSE;
    GOptionEntry entries[] = {
        { "status", 's', 0, G_OPTION_ARG_STRING, &status, "the RFC 3463 status, if known", "X.Y.Z" },
        { "date", 'd', 0, G_OPTION_ARG_STRING, &date, "when the reject happened (ISO 8601), for blacklist knowledge", "DATE" },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "the id of the format that read the notice (qmail, dsn+postfix, ...), for rules limited to formats", "ID" },
        { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "print JSON", NULL },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain, "list every rule that matched", NULL },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("TEXT... - classify a bare error text");
    ba_ruleset *set;
    ba_context *ctx;
    ba_recipient r = { 0 };
    GPtrArray *trace = NULL;
    char *text, *safe, **warnings;
    char found[16];

    g_option_context_add_main_entries (octx, entries, NULL);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "classify", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (argc < 2) {
        warn ("classify: no TEXT given");
        fprintf (stderr, "Try 'bounce-analyzer classify --help' for more information.\n");
        return EXIT_USAGE;
    }
    set = rule_options_load (&ro, "classify");
    if (!set)
        return EXIT_USAGE;
    ctx = ba_context_new (set);

    text = g_strjoinv (" ", argv + 1);
    r.diagnostic = ba_collapse_text (text);
    r.smtp_code = ba_reply_code_of (r.diagnostic);
    if (status)
        r.status = g_strdup (status);
    else if (ba_status_of (r.diagnostic, found))
        r.status = g_strdup (found);
    r.reported_status = g_strdup (r.status);
    r.format = format;
    if (explain)
        trace = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_trace_step_free);
    ba_context_begin (ctx);
    ba_classify (ctx, &r, date, trace);
    warnings = ba_context_warnings (ctx);
    for (int i = 0; warnings[i]; i++)
        warn ("classify: %s", warnings[i]);
    g_strfreev (warnings);

    if (json) {
        sprinter *sp = sprinter_json_new (stdout, FALSE);
        sp->begin_map (sp);
        sp->map_key (sp, "reason");
        sp->string (sp, r.reason);
        sp->map_key (sp, "rule");
        sp->string (sp, r.rule);
        sp->map_key (sp, "status");
        sp->string (sp, r.status);
        sp->map_key (sp, "smtp_code");
        if (r.smtp_code)
            sp->integer (sp, r.smtp_code);
        else
            sp->null (sp);
        sp->map_key (sp, "hard_bounce");
        sp->boolean (sp, r.hard);
        sp->map_key (sp, "captures");
        ba_emit_captures (sp, &r);
        sp->map_key (sp, "dnsbl");
        sp->string (sp, r.dnsbl);
        sp->map_key (sp, "listed");
        sp->string (sp, r.listed);
        sp->map_key (sp, "fault");
        sp->string (sp, r.fault);
        sp->map_key (sp, "advice");
        sp->string (sp, r.advice);
        sp->end (sp);
        sp->separator (sp);
        sp->free (sp);
    } else {
        printf ("reason:  %s (%s)\n", r.reason, r.hard ? "hard bounce" : "soft");
        printf ("rule:    %s\n", r.rule ? r.rule : "(none)");
        if (r.status || r.smtp_code)
            printf ("codes:   status %s, reply code %d%s%s\n", r.status ? r.status : "none", r.smtp_code,
                    r.command ? ", command " : "", r.command ? r.command : "");
        for (guint i = 0; i < r.captures->len; i++) {
            ba_capture *c = g_ptr_array_index (r.captures, i);
            safe = ba_safe_text (c->value);
            printf ("captured %s = %s\n", c->name, safe);
            g_free (safe);
        }
        printf ("fault:   %s\n", r.fault ? r.fault : "unknown");
        if (r.advice) {
            safe = ba_safe_text (r.advice);
            printf ("advice:  %s\n", safe);
            g_free (safe);
        }
        for (guint i = 0, won = 0; trace && i < trace->len; i++) {
            ba_trace_step *st = g_ptr_array_index (trace, i);
            if (!st->matched) {
                printf ("LIMIT %-35s %-15s priority %-4d no answer: %s\n", st->rule, st->reason,
                        st->priority, st->why);
                continue;
            }
            safe = ba_safe_text (st->span);
            printf ("%s %-36s %-15s priority %-4d matched \"%s\"\n", won++ == 0 ? "WON " : "    ",
                    st->rule, st->reason, st->priority, safe);
            g_free (safe);
        }
    }
    if (trace)
        g_ptr_array_unref (trace);
    g_free (text);
    g_free (r.diagnostic);
    g_free (r.status);
    g_free (r.reported_status);
    g_free (r.rule);
    g_free (r.dnsbl);
    g_free (r.listed);
    g_free (r.advice);
    if (r.captures)
        g_ptr_array_unref (r.captures);
    ba_context_free (ctx);
    ba_ruleset_free (set);
    rule_options_clear (&ro);
    g_free (status);
    g_free (date);
    g_free (format);
    return 0;
}
