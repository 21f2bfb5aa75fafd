/* Unit tests: the generic notice reader (notice.c) on notice texts, with
 * the default rules/notice.conf. */
#include "notice.h"

#include <string.h>

static ba_ruleset *set;
static ba_context *ctx;

typedef struct {
    const char *address;
    const char *in_text;        /* a piece of its error text, or NULL */
} want;

static GPtrArray *
read_notice (const char *notice, const char *const *never)
{
    ba_notice_input in = { 0 };
    in.notice = notice;
    in.subject = "Undelivered Mail Returned to Sender";
    in.from = "MAILER-DAEMON@mail.shop.example";
    in.not_failed = never;
    return ba_notice_read (ctx, &in, 100);
}

/* The reader finds exactly @n recipients, in order, with their texts. */
static void
expect (const char *notice, const char *const *never, const want *w, guint n)
{
    GPtrArray *got = read_notice (notice, never);
    if (got->len != n) {
        for (guint i = 0; i < got->len; i++)
            g_printerr ("got %s | %s\n", ((ba_text_recipient *) got->pdata[i])->recipient,
                        ((ba_text_recipient *) got->pdata[i])->diagnostic->str);
    }
    g_assert_cmpuint (got->len, ==, n);
    for (guint i = 0; i < n; i++) {
        ba_text_recipient *r = g_ptr_array_index (got, i);
        g_assert_cmpstr (r->recipient, ==, w[i].address);
        if (w[i].in_text && !strstr (r->diagnostic->str, w[i].in_text)) {
            g_printerr ("text of %s: %s\n", r->recipient, r->diagnostic->str);
            g_assert_not_reached ();
        }
    }
    g_ptr_array_unref (got);
}

static const char *sendmail =
    "The original message was received at Mon, 10 Mar 2014 11:02:15 +0100\n"
    "from pc-anna.office.shop.example [203.0.113.44]\n"
    "\n"
    "   ----- The following addresses had permanent fatal errors -----\n"
    "<kim@partner.example>\n"
    "    (reason: 550 5.1.1 <kim@partner.example>... User unknown)\n"
    "\n"
    "   ----- Transcript of session follows -----\n"
    "... while talking to mx.partner.example.:\n"
    ">>> MAIL From:<anna@shop.example> SIZE=1200\n"
    "<<< 250 2.1.0 <anna@shop.example>... Sender ok\n"
    ">>> RCPT To:<kim@partner.example>\n"
    "<<< 550 5.1.1 <kim@partner.example>... User unknown\n"
    "550 5.1.1 kim@partner.example... User unknown\n"
    "\n"
    "   ----- Original message follows -----\n"
    "\n"
    "Return-Path: <anna@shop.example>\n"
    "Received: from pc-anna.office.shop.example\n"
    "From: Anna <anna@shop.example>\n"
    "To: kim@partner.example, lee@partner.example\n"
    "Cc: boss@partner.example\n";

static void
test_heading_list (void)
{
    static const want w[] = { { "kim@partner.example", "550 5.1.1" } };
    expect (sendmail, NULL, w, 1);
}

/* The returned message's To and Cc are never failures. */
static void
test_original_not_read (void)
{
    GPtrArray *got = read_notice (sendmail, NULL);
    for (guint i = 0; i < got->len; i++) {
        const char *a = ((ba_text_recipient *) got->pdata[i])->recipient;
        g_assert_cmpstr (a, !=, "lee@partner.example");
        g_assert_cmpstr (a, !=, "boss@partner.example");
    }
    g_ptr_array_unref (got);
}

static void
test_crlf_and_bare_cr (void)
{
    static const want w[] = { { "kim@partner.example", "User unknown" } };
    GString *crlf = g_string_new (NULL), *cr = g_string_new (NULL);
    for (const char *p = sendmail; *p; p++) {
        if (*p == '\n') {
            g_string_append (crlf, "\r\n");
            g_string_append_c (cr, '\r');
        } else {
            g_string_append_c (crlf, *p);
            g_string_append_c (cr, *p);
        }
    }
    expect (crlf->str, NULL, w, 1);
    expect (cr->str, NULL, w, 1);
    g_string_free (crlf, TRUE);
    g_string_free (cr, TRUE);
}

static void
test_quoted (void)
{
    static const want w[] = { { "kim@partner.example", "550 5.1.1" } };
    GString *q = g_string_new ("> ");
    for (const char *p = sendmail; *p; p++) {
        g_string_append_c (q, *p);
        if (*p == '\n' && p[1])
            g_string_append (q, p[1] == '>' ? ">" : "> ");
    }
    expect (q->str, NULL, w, 1);
    g_string_free (q, TRUE);
}

