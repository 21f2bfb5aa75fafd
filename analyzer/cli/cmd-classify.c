/* cmd-classify.c - bounce-analyzer classify "TEXT": the verdict on a bare
 * error text, such as a reject line a customer pastes. */
#include "commands.h"
#include "emit.h"

#include <string.h>


int
cmd_classify (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *status = NULL, *date = NULL, *format = NULL, *output_name = NULL;
    out_format output;
    gboolean json = FALSE, explain = FALSE;
    GOptionEntry entries[] = {
        { "status", 's', 0, G_OPTION_ARG_STRING, &status, "the RFC 3463 status, if known", "X.Y.Z" },
        { "date", 'd', 0, G_OPTION_ARG_STRING, &date, "when the reject happened (ISO 8601), for blacklist knowledge", "DATE" },
        { "notice-format", 0, 0, G_OPTION_ARG_STRING, &format, "the id of the format that read the notice (qmail, dsn+postfix, ...), for rules limited to formats", "ID" },
        { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "the same as --format ndjson: one JSON object on one line", NULL },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &output_name,
          "output: text (default), json, ndjson or csv (README \"Output\"); any other word is taken as --notice-format's ID", "FORMAT" },
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

    help_texts (octx, "Classifies TEXT as if a bounce had said it: the reason, whose fault it is\n"
                      "and the advice.  --notice-format names the format of a notice, for rules\n"
                      "limited to one.");
    g_option_context_add_main_entries (octx, entries, NULL);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "classify", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (output_name && strcmp (output_name, "text") && strcmp (output_name, "json")
        && strcmp (output_name, "ndjson") && strcmp (output_name, "csv") && !format) {
        /* --format ID named the notice's format before --format chose the output */
        format = output_name;
        output_name = NULL;
    }
    if (!parse_out_format ("classify", json && !output_name ? "ndjson" : output_name, OUT_ALLOW_ALL, &output))
        return EXIT_USAGE;
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

    if (output != OUT_TEXT) {
        ba_report rep = { 0 };
        ba_diagnosis_view v;
        explanation e = { &r, trace };
        rep.offset = -1;
        rep.date = date;
        ba_diagnosis_view_of_recipient (&v, &rep, &r, ba_ruleset_id (set));
        v.kind = NULL;
        v.outcome = NULL;
        if (output == OUT_CSV) {
            GString *line = g_string_new (NULL);
            ba_csv_diagnosis_header (line);
            csv_end (stdout, line);
            ba_csv_diagnosis (line, &v);
            csv_end (stdout, line);
            g_string_free (line, TRUE);
        } else {
            sprinter *sp = output == OUT_JSON ? json_document_begin (stdout, "classify")
                                              : sprinter_json_new (stdout, FALSE);
            if (output == OUT_JSON) {
                sp->map_key (sp, "diagnoses");
                sp->begin_list (sp);
            }
            ba_emit_diagnosis (sp, &v, output == OUT_NDJSON, trace ? explain_json : NULL, &e);
            if (output == OUT_JSON) {
                sp->end (sp);
                json_document_end (sp);
            } else {
                sp->separator (sp);
                sp->free (sp);
            }
        }
        ba_diagnosis_view_clear (&v);
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
    g_free (output_name);
    return finish_output ("classify", 0);
}
