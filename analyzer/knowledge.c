/* knowledge.c - what the blacklist knowledge of rules/blacklists.conf and
 * the advice templates of rules/advice.conf add to a verdict: which list
 * was cited, whether it was alive when the bounce was written, whose
 * fault the rejection therefore is, and what a helpdesk should say. */
#include "classify.h"
#include "advice.h"
#include "pattern-scan.h"
#include "util.h"

#include <string.h>

static char *
normalize_zone (const char *z)
{
    char *s = g_ascii_strdown (z, -1);
    gsize n;
    g_strstrip (s);
    n = strlen (s);
    while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ';' || s[n - 1] == ',' || s[n - 1] == ')'))
        s[--n] = '\0';
    return s;
}

/* The knowledge entry whose zone is @zone or a parent of it
 * ("127.0.0.2.zen.spamhaus.org" style queries name the zone as suffix). */
static const ba_blacklist *
find_by_zone (const ba_ruleset *set, const char *zone)
{
    gsize zl = strlen (zone);
    for (guint i = 0; i < set->blacklists->len; i++) {
        const ba_blacklist *b = g_ptr_array_index (set->blacklists, i);
        for (int j = 0; b->zones[j]; j++) {
            gsize bl = strlen (b->zones[j]);
            if (zl == bl ? !strcmp (zone, b->zones[j])
                         : zl > bl && zone[zl - bl - 1] == '.' && !strcmp (zone + zl - bl, b->zones[j]))
                return b;
        }
    }
    return NULL;
}

static const ba_blacklist *
find_by_url (ba_context *ctx, const char *text)
{
    const ba_ruleset *set = ctx->set;
    gsize len = strlen (text);
    char *lower = ba_lower_dup (text, len);
    const ba_blacklist *found = NULL;
    ba_text_scan scan;          /* of @lower: every list's URL patterns look for their literals in it */

    ba_text_scan_init (&scan, ctx, BA_SCAN_BLACKLISTS, lower);
    for (guint i = 0; !found && i < set->blacklists->len; i++) {
        const ba_blacklist *b = g_ptr_array_index (set->blacklists, i);
        for (guint j = 0; !found && j < b->urls->len; j++) {
            const ba_pattern *p = g_ptr_array_index (b->urls, j);
            if (ba_text_may_match (&scan, p) && ba_match (ctx, p, text, len, 0))
                found = b;
        }
    }
    ba_text_scan_clear (&scan);
    g_free (lower);
    return found;
}

static gboolean
looks_like_zone (const char *z)
{
    const char *dot = strchr (z, '.');
    return dot && dot != z && strlen (z) >= 4 && strlen (z) < 254;
}

/* Reasons whose texts cite blacklists; others (a full mailbox) mentioning
 * a list's web site are not rejections by that list. */
static gboolean
cites_lists (const char *reason)
{
    static const char *const r[] = { "blocked", "badreputation", "rejected", "spamdetected",
                                     "policyviolation", "securityerror", "filtered", NULL };
    for (int i = 0; reason && r[i]; i++)
        if (!strcmp (reason, r[i]))
            return TRUE;
    return FALSE;
}

/* A known zone named in the text, as a whole word. */
static const ba_blacklist *
find_zone_in_text (const ba_ruleset *set, const char *text)
{
    char *lower = g_ascii_strdown (text, -1);
    const ba_blacklist *found = NULL;

    for (guint i = 0; !found && i < set->blacklists->len; i++) {
        const ba_blacklist *b = g_ptr_array_index (set->blacklists, i);
        for (int j = 0; !found && b->zones[j]; j++) {
            gsize zl = strlen (b->zones[j]);
            for (const char *p = strstr (lower, b->zones[j]); p; p = strstr (p + 1, b->zones[j])) {
                char before = p > lower ? p[-1] : ' ', after = p[zl];
                if (!g_ascii_isalnum (before) && before != '-' && before != '.'
                    && !g_ascii_isalnum (after) && after != '-') {
                    found = b;
                    break;
                }
            }
        }
    }
    g_free (lower);
    return found;
}