/* A heading re-wrapped over two lines, the address indented deeply. */
static void
test_rewrapped_indented (void)
{
    static const want w[] = {
        { "t.ng@retail.example", "mailbox is full" },
        { "sam@retail.example", "no such user" },
    };
    expect ("This is an automatically generated Delivery Status Notification.\n"
            "\n"
            "Delivery to the following recipients\n"
            "failed permanently:\n"
            "\n"
            "          t.ng@retail.example\n"
            "              552 5.2.2 The mailbox is full\n"
            "\n"
            "          sam@retail.example\n"
            "              550 5.1.1 no such user\n", NULL, w, 2);
}

/* Exim: the address, then its error text indented below; the same
 * address named again in the transcript line does not split it. */
static void
test_exim_layout (void)
{
    static const want w[] = { { "kim.lee@example.net", "Recipient address rejected" } };
    expect ("This message was created automatically by mail delivery software.\n"
            "\n"
            "A message that you sent could not be delivered to one or more of its\n"
            "recipients. This is a permanent error. The following address(es) failed:\n"
            "\n"
            "  kim.lee@example.net\n"
            "    SMTP error from remote mail server after RCPT TO:<kim.lee@example.net>:\n"
            "    host mx.example.net [192.0.2.10]: 550 5.1.1 <kim.lee@example.net>:\n"
            "    Recipient address rejected: User unknown in local recipient table\n", NULL, w, 1);
}

static void
test_line_fields (void)
{
    static const want w[] = {
        { "ada@mail.example", "mailbox unavailable" },
        { "bo@mail.example", NULL },
        { "cy@mail.example", "Unknown user" },
    };
    expect ("Delivery report\n"
            "\n"
            "Failed Recipient: ada@mail.example\n"
            "Reason: 550 mailbox unavailable\n"
            "\n"
            "Error-for: <bo@mail.example>\n"
            "\n"
            "Unknown user: cy@mail.example\n", NULL, w, 3);
}

/* The sender named by a refused MAIL FROM, the bounce's own addresses and
 * postmaster are not failures; an accepted RCPT TO is not either. */
static void
test_not_failed (void)
{
    static const char *const never[] = { "anna@shop.example", NULL };
    static const want w[] = { { "kim@partner.example", "550 5.7.1" } };
    expect ("Hi. This is the mail relay at relay.example.\n"
            "Your message could not be delivered. Transcript:\n"
            "\n"
            ">>> MAIL FROM:<anna@shop.example>\n"
            "<<< 250 ok\n"
            ">>> RCPT TO:<ok@partner.example>\n"
            "<<< 250 2.1.5 ok\n"
            ">>> RCPT TO:<kim@partner.example>\n"
            "<<< 550 5.7.1 relaying denied\n"
            "550 5.1.8 <anna@shop.example>... Sender domain rejected\n"
            "\n"
            "Please write to postmaster@relay.example for help.\n", never, w, 1);
}

/* A pipe delivery: the address it was generated by is the recipient. */
static void
test_alias (void)
{
    static const want w[] = { { "desk@shop.example", "Child process" } };
    expect ("The following address(es) failed:\n"
            "\n"
            "  pipe to |/usr/bin/import\n"
            "    generated by desk@shop.example\n"
            "    Child process of transport returned 69 (could mean service or program unavailable)\n",
            NULL, w, 1);
}

static void
test_delay_action (void)
{
    ba_notice_input in = { 0 };
    GPtrArray *got;
    in.notice = "This is the mail system at host mail.shop.example.\n"
        "\n"
        "####################################################################\n"
        "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
        "####################################################################\n"
        "\n"
        "Your message could not be delivered for more than 4 hour(s).\n"
        "It will be retried until it is 5 day(s) old.\n"
        "\n"
        "                   The mail system\n"
        "\n"
        "<lena@webmail.example>: connect to mx.webmail.example[192.0.2.55]:25:\n"
        "    Connection timed out\n";
    in.subject = "Delayed Mail (still being retried)";
    in.from = "MAILER-DAEMON@mail.shop.example";
    g_assert_cmpstr (ba_notice_action (ctx, in.notice, in.subject), ==, "delayed");
    g_assert_cmpstr (ba_notice_action (ctx, sendmail, "Returned mail: see transcript for details"), ==, NULL);
    got = ba_notice_read (ctx, &in, 10);
    g_assert_cmpuint (got->len, ==, 1);
    g_assert_cmpstr (((ba_text_recipient *) got->pdata[0])->action, ==, "delayed");
    g_ptr_array_unref (got);
}

