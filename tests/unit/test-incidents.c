/* Unit tests: grouping failures into incidents (incidents.c) and the HTML
 * escaping of html.c. */
#include "incidents.h"
#include "html.h"

#include <string.h>

#define HOUR 3600
#define NOW 2000000000

static ba_incident_failure
failure (gint64 t, const char *domain, const char *reason, const char *dnsbl, const char *fault)
{
    ba_incident_failure x = { 0 };
    x.time = t;
    x.domain = domain;
    x.remote_mta = "mx.example.net";
    x.reason = reason;
    x.dnsbl = dnsbl;
    x.listed = dnsbl ? "192.0.2.1" : NULL;
    x.fault = fault;
    x.advice = "advice";
    x.sender = "a@shop.example";
    x.recipient = "b@example.org";
    return x;
}

static GPtrArray *
find (const ba_incident_failure *xs, guint n, gint64 gap, guint min)
{
    ba_incident_finder *f = ba_incident_finder_new (gap, min, NOW);
    for (guint i = 0; i < n; i++)
        ba_incident_finder_add (f, &xs[i]);
    return ba_incident_finder_finish (f);
}

/* Failures within the gap join; one gap too many splits the run. */
static void
test_gap (void)
{
    ba_incident_failure xs[12];
    GPtrArray *found;
    for (int i = 0; i < 6; i++)
        xs[i] = failure (NOW - 40 * HOUR + i * 2 * HOUR, "a.example", "blocked", "relays.ordb.org",
                         "receiving-system");
    for (int i = 6; i < 12; i++)   /* 2 h + 1 s after the previous run */
        xs[i] = failure (NOW - 28 * HOUR + 1 + (i - 6) * 10, "a.example", "blocked", "relays.ordb.org",
                         "receiving-system");
    found = find (xs, 12, 2 * HOUR, 5);
    g_assert_cmpuint (found->len, ==, 2);
    for (guint i = 0; i < 2; i++) {
        ba_incident *inc = g_ptr_array_index (found, i);
        g_assert_cmpuint (inc->failures, ==, 6);
        g_assert_false (inc->ongoing);
        g_assert_cmpstr (inc->domain, ==, "a.example");
        g_assert_cmpstr (inc->fault, ==, "receiving-system");
    }
    /* the latest first */
    g_assert_cmpint (((ba_incident *) found->pdata[0])->first_seen, ==, NOW - 28 * HOUR + 1);
    g_ptr_array_unref (found);
}

/* Fewer than --min is no incident; another cause or domain is another run. */
static void
test_min_and_keys (void)
{
    ba_incident_failure xs[] = {
        failure (NOW - 100, "a.example", "userunknown", NULL, "sender"),
        failure (NOW - 90, "a.example", "userunknown", NULL, "sender"),
        failure (NOW - 80, "a.example", "mailboxfull", NULL, "recipient"),
        failure (NOW - 70, "b.example", "userunknown", NULL, "sender"),
        failure (NOW - 60, "a.example", "userunknown", NULL, "sender"),
        failure (NOW - 50, "a.example", "blocked", "zen.spamhaus.org", "receiving-system"),
    };
    GPtrArray *found = find (xs, G_N_ELEMENTS (xs), 2 * HOUR, 3);
    ba_incident *inc;
    g_assert_cmpuint (found->len, ==, 1);
    inc = g_ptr_array_index (found, 0);
    g_assert_cmpstr (inc->reason, ==, "userunknown");
    g_assert_cmpuint (inc->failures, ==, 3);
    g_assert_cmpuint (inc->senders, ==, 1);
    g_assert_cmpuint (inc->recipients, ==, 1);
    g_assert_true (inc->ongoing);
    g_assert_cmpint (inc->first_seen, ==, NOW - 100);
    g_assert_cmpint (inc->last_seen, ==, NOW - 60);
    g_ptr_array_unref (found);
}

/* Our IP on a live list is one incident across domains, not one per domain. */
static void
test_ours (void)
{
    const char *domains[] = { "a.example", "b.example", "c.example", "d.example", "e.example" };
    ba_incident_failure xs[5];
    GPtrArray *found;
    ba_incident *inc;
    char *head;
    for (int i = 0; i < 5; i++)
        xs[i] = failure (NOW - 10 * HOUR + i * 600, domains[i], "blocked", "zen.spamhaus.org", "sending-system");
    g_assert_true (ba_incident_failure_is_ours (&xs[0]));
    found = find (xs, 5, 2 * HOUR, 5);
    g_assert_cmpuint (found->len, ==, 1);
    inc = g_ptr_array_index (found, 0);
    g_assert_true (inc->ours);
    g_assert_null (inc->domain);
    g_assert_null (inc->remote_mta);
    g_assert_cmpuint (inc->domains, ==, 5);
    g_assert_cmpstr (inc->domain_list, ==, "a.example, b.example, c.example, d.example, e.example");
    g_assert_cmpstr (inc->fault, ==, "sending-system");
    head = ba_incident_headline (inc);
    g_assert_cmpstr (head, ==, "192.0.2.1 is listed on zen.spamhaus.org: 5 refusals at 5 domains");
    g_free (head);
    g_ptr_array_unref (found);
}