/* Is the address at @p the one of the server that answered, as MTAs
 * frame it: "host mx.example[192.0.2.1] said:", "host mx [192.0.2.1]:"? */
static gboolean
is_remote_host_address (const char *text, const char *p)
{
    const char *b = p;
    if (b == text || b[-1] != '[')
        return FALSE;
    b--;
    if (b > text && b[-1] == ' ')
        b--;
    while (b > text && b[-1] != ' ')
        b--;
    return b - text >= 5 && !g_ascii_strncasecmp (b - 5, "host ", 5);
}

/* The first dotted-quad IPv4 address in @text that is not the answering
 * server's own, or NULL: the client address a list was asked about. */
static char *
first_ipv4 (const char *text)
{
    for (const char *p = text; *p; p++) {
        int a, b, c, d, n = 0;
        if (!g_ascii_isdigit (*p) || (p > text && (g_ascii_isdigit (p[-1]) || p[-1] == '.')))
            continue;
        if (sscanf (p, "%3d.%3d.%3d.%3d%n", &a, &b, &c, &d, &n) == 4 && a <= 255 && b <= 255
            && c <= 255 && d <= 255 && !g_ascii_isdigit (p[n]) && !(p[n] == '.' && g_ascii_isdigit (p[n + 1]))
            && !is_remote_host_address (text, p))
            return g_strndup (p, n);
    }
    return NULL;
}

/* For a domain list: the domain it was asked about, taken from the first
 * e-mail address, else the first URL host that is not the list's site. */
static char *
listed_domain (const char *text, const ba_blacklist *list)
{
    const char *at = strchr (text, '@');
    const char *url;

    if (at) {
        const char *e = at + 1;
        while (g_ascii_isalnum (*e) || *e == '.' || *e == '-')
            e++;
        while (e > at + 1 && e[-1] == '.')
            e--;
        if (e - at > 4 && memchr (at + 1, '.', e - at - 1))
            return g_ascii_strdown (at + 1, e - at - 1);
    }
    for (url = strstr (text, "://"); url; url = strstr (url + 3, "://")) {
        const char *h = url + 3, *e = h;
        char *host;
        gboolean own = FALSE;
        while (g_ascii_isalnum (*e) || *e == '.' || *e == '-')
            e++;
        if (e - h < 4)
            continue;
        host = g_ascii_strdown (h, e - h);
        for (int j = 0; list->zones[j] && !own; j++) {
            const char *zdot = strchr (list->zones[j], '.');
            /* "www.spamhaus.org" is the site of "dbl.spamhaus.org" */
            if (zdot && g_str_has_suffix (host, zdot + 1))
                own = TRUE;
        }
        if (!own)
            return host;
        g_free (host);
    }
    return NULL;
}

/* The domain that forwarded the mail, when the bounce shows the original
 * recipient at one domain and the final one at another, else NULL. */
static char *
forwarded_by (const ba_recipient *rcpt)
{
    char *from = ba_address_domain (rcpt->original_recipient);
    char *to = ba_address_domain (rcpt->recipient);
    if (from && to && strcmp (from, to) != 0) {
        g_free (to);
        return from;
    }
    g_free (from);
    g_free (to);
    return NULL;
}

typedef enum { LIFE_ALIVE, LIFE_DEAD, LIFE_UNKNOWN } life;

/* Was @b dead (shut down, or answering "listed" for everything) at @when?
 * A list closed on an unknown date may have been alive then: unknown. */
static life
life_at (const ba_blacklist *b, GDateTime *when)
{
    GDateTime *since = NULL;

    if (b->lists_everything_since)
        since = b->lists_everything_since;
    if (b->shut_down && (!since || g_date_time_compare (b->shut_down, since) < 0))
        since = b->shut_down;
    if (b->state == BA_LIST_ACTIVE && !since)
        return LIFE_ALIVE;
    if (!since)
        return LIFE_UNKNOWN;
    if (!when)
        return LIFE_DEAD;       /* undated bounce: judge by today */
    return g_date_time_compare (when, since) >= 0 ? LIFE_DEAD : LIFE_ALIVE;
}

