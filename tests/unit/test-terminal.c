/* test-terminal.c - display widths and cuts for the terminal (terminal.c). */
#include "terminal.h"

#include <string.h>

static void
test_width (void)
{
    g_assert_cmpint (terminal_width ("abc"), ==, 3);
    g_assert_cmpint (terminal_width ("宛先"), ==, 4);                /* wide: two columns each */
    g_assert_cmpint (terminal_width ("e\xcc\x81"), ==, 1);          /* e + combining acute */
    g_assert_cmpint (terminal_width (""), ==, 0);
}

static void
test_cut (void)
{
    char *s;

    s = terminal_cut ("abcdef", 6);
    g_assert_cmpstr (s, ==, "abcdef");                             /* fits: unchanged */
    g_free (s);
    s = terminal_cut ("abcdef", 4);
    g_assert_cmpstr (s, ==, "abc\u2026");
    g_free (s);
    /* a wide character that does not fit is left out whole, never split */
    s = terminal_cut ("宛先のメール", 6);
    g_assert_cmpstr (s, ==, "宛先\u2026");
    g_assert_true (g_utf8_validate (s, -1, NULL));
    g_assert_cmpint (terminal_width (s), <=, 6);
    g_free (s);
    s = terminal_cut ("宛先のメール", 7);
    g_assert_cmpstr (s, ==, "宛先の\u2026");
    g_free (s);
    /* a combining mark stays with its letter */
    s = terminal_cut ("ae\xcc\x81xyz", 3);
    g_assert_cmpstr (s, ==, "ae\xcc\x81\u2026");
    g_free (s);
    s = terminal_cut ("abc", 0);
    g_assert_cmpstr (s, ==, "");
    g_free (s);
}

static void
test_pad (void)
{
    GString *out = g_string_new (NULL);
    terminal_pad (out, "宛先", 6);
    g_assert_cmpstr (out->str, ==, "宛先  ");
    g_string_truncate (out, 0);
    terminal_pad (out, "abcdefgh", 5);
    g_assert_cmpstr (out->str, ==, "abcd\u2026");
    g_string_free (out, TRUE);
}

static void
test_columns (void)
{
    /* not a terminal: $COLUMNS, else 80; a bad $COLUMNS is ignored */
    g_setenv ("COLUMNS", "123", TRUE);
    g_assert_cmpint (terminal_columns (-1), ==, 123);
    g_setenv ("COLUMNS", "12x", TRUE);
    g_assert_cmpint (terminal_columns (-1), ==, 80);
    g_unsetenv ("COLUMNS");
    g_assert_cmpint (terminal_columns (-1), ==, 80);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/terminal/width", test_width);
    g_test_add_func ("/terminal/cut", test_cut);
    g_test_add_func ("/terminal/pad", test_pad);
    g_test_add_func ("/terminal/columns", test_columns);
    return g_test_run ();
}
