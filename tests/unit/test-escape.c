/* Unit tests: the CSV cell and the terminal text (ba_safe_text). */
#include "escape.h"
#include "emit.h"

#include <string.h>

static char *
cell (const char *s)
{
    GString *line = g_string_new (NULL);
    ba_csv_cell (line, s);
    return g_string_free (line, FALSE);
}

static void
test_csv_quoting (void)
{
    static const struct { const char *in, *out; } cases[] = {
        { "plain", "\"plain\"" },
        { "", "\"\"" },
        { "a,b \"c\"", "\"a,b \"\"c\"\"\"" },
        { "line\r\nbreak\ttab", "\"line  break tab\"" },
        { "\x1b]52;c;eA==\x07" "ok\x1b[2J", "\"]52;c;eA==ok[2J\"" },
        { "a\xc2\x9b" "b\xe2\x80\xae" "c\xe2\x80\xa8" "d", "\"abc d\"" },
        { "\xff" "x", "\"\xef\xbf\xbdx\"" },
        { "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"" },
        { "+1", "\"'+1\"" },
        { "-2+3", "\"'-2+3\"" },
        { "@SUM(A1)", "\"'@SUM(A1)\"" },
        { "\t=1", "\"' =1\"" },
        { "\r=1", "\"' =1\"" },
        { "  =1", "\"'  =1\"" },
        { "\xe2\x80\x8b=1", "\"'=1\"" },                 /* hidden by a zero-width space */
        { "\xef\xbc\x9d" "1", "\"'\xef\xbc\x9d" "1\"" },  /* full-width = */
        { "a=b", "\"a=b\"" },
        { "5.1.1", "\"5.1.1\"" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        char *got = cell (cases[i].in);
        g_assert_cmpstr (got, ==, cases[i].out);
        g_free (got);
    }
}

static void
test_csv_record (void)
{
    GString *line = g_string_new (NULL);
    ba_csv_cell (line, "a");
    ba_csv_cell (line, NULL);
    ba_csv_cell (line, "b");
    g_assert_cmpstr (line->str, ==, "\"a\",,\"b\"");
    g_string_free (line, TRUE);
}

/* No code point that ba_unichar_is_hidden() names survives, in CSV or text. */
static void
test_every_code_point (void)
{
    for (gunichar c = 1; c <= 0x10ffff; c++) {
        char in[8] = { 0 };
        char *csv, *text;
        if (c >= 0xd800 && c < 0xe000)
            continue;
        g_unichar_to_utf8 (c, in);
        csv = cell (in);
        text = ba_safe_text (in);
        if (ba_unichar_is_hidden (c)) {
            g_assert_null (strstr (csv, in));
            g_assert_null (strstr (text, in));
        } else {
            g_assert_nonnull (strstr (csv, in));
            g_assert_cmpstr (text, ==, in);
        }
        g_free (csv);
        g_free (text);
    }
}

static void
test_hidden_set (void)
{
    static const gunichar hidden[] = {
        0x00, 0x07, 0x1b, 0x7f, 0x80, 0x85, 0x9b, 0x9f, 0xad, 0x061c, 0x180e, 0x200b, 0x200d,
        0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202e, 0x2060, 0x2066, 0x2069, 0xfeff,
        0xfff9, 0xe0001, 0xe007f,
    };
    static const gunichar shown[] = { ' ', 'a', '~', 0xa0, 0xe9, 0x2013, 0x20ac, 0x1f4e7 };
    for (guint i = 0; i < G_N_ELEMENTS (hidden); i++)
        g_assert_true (ba_unichar_is_hidden (hidden[i]));
    for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
        g_assert_false (ba_unichar_is_hidden (shown[i]));
}

static void
test_safe_text (void)
{
    static const struct { const char *in, *out; } cases[] = {
        { "user\x1b[31m@example.org", "user?[31m@example.org" },
        { "a\tb\nc\xe2\x80\xa8" "d\xe2\x80\xa9" "e", "a b c d e" },
        { "\xc2\x9b" "2J", "?2J" },
        { "\xe2\x80\xae" "gpj.exe", "gpj.exe" },
        { "x\xe2\x80\x8e\xe2\x80\x8f\xd8\x9cy\xef\xbb\xbf", "xy" },
        { "\xff", "\xef\xbf\xbd" },
        { "caf\xc3\xa9", "caf\xc3\xa9" },
    };
    char *none = ba_safe_text (NULL);
    g_assert_cmpstr (none, ==, "");
    g_free (none);
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        char *got = ba_safe_text (cases[i].in);
        g_assert_cmpstr (got, ==, cases[i].out);
        g_free (got);
    }
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/escape/hidden-set", test_hidden_set);
    g_test_add_func ("/escape/csv-quoting", test_csv_quoting);
    g_test_add_func ("/escape/csv-record", test_csv_record);
    g_test_add_func ("/escape/safe-text", test_safe_text);
    g_test_add_func ("/escape/every-code-point", test_every_code_point);
    return g_test_run ();
}
