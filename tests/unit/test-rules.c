/* Unit tests: rule loading, checking and classification. */
#include "rules.h"
#include "context.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;

static void
put (const char *name, const char *text)
{
    char *p = g_build_filename (dir, name, NULL);
    g_assert_true (g_file_set_contents (p, text, -1, NULL));
    g_free (p);
}

static const char *reasons =
    "[userunknown]\nhard = true\nfault = sender\nstatus = 5.1.1\n"
    "[blocked]\nhard = false\nfault = sending-system\nstatus = 5.7.1\n"
    "[rejected]\nhard = false\n[notaccept]\nhard = permanent\n";

static const char *rules =
    "# test rules\n"
    "[user-unknown]\n"
    "description = no such user\n"
    "reason = userunknown\n"
    "pattern = \\buser unknown\\b\n"
    "pattern = no such (?:user|mailbox)\n"
    "\n"
    "[blocked-using]\n"
    "description = DNSBL\n"
    "reason = blocked\n"
    "priority = 70\n"
    "pattern = blocked using (?<dnsbl>[a-z0-9.-]+[a-z])\n"
    "\n"
    "[only-5xx]\n"
    "description = a status condition\n"
    "reason = rejected\n"
    "priority = 60\n"
    "status = 5.*\n"
    "pattern = go away\n"
    "\n"
    "[null-mx]\n"
    "description = fallback on status\n"
    "reason = notaccept\n"
    "priority = 5\n"
    "status = 5.1.10 4.1.10\n";

static ba_ruleset *
load (const char *const *site, GPtrArray *errors)
{
    return ba_ruleset_load (dir, site, errors);
}

static ba_recipient *
classify (ba_ruleset *set, const char *text, const char *status)
{
    ba_context *ctx = ba_context_new (set);
    ba_recipient *r = g_new0 (ba_recipient, 1);
    r->diagnostic = g_strdup (text);
    r->status = g_strdup (status);
    ba_classify (ctx, r, NULL, NULL);
    ba_context_free (ctx);
    return r;
}

static void
recipient_clear (ba_recipient *r)
{
    g_free (r->diagnostic);
    g_free (r->status);
    g_free (r->rule);
    g_free (r->dnsbl);
    g_free (r->listed);
    g_free (r->advice);
    if (r->captures)
        g_ptr_array_unref (r->captures);
    g_free (r);
}

static void
test_classify (void)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set = load (NULL, errors);
    ba_recipient *r;

    g_assert_cmpuint (errors->len, ==, 0);
    g_assert_cmpuint (ba_ruleset_n_rules (set), ==, 4);

    r = classify (set, "550 5.1.1 <a@b>... User unknown", "5.1.1");
    g_assert_cmpstr (r->reason, ==, "userunknown");
    g_assert_cmpstr (r->rule, ==, "user-unknown");
    g_assert_true (r->hard);
    g_assert_cmpstr (r->fault, ==, "sender");
    recipient_clear (r);

    /* higher priority wins even when a lower rule also matches */
    r = classify (set, "user unknown; also blocked using Zen.Spamhaus.org.", "5.7.1");
    g_assert_cmpstr (r->reason, ==, "blocked");
    g_assert_cmpuint (r->captures->len, ==, 1);
    g_assert_cmpstr (((ba_capture *) g_ptr_array_index (r->captures, 0))->value, ==, "Zen.Spamhaus.org");
    g_assert_cmpstr (r->dnsbl, ==, "zen.spamhaus.org");
    recipient_clear (r);

    /* conditions */
    r = classify (set, "go away", "4.7.1");
    g_assert_cmpstr (r->reason, ==, "undefined");
    recipient_clear (r);
    r = classify (set, "go away", "5.7.1");
    g_assert_cmpstr (r->reason, ==, "rejected");
    recipient_clear (r);

    /* a status-only fallback, and hard = permanent follows the class */
    r = classify (set, "whatever", "5.1.10");
    g_assert_cmpstr (r->reason, ==, "notaccept");
    g_assert_true (r->hard);
    recipient_clear (r);
    r = classify (set, "whatever", "4.1.10");
    g_assert_false (r->hard);
    recipient_clear (r);

    /* nothing decides */
    r = classify (set, "", NULL);
    g_assert_cmpstr (r->reason, ==, "undefined");
    g_assert_null (r->rule);
    recipient_clear (r);

    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
}

