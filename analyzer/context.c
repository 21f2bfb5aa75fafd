/* context.c - see context.h */
#include "context.h"

#include <string.h>

ba_context *
ba_context_new (const ba_ruleset *set)
{
    ba_context *ctx = g_new0 (ba_context, 1);
    ctx->set = set;
    ctx->md_pairs = set->max_captures + 1;
    ctx->md = pcre2_match_data_create (ctx->md_pairs, NULL);
    ctx->mctx = pcre2_match_context_create (NULL);
    /* A rule written carelessly must not hang on a stranger's text. */
    pcre2_set_match_limit (ctx->mctx, BA_MATCH_LIMIT);
    pcre2_set_depth_limit (ctx->mctx, BA_DEPTH_LIMIT);
    pcre2_set_heap_limit (ctx->mctx, BA_HEAP_LIMIT_KIB);
    /* JIT's default 32 KiB stack would turn a deep but legitimate match
     * into a limit hit. */
    ctx->jit_stack = pcre2_jit_stack_create (32 * 1024, BA_JIT_STACK_MAX, NULL);
    if (ctx->jit_stack)
        pcre2_jit_stack_assign (ctx->mctx, NULL, ctx->jit_stack);
    ctx->budget_bytes = BA_BUDGET_BYTES;
    ctx->budget_usec = BA_BUDGET_USEC;
    ctx->limit_hits = g_ptr_array_new_with_free_func (g_free);
    return ctx;
}

void
ba_context_free (ba_context *ctx)
{
    if (!ctx)
        return;
    pcre2_match_data_free (ctx->md);
    pcre2_match_context_free (ctx->mctx);
    pcre2_jit_stack_free (ctx->jit_stack);
    g_ptr_array_unref (ctx->limit_hits);
    g_free (ctx);
}

void
ba_context_set_budget (ba_context *ctx, guint64 bytes, gint64 usec)
{
    ctx->budget_bytes = bytes ? bytes : BA_BUDGET_BYTES;
    ctx->budget_usec = usec > 0 ? usec : BA_BUDGET_USEC;
}

void
ba_context_begin (ba_context *ctx)
{
    ctx->used_bytes = 0;
    ctx->n_matches = 0;
    ctx->deadline = g_get_monotonic_time () + ctx->budget_usec;
    ctx->exhausted = FALSE;
    ctx->last_error = 0;
    ctx->n_limit_hits = 0;
    g_ptr_array_set_size (ctx->limit_hits, 0);
}

void
ba_context_end (ba_context *ctx)
{
    if (!ctx->exhausted)
        ctx->deadline = 0;
}

gboolean
ba_context_exhausted (const ba_context *ctx)
{
    return ctx->exhausted;
}

char **
ba_context_warnings (const ba_context *ctx)
{
    GStrvBuilder *b = g_strv_builder_new ();
    char **out;

    for (guint i = 0; i < ctx->limit_hits->len; i++)
        g_strv_builder_add (b, g_ptr_array_index (ctx->limit_hits, i));
    if (ctx->n_limit_hits > ctx->limit_hits->len) {
        char *more = g_strdup_printf ("%u more pattern limit hit(s) not listed",
                                      ctx->n_limit_hits - ctx->limit_hits->len);
        g_strv_builder_add (b, more);
        g_free (more);
    }
    if (ctx->exhausted) {
        char *w = g_strdup_printf ("matching budget used up (%" G_GUINT64_FORMAT " MiB of text read or %"
                                   G_GINT64_FORMAT " ms): the remaining formats and rules were skipped",
                                   ctx->budget_bytes >> 20, ctx->budget_usec / 1000);
        g_strv_builder_add (b, w);
        g_free (w);
    }
    out = g_strv_builder_end (b);
    g_strv_builder_unref (b);
    return out;
}

static const char *
limit_name (int rc)
{
    switch (rc) {
    case PCRE2_ERROR_MATCHLIMIT: return "match";
    case PCRE2_ERROR_DEPTHLIMIT: return "depth";
    case PCRE2_ERROR_HEAPLIMIT: return "heap";
    case PCRE2_ERROR_JIT_STACKLIMIT: return "JIT stack";
    default: return NULL;
    }
}

static void
record_limit_hit (ba_context *ctx, const ba_pattern *p, int rc)
{
    ctx->n_limit_hits++;
    if (ctx->limit_hits->len < BA_MAX_LIMIT_HITS)
        g_ptr_array_add (ctx->limit_hits,
                         g_strdup_printf ("pattern at %s hit the PCRE2 %s limit: counted as no match",
                                          p->where ? p->where : "(unknown)", limit_name (rc)));
}

/* A shipped pattern that does not compile (compiled on first use) counts
 * as no match, and each message it meets says so. */
static void
record_broken (ba_context *ctx, const ba_pattern *p)
{
    ctx->n_limit_hits++;
    if (ctx->limit_hits->len < BA_MAX_LIMIT_HITS)
        g_ptr_array_add (ctx->limit_hits,
                         g_strdup_printf ("pattern at %s does not compile (%s): counted as no match",
                                          p->where ? p->where : "(unknown)", p->error));
}