/* Our side names its first ten domains, and how many more. */
static void
test_ours_many (void)
{
    ba_incident_failure xs[12];
    char names[12][16];
    GPtrArray *found;
    ba_incident *inc;
    for (int i = 0; i < 12; i++) {
        g_snprintf (names[i], sizeof names[i], "d%02d.example", i);
        xs[i] = failure (NOW - 5 * HOUR + i * 60, names[i], "blocked", "bl.spamcop.net", "sending-system");
    }
    found = find (xs, 12, 2 * HOUR, 5);
    g_assert_cmpuint (found->len, ==, 1);
    inc = g_ptr_array_index (found, 0);
    g_assert_cmpstr (inc->domain_list, ==, "d00.example, d01.example, d02.example, d03.example, d04.example, "
                     "d05.example, d06.example, d07.example, d08.example, d09.example (+2 more)");
    g_ptr_array_unref (found);
}

/* A failure with neither domain nor remote MTA has no place: left out. */
static void
test_no_place (void)
{
    ba_incident_failure xs[5];
    GPtrArray *found;
    for (int i = 0; i < 5; i++) {
        xs[i] = failure (NOW - i, NULL, "userunknown", NULL, "sender");
        xs[i].remote_mta = NULL;
    }
    found = find (xs, 5, HOUR, 1);
    g_assert_cmpuint (found->len, ==, 0);
    g_ptr_array_unref (found);
}

static void
test_span (void)
{
    static const struct { gint64 s; const char *text; } cases[] = {
        { 0, "0 min" }, { 59, "0 min" }, { 40 * 60, "40 min" }, { 17 * HOUR, "17 h" },
        { 17 * HOUR + 5 * 60, "17 h 5 min" }, { 3 * 86400 + 2 * HOUR, "3 d 2 h" }, { -5, "0 min" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        char *got = ba_incident_span (cases[i].s);
        g_assert_cmpstr (got, ==, cases[i].text);
        g_free (got);
    }
}

static void
test_html_text (void)
{
    static const struct { const char *in; glong max; const char *out; } cases[] = {
        { "<script>alert(1)</script>", 0, "&lt;script&gt;alert(1)&lt;/script&gt;" },
        { "\"><img src=x onerror='a'>", 0, "&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;" },
        { "a&b", 0, "a&amp;b" },
        { "line\r\nbreak\ttab", 0, "line  break tab" },
        { "x\xe2\x80\xae" "y\xe2\x80\x8bz\x1b[2J", 0, "xyz[2J" },  /* bidi, zero-width, ESC dropped */
        { "\xff" "ok", 0, "\xef\xbf\xbdok" },
        { "abcdef", 3, "abc\xe2\x80\xa6" },
        { "<<<<", 2, "&lt;&lt;\xe2\x80\xa6" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        GString *out = g_string_new (NULL);
        ba_html_text (out, cases[i].in, cases[i].max);
        g_assert_cmpstr (out->str, ==, cases[i].out);
        g_string_free (out, TRUE);
    }
}

static void
test_csp (void)
{
    char *csp = ba_html_csp ();
    GString *page = g_string_new (NULL);
    g_assert_true (g_str_has_prefix (csp, "default-src 'none'; style-src 'sha256-"));
    g_assert_null (strstr (csp, "unsafe"));
    ba_html_begin (page, "<t>", NULL);
    ba_html_end (page);
    g_assert_nonnull (strstr (page->str, "<title>&lt;t&gt;</title>"));
    g_assert_null (strstr (page->str, "<script"));
    g_string_free (page, TRUE);
    g_free (csp);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/incidents/gap", test_gap);
    g_test_add_func ("/incidents/min-and-keys", test_min_and_keys);
    g_test_add_func ("/incidents/ours", test_ours);
    g_test_add_func ("/incidents/ours-many", test_ours_many);
    g_test_add_func ("/incidents/no-place", test_no_place);
    g_test_add_func ("/incidents/span", test_span);
    g_test_add_func ("/html/text", test_html_text);
    g_test_add_func ("/html/csp", test_csp);
    return g_test_run ();
}
