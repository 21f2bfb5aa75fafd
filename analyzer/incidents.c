/* incidents.c - runs of failures with one place and one cause become
 * incidents (see incidents.h); our side's blacklistings are one place. */
#include "incidents.h"

#include <string.h>

typedef struct {
    char *domain, *remote_mta, *reason, *dnsbl, *listed;
    gboolean ours;
    gint64 first, last;
    guint64 failures;
    char *advice;
    GHashTable *senders, *recipients, *domains;     /* distinct, lower case */
    GHashTable *mtas, *faults;                      /* name -> count */
} run;

struct ba_incident_finder {
    gint64 gap, now;
    guint min;
    GHashTable *open;           /* key -> run* */
    GPtrArray *found;           /* of ba_incident* */
};

gboolean
ba_incident_failure_is_ours (const ba_incident_failure *x)
{
    return x->dnsbl && x->listed && !g_strcmp0 (x->fault, "sending-system");
}

static void
run_free (run *r)
{
    g_free (r->domain);
    g_free (r->remote_mta);
    g_free (r->reason);
    g_free (r->dnsbl);
    g_free (r->listed);
    g_free (r->advice);
    g_hash_table_unref (r->senders);
    g_hash_table_unref (r->recipients);
    g_hash_table_unref (r->domains);
    g_hash_table_unref (r->mtas);
    g_hash_table_unref (r->faults);
    g_free (r);
}

void
ba_incident_free (ba_incident *inc)
{
    if (!inc)
        return;
    g_free (inc->domain);
    g_free (inc->remote_mta);
    g_free (inc->reason);
    g_free (inc->dnsbl);
    g_free (inc->listed);
    g_free (inc->fault);
    g_free (inc->advice);
    g_free (inc->domain_list);
    g_free (inc);
}

ba_incident_finder *
ba_incident_finder_new (gint64 gap, guint min, gint64 now)
{
    ba_incident_finder *f = g_new0 (ba_incident_finder, 1);
    f->gap = MAX (gap, 0);
    f->min = MAX (min, 1);
    f->now = now;
    f->open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) run_free);
    f->found = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_incident_free);
    return f;
}

static void
note (GHashTable *set, const char *s)
{
    if (s && *s && !g_hash_table_contains (set, s))
        g_hash_table_add (set, g_utf8_strdown (s, -1));
}

