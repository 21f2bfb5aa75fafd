/* mailbox-name.c - see mailbox-name.h. */
#include "mailbox-name.h"

#include <gmime/gmime.h>
#include <string.h>

gboolean
ba_mailbox_name_plausible (const char *name)
{
    gsize n = name ? strlen (name) : 0;
    if (n == 0 || n > 64 || name[0] == '.' || name[n - 1] == '.')
        return FALSE;
    for (gsize i = 0; i < n; i++)
        if (!g_ascii_isalnum (name[i]) && !strchr ("._+=-", name[i]))
            return FALSE;
    return TRUE;
}

gboolean
ba_display_name_plausible (const char *name)
{
    gsize n = name ? strlen (name) : 0;
    gboolean letter = FALSE, separated = FALSE;
    if (n == 0 || n > 64)
        return FALSE;
    for (gsize i = 0; i < n; i++) {
        guchar c = (guchar) name[i];
        if (c < 0x20 || c == 0x7f || strchr ("@<>\"\\", c))
            return FALSE;
        if (g_ascii_isalpha (c) || c >= 0x80)
            letter = TRUE;
        if (c == ' ' || c == ',')
            separated = TRUE;
    }
    return letter && separated;
}

/* @s in lower case with runs of spaces as one and no spaces at the ends */
static char *
folded (const char *s)
{
    char *low = g_utf8_strdown (s, -1);
    GString *out = g_string_new (NULL);
    for (const char *p = low; *p; p++) {
        if (g_ascii_isspace (*p)) {
            if (out->len && out->str[out->len - 1] != ' ')
                g_string_append_c (out, ' ');
        } else {
            g_string_append_c (out, *p);
        }
    }
    if (out->len && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
    g_free (low);
    return g_string_free (out, FALSE);
}

/* "Doe, John" (folded) as "john doe", or NULL without a comma */
static char *
swapped (const char *f)
{
    const char *comma = strchr (f, ',');
    if (!comma)
        return NULL;
    char *first = g_strstrip (g_strdup (comma + 1));
    char *last = g_strstrip (g_strndup (f, (gsize) (comma - f)));
    char *out = g_strdup_printf ("%s %s", first, last);
    g_free (first);
    g_free (last);
    return out;
}

typedef struct {
    char *addr;                 /* as written */
    char *local;                /* its local part, lower case */
    char *name;                 /* its display name, folded; NULL if none */
} known_address;

/* a hostile header block must not make every lookup long */
#define MAX_KNOWN 1000

struct ba_original_addresses {
    GPtrArray *known;           /* of known_address* */
};

static void
known_free (gpointer p)
{
    known_address *k = p;
    g_free (k->addr);
    g_free (k->local);
    g_free (k->name);
    g_free (k);
}

static void
collect (GPtrArray *known, InternetAddressList *list)
{
    for (int i = 0; list && i < internet_address_list_length (list) && known->len < MAX_KNOWN; i++) {
        InternetAddress *a = internet_address_list_get_address (list, i);
        if (INTERNET_ADDRESS_IS_GROUP (a)) {
            collect (known, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (a)));
            continue;
        }
        const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a));
        const char *at = addr ? strrchr (addr, '@') : NULL;
        if (!at || at == addr || !at[1])
            continue;
        known_address *k = g_new0 (known_address, 1);
        k->addr = g_strdup (addr);
        k->local = g_ascii_strdown (addr, at - addr);
        if (internet_address_get_name (a) && *internet_address_get_name (a))
            k->name = folded (internet_address_get_name (a));
        g_ptr_array_add (known, k);
    }
}

ba_original_addresses *
ba_original_addresses_new (const char *original_headers)
{
    ba_original_addresses *o = g_new0 (ba_original_addresses, 1);
    const char *p = original_headers;

    o->known = g_ptr_array_new_with_free_func (known_free);
    /* an inline copy may start after blank lines; its header block ends
     * at the next blank line; folded lines continue a field */
    while (p && (*p == '\n' || *p == '\r'))
        p++;
    for (; p && *p && *p != '\n' && *p != '\r' && o->known->len < MAX_KNOWN;) {
        const char *nl = strchr (p, '\n');
        const char *next = nl ? nl + 1 : p + strlen (p);
        gsize skip = 0;
        if (!g_ascii_strncasecmp (p, "To:", 3) || !g_ascii_strncasecmp (p, "Cc:", 3))
            skip = 3;
        else if (!g_ascii_strncasecmp (p, "Bcc:", 4))
            skip = 4;
        while (*next == ' ' || *next == '\t') {
            nl = strchr (next, '\n');
            next = nl ? nl + 1 : next + strlen (next);
        }
        if (skip) {
            char *value = g_strndup (p + skip, (gsize) (next - p) - skip);
            InternetAddressList *list = internet_address_list_parse (NULL, value);
            collect (o->known, list);
            if (list)
                g_object_unref (list);
            g_free (value);
        }
        p = next;
    }
    return o;
}

void
ba_original_addresses_free (ba_original_addresses *o)
{
    if (!o)
        return;
    g_ptr_array_unref (o->known);
    g_free (o);
}

char *
ba_original_addresses_complete (const ba_original_addresses *o, const char *name, const char *domain)
{
    gboolean display = !ba_mailbox_name_plausible (name);
    char *want, *want_swapped = NULL, *found = NULL;

    if (display && !ba_display_name_plausible (name))
        return NULL;
    want = display ? folded (name) : g_ascii_strdown (name, -1);
    if (display)
        want_swapped = swapped (want);
    for (guint i = 0; o && i < o->known->len && !found; i++) {
        const known_address *k = g_ptr_array_index (o->known, i);
        if (display ? k->name && (!strcmp (k->name, want) || (want_swapped && !strcmp (k->name, want_swapped)))
                    : !strcmp (k->local, want))
            found = g_strdup (k->addr);
    }
    g_free (want);
    g_free (want_swapped);
    if (!found && !display && domain && *domain && !strchr (domain, '@') && !strpbrk (domain, " \t\r\n<>"))
        found = g_strdup_printf ("%s@%s", name, domain);
    return found;
}

char *
ba_mailbox_name_complete (const char *name, const char *original_headers, const char *domain)
{
    ba_original_addresses *o = ba_original_addresses_new (original_headers);
    char *found = ba_original_addresses_complete (o, name, domain);
    ba_original_addresses_free (o);
    return found;
}
