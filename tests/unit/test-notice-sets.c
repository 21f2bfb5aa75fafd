/* Unit tests: the exact set of failed and delayed addresses the generic
 * notice reader (notice.c) gives, with the default rules/notice.conf:
 * permanent and transient sections, display names, sentences that wrap
 * an address onto a line of its own, senders quoted in an error text. */
#include "notice.h"

#include <string.h>

static ba_ruleset *set;
static ba_context *ctx;

typedef struct {
    const char *address;
    const char *action;         /* NULL: a failure by the notice's wording */
    const char *in_text;        /* a piece of its error text, or NULL */
} want;

static void
expect (const char *notice, const char *subject, const want *w, guint n)
{
    ba_notice_input in = { 0 };
    GPtrArray *got;

    in.notice = notice;
    in.subject = subject;
    in.from = "MAILER-DAEMON@mx.example.org";
    got = ba_notice_read (ctx, &in, 100);
    for (guint i = 0; i < got->len && got->len != n; i++)
        g_printerr ("got %s (%s) | %s\n", ((ba_text_recipient *) got->pdata[i])->recipient,
                    ((ba_text_recipient *) got->pdata[i])->action,
                    ((ba_text_recipient *) got->pdata[i])->diagnostic->str);
    g_assert_cmpuint (got->len, ==, n);
    for (guint i = 0; i < n; i++) {
        ba_text_recipient *r = NULL;
        for (guint j = 0; j < got->len && !r; j++)
            if (!g_ascii_strcasecmp (((ba_text_recipient *) got->pdata[j])->recipient, w[i].address))
                r = got->pdata[j];
        if (!r)
            g_printerr ("missing %s\n", w[i].address);
        g_assert_nonnull (r);
        g_assert_cmpstr (r->action, ==, w[i].action);
        if (w[i].in_text && !strstr (r->diagnostic->str, w[i].in_text)) {
            g_printerr ("text of %s: %s\n", r->recipient, r->diagnostic->str);
            g_assert_not_reached ();
        }
    }
    g_ptr_array_unref (got);
}

/* A failure notice with a temporary section, and a warning with a
 * permanent one: each address its own action. */
static void
test_sections (void)
{
    static const want mixed[] = {
        { "uri@one.example.org", "failed", "no such user" },
        { "vera@two.example.org", "delayed", "try again later" },
    };
    static const want warning[] = {
        { "yara@one.example.org", "failed", "User unknown" },
        { "zack@two.example.org", "delayed", "Deferred: Connection timed out" },
    };
    expect ("The following addresses had permanent errors:\n\n  uri@one.example.org\n    550 no such user\n\n"
            "The following addresses had temporary errors:\n\n  vera@two.example.org\n    451 try again later\n",
            "Mail delivery failed", mixed, 2);
    expect ("    **      THIS IS A WARNING MESSAGE ONLY      **\n\n"
            "   ----- The following addresses had permanent fatal errors\n-----\n"
            "<yara@one.example.org>\n    (reason: 550 5.1.1 <yara@one.example.org>... User unknown)\n\n"
            "   ----- The following addresses had transient non-fatal errors\n-----\n"
            "<zack@two.example.org>\n\n"
            "   ----- Transcript of session follows -----\n"
            "<zack@two.example.org>... Deferred: Connection timed out with\nmx.two.example.org.\n",
            "Warning: could not send message for past 4 hours", warning, 2);
}

/* "Name <addr>" lines of a list share the text after the last one. */
static void
test_display_names (void)
{
    static const want w[] = {
        { "hans@one.example.org", NULL, "mailbox unavailable" },
        { "ida@one.example.org", NULL, "mailbox unavailable" },
    };
    expect ("Sorry. Your message could not be delivered to:\n\nHans Gruber <hans@one.example.org>\n"
            "\"Ida Moss\" <ida@one.example.org>\n\nReason: 550 mailbox unavailable\n",
            "Undeliverable mail", w, 2);
}

/* The envelope sender a reply quotes is no recipient, on its line or
 * wrapped onto the next. */