static void
test_is_bounce (void)
{
    ba_notice_input in = { 0 };
    in.from = "Anna <anna@shop.example>";
    in.subject = "The import failed again";
    g_assert_false (ba_notice_is_bounce (ctx, &in));
    in.subject = "Newsletter: returned parcels";
    g_assert_false (ba_notice_is_bounce (ctx, &in));
    in.subject = "Fwd: Undelivered Mail Returned to Sender";
    g_assert_true (ba_notice_is_bounce (ctx, &in));
    in.subject = "Hello";
    in.from = "Mail Delivery System <MAILER-DAEMON@mx.example.net>";
    g_assert_true (ba_notice_is_bounce (ctx, &in));
    in.from = "Anna <anna@shop.example>";
    in.failed_header = TRUE;
    g_assert_true (ba_notice_is_bounce (ctx, &in));
}

static void
test_addresses (void)
{
    char *s;
    g_assert_true (ba_notice_usable_address ("kim@partner.example"));
    g_assert_true (ba_notice_usable_address ("root@localhost"));
    g_assert_false (ba_notice_usable_address ("|/usr/bin/procmail"));
    g_assert_false (ba_notice_usable_address ("/var/mail/kim"));
    g_assert_false (ba_notice_usable_address ("@mx.partner.example"));
    g_assert_false (ba_notice_usable_address ("@a.example,@b.example:kim@c.example"));
    g_assert_false (ba_notice_usable_address (""));
    g_assert_false (ba_notice_usable_address (NULL));
    s = ba_notice_strip_route ("@a.example,@b.example:kim@c.example");
    g_assert_cmpstr (s, ==, "kim@c.example");
    g_free (s);
    s = ba_notice_strip_route ("<kim@c.example>");
    g_assert_cmpstr (s, ==, "kim@c.example");
    g_free (s);
}

/* Hostile: a list of thousands of addresses is cut at the bound, a
 * megabyte line is read in bounded time, and text with no address gives
 * none. */
static void
test_bounds (void)
{
    GString *big = g_string_new ("The following addresses had permanent fatal errors\n");
    GPtrArray *got;
    for (int i = 0; i < 20000; i++)
        g_string_append_printf (big, "u%d@many.example\n", i);
    got = read_notice (big->str, NULL);
    g_assert_cmpuint (got->len, <=, 100);
    g_ptr_array_unref (got);
    g_string_truncate (big, 0);
    g_string_append (big, "Delivery to the following recipients failed:\n\n");
    for (int i = 0; i < 1000000; i++)
        g_string_append_c (big, i % 64 ? 'a' : '@');
    got = read_notice (big->str, NULL);
    g_ptr_array_unref (got);
    got = read_notice ("The following addresses had permanent fatal errors\n\nnobody here\n", NULL);
    g_assert_cmpuint (got->len, ==, 0);
    g_ptr_array_unref (got);
    g_string_free (big, TRUE);
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
    for (guint i = 0; i < errors->len; i++) {
        ba_rule_error *e = g_ptr_array_index (errors, i);
        g_printerr ("%s:%d: %s\n", e->file, e->line, e->message);
    }
    g_assert_cmpuint (errors->len, ==, 0);
    ctx = ba_context_new (set);

    g_test_add_func ("/notice/heading-list", test_heading_list);
    g_test_add_func ("/notice/original-not-read", test_original_not_read);
    g_test_add_func ("/notice/crlf-and-bare-cr", test_crlf_and_bare_cr);
    g_test_add_func ("/notice/quoted", test_quoted);
    g_test_add_func ("/notice/rewrapped-indented", test_rewrapped_indented);
    g_test_add_func ("/notice/exim-layout", test_exim_layout);
    g_test_add_func ("/notice/line-fields", test_line_fields);
    g_test_add_func ("/notice/not-failed", test_not_failed);
    g_test_add_func ("/notice/alias", test_alias);
    g_test_add_func ("/notice/delay-action", test_delay_action);
    g_test_add_func ("/notice/is-bounce", test_is_bounce);
    g_test_add_func ("/notice/addresses", test_addresses);
    g_test_add_func ("/notice/bounds", test_bounds);
    rc = g_test_run ();
    ba_context_free (ctx);
    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
    return rc;
}
