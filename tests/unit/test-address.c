/* Unit tests: an address unwrapped from the way a field or a notice line wraps it. */
#include "address.h"

#include <string.h>

static void
check (const char *raw, const char *want)
{
    char *got = ba_address_unwrap (raw);
    g_assert_cmpstr (got, ==, want);
    g_free (got);
}

static void
test_wrappings (void)
{
    const char *want = "jo.doe@receiver.example";
    static const char *const raws[] = {
        "jo.doe@receiver.example", "<jo.doe@receiver.example>", "<jo.doe@receiver.example>>",
        "jo.doe@receiver.example>", "\"jo.doe@receiver.example\"", "<<jo.doe@receiver.example>>",
        "mailto:jo.doe@receiver.example", "MAILTO:jo.doe@receiver.example",
        "<mailto:jo.doe@receiver.example>", "jo.doe@receiver.example.", "(jo.doe@receiver.example)",
        "[jo.doe@receiver.example]", "jo.doe@receiver.example,", "  <jo.doe@receiver.example>:  ",
        "'jo.doe@receiver.example'", "<jo.doe@receiver.example>.", "(jo.doe@receiver.example).",
        "\"<jo.doe@receiver.example>\"", "<jo.doe@receiver.example>;", "[<jo.doe@receiver.example>]",
    };
    for (gsize i = 0; i < G_N_ELEMENTS (raws); i++)
        check (raws[i], want);
}

static void
test_kept (void)
{
    /* a quoted local part and a domain literal are the address's own */
    check ("\"jo doe\"@receiver.example", "\"jo doe\"@receiver.example");
    check ("<\"jo doe\"@receiver.example>", "\"jo doe\"@receiver.example");
    check ("jo@[192.0.2.1]", "jo@[192.0.2.1]");
    check ("<jo@[192.0.2.1]>", "jo@[192.0.2.1]");
    check ("[jo@[192.0.2.1]]", "jo@[192.0.2.1]");
    check ("postmaster", "postmaster");
    check ("|/usr/bin/procmail", "|/usr/bin/procmail");
}

static void
test_hostile (void)
{
    g_assert_null (ba_address_unwrap (NULL));
    check ("", "");
    check ("<>", "");
    check ("\"", "");
    check ("<<<<<<<<<<<<<<<<<<<<<<<<a@b.example>>>>>>>>>>>>>>>>>>>>>>>>", "a@b.example");
    char *big = g_strnfill (100000, '<');
    char *got = ba_address_unwrap (big);
    g_assert_cmpstr (got, ==, "");
    g_free (got);
    g_free (big);
}

static void
test_opening (void)
{
    g_assert_cmpuint (ba_address_opening ("<<a@b.example>>", 15), ==, 2);
    g_assert_cmpuint (ba_address_opening ("<mailto:a@b.example>", 20), ==, 8);
    g_assert_cmpuint (ba_address_opening ("(a@b.example)", 13), ==, 1);
    g_assert_cmpuint (ba_address_opening ("a@b.example", 11), ==, 0);
    g_assert_cmpuint (ba_address_opening ("", 0), ==, 0);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/address/wrappings", test_wrappings);
    g_test_add_func ("/address/kept", test_kept);
    g_test_add_func ("/address/hostile", test_hostile);
    g_test_add_func ("/address/opening", test_opening);
    return g_test_run ();
}
