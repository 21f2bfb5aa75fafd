/* Unit tests: the multi-literal automaton (pattern-scan.c) answers as
 * strstr does, on chosen and on random texts, and a rule set's families
 * give the same prefilter answers with the automaton as without it. */
#include "pattern-scan.h"
#include "textbounce.h"

#include <string.h>

/* Check every literal's bit against strstr on @text. */
static void
assert_finds_as_strstr (const ba_scanner *sc, const char *const *literals, const char *text)
{
    guint words = ba_scanner_words (sc);
    guint64 *found = g_new0 (guint64, words ? words : 1);
    ba_scanner_find (sc, text, found);
    for (guint i = 0; literals[i]; i++) {
        gboolean bit = found[i >> 6] >> (i & 63) & 1;
        gboolean in = strstr (text, literals[i]) != NULL;
        if (bit != in)
            g_error ("literal \"%s\" in \"%s\": automaton %d, strstr %d", literals[i], text, bit, in);
    }
    g_free (found);
}

static void
test_overlapping_literals (void)
{
    /* suffixes of one another, prefixes of one another, repeats */
    static const char *const lits[] = { "he", "she", "his", "hers", "user unknown", "unknown",
                                        "ser", "aaa", "aab", "mailbox full", "box", "x.y", NULL };
    static const char *const texts[] = {
        "", "ushers", "user unknown", "the user is unknown", "aaaab", "aa", "mailbox ful",
        "mailbox full", "x.y.z", "xy", "h\xc3\xa9 she", "s\nhe", "hishers",
    };
    ba_scanner *sc = ba_scanner_new (lits);
    g_assert_nonnull (sc);
    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
        assert_finds_as_strstr (sc, lits, texts[i]);
    ba_scanner_free (sc);
}

static void
test_no_literals (void)
{
    static const char *const none[] = { NULL };
    ba_scanner *sc = ba_scanner_new (none);
    g_assert_nonnull (sc);
    g_assert_cmpuint (ba_scanner_words (sc), ==, 0);
    ba_scanner_find (sc, "any text at all", NULL);
    ba_scanner_free (sc);
}

/* Random literals over a small alphabet (many overlaps) on random texts. */
static void
test_random (void)
{
    GRand *r = g_rand_new_with_seed (11);
    const char alphabet[] = "abc -.\n\x80\xe9";
    for (int round = 0; round < 200; round++) {
        GPtrArray *lits = g_ptr_array_new_with_free_func (g_free);
        GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
        int n = g_rand_int_range (r, 1, 40);
        for (int i = 0; i < n; i++) {
            int len = g_rand_int_range (r, 1, 7);
            char *l = g_malloc (len + 1);
            for (int k = 0; k < len; k++)
                l[k] = alphabet[g_rand_int_range (r, 0, 6)];   /* literals are ASCII */
            l[len] = '\0';
            if (g_hash_table_contains (seen, l)) {
                g_free (l);
                continue;
            }
            g_hash_table_add (seen, l);
            g_ptr_array_add (lits, l);
        }
        g_ptr_array_add (lits, NULL);
        ba_scanner *sc = ba_scanner_new ((const char *const *) lits->pdata);
        g_assert_nonnull (sc);
        for (int t = 0; t < 20; t++) {
            int len = g_rand_int_range (r, 0, 60);
            char *text = g_malloc (len + 1);
            for (int k = 0; k < len; k++)
                text[k] = alphabet[g_rand_int_range (r, 0, sizeof alphabet - 1)];
            text[len] = '\0';
            assert_finds_as_strstr (sc, (const char *const *) lits->pdata, text);
            g_free (text);
        }
        ba_scanner_free (sc);
        g_hash_table_unref (seen);
        g_ptr_array_unref (lits);
    }
    g_rand_free (r);
}

/* More states than 16-bit state numbers hold: no automaton, not a wrong one. */
static void
test_too_big (void)
{
    GPtrArray *lits = g_ptr_array_new_with_free_func (g_free);
    for (int i = 0; i < 3000; i++)
        g_ptr_array_add (lits, g_strdup_printf ("literal number %08d is long", i * 7919));
    g_ptr_array_add (lits, NULL);
    g_assert_null (ba_scanner_new ((const char *const *) lits->pdata));
    g_ptr_array_unref (lits);
}

/* The shipped rules' prefilter: the same answer for every rule pattern on
 * texts, during the warm-up (strstr) and after (automaton). */