/* "on 2006-12-18", "in 2024-06", "in 2003": ISO 8601 as the knowledge
 * file gives it, so stored advice reads the same under every locale. */
static char *
human_date (const char *text)
{
    gsize len = strlen (text);
    if (len > 10 && text[10] == 'T')
        len = 10;           /* the day is what a helpdesk needs, not the hour */
    return g_strdup_printf ("%s %.*s", len == 10 ? "on" : "in", (int) len, text);
}

/* "shut down on 2006-12-18 and has answered 'listed' for every
 * address since 2008-03-25" */
static char *
describe_life (const ba_blacklist *b)
{
    GString *s = g_string_new (NULL);
    if (b->shut_down_text) {
        char *d = human_date (b->shut_down_text);
        g_string_append_printf (s, "shut down %s", d);
        g_free (d);
    } else if (b->state != BA_LIST_ACTIVE) {
        g_string_append (s, "has shut down");
    }
    if (b->lists_everything_text) {
        char *d = human_date (b->lists_everything_text);
        /* "since on 25 March" reads badly: drop the preposition */
        const char *bare = g_str_has_prefix (d, "on ") || g_str_has_prefix (d, "in ") ? d + 3 : d;
        g_string_append_printf (s, "%shas answered 'listed' for every address since %s",
                                s->len ? " and " : "", bare);
        g_free (d);
    } else if (b->state == BA_LIST_LISTS_EVERYTHING) {
        g_string_append_printf (s, "%sanswers 'listed' for every address", s->len ? " and " : "");
    }
    if (!s->len)
        g_string_append (s, "is in service");
    return g_string_free (s, FALSE);
}

static gboolean
is_delay (const ba_recipient *rcpt)
{
    return rcpt->action && !g_ascii_strcasecmp (rcpt->action, "delayed");
}

/* A list that names domains only: what it found is a domain of ours or
 * one the mail links to, never our server's address. */
static gboolean
lists_domains_only (const ba_blacklist *list)
{
    return list && list->lists && strstr (list->lists, "domain") && !strstr (list->lists, "ip");
}