static void
test_site_rules (void)
{
    char *site = g_build_filename (dir, "site.local", NULL);
    const char *files[] = { site, NULL };
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set;
    ba_recipient *r;

    g_assert_true (g_file_set_contents (site,
        "[our-gateway]\ndescription = site rule\nreason = rejected\npriority = 1\npattern = user unknown\n"
        "[blocked-using]\ndisabled = true\n", -1, NULL));
    set = load (files, errors);
    g_assert_cmpuint (errors->len, ==, 0);
    r = classify (set, "User unknown", NULL);
    g_assert_cmpstr (r->reason, ==, "rejected");
    g_assert_cmpstr (r->rule, ==, "our-gateway");
    recipient_clear (r);
    /* the disabled default no longer matches */
    r = classify (set, "blocked using zen.spamhaus.org", NULL);
    g_assert_cmpstr (r->reason, ==, "undefined");
    recipient_clear (r);
    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
    g_free (site);
}

static void
test_check_errors (void)
{
    char *bad = g_build_filename (dir, "bad.local", NULL);
    const char *files[] = { bad, NULL };
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set;
    gboolean saw_line4 = FALSE, saw_reason = FALSE, saw_junk = FALSE;

    g_assert_true (g_file_set_contents (bad,
        "[r1]\n"
        "description = broken\n"
        "reason = blocked\n"
        "pattern = (unclosed\n"
        "[r2]\n"
        "reason = nosuchreason\n"
        "pattern = x\n"
        "this line is junk\n", -1, NULL));
    set = load (files, errors);
    g_assert_nonnull (set);
    for (guint i = 0; i < errors->len; i++) {
        ba_rule_error *e = g_ptr_array_index (errors, i);
        g_assert_cmpstr (e->file, ==, bad);
        if (e->line == 4 && strstr (e->message, "pattern"))
            saw_line4 = TRUE;
        if (e->line == 6 && strstr (e->message, "nosuchreason"))
            saw_reason = TRUE;
        if (e->line == 8)
            saw_junk = TRUE;
    }
    g_assert_true (saw_line4);
    g_assert_true (saw_reason);
    g_assert_true (saw_junk);
    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
    g_free (bad);
}

static void
test_literal (void)
{
    char *l;
    l = ba_pattern_required_literal ("\\bblocked using (?<dnsbl>[a-z.]+)");
    g_assert_cmpstr (l, ==, "blocked using ");
    g_free (l);
    g_assert_null (ba_pattern_required_literal ("user unknown|no such user"));
    g_assert_null (ba_pattern_required_literal ("a?b?c?"));
    l = ba_pattern_required_literal ("mailbox(?:es)? (?:is )?full");
    g_assert_cmpstr (l, ==, "mailbox");
    g_free (l);
    l = ba_pattern_required_literal ("over ?quota");
    g_assert_cmpstr (l, ==, "quota");
    g_free (l);
    l = ba_pattern_required_literal ("relay\\.ordb\\.org");
    g_assert_cmpstr (l, ==, "relay.ordb.org");
    g_free (l);
    /* quantifier digits are not text; a char before {0,n} is optional */
    l = ba_pattern_required_literal ("account [a-z]{0,60} disabled");
    g_assert_cmpstr (l, ==, " disabled");
    g_free (l);
    l = ba_pattern_required_literal ("x{2}yzw");
    g_assert_cmpstr (l, ==, "yzw");
    g_free (l);
    /* an optional last char is not required */
    l = ba_pattern_required_literal ("mailboxes?");
    g_assert_cmpstr (l, ==, "mailboxe");
    g_free (l);
}

/* The set as one string, "a|b|c", or NULL. */
static char *
literal_set (const char *regex)
{
    char **set = ba_pattern_literal_set (regex);
    char *joined = set ? g_strjoinv ("|", set) : NULL;
    g_strfreev (set);
    return joined;
}