static void
test_rules_family (void)
{
    static const char *const texts[] = {
        "550 5.1.1 <someone@example.org>: recipient address rejected: user unknown in virtual mailbox table",
        "452 4.2.2 the email account that you tried to reach is over quota",
        "554 5.7.1 service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org",
        "", "x", "mailbox full", "553 sorry, that domain isn't in my list of allowed rcpthosts",
    };
    ba_ruleset *set = ba_ruleset_load (BA_TEST_RULES_DIR, NULL, NULL);
    ba_context *ctx = ba_context_new (set);
    guint probed = 0;
    g_assert_nonnull (set);
    for (int pass = 0; pass < 3; pass++)
        for (guint t = 0; t < G_N_ELEMENTS (texts); t++) {
            char *lower = ba_lower_dup (texts[t], strlen (texts[t]));
            ba_text_scan scan, probe;
            ba_text_scan_init (&scan, ctx, BA_SCAN_RULES, lower);
            ba_text_scan_init_probe (&probe, lower);
            if (pass == 2)
                g_assert_nonnull (scan.scanner);    /* past the warm-up */
            for (guint i = 0; i < set->rules->len; i++) {
                const ba_rule *r = g_ptr_array_index (set->rules, i);
                for (guint j = 0; j < r->patterns->len; j++) {
                    const ba_pattern *p = g_ptr_array_index (r->patterns, j);
                    g_assert_cmpint (ba_text_may_match (&scan, p), ==, ba_text_may_match (&probe, p));
                    probed++;
                }
            }
            ba_text_scan_clear (&scan);
            g_free (lower);
        }
    g_assert_cmpuint (probed, >, 0);
    ba_context_free (ctx);
    ba_ruleset_free (set);
}

/* Line queries: a literal outside the line is not in it. */
static void
test_lines (void)
{
    ba_ruleset *set = ba_ruleset_load (BA_TEST_RULES_DIR, NULL, NULL);
    ba_context *ctx = ba_context_new (set);
    /* long enough that the automaton is used at once */
    GString *text = g_string_new (NULL);
    while (text->len < 4096)
        g_string_append (text, "<someone@example.org>: host mx.example.org said: 550 user unknown\n"
                               "reporting-mta: dns; mx.example.org\n\n");
    char *lower = ba_lower_dup (text->str, text->len);
    ba_text_scan scan, probe;
    ba_text_scan_init (&scan, ctx, BA_SCAN_NOTICE, lower);
    ba_text_scan_init_probe (&probe, lower);
    g_assert_nonnull (scan.scanner);
    for (guint i = 0; i < set->formats->len; i++) {
        const ba_format *f = g_ptr_array_index (set->formats, i);
        for (guint j = 0; j < f->recipient->len; j++) {
            const ba_pattern *p = g_ptr_array_index (f->recipient, j);
            for (gsize pos = 0; pos < 200; pos += 30)
                g_assert_cmpint (ba_text_may_match_in (&scan, p, pos, 30), ==,
                                 ba_text_may_match_in (&probe, p, pos, 30));
        }
    }
    ba_text_scan_clear (&scan);
    g_free (lower);
    g_string_free (text, TRUE);
    ba_context_free (ctx);
    ba_ruleset_free (set);
}

/* Eight bytes at a time lowers as one at a time does, every byte value. */
static void
test_lower_dup (void)
{
    char all[256 * 9];
    for (int i = 0; i < (int) sizeof all; i++)
        all[i] = (char) ((i * 7 + i / 256) & 0xff);
    for (gsize len = 0; len < 40; len++)
        for (gsize off = 0; off + len <= sizeof all; off += 37) {
            char *got = ba_lower_dup (all + off, len);
            for (gsize k = 0; k < len; k++)
                g_assert_cmpint (got[k], ==, g_ascii_tolower (all[off + k]));
            g_assert_cmpint (got[len], ==, 0);
            g_free (got);
        }
    char *whole = ba_lower_dup (all, sizeof all);
    for (gsize k = 0; k < sizeof all; k++)
        g_assert_cmpint (whole[k], ==, g_ascii_tolower (all[k]));
    g_free (whole);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/scan/overlapping", test_overlapping_literals);
    g_test_add_func ("/scan/no-literals", test_no_literals);
    g_test_add_func ("/scan/random", test_random);
    g_test_add_func ("/scan/too-big", test_too_big);
    g_test_add_func ("/scan/rules-family", test_rules_family);
    g_test_add_func ("/scan/lines", test_lines);
    g_test_add_func ("/scan/lower-dup", test_lower_dup);
    return g_test_run ();
}