void
ba_apply_knowledge (ba_context *ctx, ba_recipient *rcpt, const char *bounce_date,
                    const char *reporting_mta, const char *cause)
{
    const ba_ruleset *set = ctx->set;
    const ba_blacklist *list = NULL;
    const char *cap;
    const char *list_key = NULL;
    char *live_key = NULL;
    GDateTime *when = NULL;
    char *life_text = NULL, *domain = NULL, *quote = NULL, *forward_domain = NULL;
    const ba_reason_info *info;
    life alive = LIFE_ALIVE;

    g_clear_pointer (&rcpt->dnsbl, g_free);
    g_clear_pointer (&rcpt->listed, g_free);
    g_clear_pointer (&rcpt->advice, g_free);

    cap = ba_recipient_capture (rcpt, "dnsbl");
    if (cap) {
        char *zone = normalize_zone (cap);
        list = find_by_zone (set, zone);
        if (list && list->zones[0] && strcmp (zone, list->zones[0]) && strlen (zone) > strlen (list->zones[0])
            && !strchr (list->zones[0], '*'))
            /* a query name such as 2.0.0.127.zen.spamhaus.org: report the zone */
            rcpt->dnsbl = g_strdup (list->zones[0]);
        else if (looks_like_zone (zone))
            rcpt->dnsbl = g_strdup (zone);
        g_free (zone);
    }
    /* a zone the text names beats a web page of its operator, which may
     * be the page of a sibling list (dbl.spamhaus.org vs ZEN's lookup) */
    if (!list && !rcpt->dnsbl && rcpt->diagnostic && cites_lists (rcpt->reason)) {
        list = find_zone_in_text (set, rcpt->diagnostic);
        if (list)
            rcpt->dnsbl = g_strdup (list->zones[0]);
    }
    if (!list && rcpt->diagnostic && cites_lists (rcpt->reason)) {
        list = find_by_url (ctx, rcpt->diagnostic);
        if (list && !rcpt->dnsbl && list->zones[0])
            rcpt->dnsbl = g_strdup (list->zones[0]);
    }
    if ((cap = ba_recipient_capture (rcpt, "ip")) || (cap = ba_recipient_capture (rcpt, "listed"))
        || (cap = ba_recipient_capture (rcpt, "domain")))
        rcpt->listed = g_ascii_strdown (cap, -1);
    else if (list && rcpt->diagnostic && list->lists && strstr (list->lists, "domain")
             && !strstr (list->lists, "ip"))
        rcpt->listed = listed_domain (rcpt->diagnostic, list);
    else if (rcpt->dnsbl && rcpt->diagnostic)
        rcpt->listed = first_ipv4 (rcpt->diagnostic);

    if (bounce_date)
        when = ba_parse_iso_date (bounce_date);
    if (list) {
        alive = life_at (list, when);
        life_text = describe_life (list);
        if (alive == LIFE_DEAD) {
            rcpt->fault = "receiving-system";
            list_key = "blocked.dead-list";
        } else if (alive == LIFE_UNKNOWN) {
            list_key = "blocked.closed-list";
        } else {
            rcpt->fault = "sending-system";
            live_key = g_strdup_printf ("%s.live-%slist", rcpt->reason, lists_domains_only (list) ? "domain-" : "");
        }
    }
    if (when)
        g_date_time_unref (when);

    /* Mail to an alias that the recipient's side forwarded elsewhere: the
     * server refused as a sender there is their forwarder, not ours. */
    forward_domain = forwarded_by (rcpt);
    if (forward_domain && rcpt->fault && !strcmp (rcpt->fault, "sending-system")) {
        rcpt->fault = "receiving-system";
        list_key = "forwarded";
    }

    info = ba_ruleset_reason (set, rcpt->reason);
    domain = ba_address_domain (rcpt->recipient);
    quote = rcpt->diagnostic ? ba_strndup_utf8 (rcpt->diagnostic, 300) : NULL;
    {
        ba_advice_fact facts[] = {
            { "recipient", rcpt->recipient },
            { "recipient_domain", domain },
            { "remote_mta", rcpt->remote_mta },
            { "reporting_mta", reporting_mta },
            { "dnsbl", rcpt->dnsbl },
            { "list_name", list ? list->name : NULL },
            { "list_operator", list ? list->operator_ : NULL },
            { "life", life_text },
            { "listed", rcpt->listed },
            { "status", rcpt->status },
            { "reason", rcpt->reason },
            { "summary", info ? info->summary : NULL },
            { "diagnostic", quote },
            { "forwarder_domain", forward_domain },
            { "original_recipient", rcpt->original_recipient },
        };
        /* most specific first: a cited list or a forwarder decides whose
         * move it is; a delay is still being tried whatever its reason;
         * then the cause the rule's wording names, the rule, the reason */
        char *reason_cause = cause ? g_strdup_printf ("%s.%s", rcpt->reason, cause) : NULL;
        char *delay_cause = cause ? g_strdup_printf ("delayed.%s", cause) : NULL;
        char *delay_reason = g_strdup_printf ("delayed.%s", rcpt->reason);
        const char *keys[16];
        int n = 0;
        if (list_key)
            keys[n++] = list_key;
        if (live_key)
            keys[n++] = live_key;
        if (rcpt->dnsbl && !list_key)
            keys[n++] = "blocked.live-list";
        if (is_delay (rcpt)) {
            if (delay_cause)
                keys[n++] = delay_cause;
            keys[n++] = delay_reason;
            keys[n++] = "delayed";
        }
        if (cause) {
            keys[n++] = reason_cause;
            keys[n++] = cause;
        }
        if (rcpt->rule)
            keys[n++] = rcpt->rule;
        if (rcpt->reason)
            keys[n++] = rcpt->reason;
        keys[n] = NULL;
        rcpt->advice = ba_advice_render (set, keys, facts, G_N_ELEMENTS (facts));
        g_free (reason_cause);
        g_free (delay_cause);
        g_free (delay_reason);
    }
    g_free (live_key);
    g_free (life_text);
    g_free (domain);
    g_free (quote);
    g_free (forward_domain);
}
