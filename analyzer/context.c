/* context.c - see context.h */
#include "context.h"

#include <string.h>

ba_context *
ba_context_new (const ba_ruleset *set)
{
    ba_context *ctx = g_new0 (ba_context, 1);
    ctx->set = set;
    ctx->md = pcre2_match_data_create (set->max_captures + 1, NULL);
    ctx->mctx = pcre2_match_context_create (NULL);
    /* A rule written carelessly must not hang on a stranger's text. */
    pcre2_set_match_limit (ctx->mctx, 1000000);
    pcre2_set_depth_limit (ctx->mctx, 10000);
    return ctx;
}

void
ba_context_free (ba_context *ctx)
{
    if (!ctx)
        return;
    pcre2_match_data_free (ctx->md);
    pcre2_match_context_free (ctx->mctx);
    g_free (ctx);
}

gboolean
ba_match (ba_context *ctx, const ba_pattern *p, const char *text, gsize len, gsize start)
{
    int rc;
    if (!p || !text)
        return FALSE;
    rc = pcre2_match (p->code, (PCRE2_SPTR) text, len, start, 0, ctx->md, ctx->mctx);
    return rc >= 0;
}

char *
ba_match_group (ba_context *ctx, const ba_pattern *p, const char *text, const char *name)
{
    int n = pcre2_substring_number_from_name (p->code, (PCRE2_SPTR) name);
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer (ctx->md);
    uint32_t count = pcre2_get_ovector_count (ctx->md);

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

    pcre2_pattern_info (p->code, PCRE2_INFO_NAMECOUNT, &count);
    if (count == 0)
        return;
    pcre2_pattern_info (p->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
    pcre2_pattern_info (p->code, PCRE2_INFO_NAMETABLE, &table);
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
