/* Unit tests: completing a bare mailbox name from the returned message. */
#include "mailbox-name.h"

#include <gmime/gmime.h>

static void
test_plausible (void)
{
    g_assert_true (ba_mailbox_name_plausible ("jmueller"));
    g_assert_true (ba_mailbox_name_plausible ("GardenFan77"));
    g_assert_false (ba_mailbox_name_plausible (""));
    g_assert_false (ba_mailbox_name_plausible ("a b"));
    g_assert_false (ba_mailbox_name_plausible ("|/bin/sh"));
    g_assert_false (ba_mailbox_name_plausible ("/etc/passwd"));
    g_assert_false (ba_mailbox_name_plausible (".dot"));
    g_assert_false (ba_mailbox_name_plausible ("x@example.com"));
    g_assert_false (ba_mailbox_name_plausible ("0123456789012345678901234567890123456789012345678901234567890123456789"));
}

static void
test_complete (void)
{
    const char *orig =
        "\n\nFrom: Bob <bob@shop.example>\n"
        "To: Jonas Mueller <JMueller@cityhall.example>,\n"
        "  Other <other@elsewhere.example>\n"
        "Cc: team: pwalsh@college.example;\n"
        "Subject: To: jdoe@wrong.example\n"
        "\n"
        "To: late@body.example\n";
    char *a;

    a = ba_mailbox_name_complete ("jmueller", orig, NULL);
    g_assert_cmpstr (a, ==, "JMueller@cityhall.example");
    g_free (a);
    /* a folded line continues the field */
    a = ba_mailbox_name_complete ("other", orig, NULL);
    g_assert_cmpstr (a, ==, "other@elsewhere.example");
    g_free (a);
    /* a group's members count */
    a = ba_mailbox_name_complete ("PWalsh", orig, NULL);
    g_assert_cmpstr (a, ==, "pwalsh@college.example");
    g_free (a);
    /* not the Subject, not the body */
    g_assert_null (ba_mailbox_name_complete ("jdoe", orig, NULL));
    g_assert_null (ba_mailbox_name_complete ("late", orig, NULL));
    /* else the domain given, if any */
    a = ba_mailbox_name_complete ("late", orig, "aol.example");
    g_assert_cmpstr (a, ==, "late@aol.example");
    g_free (a);
    g_assert_null (ba_mailbox_name_complete ("late", NULL, "bad domain"));
    g_assert_null (ba_mailbox_name_complete ("|prog", orig, "aol.example"));
}

static void
test_display_name (void)
{
    const char *orig =
        "To: \"John  Doe\" <jdoe@lawfirm.example>, Kat Lee <kat@lawfirm.example>\n"
        "Subject: x\n\n";
    char *a;

    g_assert_true (ba_display_name_plausible ("John Doe"));
    g_assert_true (ba_display_name_plausible ("Doe, John"));
    g_assert_false (ba_display_name_plausible ("jdoe"));
    g_assert_false (ba_display_name_plausible ("John <x>"));
    g_assert_false (ba_display_name_plausible ("  "));
    a = ba_mailbox_name_complete ("john doe", orig, NULL);
    g_assert_cmpstr (a, ==, "jdoe@lawfirm.example");
    g_free (a);
    a = ba_mailbox_name_complete ("Lee, Kat", orig, NULL);
    g_assert_cmpstr (a, ==, "kat@lawfirm.example");
    g_free (a);
    /* a display name never gets the domain appended */
    g_assert_null (ba_mailbox_name_complete ("Jane Roe", orig, "lawfirm.example"));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_mime_init ();
    g_test_add_func ("/mailbox-name/plausible", test_plausible);
    g_test_add_func ("/mailbox-name/complete", test_complete);
    g_test_add_func ("/mailbox-name/display-name", test_display_name);
    return g_test_run ();
}