static void
count (GHashTable *h, const char *s)
{
    if (s && *s) {
        gpointer n = g_hash_table_lookup (h, s);
        g_hash_table_insert (h, g_strdup (s), GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
    }
}

/* The most frequent key of @h (ties: the first in byte order), or NULL. */
static char *
most_frequent (GHashTable *h)
{
    GHashTableIter it;
    gpointer k, v;
    const char *best = NULL;
    guint n = 0;
    g_hash_table_iter_init (&it, h);
    while (g_hash_table_iter_next (&it, &k, &v))
        if (GPOINTER_TO_UINT (v) > n || (GPOINTER_TO_UINT (v) == n && strcmp (k, best) < 0)) {
            best = k;
            n = GPOINTER_TO_UINT (v);
        }
    return g_strdup (best);
}

static char *
key_of (const ba_incident_failure *x, gboolean ours)
{
    if (ours)
        return g_strdup_printf ("ours\x1f%s\x1f%s", x->dnsbl, x->listed);
    return g_strdup_printf ("at\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", x->domain ? x->domain : "",
                            x->domain ? "" : x->remote_mta, x->reason ? x->reason : "",
                            x->dnsbl ? x->dnsbl : "", x->listed ? x->listed : "");
}

static run *
run_new (const ba_incident_failure *x, gboolean ours)
{
    run *r = g_new0 (run, 1);
    r->ours = ours;
    r->domain = ours ? NULL : g_strdup (x->domain);
    r->remote_mta = ours || x->domain ? NULL : g_strdup (x->remote_mta);
    r->reason = g_strdup (x->reason);
    r->dnsbl = g_strdup (x->dnsbl);
    r->listed = g_strdup (x->listed);
    r->first = r->last = x->time;
    r->senders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    r->recipients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    r->domains = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    r->mtas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    r->faults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    return r;
}

#define LISTED_DOMAINS 10

/* The first names of @set in byte order, and how many more there are. */
static char *
some_names (GHashTable *set)
{
    GList *names = g_list_sort (g_hash_table_get_keys (set), (GCompareFunc) strcmp);
    GString *s = g_string_new (NULL);
    guint n = 0;
    for (GList *l = names; l && n < LISTED_DOMAINS; l = l->next, n++)
        g_string_append_printf (s, "%s%s", n ? ", " : "", (char *) l->data);
    if (g_hash_table_size (set) > n)
        g_string_append_printf (s, " (+%u more)", g_hash_table_size (set) - n);
    g_list_free (names);
    return g_string_free (s, FALSE);
}

/* A run that ended: an incident when it has enough failures. */
static void
close_run (ba_incident_finder *f, run *r)
{
    ba_incident *inc;
    if (r->failures < f->min)
        return;
    inc = g_new0 (ba_incident, 1);
    inc->ours = r->ours;
    inc->domain = g_strdup (r->domain);
    inc->remote_mta = r->ours ? NULL : r->remote_mta ? g_strdup (r->remote_mta) : most_frequent (r->mtas);
    inc->reason = g_strdup (r->reason);
    inc->dnsbl = g_strdup (r->dnsbl);
    inc->listed = g_strdup (r->listed);
    inc->fault = most_frequent (r->faults);
    inc->advice = g_strdup (r->advice);
    inc->first_seen = r->first;
    inc->last_seen = r->last;
    inc->failures = r->failures;
    inc->senders = g_hash_table_size (r->senders);
    inc->recipients = g_hash_table_size (r->recipients);
    inc->domains = g_hash_table_size (r->domains);
    inc->domain_list = r->ours ? some_names (r->domains) : NULL;
    inc->ongoing = f->now - r->last <= f->gap;
    g_ptr_array_add (f->found, inc);
}

void
ba_incident_finder_add (ba_incident_finder *f, const ba_incident_failure *x)
{
    gboolean ours = ba_incident_failure_is_ours (x);
    char *key;
    run *r;

    if (!ours && !(x->domain && *x->domain) && !(x->remote_mta && *x->remote_mta))
        return;                 /* no place to group it by */
    key = key_of (x, ours);
    r = g_hash_table_lookup (f->open, key);
    if (r && x->time > r->last + f->gap) {
        close_run (f, r);
        g_hash_table_remove (f->open, key);
        r = NULL;
    }
    if (!r) {
        r = run_new (x, ours);
        g_hash_table_insert (f->open, key, r);
    } else {
        g_free (key);
    }
    r->failures++;
    r->first = MIN (r->first, x->time);
    if (x->time >= r->last || !r->advice) {
        r->last = MAX (r->last, x->time);
        if (x->advice) {
            g_free (r->advice);
            r->advice = g_strdup (x->advice);
        }
    }
    note (r->senders, x->sender);
    note (r->recipients, x->recipient);
    note (r->domains, x->domain);
    count (r->mtas, x->remote_mta);
    count (r->faults, x->fault);
}

static gint
by_urgency (gconstpointer a, gconstpointer b)
{
    const ba_incident *x = *(ba_incident *const *) a, *y = *(ba_incident *const *) b;
    if (x->ongoing != y->ongoing)
        return x->ongoing ? -1 : 1;
    if (x->last_seen != y->last_seen)
        return x->last_seen > y->last_seen ? -1 : 1;
    return g_strcmp0 (x->domain, y->domain);
}

GPtrArray *
ba_incident_finder_finish (ba_incident_finder *f)
{
    GHashTableIter it;
    gpointer k, v;
    GPtrArray *out = f->found;

    g_hash_table_iter_init (&it, f->open);
    while (g_hash_table_iter_next (&it, &k, &v))
        close_run (f, v);
    g_hash_table_unref (f->open);
    g_ptr_array_sort (out, by_urgency);
    g_free (f);
    return out;
}

char *
ba_incident_headline (const ba_incident *inc)
{
    const char *place = inc->domain ? inc->domain : inc->remote_mta;
    if (inc->ours)
        return g_strdup_printf ("%s is listed on %s: %" G_GUINT64_FORMAT " refusals at %"
                                G_GUINT64_FORMAT " domain%s", inc->listed, inc->dnsbl,
                                inc->failures, inc->domains, inc->domains == 1 ? "" : "s");
    if (inc->dnsbl)
        return g_strdup_printf ("%s refuses our mail citing %s", place, inc->dnsbl);
    return g_strdup_printf ("%s: %" G_GUINT64_FORMAT " failures, reason %s", place,
                            inc->failures, inc->reason ? inc->reason : "unknown");
}

char *
ba_incident_span (gint64 seconds)
{
    gint64 m = MAX (seconds, 0) / 60, h = m / 60, d = h / 24;
    if (d)
        return g_strdup_printf ("%" G_GINT64_FORMAT " d %" G_GINT64_FORMAT " h", d, h % 24);
    if (h && m % 60 == 0)
        return g_strdup_printf ("%" G_GINT64_FORMAT " h", h);
    if (h)
        return g_strdup_printf ("%" G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min", h, m % 60);
    return g_strdup_printf ("%" G_GINT64_FORMAT " min", m);
}
