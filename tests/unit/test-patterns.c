/* Unit tests: the static pattern hazard check, PCRE2 limit hits and the
 * per-message matching budget. */
#include "rules.h"
#include "context.h"

#include <string.h>

static void
assert_hazard (const char *regex, gboolean one_line)
{
    char *msg = ba_pattern_hazard (regex, one_line);
    if (!msg)
        g_error ("no hazard reported for %s", regex);
    g_free (msg);
}

static void
assert_clean (const char *regex, gboolean one_line)
{
    char *msg = ba_pattern_hazard (regex, one_line);
    if (msg)
        g_error ("%s: %s", regex, msg);
}

static void
test_hazard_shapes (void)
{
    /* the shape of issue 9: a lazy run, then whitespace up to the end */
    assert_hazard ("(?s)failed:\\n(?<diagnostic>.+?)(?:\\n\\s*\\n---|\\s*\\z)", FALSE);
    assert_hazard ("(?s)details:\\n(?<diagnostic>.+?)\\n\\s*(?:-+ Original|\\z)", FALSE);
    assert_hazard ("x.*.*y", FALSE);
    assert_hazard ("x(?:a|a)*y", FALSE);
    assert_hazard ("x(?:a+)+y", FALSE);
    assert_hazard ("x(?:\\s*)*y", FALSE);
    assert_hazard ("x(?:the |the allowed )*quota", FALSE);
    /* a line start in a notice: every blank line restarts the run */
    assert_hazard ("^\\s*The mail system", FALSE);
    /* an unanchored run: PCRE2 retries it at every position */
    assert_hazard ("[^\\s<>]+@[a-z]+", FALSE);
    /* run, a character both runs take, run ("a@a@a@..." splits at every @) */
    assert_hazard ("^<(?<recipient>[^<>\\s]+@[^<>\\s]+)>:", TRUE);
    assert_hazard ("^To: (?<recipient>[^\\s<>]+?@[^\\s<>]+)>", TRUE);
    assert_hazard ("failed:\\s*\\n\\s*\\n(?<diagnostic>.+)x", FALSE);
}

static void
test_clean_shapes (void)
{
    assert_clean ("^<(?<recipient>[^<>\\s@]+@[^<>\\s]+)>:\\s*(?<diagnostic>.*)$", TRUE);
    assert_clean ("failed:[^\\S\\n]*+\\n(?:[^\\S\\n]*+\\n)++(?<diagnostic>.+)x", FALSE);
    assert_clean ("^[^\\S\\n]*The mail system", FALSE);
    assert_clean ("^\\s{1,4}<?(?<recipient>[^\\s<>@]+@[^\\s<>:]+)>?:?\\s*(?<diagnostic>.*)$", TRUE);
    assert_clean ("\"(?<diagnostic>(?:[^\"\\\\]|\\\\.)*)\"", FALSE);
    assert_clean ("\\bexceed(?:ed|s)? (?:its |his |her |the |your )*quota\\b", FALSE);
    assert_clean ("(?s)failed:\\n(?<diagnostic>[^\\n]*+(?:\\n(?:[^\\S\\n]*+\\n)*+[^\\S\\n]*+\\S[^\\n]*+)*+)", FALSE);
    assert_clean ("<?(?<![^\\s<>])(?<recipient>[^\\s<>]+@[a-z]+)", FALSE);
    /* syntax the check does not know: it says nothing */
    assert_clean ("(a)\\1*\\1*", FALSE);
}

static ba_ruleset *
load_default (void)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set = ba_ruleset_load (BA_TEST_RULES_DIR, NULL, errors);
    for (guint i = 0; i < errors->len; i++) {
        ba_rule_error *e = g_ptr_array_index (errors, i);
        g_error ("%s:%d: %s", e->file, e->line, e->message);
    }
    g_ptr_array_unref (errors);
    g_assert_nonnull (set);
    return set;
}

static gboolean
strv_has (char **v, const char *part)
{
    for (int i = 0; v[i]; i++)
        if (strstr (v[i], part))
            return TRUE;
    return FALSE;
}

