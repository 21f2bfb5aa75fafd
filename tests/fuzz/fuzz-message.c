/* libFuzzer target: any bytes as one file given to `analyze`, through the
 * whole flow: the reader (mbox or message, CRLF or bare CR), the analysis,
 * the classifier's trace (explain) of one input in four and both printers
 * (text and JSON).
 * Build: scripts/fuzz (clang, libFuzzer, ASan/UBSan); tests/fuzz/replay.c
 * runs the same function on the regression corpus without libFuzzer. */
#include "bounce-analyzer.h"
#include "emit.h"
#include "fuzz-rules.h"
#include "sprinter.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Made once: a context and the file each input is written to. */
typedef struct {
    ba_context *ctx;
    int input_fd;               /* the input is written to this file... */
    char *input_path;           /* ...which the reader opens by its name */
    FILE *sink;                 /* /dev/null: printing is run, not kept */
} fuzz_state;

static char *input_path_to_remove;

static void
remove_input_file (void)
{
    if (input_path_to_remove)
        unlink (input_path_to_remove);
}

static fuzz_state *
fuzz_state_get (void)
{
    static fuzz_state *st;
    GError *error = NULL;

    if (st)
        return st;
    st = g_new0 (fuzz_state, 1);
    st->ctx = ba_fuzz_context ();
    /* a regular file with a plain name: the reader treats symlinks and
     * special files differently, so /proc/self/fd/N would not do */
    st->input_fd = g_file_open_tmp ("fuzz-message-XXXXXX", &st->input_path, &error);
    if (st->input_fd < 0) {
        fprintf (stderr, "fuzz-message: %s\n", error->message);
        abort ();
    }
    input_path_to_remove = st->input_path;
    atexit (remove_input_file);
    st->sink = fopen ("/dev/null", "w");
    if (!st->sink) {
        perror ("fuzz-message: /dev/null");
        abort ();
    }
    return st;
}

/* The trace classifies the first recipient again against every rule,
 * which cost 30 % of the executions per CPU second when run on every input
 * (90 s on the seeds: 721 with it, 1,030 without); one input in four, by
 * its size so an input always takes the same path, keeps the trace's code
 * fuzzed.  The replay of the regression corpus traces every input. */
#ifndef BA_FUZZ_TRACE_EVERY
#define BA_FUZZ_TRACE_EVERY 4
#endif

/* What `analyze --explain` adds: every matching rule of the first recipient. */
static void
trace_first_recipient (ba_context *ctx, ba_report *rep)
{
    GPtrArray *trace;
    ba_recipient *r;

    if (rep->recipients->len == 0)
        return;
    r = g_ptr_array_index (rep->recipients, 0);
    trace = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_trace_step_free);
    ba_classify (ctx, r, rep->date, trace);
    for (guint i = 0; i < trace->len; i++) {
        ba_trace_step *st = g_ptr_array_index (trace, i);
        ba_fuzz_feature (st->matched ? "matched" : "unanswered", st->rule);
    }
    g_ptr_array_unref (trace);
}

/* Which format read the message and which rule decided each recipient,
 * as features (fuzz-rules.h says why). */
static void
note_outcome (const ba_report *rep)
{
    ba_fuzz_feature ("kind", ba_kind_name (rep->kind));
    ba_fuzz_feature ("format", rep->format);
    ba_fuzz_feature ("warnings", rep->warnings && rep->warnings->len ? "some" : "none");
    for (guint i = 0; i < rep->recipients->len; i++) {
        const ba_recipient *r = g_ptr_array_index (rep->recipients, i);
        ba_fuzz_feature ("rule", r->rule);
        ba_fuzz_feature ("reason", r->reason);
        ba_fuzz_feature ("recipient-format", r->format);
    }
}

static void
print_report (FILE *out, ba_report *rep)
{
    sprinter *sp;

    ba_emit_warnings (out, rep);
    if (rep->kind == BA_KIND_OTHER)
        return;
    ba_emit_text (out, rep);
    sp = sprinter_json_new (out, FALSE);
    for (guint i = 0; i < rep->recipients->len; i++) {
        ba_emit_recipient (sp, rep, g_ptr_array_index (rep->recipients, i));
        sp->separator (sp);
    }
    sp->free (sp);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    fuzz_state *st = fuzz_state_get ();
    ba_reader *reader;
    ba_input in;
    GError *err = NULL;
    ba_read_status rs;

    /* overwritten, then cut to size: truncating to 0 first would free and
     * allocate the file's pages on every input */
    if ((size && pwrite (st->input_fd, data, size, 0) != (ssize_t) size)
        || ftruncate (st->input_fd, (off_t) size) != 0) {
        perror ("fuzz-message: writing the input");
        abort ();
    }
    reader = ba_reader_open (st->input_path);
    while ((rs = ba_reader_next (reader, &in, &err)) != BA_READ_END) {
        ba_report *rep;

        if (rs == BA_READ_ERROR) {
            g_clear_error (&err);
            continue;
        }
        rep = ba_analyze_message (st->ctx, in.message, in.source, in.offset);
        note_outcome (rep);
        if (size % BA_FUZZ_TRACE_EVERY == 0)
            trace_first_recipient (st->ctx, rep);
        print_report (st->sink, rep);
        ba_report_free (rep);
    }
    ba_reader_free (reader);
    return 0;
}
