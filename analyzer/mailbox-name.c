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

/* The address in @list whose local part is @name, or NULL. */
static char *
find_local_part (InternetAddressList *list, const char *name)
{
    gsize n = strlen (name);
    for (int i = 0; list && i < internet_address_list_length (list); i++) {
        InternetAddress *a = internet_address_list_get_address (list, i);
        if (INTERNET_ADDRESS_IS_GROUP (a)) {
            char *hit = find_local_part (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (a)), name);
            if (hit)
                return hit;
            continue;
        }
        const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a));
        const char *at = addr ? strrchr (addr, '@') : NULL;
        if (at && (gsize) (at - addr) == n && !g_ascii_strncasecmp (addr, name, n) && at[1])
            return g_strdup (addr);
    }
    return NULL;
}

char *
ba_mailbox_name_complete (const char *name, const char *original_headers, const char *domain)
{
    char *found = NULL;

    if (!ba_mailbox_name_plausible (name))
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
            found = find_local_part (list, name);
            if (list)
                g_object_unref (list);
            g_free (value);
        }
        p = next;
    }
    if (!found && domain && *domain && !strchr (domain, '@') && !strpbrk (domain, " \t\r\n<>"))
        found = g_strdup_printf ("%s@%s", name, domain);
    return found;
}
