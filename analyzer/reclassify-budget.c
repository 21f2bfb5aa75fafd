/* reclassify-budget.c - classify one stored recipient again under the same
 * per-message matching budget as analyze, keeping the limit hits as warnings
 * (README, "Patterns that stay linear"). */
#include "storage.h"

/* Warnings kept per run; the rest are only counted, so a hostile store cannot flood stderr. */
#define MAX_RECLASSIFY_WARNINGS 100

void
ba_reclassify_one (ba_context *ctx, ba_recipient *r, const char *bounce_date, gint64 row_id,
                   ba_reclassify_stats *out)
{
    char **warnings;

    ba_context_begin (ctx);
    ba_classify (ctx, r, bounce_date, NULL);
    warnings = ba_context_warnings (ctx);
    for (int i = 0; warnings[i]; i++) {
        if (!out->warnings)
            out->warnings = g_ptr_array_new_with_free_func (g_free);
        if (out->warnings->len < MAX_RECLASSIFY_WARNINGS)
            g_ptr_array_add (out->warnings, g_strdup_printf ("diagnosis %" G_GINT64_FORMAT " (%s): %s",
                                                             row_id, r->recipient ? r->recipient : "",
                                                             warnings[i]));
        else
            out->warnings_dropped++;
    }
    g_strfreev (warnings);
}