static void
test_quoted_sender (void)
{
    static const want w[] = { { "jan@one.example.org", NULL, "rejected" } };
    static const want listed[] = { { "jan@one.example.org", "failed", "rejected" } };
    expect ("Delivery to the following recipients failed:\n\n  jan@one.example.org\n"
            "    550 5.7.1 mail from <bulk@lists.example.org> rejected: listed\n",
            "Undeliverable", listed, 1);
    expect ("Delivery to the following recipients failed:\n\n  jan@one.example.org\n"
            "    550 5.7.1 mail from\n<bulk@lists.example.org>\nrejected: listed\n",
            "Undeliverable", listed, 1);
    expect ("Your message to jan@one.example.org could not be delivered.\n"
            "550 5.7.1 Sender <bulk@lists.example.org> rejected\n",
            "Undeliverable", w, 1);
}

/* An Exchange notice that lists failed and delayed recipients apart. */
static void
test_failed_and_delayed (void)
{
    static const want w[] = {
        { "ann@one.example.org", "failed", NULL },
        { "ben@two.example.org", "delayed", NULL },
    };
    expect ("Delivery to the following recipients failed.\n\n       ann@one.example.org\n\n"
            "Delivery to the following recipients has been delayed.\n\n       ben@two.example.org\n",
            "Delivery Status Notification (Failure)", w, 2);
}

/* No heading, no wording naming an address: the addresses alone on their lines. */
static void
test_lone_addresses (void)
{
    static const want w[] = { { "kurt@one.example.org", "delayed", "Connection timed out" } };
    expect ("This is just a warning, you do not need to take any action.\n"
            "Delivery attempts will continue to be made for 4 days.\n\n"
            "  kurt@one.example.org\n    Connection timed out\n\nPlease contact\npostmaster@mx.example.org\n",
            "Warning: delayed mail", w, 1);
}

/* Localised and other wordings of one failed address. */
static void
test_wordings (void)
{
    static const want de[] = { { "stan@one.example.org", NULL, NULL } };
    static const want email[] = { { "tess@one.example.org", NULL, NULL } };
    static const want err[] = { { "sven@one.example.org", NULL, "User unknown" } };
    static const want rcpt[] = { { "ulf@one.example.org", NULL, "Unknown user" } };
    expect ("Ihre Nachricht an stan@one.example.org konnte nicht zugestellt werden.\n", "Unzustellbar", de, 1);
    expect ("The email you sent to tess@one.example.org could not be delivered.\n", "Undeliverable", email, 1);
    expect ("Error delivering message to: <sven@one.example.org>\nReason: 550 User unknown\n",
            "Undeliverable", err, 1);
    expect ("Recipient: <ulf@one.example.org>\nReason:    Unknown user\n", "Nondeliverable mail", rcpt, 1);
    static const want could[] = { { "lou@one.example.org", NULL, "mailbox unavailable" } };
    expect ("Could not deliver mail to: lou@one.example.org\nReason: 550 5.1.1 mailbox unavailable\n",
            "Mail delivery failed", could, 1);
    static const want oneline[] = { { "nia@one.example.org", NULL, NULL }, { "ola@one.example.org", NULL, NULL } };
    expect ("Message could not be delivered to the following recipient(s):\n\nnia@one.example.org, <ola@one.example.org>\n\n"
            "Reason: unknown users\n", "Undeliverable", oneline, 2);
}

int
main (int argc, char **argv)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    int rc;

    g_test_init (&argc, &argv, NULL);
    ba_init ();
    set = ba_ruleset_load (BA_TEST_RULES_DIR, NULL, errors);
    g_assert_nonnull (set);
    g_assert_cmpuint (errors->len, ==, 0);
    ctx = ba_context_new (set);

    g_test_add_func ("/notice-sets/sections", test_sections);
    g_test_add_func ("/notice-sets/display-names", test_display_names);
    g_test_add_func ("/notice-sets/quoted-sender", test_quoted_sender);
    g_test_add_func ("/notice-sets/wordings", test_wordings);
    g_test_add_func ("/notice-sets/failed-and-delayed", test_failed_and_delayed);
    g_test_add_func ("/notice-sets/lone-addresses", test_lone_addresses);
    rc = g_test_run ();
    ba_context_free (ctx);
    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
    return rc;
}