static void
test_limit_hit_recorded (void)
{
    ba_ruleset *set = load_default ();
    ba_context *ctx = ba_context_new (set);
    char *msg = NULL;
    ba_pattern *p = ba_pattern_compile ("^(?:a+)+$", &msg);
    char text[64], **w;

    g_assert_nonnull (p);
    ba_pattern_set_origin (p, "test.rules", 7);
    memset (text, 'a', sizeof text - 2);
    text[sizeof text - 2] = '!';
    text[sizeof text - 1] = '\0';
    ba_context_begin (ctx);
    g_assert_false (ba_match (ctx, p, text, strlen (text), 0));
    g_assert_cmpint (ctx->last_error, !=, 0);
    w = ba_context_warnings (ctx);
    g_assert_true (strv_has (w, "test.rules:7"));
    g_assert_true (strv_has (w, "limit"));
    g_strfreev (w);
    /* a new message starts without the old hits */
    ba_context_begin (ctx);
    w = ba_context_warnings (ctx);
    g_assert_null (w[0]);
    g_strfreev (w);
    ba_pattern_free (p);
    ba_context_free (ctx);
    ba_ruleset_free (set);
}

static void
test_budget (void)
{
    ba_ruleset *set = load_default ();
    ba_context *ctx = ba_context_new (set);
    char *msg = NULL;
    ba_pattern *p = ba_pattern_compile ("user unknown", &msg);
    const char *text = "550 user unknown";
    char **w;

    ba_context_set_budget (ctx, 40, 0);
    ba_context_begin (ctx);
    g_assert_true (ba_match (ctx, p, text, strlen (text), 0));
    g_assert_true (ba_match (ctx, p, text, strlen (text), 0));
    g_assert_true (ba_match (ctx, p, text, strlen (text), 0));
    /* three matches read 48 bytes, past 40: every later match fails */
    g_assert_false (ba_match (ctx, p, text, strlen (text), 0));
    g_assert_true (ba_context_exhausted (ctx));
    g_assert_false (ba_match (ctx, p, text, strlen (text), 0));
    w = ba_context_warnings (ctx);
    g_assert_true (strv_has (w, "budget used up"));
    g_strfreev (w);
    ba_context_begin (ctx);
    g_assert_false (ba_context_exhausted (ctx));
    g_assert_true (ba_match (ctx, p, text, strlen (text), 0));

    /* classify: the budget used up skips the rules, and the trace says so */
    {
        ba_recipient r = { 0 };
        GPtrArray *trace = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_trace_step_free);
        gboolean said = FALSE;
        ba_context_set_budget (ctx, 1, 0);
        ba_context_begin (ctx);
        r.diagnostic = g_strdup ("550 5.1.1 <someone@example.net>: user unknown");
        r.status = g_strdup ("5.1.1");
        ba_classify (ctx, &r, NULL, trace);
        /* no pattern rule ran; the rules on the status alone still decide */
        g_assert_cmpstr (r.reason, ==, "userunknown");
        g_assert_nonnull (r.rule);
        g_assert_true (g_str_has_prefix (r.rule, "status-"));
        for (guint i = 0; i < trace->len; i++)
            if (!((ba_trace_step *) g_ptr_array_index (trace, i))->matched)
                said = TRUE;
        g_assert_true (said);
        g_ptr_array_unref (trace);
        g_free (r.diagnostic);
        g_free (r.rule);
        g_free (r.status);
        g_free (r.advice);
        g_free (r.dnsbl);
        g_free (r.listed);
        if (r.captures)
            g_ptr_array_unref (r.captures);
    }
    ba_pattern_free (p);
    ba_context_free (ctx);
    ba_ruleset_free (set);
}

static void
test_budget_outside_message (void)
{
    ba_ruleset *set = load_default ();
    ba_context *ctx = ba_context_new (set);
    char *msg = NULL;
    ba_pattern *p = ba_pattern_compile ("unknown", &msg);

    /* a context never begun (reclassify's loop) has no message budget */
    ba_context_set_budget (ctx, 1, 0);
    for (int i = 0; i < 100; i++)
        g_assert_true (ba_match (ctx, p, "user unknown", 12, 0));
    /* nor has one whose message ended within its budget */
    ba_context_set_budget (ctx, 100, 0);
    ba_context_begin (ctx);
    g_assert_true (ba_match (ctx, p, "user unknown", 12, 0));
    ba_context_end (ctx);
    for (int i = 0; i < 100; i++)
        g_assert_true (ba_match (ctx, p, "user unknown", 12, 0));
    /* but one whose message used it up stays used up, as explain must show */
    ba_context_begin (ctx);
    for (int i = 0; i < 20; i++)
        ba_match (ctx, p, "user unknown", 12, 0);
    g_assert_true (ba_context_exhausted (ctx));
    ba_context_end (ctx);
    g_assert_false (ba_match (ctx, p, "user unknown", 12, 0));
    ba_pattern_free (p);
    ba_context_free (ctx);
    ba_ruleset_free (set);
}

