/* Unit tests: the JSON sprinter and escaper. */
#include "sprinter.h"

static void
test_quote (void)
{
    GString *s = g_string_new (NULL);
    json_quote (s, "a\"b\\c\n\x01\x7f\xe2\x80\xa8\xff");
    g_assert_cmpstr (s->str, ==, "\"a\\\"b\\\\c\\n\\u0001\\u007f\\u2028\xef\xbf\xbd\"");
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
    g_test_add_func ("/json/nesting", test_nesting);
    return g_test_run ();
}