static void
test_literal_set (void)
{
    static const struct { const char *regex, *set; } cases[] = {
        /* alternatives at the top: one of them is in every match */
        { "user unknown|no such user", "user unknown|no such user" },
        /* an optional space spelled out; the better set of the sequence wins */
        { "\\b(?:mail ?box|inbox) (?:is )?full",
          "mailbox is full|mailbox full|mail box is full|mail box full|inbox is full|inbox full" },
        { "\\b(?:mail ?box|inbox)\\s+full", "mailbox|mail box|inbox" },
        { "\\b(?:illegal|banned)\\s+attachment", "attachment" },
        /* zero-width items do not cut a run */
        { "\\bfoo\\b bar(?=x)(?<!y)baz", "foo barbaz" },
        { "relay\\.ordb\\.org", "relay.ordb.org" },
        { "x{2}yzw", "xxyzw" },
        /* a group repeated at least once still holds one of its texts */
        { "(?:abc|def)+[0-9]", "abc|def" },
        /* nothing required: optional, classes, short, or an alternative without one */
        { "(?:abc)?[0-9]+", NULL },
        { "[q0][z1][x2]\\d{3}", NULL },
        { "ab|cd", NULL },
        { "abcd|[0-9]+", NULL },
        /* a non-ASCII character folds in ways a byte scan cannot follow */
        { "d\xc3\xa9j\xc3\xa0", NULL },
        { "(?:a+)+b", NULL },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        char *got = literal_set (cases[i].regex);
        if (g_strcmp0 (got, cases[i].set))
            g_printerr ("%s: got %s\n", cases[i].regex, got ? got : "(none)");
        g_assert_cmpstr (got, ==, cases[i].set);
        g_free (got);
    }
}

static void
test_default_rules_load (void)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set = ba_ruleset_load (BA_TEST_RULES_DIR, NULL, errors);
    g_assert_nonnull (set);
    for (guint i = 0; i < errors->len; i++) {
        ba_rule_error *e = g_ptr_array_index (errors, i);
        g_printerr ("%s:%d: %s\n", e->file, e->line, e->message);
    }
    g_assert_cmpuint (errors->len, ==, 0);
    g_assert_cmpuint (ba_ruleset_n_rules (set), >, 50);
    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
}

/* The SMTP command fact (commands.conf) and the smtp-command condition,
 * with "!" globs; a bad command word is a file:line error. */
static void
test_smtp_command (void)
{
    char *sub = g_build_filename (dir, "cmd", NULL), *p;
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set;
    ba_recipient *r;
    gboolean saw_cmd = FALSE, saw_rule = FALSE;

    g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
    p = g_build_filename (sub, "reasons.conf", NULL);
    g_assert_true (g_file_set_contents (p, reasons, -1, NULL));
    g_free (p);
    p = g_build_filename (sub, "commands.conf", NULL);
    g_assert_true (g_file_set_contents (p,
        "[rcpt]\ncommand = RCPT\ndescription = Postfix\npattern = \\(in reply to RCPT TO command\\)\n"
        "[data]\ncommand = DATA\ndescription = Postfix\npattern = \\(in reply to end of DATA command\\)\n"
        "[bad]\ncommand = FROB\ndescription = no such command\npattern = frob\n", -1, NULL));
    g_free (p);
    p = g_build_filename (sub, "10-cmd.rules", NULL);
    g_assert_true (g_file_set_contents (p,
        "[after-data]\ndescription = d\nreason = rejected\nsmtp-command = DATA\npattern = user unknown\npriority = 60\n"
        "[not-rcpt]\ndescription = n\nreason = blocked\nsmtp-command = !RCPT\npattern = user unknown\npriority = 55\n"
        "[any]\ndescription = a\nreason = userunknown\npattern = user unknown\n"
        "[typo]\ndescription = t\nreason = rejected\nsmtp-command = DAT\npattern = x\n", -1, NULL));
    g_free (p);

    set = ba_ruleset_load (sub, NULL, errors);
    g_assert_nonnull (set);
    for (guint i = 0; i < errors->len; i++) {
        ba_rule_error *e = g_ptr_array_index (errors, i);
        if (g_str_has_suffix (e->file, "commands.conf") && e->line == 10 && strstr (e->message, "FROB"))
            saw_cmd = TRUE;
        if (g_str_has_suffix (e->file, "10-cmd.rules") && e->line == 20 && strstr (e->message, "DAT"))
            saw_rule = TRUE;
    }
    g_assert_true (saw_cmd);
    g_assert_true (saw_rule);

    r = classify (set, "550 User unknown (in reply to end of DATA command)", NULL);
    g_assert_cmpstr (r->command, ==, "DATA");
    g_assert_cmpstr (r->rule, ==, "after-data");
    recipient_clear (r);
    r = classify (set, "550 User unknown (in reply to RCPT TO command)", NULL);
    g_assert_cmpstr (r->command, ==, "RCPT");
    g_assert_cmpstr (r->rule, ==, "any");
    recipient_clear (r);
    r = classify (set, "550 User unknown", NULL);
    g_assert_null (r->command);
    g_assert_cmpstr (r->rule, ==, "not-rcpt");
    recipient_clear (r);

    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
    g_free (sub);
}

