/* Unit tests: the JSON sprinter and escaper. */
#include "sprinter.h"
#include "escape.h"

#include <string.h>

static void
test_quote (void)
{
    GString *s = g_string_new (NULL);
    json_quote (s, "a\"b\\c\n\x01\x7f\xe2\x80\xa8\xff");
    g_assert_cmpstr (s->str, ==, "\"a\\\"b\\\\c\\n\\u0001\\u007f\\u2028\xef\xbf\xbd\"");
    g_string_free (s, TRUE);
}

/* Every hidden character is escaped, none reaches the output raw. */
static void
test_quote_hidden (void)
{
    static const struct { const char *in, *out; } cases[] = {
        { "\x1b]52;c;eA==\x07", "\"\\u001b]52;c;eA==\\u0007\"" },     /* OSC 52, BEL */
        { "\b\f\x0b", "\"\\b\\f\\u000b\"" },
        { "a\xc2\x85" "b\xc2\x9b" "c", "\"a\\u0085b\\u009bc\"" },       /* C1: NEL, CSI */
        { "\xe2\x80\xae" "gpj.exe", "\"\\u202egpj.exe\"" },           /* RLO */
        { "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\"\\u200e\\u200f\\u061c\"" },
        { "\xe2\x81\xa6x\xe2\x81\xa9", "\"\\u2066x\\u2069\"" },       /* LRI, PDI */
        { "\xef\xbb\xbfz\xe2\x80\x8b", "\"\\ufeffz\\u200b\"" },       /* BOM, ZWSP */
        { "\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"" },
        { "\xf3\xa0\x81\x81", "\"\\udb40\\udc41\"" },               /* TAG LATIN CAPITAL A */
        { "\xc2\x9b" "\x80\xc0\xaf", "\"\\u009b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7\"" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        GString *s = g_string_new (NULL);
        json_quote (s, cases[i].in);
        g_assert_cmpstr (s->str, ==, cases[i].out);
        g_assert_true (g_utf8_validate (s->str, -1, NULL));
        g_string_free (s, TRUE);
    }
}

/* Whatever the bytes, the output is valid UTF-8 holding no control and
 * no format character: checked over every one- and two-byte string. */
static void
test_quote_exhaustive (void)
{
    char in[3] = { 0 };
    for (int a = 1; a < 256; a++)
        for (int b = 0; b < 256; b++) {
            GString *s = g_string_new (NULL);
            in[0] = (char) a;
            in[1] = (char) b;
            json_quote (s, in);
            g_assert_true (g_utf8_validate (s->str, -1, NULL));
            for (const char *p = s->str; *p; p = g_utf8_next_char (p)) {
                gunichar c = g_utf8_get_char (p);
                g_assert_true (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0));
                g_assert_cmpint (g_unichar_type (c), !=, G_UNICODE_FORMAT);
            }
            g_string_free (s, TRUE);
        }
}

/* Every code point: a hidden one comes out escaped, any other raw. */
static void
test_quote_every_code_point (void)
{
    GString *s = g_string_new (NULL);
    for (gunichar c = 1; c <= 0x10ffff; c++) {
        char in[8] = { 0 };
        if (c >= 0xd800 && c < 0xe000)
            continue;
        g_unichar_to_utf8 (c, in);
        g_string_truncate (s, 0);
        json_quote (s, in);
        if (ba_unichar_is_hidden (c) || c == '"' || c == '\\')
            g_assert_true (s->str[1] == '\\');
        else
            g_assert_cmpmem (s->str + 1, s->len - 2, in, strlen (in));
    }
    g_string_free (s, TRUE);
}

static void
test_nesting (void)
{
    GString *s = g_string_new (NULL);
    sprinter *sp = sprinter_json_new_string (s);
    sp->begin_map (sp);
    sp->map_key (sp, "a");
    sp->integer (sp, 1);
    sp->map_key (sp, "b");
    sp->begin_list (sp);
    sp->string (sp, "x");
    sp->null (sp);
    sp->boolean (sp, TRUE);
    sp->end (sp);
    sp->map_key (sp, "c");
    sp->begin_map (sp);
    sp->end (sp);
    sp->end (sp);
    sp->free (sp);
    g_assert_cmpstr (s->str, ==, "{\"a\":1,\"b\":[\"x\",null,true],\"c\":{}}");
    g_string_free (s, TRUE);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/json/quote", test_quote);
    g_test_add_func ("/json/quote-hidden", test_quote_hidden);
    g_test_add_func ("/json/quote-exhaustive", test_quote_exhaustive);
    g_test_add_func ("/json/quote-every-code-point", test_quote_every_code_point);
    g_test_add_func ("/json/nesting", test_nesting);
    return g_test_run ();
}
