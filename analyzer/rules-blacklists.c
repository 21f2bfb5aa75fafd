/* rules-blacklists.c - load blacklists.conf: DNS blacklists, their zones,
 * listing URLs and shut-down or lists-everything dates (README, "Blacklists"). */
#include "rules.h"
#include "rules-load.h"

#include <string.h>

void
ba_blacklist_free (gpointer p)
{
    ba_blacklist *b = p;
    g_free (b->id);
    g_free (b->name);
    g_free (b->operator_);
    g_free (b->lists);
    g_strfreev (b->zones);
    g_ptr_array_unref (b->urls);
    if (b->shut_down)
        g_date_time_unref (b->shut_down);
    if (b->lists_everything_since)
        g_date_time_unref (b->lists_everything_since);
    g_free (b->shut_down_text);
    g_free (b->lists_everything_text);
    g_free (b);
}

/* "2006-12-18", "2008-03-25T12:00-04:00" or with seconds; a date alone
 * means its start in UTC. */
GDateTime *
ba_parse_iso_date (const char *s)
{
    GTimeZone *utc;
    GDateTime *dt;
    int y, m, d;
    char tail;

    if (!s)
        return NULL;
    if (strlen (s) == 10 && sscanf (s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3) {
        utc = g_time_zone_new_utc ();
        dt = g_date_time_new (utc, y, m, d, 0, 0, 0);
        g_time_zone_unref (utc);
        return dt;
    }
    utc = g_time_zone_new_utc ();
    dt = g_date_time_new_from_iso8601 (s, utc);
    if (!dt && strlen (s) >= 16) {
        /* GLib wants seconds: insert ":00" after HH:MM. */
        char *with = g_strdup_printf ("%.16s:00%s", s, s + 16);
        dt = g_date_time_new_from_iso8601 (with, utc);
        g_free (with);
    }
    g_time_zone_unref (utc);
    return dt;
}

/* A knowledge date: a full ISO date or date-time, or only "2024-06" or
 * "2003" when the day is not known.  A partial date stands for the end of
 * its period, so that a list counts as dead only when it certainly was. */
static GDateTime *
parse_period_end (const char *s)
{
    int y, m;
    char tail;
    GTimeZone *utc;
    GDateTime *dt = NULL;

    if (strlen (s) == 4 && sscanf (s, "%4d%c", &y, &tail) == 1 && y > 1900) {
        utc = g_time_zone_new_utc ();
        dt = g_date_time_new (utc, y + 1, 1, 1, 0, 0, 0);
        g_time_zone_unref (utc);
        return dt;
    }
    if (strlen (s) == 7 && sscanf (s, "%4d-%2d%c", &y, &m, &tail) == 2 && m >= 1 && m <= 12) {
        utc = g_time_zone_new_utc ();
        dt = g_date_time_new (utc, m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1, 0, 0, 0);
        g_time_zone_unref (utc);
        return dt;
    }
    return ba_parse_iso_date (s);
}

void
ba_blacklists_load (ba_loader *ld, const ba_ini *ini)
{
    for (guint g = 0; g < ini->groups->len; g++) {
        const ba_ini_group *grp = g_ptr_array_index (ini->groups, g);
        ba_blacklist *b = g_new0 (ba_blacklist, 1);
        GPtrArray *zones = g_ptr_array_new ();

        b->id = g_strdup (grp->name);
        b->urls = ba_loader_pattern_array ();
        for (guint i = 0; i < grp->entries->len; i++) {
            const ba_ini_entry *e = g_ptr_array_index (grp->entries, i);
            const char *k = e->key;
            if (!strcmp (k, "name")) {
                g_free (b->name);
                b->name = g_strdup (e->value);
            } else if (!strcmp (k, "operator")) {
                g_free (b->operator_);
                b->operator_ = g_strdup (e->value);
            } else if (!strcmp (k, "lists")) {
                g_free (b->lists);
                b->lists = g_strdup (e->value);
            } else if (!strcmp (k, "zone")) {
                char **v = g_strsplit_set (e->value, " \t,", -1);
                for (int j = 0; v[j]; j++)
                    if (*v[j])
                        g_ptr_array_add (zones, g_ascii_strdown (v[j], -1));
                g_strfreev (v);
            } else if (!strcmp (k, "url")) {
                ba_pattern *p = ba_loader_compile (ld, ini->file, e);
                if (p)
                    g_ptr_array_add (b->urls, p);
            } else if (!strcmp (k, "state")) {
                if (!strcmp (e->value, "active"))
                    b->state = BA_LIST_ACTIVE;
                else if (!strcmp (e->value, "shut-down"))
                    b->state = BA_LIST_SHUT_DOWN;
                else if (!strcmp (e->value, "lists-everything"))
                    b->state = BA_LIST_LISTS_EVERYTHING;
                else
                    ba_loader_reportf (ld, ini->file, e->line, "state must be active, shut-down or lists-everything");
            } else if (!strcmp (k, "shut-down") || !strcmp (k, "lists-everything-since")) {
                GDateTime *dt = parse_period_end (e->value);
                gboolean shut = !strcmp (k, "shut-down");
                if (!dt) {
                    ba_loader_reportf (ld, ini->file, e->line, "%s: '%s' is not an ISO 8601 date", k, e->value);
                } else if (shut) {
                    if (b->shut_down)
                        g_date_time_unref (b->shut_down);
                    b->shut_down = dt;
                    g_free (b->shut_down_text);
                    b->shut_down_text = g_strdup (e->value);
                } else {
                    if (b->lists_everything_since)
                        g_date_time_unref (b->lists_everything_since);
                    b->lists_everything_since = dt;
                    g_free (b->lists_everything_text);
                    b->lists_everything_text = g_strdup (e->value);
                }
            } else if (!strcmp (k, "homepage")) {
                /* documentation only */
            } else {
                ba_loader_reportf (ld, ini->file, e->line, "unknown key '%s'", k);
            }
        }
        g_ptr_array_add (zones, NULL);
        b->zones = (char **) g_ptr_array_free (zones, FALSE);
        if (!b->zones[0] && b->urls->len == 0) {
            ba_loader_reportf (ld, ini->file, grp->line, "blacklist '%s' has no zone and no url", b->id);
            ba_blacklist_free (b);
            continue;
        }
        if (!b->name)
            b->name = g_strdup (b->zones[0] ? b->zones[0] : b->id);
        g_ptr_array_add (ld->set->blacklists, b);
    }
}
