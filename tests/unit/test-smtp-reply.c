/* Unit tests: the lines of a multi-line SMTP reply as notices quote them. */
#include "smtp-reply.h"

static const char *const whole =
    "550-5.1.1 The account does not exist. Please try 550-5.1.1 double-checking the"
    " address 550 5.1.1 https://help.example/NoSuchUser - gsmtp";

static void
test_lines (void)
{
    g_assert_cmpint (ba_reply_continued ("550-5.1.1 The account"), ==, 550);
    g_assert_cmpint (ba_reply_continued ("550 5.1.1 The account"), ==, 0);
    g_assert_cmpint (ba_reply_continued ("250-SIZE"), ==, 0);
    g_assert_cmpint (ba_reply_continued (""), ==, 0);
    g_assert_cmpint (ba_reply_continued (NULL), ==, 0);
    g_assert_true (ba_reply_continues ("550-5.1.1 more", 550));
    g_assert_true (ba_reply_continues ("550 5.1.1 last", 550));
    g_assert_false (ba_reply_continues ("451 4.3.0 other", 550));
    g_assert_false (ba_reply_continues ("55", 550));
}

static void
test_cut (void)
{
    gsize s, n;
    g_assert_true (ba_reply_cut ("(reason: 550-5.1.1 The account does not exist. Please try)", &s, &n));
    g_assert_cmpuint (s, ==, 9);
    g_assert_cmpuint (n, ==, 48);
    g_assert_true (ba_reply_cut ("SMTP; 550-5.1.1 The account does not exist. Please try", &s, &n));
    /* a reply with its other lines is whole; one without continuation is no cut */
    g_assert_false (ba_reply_cut (whole, &s, &n));
    g_assert_false (ba_reply_cut ("550 5.1.1 User unknown", &s, &n));
    g_assert_false (ba_reply_cut ("(reason: 550-)", &s, &n));
    g_assert_false (ba_reply_cut (NULL, &s, &n));
}

static void
test_completing (void)
{
    const char *cut = "(reason: 550-5.1.1 The account does not exist. Please try)";
    g_assert_true (ba_reply_completing (cut, whole) == whole);
    g_assert_null (ba_reply_completing (cut, "550 5.1.1 User unknown"));
    g_assert_null (ba_reply_completing (cut, "550-5.1.1 The account does not exist. Please try"));
    g_assert_null (ba_reply_completing (whole, whole));
    g_assert_null (ba_reply_completing (cut, NULL));
    /* at the start only */
    g_assert_true (ba_reply_goes_on (whole, cut + 9, 48));
    g_assert_false (ba_reply_goes_on (whole + 1, cut + 9, 48));
    g_assert_false (ba_reply_goes_on ("550-5.1.1 The account does not exist. Please try", cut + 9, 48));
    g_assert_false (ba_reply_goes_on (NULL, cut + 9, 48));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/smtp-reply/lines", test_lines);
    g_test_add_func ("/smtp-reply/cut", test_cut);
    g_test_add_func ("/smtp-reply/completing", test_completing);
    return g_test_run ();
}