/* action and remote-mta conditions: globs, case-insensitive, "!" works,
 * an unknown value passes only negated globs */
static void
test_action_remote_conditions (void)
{
    char *sub = g_build_filename (dir, "act", NULL), *p;
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set;
    ba_context *ctx;
    ba_recipient *r;

    g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
    p = g_build_filename (sub, "reasons.conf", NULL);
    g_assert_true (g_file_set_contents (p, reasons, -1, NULL));
    g_free (p);
    p = g_build_filename (sub, "10-act.rules", NULL);
    g_assert_true (g_file_set_contents (p,
        "[delayed]\ndescription = d\nreason = expired\naction = Delayed\nstatus = !5.*\npriority = 9\n"
        "[remote]\ndescription = r\nreason = rejected\nremote-mta = *.provider.example\npattern = unknown user\npriority = 73\n"
        "[not-remote]\ndescription = n\nreason = filtered\nremote-mta = !*.provider.example\npattern = unknown user\npriority = 72\n"
        "[temp]\ndescription = t\nreason = onhold\nstatus = 4.*\npriority = 1\n", -1, NULL));
    g_free (p);
    set = ba_ruleset_load (sub, NULL, errors);
    g_assert_nonnull (set);
    g_assert_cmpuint (errors->len, ==, 0);

    ctx = ba_context_new (set);
    r = g_new0 (ba_recipient, 1);
    r->status = g_strdup ("4.4.0");
    r->action = g_strdup ("delayed");
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->rule, ==, "delayed");
    g_free (r->action);
    r->action = g_strdup ("failed");
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->rule, ==, "temp");
    g_free (r->action);
    r->action = NULL;

    g_free (r->status);
    r->status = NULL;
    r->diagnostic = g_strdup ("550 Unknown user x@y");
    r->remote_mta = g_strdup ("MX1.Provider.Example");
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->rule, ==, "remote");
    g_free (r->remote_mta);
    r->remote_mta = NULL;
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->rule, ==, "not-remote");
    recipient_clear (r);

    ba_context_free (ctx);
    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
    g_free (sub);
}

/* `format =` limits a rule to the notices of some formats; a forwarded
 * notice keeps its format's rules, and a format word that names no format
 * is a load error. */
static void
test_format_condition (void)
{
    char *sub = g_build_filename (dir, "fmt", NULL), *p;
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set;
    ba_context *ctx;
    ba_recipient *r;

    g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
    p = g_build_filename (sub, "reasons.conf", NULL);
    g_assert_true (g_file_set_contents (p, reasons, -1, NULL));
    g_free (p);
    p = g_build_filename (sub, "10-fmt.rules", NULL);
    g_assert_true (g_file_set_contents (p,
        "[own-table]\ndescription = o\nreason = rejected\nformat = dsn\npattern = sorry\npriority = 73\n"
        "[dsn-family]\ndescription = f\nreason = blocked\nformat = dsn+*\npattern = sorry\npriority = 72\n"
        "[any]\ndescription = a\nreason = userunknown\npattern = sorry\npriority = 71\n", -1, NULL));
    g_free (p);
    set = ba_ruleset_load (sub, NULL, errors);
    g_assert_nonnull (set);
    g_assert_cmpuint (errors->len, ==, 0);

    ctx = ba_context_new (set);
    r = g_new0 (ba_recipient, 1);
    r->diagnostic = g_strdup ("Sorry, no.");
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->rule, ==, "any");
    r->format = g_strdup ("DSN");
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->rule, ==, "own-table");
    g_free (r->format);
    r->format = g_strdup ("forwarded+dsn+postfix");
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->rule, ==, "dsn-family");
    g_free (r->format);
    r->format = g_strdup ("exim");
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->rule, ==, "any");
    g_free (r->format);
    r->format = NULL;
    recipient_clear (r);
    ba_context_free (ctx);
    ba_ruleset_free (set);

    p = g_build_filename (sub, "20-typo.rules", NULL);
    g_assert_true (g_file_set_contents (p,
        "[typo]\ndescription = t\nreason = rejected\nformat = qmial\npattern = x\n", -1, NULL));
    g_free (p);
    set = ba_ruleset_load (sub, NULL, errors);
    g_assert_cmpuint (errors->len, ==, 1);
    g_assert_nonnull (strstr (((ba_rule_error *) g_ptr_array_index (errors, 0))->message, "unknown format 'qmial'"));
    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
    g_free (sub);
}

