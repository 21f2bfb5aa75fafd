/* Unit tests: the notice readings (reading.c): quoting, indentation and
 * lines broken by a composer undone; what must stay as written stays. */
#include "reading.h"

#include <string.h>

static void
check_unwrap (const char *in, const char *want)
{
    char *got = ba_reading_unwrap (in);
    g_assert_cmpstr (got ? got : in, ==, want);
    g_free (got);
}

static void
check_reflow (const char *in, gboolean cautious, const char *want)
{
    char *got = ba_reading_reflow (in, cautious ? BA_REFLOW_KEEP_ENDS : BA_REFLOW_GREEDY);
    g_assert_cmpstr (got ? got : in, ==, want);
    g_free (got);
}

static void
test_dequote (void)
{
    check_unwrap ("fwd:\n> a\n>\n> b: c\n", "fwd:\na\n\nb: c\n");
    /* forwarded twice: quoted twice */
    check_unwrap ("fwd:\n> > a\n> >\n> > b\n", "fwd:\na\n\nb\n");
    /* two quoted lines are a quotation, not a forwarded notice */
    check_unwrap ("x\n> a\n> b\ny\n", "x\n> a\n> b\ny\n");
    /* Sendmail's transcript is not quoting */
    check_unwrap (">>> RCPT TO:<a@b>\n<<< 550 no\n>>> DATA\n", ">>> RCPT TO:<a@b>\n<<< 550 no\n>>> DATA\n");
}

static void
test_dedent (void)
{
    check_unwrap ("\t  a\n\n\t  b\n\t    c\n", "a\n\nb\n  c\n");
    check_unwrap ("  a\nb\n", "  a\nb\n");
}

static void
test_reflow (void)
{
    /* widths count characters, not bytes, eight bytes at a time too: by
     * bytes (17) the first line would be broken before "abcde" */
    check_reflow ("\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4 \xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\nabcde fghijklmnopqrs\n", FALSE,
                  "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4 \xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\nabcde fghijklmnopqrs\n");
    /* the break a composer made at its width is joined */
    check_reflow ("There was an error delivering your mail to\n<a@example.org>.\n", FALSE,
                  "There was an error delivering your mail to <a@example.org>.\n");
    /* a short line followed by one that fits is a line of its own */
    check_reflow ("Recipients:\na@example.org\n", FALSE, "Recipients:\na@example.org\n");
    /* fields, replies after replies and list items stay lines */
    check_reflow ("A long line of prose that ends here\nStatus: 5.1.1\n", FALSE,
                  "A long line of prose that ends here\nStatus: 5.1.1\n");
    check_reflow ("<<< 550 <a@example.org>... User unknown\n550 <a@example.org>... User unknown\n", FALSE,
                  "<<< 550 <a@example.org>... User unknown\n550 <a@example.org>... User unknown\n");
    check_reflow ("a@example.jp: 550 5.2.2 <a@example.jp>... Mailbox Full\nbb@example.jp: 550 5.1.1 x\n", FALSE,
                  "a@example.jp: 550 5.2.2 <a@example.jp>... Mailbox Full\nbb@example.jp: 550 5.1.1 x\n");
    /* an indented line is a continuation the MTA wrote, not a break */
    check_reflow ("<a@b.example>: host x said: 550 5.1.1\n    unknown user\n", FALSE,
                  "<a@b.example>: host x said: 550 5.1.1\n    unknown user\n");
    /* a banner's closing marks rejoin it */
    check_reflow ("  ----- Transcript of session follows\n-----\n", FALSE,
                  "  ----- Transcript of session follows -----\n");
    /* a banner is whole: what follows it is not its continuation */
    check_reflow ("   ----- Transcript of session follows -----\n<a@example.co.jp>... Deferred: Name server:\n", FALSE,
                  "   ----- Transcript of session follows -----\n<a@example.co.jp>... Deferred: Name server:\n");
    /* cautious: a line that ends a sentence stays */
    check_reflow ("This is the end of a sentence here.\nNext\n", TRUE,
                  "This is the end of a sentence here.\nNext\n");
    check_reflow ("This is the end of a sentence here.\nNext\n", FALSE,
                  "This is the end of a sentence here. Next\n");
}

static void
test_feedback_and_banner (void)
{
    g_assert_cmpint (ba_reading_feedback_offset ("hi\n\nFeedback-Type: abuse\nUser-Agent: x/1\nVersion: 1\n"), ==, 4);
    g_assert_cmpint (ba_reading_feedback_offset ("Feedback-Type: abuse\n\nVersion: 1\n"), ==, -1);
    /* DSN fields pasted as text end where the returned message's header begins */
    const char *dsn = "Reporting-MTA: dns; a.example\n\nFinal-Recipient: rfc822; u@b.example\nAction: failed\n\n"
                      "Received-From-MTA: dns; c.example\n\nReceived: from x\nFrom: a@b.example\n\nbody\n";
    g_assert_cmpuint (ba_reading_fields_len (dsn), ==, strlen (dsn) - strlen ("Received: from x\nFrom: a@b.example\n\nbody\n"));
    g_assert_true (ba_reading_forward_banner ("---------- Forwarded message ---------"));
    g_assert_true (ba_reading_forward_banner ("  -----Original Message-----"));
    g_assert_false (ba_reading_forward_banner ("----- Original message -----"));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/reading/dequote", test_dequote);
    g_test_add_func ("/reading/dedent", test_dedent);
    g_test_add_func ("/reading/reflow", test_reflow);
    g_test_add_func ("/reading/feedback-and-banner", test_feedback_and_banner);
    return g_test_run ();
}
