/* libFuzzer target: any bytes as the error text of `classify --explain`:
 * the reply code and status read from the words, the command scan, every
 * rule's conditions and patterns, the knowledge and the trace.  A first
 * line "format=ID" names the notice's format, as --notice-format does, for
 * the rules limited to one.  This is the classifier alone, without the
 * reader and the MIME parser, so it runs many times faster than
 * fuzz-message on the same texts.  Build and run: scripts/fuzz. */
#include "bounce-analyzer.h"
#include "emit.h"
#include "fuzz-rules.h"

#include <stdint.h>
#include <string.h>

#define FORMAT_PREFIX "format="

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    ba_context *ctx = ba_fuzz_context ();
    ba_recipient *r = g_new0 (ba_recipient, 1);
    GPtrArray *trace;
    char *text = g_strndup ((const char *) data, size);
    char *body = text;
    char found[16];
    char **warnings;

    /* a NUL would end the text early; classify's standard input reads it as a space */
    for (size_t i = 0; i < size; i++)
        if (text[i] == '\0')
            text[i] = ' ';
    if (g_str_has_prefix (text, FORMAT_PREFIX)) {
        char *nl = strchr (text, '\n');
        if (nl) {
            r->format = g_strndup (text + strlen (FORMAT_PREFIX), nl - text - strlen (FORMAT_PREFIX));
            body = nl + 1;
        }
    }
    r->diagnostic = ba_collapse_text (body);
    r->smtp_code = ba_reply_code_of (r->diagnostic);
    if (ba_status_of (r->diagnostic, found))
        r->status = g_strdup (found);
    r->reported_status = g_strdup (r->status);
    trace = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_trace_step_free);
    ba_context_begin (ctx);
    ba_classify (ctx, r, NULL, trace);
    warnings = ba_context_warnings (ctx);
    g_strfreev (warnings);
    for (guint i = 0; i < trace->len; i++) {
        ba_trace_step *st = g_ptr_array_index (trace, i);
        /* what text output prints of a step: the span must be a valid string */
        g_free (ba_safe_text (st->span));
        ba_fuzz_feature (st->matched ? "matched" : "unanswered", st->rule);
    }
    ba_fuzz_feature ("reason", r->reason);
    ba_fuzz_feature ("fault", r->fault);
    g_ptr_array_unref (trace);
    g_free (ba_safe_text (r->advice));
    ba_recipient_free (r);
    g_free (text);
    return 0;
}