/* A bounce with no status gets the reason's typical code in the class of
 * its reply code, or else the reply code's own status; a reported one,
 * even generic, is kept; reported_status is never filled in. */
static void
test_derived_status (void)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set = load (NULL, errors);
    ba_context *ctx = ba_context_new (set);
    ba_recipient *r = g_new0 (ba_recipient, 1);

    r->diagnostic = g_strdup ("450 user unknown");
    r->smtp_code = 450;
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->reason, ==, "userunknown");
    g_assert_cmpstr (r->status, ==, "4.1.1");
    g_assert_null (r->reported_status);

    g_clear_pointer (&r->status, g_free);
    g_free (r->diagnostic);
    r->diagnostic = g_strdup ("535 go away");
    r->smtp_code = 535;
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->reason, ==, "undefined");
    g_assert_cmpstr (r->status, ==, "5.7.8");

    g_clear_pointer (&r->status, g_free);
    r->smtp_code = 554;
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->status, ==, "5.0.0");

    g_free (r->status);
    r->status = g_strdup ("5.0.0");
    g_free (r->diagnostic);
    r->diagnostic = g_strdup ("550 user unknown");
    r->smtp_code = 550;
    ba_classify (ctx, r, NULL, NULL);
    g_assert_cmpstr (r->reason, ==, "userunknown");
    g_assert_cmpstr (r->status, ==, "5.0.0");
    recipient_clear (r);
    ba_context_free (ctx);
    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
}

/* \S, \D and \W match non-ASCII characters (PCRE2 10.42's JIT misses
 * them under PCRE2_MATCH_INVALID_UTF; the compiler rewrites them), and the
 * rewrite leaves escaped brackets and classes alone. */
static void
test_non_ascii_classes (void)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_rule_error_free);
    ba_ruleset *set = load (NULL, errors);
    ba_context *ctx = ba_context_new (set);
    static const struct { const char *re, *text; gboolean hit; } cases[] = {
        { "^\\S+$", "メールボックス", TRUE },
        { "ab \\S+ cd", "ab é cd", TRUE },
        { "\\W", "é", TRUE },
        { "\\D", "é", TRUE },
        { "\\[?\\S+?\\]? x", "[é] x", TRUE },
        { "[\\S]", " ", FALSE },
        { "[]\\S]+", "]é", TRUE },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
        char *msg = NULL;
        ba_pattern *p = ba_pattern_compile (cases[i].re, &msg);
        g_assert_nonnull (p);
        g_assert_cmpint (ba_match (ctx, p, cases[i].text, strlen (cases[i].text), 0), ==, cases[i].hit);
        g_assert_cmpstr (p->source, ==, cases[i].re);
        ba_pattern_free (p);
    }
    ba_context_free (ctx);
    ba_ruleset_free (set);
    g_ptr_array_unref (errors);
}

int
main (int argc, char **argv)
{
    int rc;
    g_test_init (&argc, &argv, NULL);
    dir = g_dir_make_tmp ("ba-rules-XXXXXX", NULL);
    put ("reasons.conf", reasons);
    put ("10-test.rules", rules);
    g_test_add_func ("/rules/classify", test_classify);
    g_test_add_func ("/rules/site", test_site_rules);
    g_test_add_func ("/rules/check-errors", test_check_errors);
    g_test_add_func ("/rules/literal", test_literal);
    g_test_add_func ("/rules/literal-set", test_literal_set);
    g_test_add_func ("/rules/default-set", test_default_rules_load);
    g_test_add_func ("/rules/smtp-command", test_smtp_command);
    g_test_add_func ("/rules/action-remote-mta", test_action_remote_conditions);
    g_test_add_func ("/rules/format", test_format_condition);
    g_test_add_func ("/rules/derived-status", test_derived_status);
    g_test_add_func ("/rules/non-ascii-classes", test_non_ascii_classes);
    rc = g_test_run ();
    {
        char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
        if (system (cmd) != 0)
            rc = rc ? rc : 1;
        g_free (cmd);
    }
    g_free (dir);
    return rc;
}
