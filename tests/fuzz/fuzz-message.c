/* libFuzzer target: any bytes as a message file and as an mbox, through
 * the whole analysis.  Build: cmake -DBA_FUZZ=ON with CC=clang. */
#include "bounce-analyzer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ba_ruleset *set;
static ba_context *ctx;

static void
analyse_bytes (const uint8_t *data, size_t size, gboolean as_mbox)
{
    GMimeStream *mem = g_mime_stream_mem_new_with_buffer ((const char *) data, size);
    GMimeParser *parser = g_mime_parser_new_with_stream (mem);
    g_mime_parser_set_format (parser, as_mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
    for (int i = 0; i < 64 && !g_mime_parser_eos (parser); i++) {
        GMimeMessage *m = g_mime_parser_construct_message (parser, NULL);
        if (!m)
            break;
        ba_report *rep = ba_analyze_message (ctx, m, "fuzz", -1);
        ba_report_free (rep);
        g_object_unref (m);
        if (!as_mbox)
            break;
    }
    g_object_unref (parser);
    g_object_unref (mem);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!set) {
        ba_init ();
        set = ba_ruleset_load (BA_FUZZ_RULES_DIR, NULL, NULL);
        ctx = ba_context_new (set);
    }
    analyse_bytes (data, size, FALSE);
    if (size > 5 && memcmp (data, "From ", 5) == 0)
        analyse_bytes (data, size, TRUE);
    return 0;
}
