/* textbounce-bare.c - a format's bare recipients (a mailbox name or a
 * display name without its domain) completed to addresses: from the
 * returned message's To/Cc, the format's recipient-domain, or the one
 * address their own error text gives (see textbounce-private.h). */
#include "textbounce-private.h"
#include "mailbox-name.h"

#include <string.h>

/* The domain that recipient-domain finds in the header block, else in
 * the notice; NULL when none or not a host name. */
static char *
bare_name_domain (ba_context *ctx, const ba_format *fmt, const char *notice, const char *headers)
{
    const char *texts[] = { headers, notice };
    for (guint i = 0; fmt->recipient_domain && i < G_N_ELEMENTS (texts); i++) {
        if (!texts[i] || !ba_match (ctx, fmt->recipient_domain, texts[i], strlen (texts[i]), 0))
            continue;
        char *d = ba_match_group (ctx, fmt->recipient_domain, texts[i], "domain");
        gboolean ok = d && strchr (d, '.') && strlen (d) < 254;
        for (const char *c = d; ok && *c; c++)
            ok = g_ascii_isalnum (*c) || *c == '.' || *c == '-';
        if (ok) {
            char *lower = g_ascii_strdown (d, -1);
            g_free (d);
            return lower;
        }
        g_free (d);
    }
    return NULL;
}

/* The one address a bare name's own error text gives in <...> (Exchange's
 * "<host #5.1.1 smtp;550 5.1.1 <addr>... User unknown>"), when it gives one
 * and the bounce's own header block does not name it; else NULL. */
static char *
sole_address_in_text (const GString *text, const char *headers)
{
    char *found = NULL;
    const char *p = text->str, *end = text->str + text->len;
    for (int seen = 0; p < end && seen < 32; seen++) {
        const char *close = memchr (p, '>', end - p), *open = close;
        if (!close)
            break;
        /* the innermost <...> that ends here */
        while (open > p && *open != '<')
            open--;
        p = close + 1;
        if (*open != '<' || !memchr (open + 1, '@', close - open - 1))
            continue;
        char *raw = g_strndup (open + 1, close - open - 1);
        char *addr = ba_text_clean_address (raw);
        g_free (raw);
        if (!addr)
            continue;
        if (found && g_ascii_strcasecmp (found, addr)) {
            g_free (addr);
            g_free (found);
            return NULL;
        }
        g_free (found);
        found = addr;
    }
    if (found && headers) {
        char *lower_headers = g_ascii_strdown (headers, -1), *lower = g_ascii_strdown (found, -1);
        gboolean own = strstr (lower_headers, lower) != NULL;
        g_free (lower_headers);
        g_free (lower);
        if (own)
            g_clear_pointer (&found, g_free);
    }
    return found;
}

/* Bare mailbox names become the returned message's To/Cc address with
 * that local part, else name@domain, else the one address their own error
 * text gives; a name that stays bare is dropped. */
void
ba_text_complete_bare_names (ba_context *ctx, const ba_format *fmt, GPtrArray *out, const char *notice,
                             const char *headers, const char *original_headers, gssize original_at)
{
    const char *orig = original_headers ? original_headers
                     : original_at >= 0 ? notice + original_at : NULL;
    char *domain = NULL;
    ba_original_addresses *known = NULL;
    GHashTable *named = NULL;   /* lower-case addresses the notice gives in full */
    guint kept = 0;

    for (guint i = 0; i < out->len; i++) {
        ba_text_recipient *r = g_ptr_array_index (out, i);
        if (!strchr (r->recipient, '@'))
            continue;
        if (!named)
            named = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
        g_hash_table_add (named, g_ascii_strdown (r->recipient, -1));
    }
    /* compact in place, keeping the order */
    for (guint i = 0; i < out->len; i++) {
        ba_text_recipient *r = g_ptr_array_index (out, i);
        if (!strchr (r->recipient, '@')) {
            if (!known) {
                domain = bare_name_domain (ctx, fmt, notice, headers);
                known = ba_original_addresses_new (orig);
            }
            char *addr = ba_original_addresses_complete (known, r->recipient, domain);
            if (!addr)
                addr = sole_address_in_text (r->diagnostic, headers);
            char *key = addr ? g_ascii_strdown (addr, -1) : NULL;
            /* the notice named it in full too, or another name led to it:
             * one recipient, not two */
            if (key && named && g_hash_table_contains (named, key))
                g_clear_pointer (&addr, g_free);
            if (!addr) {
                g_free (key);
                ba_text_recipient_free (r);
                continue;
            }
            if (!named)
                named = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
            g_hash_table_add (named, key);
            g_free (r->recipient);
            r->recipient = addr;
        }
        out->pdata[kept++] = r;
    }
    /* the dropped entries were freed above, so shrink without freeing */
    {
        GDestroyNotify none = NULL;
        g_ptr_array_set_free_func (out, none);
        g_ptr_array_set_size (out, kept);
        g_ptr_array_set_free_func (out, (GDestroyNotify) ba_text_recipient_free);
    }
    g_free (domain);
    ba_original_addresses_free (known);
    if (named)
        g_hash_table_unref (named);
}