/* A shipped pattern is compiled on first use: its groups are read from
 * its source at load, and a match holds all its groups however many the
 * set had at load. */
static void
test_lazy_compile (void)
{
    ba_ruleset *set = load_default ();
    ba_context *ctx = ba_context_new (set);
    GString *re = g_string_new (NULL), *text = g_string_new (NULL);
    ba_pattern *p;
    char *last;

    for (int i = 0; i < 40; i++) {
        g_string_append_printf (re, "(w%d) ", i);
        g_string_append_printf (text, "w%d ", i);
    }
    g_string_append (re, "(?<last>end)");
    g_string_append (text, "end");
    p = ba_pattern_new_lazy (re->str);
    g_assert_null (p->code);
    g_assert_true (ba_pattern_has_group (p, "last"));
    g_assert_null (p->code);
    /* a "no" from the source is confirmed by compiling it */
    g_assert_false (ba_pattern_has_group (p, "first"));
    g_assert_nonnull (p->code);
    g_assert_cmpuint (p->captures, ==, 41);
    g_assert_cmpuint (p->captures + 1, >, set->max_captures);
    ba_context_begin (ctx);
    g_assert_true (ba_match (ctx, p, text->str, text->len, 0));
    last = ba_match_group (ctx, p, text->str, "last");
    g_assert_cmpstr (last, ==, "end");
    g_free (last);
    ba_pattern_free (p);
    g_string_free (re, TRUE);
    g_string_free (text, TRUE);
    ba_context_free (ctx);
    ba_ruleset_free (set);
}

/* One that does not compile counts as no match, and says so on each
 * message that meets it. */
static void
test_lazy_broken (void)
{
    ba_ruleset *set = load_default ();
    ba_context *ctx = ba_context_new (set);
    ba_pattern *p = ba_pattern_new_lazy ("user (unknown");
    char **w;

    ba_pattern_set_origin (p, "shipped.rules", 3);
    ba_context_begin (ctx);
    g_assert_false (ba_match (ctx, p, "user unknown", 12, 0));
    g_assert_false (ba_match (ctx, p, "user unknown", 12, 0));
    g_assert_null (ba_match_group (ctx, p, "user unknown", "x"));
    w = ba_context_warnings (ctx);
    g_assert_true (strv_has (w, "shipped.rules:3 does not compile (bad pattern at offset"));
    g_strfreev (w);
    ba_pattern_free (p);
    ba_context_free (ctx);
    ba_ruleset_free (set);
}

typedef struct {
    const ba_ruleset *set;
    const ba_pattern *p;
    gint matched;
} lazy_race;

static gpointer
lazy_race_thread (gpointer data)
{
    lazy_race *race = data;
    ba_context *ctx = ba_context_new (race->set);
    ba_context_begin (ctx);
    if (ba_match (ctx, race->p, "550 5.1.1 <a@b.example>: user unknown", 37, 0))
        g_atomic_int_inc (&race->matched);
    ba_context_free (ctx);
    return NULL;
}

/* Threads meeting a pattern first at once compile it once, and all match. */
static void
test_lazy_threads (void)
{
    ba_ruleset *set = load_default ();
    lazy_race race = { set, ba_pattern_new_lazy ("<(?<recipient>[^>]+)>:\\s+user unknown"), 0 };
    GThread *threads[8];

    for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("lazy", lazy_race_thread, &race);
    for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        g_thread_join (threads[i]);
    g_assert_cmpint (race.matched, ==, G_N_ELEMENTS (threads));
    ba_pattern_free ((ba_pattern *) race.p);
    ba_ruleset_free (set);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/patterns/hazard", test_hazard_shapes);
    g_test_add_func ("/patterns/clean", test_clean_shapes);
    g_test_add_func ("/patterns/limit-hit", test_limit_hit_recorded);
    g_test_add_func ("/patterns/budget", test_budget);
    g_test_add_func ("/patterns/budget-outside-a-message", test_budget_outside_message);
    g_test_add_func ("/patterns/lazy-compile", test_lazy_compile);
    g_test_add_func ("/patterns/lazy-broken", test_lazy_broken);
    g_test_add_func ("/patterns/lazy-threads", test_lazy_threads);
    return g_test_run ();
}
