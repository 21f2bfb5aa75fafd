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

/* Does display name @shown match @want ("John Doe" also as "Doe, John")? */
static gboolean
same_person (const char *shown, const char *want)
{
    char *a = folded (shown), *b = folded (want);
    gboolean same = !strcmp (a, b);
    const char *comma = strchr (b, ',');
    if (!same && comma) {
        char *first = g_strstrip (g_strdup (comma + 1));
        char *last = g_strstrip (g_strndup (b, (gsize) (comma - b)));
        char *swapped = g_strdup_printf ("%s %s", first, last);
        same = !strcmp (a, swapped);
        g_free (first);
        g_free (last);
        g_free (swapped);
    }
    g_free (a);
    g_free (b);
    return same;
}

/* The address in @list whose local part (or, for @display, whose display
 * name) is @name, or NULL. */
static char *
find_in_list (InternetAddressList *list, const char *name, gboolean display)
{
    gsize n = strlen (name);
    for (int i = 0; list && i < internet_address_list_length (list); i++) {
        InternetAddress *a = internet_address_list_get_address (list, i);
        if (INTERNET_ADDRESS_IS_GROUP (a)) {
            char *hit = find_in_list (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (a)),
                                      name, display);
            if (hit)
                return hit;
            continue;
        }
        const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a));
        const char *at = addr ? strrchr (addr, '@') : NULL;
        if (!at || !at[1])
            continue;
        if (display) {
            const char *shown = internet_address_get_name (a);
            if (shown && same_person (shown, name))
                return g_strdup (addr);
        } else if ((gsize) (at - addr) == n && !g_ascii_strncasecmp (addr, name, n)) {
            return g_strdup (addr);
        }
    }
    return NULL;
}

char *
ba_mailbox_name_complete (const char *name, const char *original_headers, const char *domain)
{
    char *found = NULL;
    gboolean display = !ba_mailbox_name_plausible (name);

    if (display && !ba_display_name_plausible (name))
        return NULL;
    const char *p = original_headers;
    /* an inline copy may start after blank lines; its header block ends
     * at the next blank line; folded lines continue a field */
    while (p && (*p == '\n' || *p == '\r'))
        p++;
    for (; p && *p && *p != '\n' && *p != '\r' && !found;) {
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
            found = find_in_list (list, name, display);
            if (list)
                g_object_unref (list);
            g_free (value);
        }
        p = next;
    }
    if (!found && !display && domain && *domain && !strchr (domain, '@') && !strpbrk (domain, " \t\r\n<>"))
        found = g_strdup_printf ("%s@%s", name, domain);
    return found;
}