/* Patterns compiled on first use may hold more groups than the set's
 * largest at load: the groups of a match must all fit. */
static void
grow_match_data (ba_context *ctx, guint32 pairs)
{
    pcre2_match_data_free (ctx->md);
    ctx->md = pcre2_match_data_create (pairs, NULL);
    ctx->md_pairs = pairs;
}

/* The budget is checked before each match, so one match in progress is
 * bounded only by the PCRE2 limits. */
static gboolean
budget_left (ba_context *ctx, gsize bytes)
{
    if (ctx->exhausted)
        return FALSE;
    if (!ctx->deadline)
        return TRUE;
    /* reading the clock costs more than a match on a short line: every
     * 64th match, or before a long text */
    if (ctx->used_bytes > ctx->budget_bytes
        || ((++ctx->n_matches % 64 == 0 || bytes > 65536) && g_get_monotonic_time () > ctx->deadline))
        ctx->exhausted = TRUE;
    return !ctx->exhausted;
}

gboolean
ba_match (ba_context *ctx, const ba_pattern *p, const char *text, gsize len, gsize start)
{
    int rc;
    ctx->last_error = 0;
    if (!p || !text || start > len)
        return FALSE;
    if (!budget_left (ctx, len - start))
        return FALSE;
    ba_pattern_ready (p);
    if (!p->code) {
        record_broken (ctx, p);
        return FALSE;
    }
    if (p->captures + 1 > ctx->md_pairs)
        grow_match_data (ctx, p->captures + 1);
    rc = pcre2_match (p->code, (PCRE2_SPTR) text, len, start, 0, ctx->md, ctx->mctx);
    /* the text a match read: up to its end, or all of it for a failure, so
     * a caller walking a list match by match pays for the list once */
    if (rc >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer (ctx->md);
        ctx->used_bytes += ov[1] > start ? ov[1] - start : 1;
    } else {
        ctx->used_bytes += len - start;
    }
    if (rc < 0 && limit_name (rc)) {
        ctx->last_error = rc;
        record_limit_hit (ctx, p, rc);
    }
    return rc >= 0;
}

char *
ba_match_group (ba_context *ctx, const ba_pattern *p, const char *text, const char *name)
{
    const pcre2_code *code = ba_pattern_code (p);
    int n;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer (ctx->md);
    uint32_t count = pcre2_get_ovector_count (ctx->md);

    if (!code)
        return NULL;            /* it never matched */
    n = pcre2_substring_number_from_name (code, (PCRE2_SPTR) name);
    if (n < 0) {
        /* duplicate names (?J) resolve to the first set instance */
        PCRE2_UCHAR *buf = NULL;
        PCRE2_SIZE blen;
        if (pcre2_substring_get_byname (ctx->md, (PCRE2_SPTR) name, &buf, &blen) == 0) {
            char *s = g_strndup ((char *) buf, blen);
            pcre2_substring_free (buf);
            return s;
        }
        return NULL;
    }
    if ((uint32_t) n >= count || ov[2 * n] == PCRE2_UNSET)
        return NULL;
    return g_strndup (text + ov[2 * n], ov[2 * n + 1] - ov[2 * n]);
}

void
ba_match_span (ba_context *ctx, gsize *start, gsize *end)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer (ctx->md);
    *start = ov[0];
    *end = ov[1];
}

void
ba_capture_free (ba_capture *c)
{
    if (!c)
        return;
    g_free (c->name);
    g_free (c->value);
    g_free (c);
}

void
ba_match_captures (ba_context *ctx, const ba_pattern *p, const char *text, GPtrArray *out)
{
    uint32_t count = 0, size = 0;
    PCRE2_SPTR table;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer (ctx->md);
    uint32_t ovcount = pcre2_get_ovector_count (ctx->md);

    const pcre2_code *code = ba_pattern_code (p);

    if (!code)
        return;
    pcre2_pattern_info (code, PCRE2_INFO_NAMECOUNT, &count);
    if (count == 0)
        return;
    pcre2_pattern_info (code, PCRE2_INFO_NAMEENTRYSIZE, &size);
    pcre2_pattern_info (code, PCRE2_INFO_NAMETABLE, &table);
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR entry = table + i * size;
        uint32_t n = (entry[0] << 8) | entry[1];
        const char *name = (const char *) entry + 2;
        gboolean seen = FALSE;

        if (n >= ovcount || ov[2 * n] == PCRE2_UNSET || ov[2 * n + 1] == ov[2 * n])
            continue;
        for (guint j = 0; j < out->len; j++)
            if (!strcmp (((ba_capture *) g_ptr_array_index (out, j))->name, name))
                seen = TRUE;
        if (seen)
            continue;
        ba_capture *c = g_new0 (ba_capture, 1);
        c->name = g_strdup (name);
        c->value = g_strndup (text + ov[2 * n], ov[2 * n + 1] - ov[2 * n]);
        g_ptr_array_add (out, c);
    }
}
