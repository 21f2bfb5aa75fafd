/* storage-parse.c - what a user types to the queries: times and the
 * words of a full-text search; and the store's own time stamps. */
#include "storage-private.h"
#include "rules.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

gboolean
ba_store_iso_to_unix (const char *iso, gint64 *out)
{
    GDateTime *dt = iso ? ba_parse_iso_date (iso) : NULL;
    if (!dt)
        return FALSE;
    *out = g_date_time_to_unix (dt);
    g_date_time_unref (dt);
    return TRUE;
}

char *
ba_store_now_iso (void)
{
    GDateTime *now = g_date_time_new_now_utc ();
    char *s = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref (now);
    return s;
}

gboolean
ba_store_parse_time (const char *s, gint64 now, gboolean until, gint64 *out)
{
    GTimeZone *tz;
    GDateTime *dt = NULL;
    int y, m, d;
    char tail;
    gsize len;

    if (!s)
        return FALSE;
    len = strlen (s);
    if (len >= 2 && len < 12 && g_ascii_isdigit (s[0])) {
        char *end;
        guint64 n = g_ascii_strtoull (s, &end, 10);
        gint64 unit = 0;
        if (end[0] && !end[1]) {
            switch (end[0]) {
            case 's': unit = 1; break;
            case 'm': unit = 60; break;
            case 'h': unit = 3600; break;
            case 'd': unit = 86400; break;
            case 'w': unit = 7 * 86400; break;
            }
        }
        if (unit && n < (guint64) G_MAXINT64 / (guint64) unit) {
            *out = now - (gint64) n * unit;
            return TRUE;
        }
    }

    tz = g_time_zone_new_local ();
    if (len == 10 && sscanf (s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3) {
        dt = g_date_time_new (tz, y, m, d, 0, 0, 0);
        if (dt && until) {
            GDateTime *next = g_date_time_add_days (dt, 1);
            g_date_time_unref (dt);
            dt = next;
        }
    } else if (len >= 16 && len < 40 && (s[10] == 'T' || s[10] == ' ' || s[10] == 't')) {
        char *iso = g_strdup (s);
        iso[10] = 'T';
        dt = g_date_time_new_from_iso8601 (iso, tz);
        if (!dt && iso[13] == ':' && iso[16] != ':') {
            /* GLib wants seconds: "2008-03-25T09:00" gets ":00" */
            char *with = g_strdup_printf ("%.16s:00%s", iso, iso + 16);
            dt = g_date_time_new_from_iso8601 (with, tz);
            g_free (with);
        }
        g_free (iso);
    }
    g_time_zone_unref (tz);
    if (!dt)
        return FALSE;
    *out = g_date_time_to_unix (dt);
    g_date_time_unref (dt);
    return TRUE;
}

/* ---- full-text queries -------------------------------------------------- */

static void
append_phrase (GString *q, const char *word, gsize len, gboolean prefix)
{
    if (q->len)
        g_string_append_c (q, ' ');
    g_string_append_c (q, '"');
    for (gsize i = 0; i < len; i++) {
        if (word[i] == '"')
            g_string_append_c (q, '"');
        g_string_append_c (q, word[i]);
    }
    g_string_append_c (q, '"');
    if (prefix)
        g_string_append_c (q, '*');
}

gboolean
ba_search_next_word (const char **pos, const char **start, gsize *len, gboolean *prefix, gboolean *is_or)
{
    const char *p = *pos;
    gboolean phrase = FALSE;

    while (g_ascii_isspace (*p))
        p++;
    if (!*p)
        return FALSE;
    if (*p == '"') {
        *start = ++p;
        while (*p && *p != '"')
            p++;
        *len = p - *start;
        if (*p)
            p++;
        phrase = TRUE;
    } else {
        *start = p;
        while (*p && !g_ascii_isspace (*p))
            p++;
        *len = p - *start;
    }
    *pos = p;
    *is_or = !phrase && *len == 2 && !strncmp (*start, "OR", 2);
    *prefix = !phrase && !*is_or && *len > 1 && (*start)[*len - 1] == '*';
    if (*prefix)
        (*len)--;
    return TRUE;
}

char *
ba_store_fts_query (const char *text)
{
    GString *q = g_string_new (NULL);
    gboolean pending_or = FALSE, have_term = FALSE;
    const char *p = text ? text : "";

    for (;;) {
        const char *start;
        gsize len;
        gboolean prefix, is_or;

        if (!ba_search_next_word (&p, &start, &len, &prefix, &is_or))
            break;
        if (is_or) {
            pending_or = have_term;
            continue;
        }
        /* a word of punctuation only has no token: FTS5 would refuse it */
        {
            gboolean any = FALSE;
            for (gsize i = 0; i < len; i++)
                if (g_ascii_isalnum (start[i]) || (guchar) start[i] >= 0x80)
                    any = TRUE;
            if (!any)
                continue;
        }
        if (pending_or)
            g_string_append (q, " OR");
        else if (have_term)
            g_string_append (q, " AND");
        pending_or = FALSE;
        append_phrase (q, start, len, prefix);
        have_term = TRUE;
    }
    if (!q->len) {
        g_string_free (q, TRUE);
        return NULL;
    }
    return g_string_free (q, FALSE);
}
