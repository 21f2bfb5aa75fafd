/* Unit tests: the DSN field parser and the status/reply-code finders. */
#include "dsn.h"
#include "util.h"
#include "textbounce.h"

#include <string.h>

static void
test_dsn_blocks (void)
{
    const char *text =
        "Reporting-MTA: dns; mx.example.org\r\n"
        "Arrival-Date: Tue, 25 Mar 2008 16:02:11 +0000\r\n"
        "\r\n"
        "Final-Recipient: rfc822; a@example.com\r\n"
        "Action: failed\r\n"
        "Status: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <a@example.com>:\r\n"
        "    Recipient address rejected: User unknown\r\n"
        "\r\n"
        "Final-Recipient: rfc822;b@example.com\n"
        "Action: delayed\n"
        "Status: 4.4.1\n";
    ba_dsn *d = ba_dsn_parse (text, strlen (text), 100);

    g_assert_cmpstr (ba_dsn_get (d->message, "reporting-mta"), ==, "dns; mx.example.org");
    g_assert_cmpuint (d->recipients->len, ==, 2);
    g_assert_cmpstr (ba_dsn_get (g_ptr_array_index (d->recipients, 0), "diagnostic-code"), ==,
                     "smtp; 550 5.1.1 <a@example.com>: Recipient address rejected: User unknown");
    g_assert_cmpstr (ba_dsn_get (g_ptr_array_index (d->recipients, 1), "action"), ==, "delayed");
    ba_dsn_free (d);
}

/* The same DSN read twice (its fields in the text and in its part, forwarded
 * inline) keeps each recipient block once; a block that differs stays. */
static void
test_dsn_repeated_blocks (void)
{
    const char *block =
        "Final-Recipient: rfc822; a@example.com\n"
        "Action: failed\n"
        "Status: 5.2.2\n"
        "Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\n"
        "\n";
    char *text = g_strconcat ("Reporting-MTA: dns; mx.example.org\n\n", block, block,
                              "Final-Recipient: rfc822; a@example.com\nAction: delayed\nStatus: 4.2.2\n\n",
                              block, NULL);
    ba_dsn *d = ba_dsn_parse (text, strlen (text), 100);

    g_assert_cmpuint (d->recipients->len, ==, 2);
    g_assert_cmpstr (ba_dsn_get (g_ptr_array_index (d->recipients, 0), "action"), ==, "failed");
    g_assert_cmpstr (ba_dsn_get (g_ptr_array_index (d->recipients, 1), "action"), ==, "delayed");
    g_assert_cmpuint (d->over_cap, ==, 0);
    ba_dsn_free (d);
    g_free (text);
}

static void
test_dsn_missing_message_block (void)
{
    const char *text = "Final-Recipient: rfc822; x@example.net\nStatus: 5.0.0\n";
    ba_dsn *d = ba_dsn_parse (text, strlen (text), 100);
    g_assert_cmpuint (d->recipients->len, ==, 1);
    g_assert_cmpuint (g_hash_table_size (d->message), ==, 0);
    ba_dsn_free (d);
}

/* Recipient blocks run together without a blank line (seen from AOL). */
static void
test_dsn_unseparated (void)
{
    const char *text =
        "Reporting-MTA: dns; omr.example.net\n"
        "Final-Recipient: rfc822; a@example.com\n"
        "Original-Recipient: rfc822;a@example.com\n"
        "Action: failed\n"
        "Status: 5.2.2\n"
        "Final-Recipient: rfc822; b@example.com\n"
        "Original-Recipient: rfc822;b@example.com\n"
        "Action: failed\n"
        "Status: 5.1.1\n";
    ba_dsn *d = ba_dsn_parse (text, strlen (text), 100);

    g_assert_cmpuint (d->recipients->len, ==, 2);
    g_assert_cmpstr (ba_dsn_get (g_ptr_array_index (d->recipients, 0), "status"), ==, "5.2.2");
    g_assert_cmpstr (ba_dsn_get (g_ptr_array_index (d->recipients, 1), "final-recipient"), ==,
                     "rfc822; b@example.com");
    g_assert_cmpstr (ba_dsn_get (g_ptr_array_index (d->recipients, 1), "status"), ==, "5.1.1");
    ba_dsn_free (d);
}

/* A Diagnostic-Code whose further lines lost their indentation (a pasted
 * DSN de-indented on its way, a reply's "550-" lines unfolded) keeps them,
 * up to the next field. */
static void
test_dsn_unfolded_diagnostic (void)
{
    const char *text =
        "Final-Recipient: rfc822; a@example.com\n"
        "Action: failed\n"
        "Diagnostic-Code: smtp; 550-Mailbox unavailable\n"
        "550 mx.example.com[192.0.2.1]: no such user\n"
        "Status: 5.1.1\n"
        "Remote-MTA: dns; mx.example.com\n"
        "not a field\n"
        "\n"
        "Final-Recipient: rfc822; b@example.com\n"
        "Diagnostic-Code: smtp; 550 no such user\n"
        "------ This is a copy of the message ------\n";
    ba_dsn *d = ba_dsn_parse (text, strlen (text), 100);
    GHashTable *r;

    r = g_ptr_array_index (d->recipients, 0);
    g_assert_cmpstr (ba_dsn_get (r, "diagnostic-code"), ==,
                     "smtp; 550-Mailbox unavailable 550 mx.example.com[192.0.2.1]: no such user");
    g_assert_cmpstr (ba_dsn_get (r, "status"), ==, "5.1.1");
    g_assert_cmpstr (ba_dsn_get (r, "remote-mta"), ==, "dns; mx.example.com");
    g_assert_cmpuint (d->recipients->len, ==, 2);
    g_assert_cmpstr (ba_dsn_get (g_ptr_array_index (d->recipients, 1), "diagnostic-code"), ==,
                     "smtp; 550 no such user");
    ba_dsn_free (d);
}

static void
test_dsn_garbage (void)
{
    const char garbage[] = "\x01\x02:::\n \n\tcontinued\n:no-name\nname-only\n\0\xff\xfe: v\n";
    ba_dsn *d = ba_dsn_parse (garbage, sizeof garbage - 1, 100);
    g_assert_nonnull (d);
    g_assert_cmpuint (d->recipients->len, ==, 0);
    ba_dsn_free (d);
    d = ba_dsn_parse ("", 0, 100);
    g_assert_cmpuint (d->recipients->len, ==, 0);
    ba_dsn_free (d);
}

static void
test_dsn_recipient_cap (void)
{
    GString *s = g_string_new ("Reporting-MTA: dns; x\n\n");
    for (int i = 0; i < 50; i++)
        g_string_append_printf (s, "Final-Recipient: rfc822; u%d@example.com\nStatus: 5.1.1\n\n", i);
    ba_dsn *d = ba_dsn_parse (s->str, s->len, 10);
    g_assert_cmpuint (d->recipients->len, ==, 10);
    ba_dsn_free (d);
    g_string_free (s, TRUE);
}

static void
test_strip_type (void)
{
    char *v = ba_dsn_strip_type ("rfc822; <User@Example.com>", TRUE);
    g_assert_cmpstr (v, ==, "User@Example.com");
    g_free (v);
    v = ba_dsn_strip_type ("smtp; 550 no; really", FALSE);
    g_assert_cmpstr (v, ==, "550 no; really");
    g_free (v);
    v = ba_dsn_strip_type ("550 5.1.1 user; unknown", FALSE);
    g_assert_cmpstr (v, ==, "550 5.1.1 user; unknown");
    g_free (v);
}

static void
test_find_status (void)
{
    char st[16];
    g_assert_true (ba_find_status ("550 5.1.1 <a@b>: unknown", st));
    g_assert_cmpstr (st, ==, "5.1.1");
    g_assert_true (ba_find_status ("(#5.5.0)", st));
    g_assert_cmpstr (st, ==, "5.5.0");
    g_assert_true (ba_find_status ("421-4.7.0 try later", st));
    g_assert_cmpstr (st, ==, "4.7.0");
    /* IP addresses and versions are not codes */
    g_assert_false (ba_find_status ("host 192.0.2.5.4 said no", st));
    g_assert_false (ba_find_status ("Exim 4.72.1a", st));
    g_assert_false (ba_find_status ("client 5.1.1.9 refused", st));
    g_assert_false (ba_find_status ("version 15.2.1", st));
    g_assert_false (ba_find_status (NULL, st));
    g_assert_true (ba_status_valid ("5.7.509"));
    g_assert_false (ba_status_valid ("5.7"));
    g_assert_false (ba_status_valid ("3.1.1"));
}

static void
test_find_reply_code (void)
{
    g_assert_cmpint (ba_find_reply_code ("550 5.1.1 User unknown"), ==, 550);
    g_assert_cmpint (ba_find_reply_code ("host mx[192.0.2.1] said: 554-5.7.1 blocked"), ==, 554);
    g_assert_cmpint (ba_find_reply_code ("Remote host said: 421 Too many"), ==, 421);
    g_assert_cmpint (ba_find_reply_code ("retry timeout exceeded after 421 days"), ==, 0);
    g_assert_cmpint (ba_find_reply_code ("port 25 refused"), ==, 0);
    g_assert_cmpint (ba_find_reply_code ("code 999 nonsense"), ==, 0);
    g_assert_cmpint (ba_find_reply_code (""), ==, 0);
}

static void
test_collapse (void)
{
    char *s = ba_collapse_ws ("  a\r\n\t b  \x01 c ");
    g_assert_cmpstr (s, ==, "a b c");
    g_free (s);
    s = ba_strndup_utf8 ("h\xc3\xa9llo", 2);
    g_assert_cmpstr (s, ==, "h");
    g_free (s);
}

/* n recipient blocks, the last one cut after @cut_at bytes of it (0: whole). */
static GString *
recipient_blocks (int n)
{
    GString *t = g_string_new ("Reporting-MTA: dns; mx.example.org\n\n");
    for (int i = 0; i < n; i++)
        g_string_append_printf (t, "Final-Recipient: rfc822; user%d@example.net\nAction: failed\n"
                                "Status: 5.1.1\n\n", i);
    return t;
}

/* A cap falling inside a block: that block is dropped, never kept partial. */
static void
test_dsn_cut_block (void)
{
    GString *t = recipient_blocks (3);
    gsize cut = strstr (t->str, "user2@") - t->str + 3;      /* "Final-Recipient: rfc822; use" */
    ba_dsn *d = ba_dsn_parse_cut (t->str, cut, 100, TRUE);

    g_assert_cmpuint (d->recipients->len, ==, 2);
    g_assert_true (d->cut_block);
    g_assert_cmpstr (ba_dsn_get (g_ptr_array_index (d->recipients, 1), "final-recipient"), ==,
                     "rfc822; user1@example.net");
    ba_dsn_free (d);
    /* not cut: the last block, even without a line end, is whole */
    d = ba_dsn_parse_cut (t->str, cut, 100, FALSE);
    g_assert_cmpuint (d->recipients->len, ==, 3);
    g_assert_false (d->cut_block);
    ba_dsn_free (d);
    g_string_free (t, TRUE);
}

/* Block by block from a stream: the blocks past the cap are counted, and a
 * read limit inside a block drops it. */
static void
test_dsn_stream (void)
{
    GString *t = recipient_blocks (1000);
    GMimeStream *mem = g_mime_stream_mem_new_with_buffer (t->str, t->len);
    ba_dsn *d = ba_dsn_parse_stream (mem, 10, G_MAXINT64);
    gint64 limit;

    g_assert_cmpuint (d->recipients->len, ==, 10);
    g_assert_cmpuint (d->over_cap, ==, 990);
    g_assert_false (d->cut_block);
    g_assert_cmpstr (ba_dsn_get (d->message, "reporting-mta"), ==, "dns; mx.example.org");
    ba_dsn_free (d);
    g_object_unref (mem);

    limit = strstr (t->str, "user500@") - t->str + 4;
    mem = g_mime_stream_mem_new_with_buffer (t->str, t->len);
    d = ba_dsn_parse_stream (mem, 10000, limit);
    g_assert_cmpuint (d->recipients->len, ==, 500);
    g_assert_true (d->cut_block);
    for (guint i = 0; i < d->recipients->len; i++)
        g_assert_nonnull (strstr (ba_dsn_get (g_ptr_array_index (d->recipients, i), "final-recipient"),
                                  "@example.net"));
    ba_dsn_free (d);
    g_object_unref (mem);
    g_string_free (t, TRUE);
}

static void
test_address_plausible (void)
{
    char long_addr[300];

    g_assert_true (ba_address_plausible ("user@example.com", TRUE));
    g_assert_true (ba_address_plausible ("\"john doe\"@example.com", TRUE));
    g_assert_true (ba_address_plausible ("j\xc3\xb6rg@b\xc3\xbc" "cher.example", TRUE));
    g_assert_true (ba_address_plausible ("postmaster", FALSE));
    g_assert_false (ba_address_plausible ("postmaster", TRUE));
    g_assert_false (ba_address_plausible ("rfc82", TRUE));
    g_assert_false (ba_address_plausible ("us\x1b]52;c;AAAA\x07" "er@example.com", TRUE));
    g_assert_false (ba_address_plausible ("user@exa\x7fmple.com", TRUE));
    g_assert_false (ba_address_plausible ("user@exa\xc2\x85mple.com", TRUE));   /* C1 NEL */
    g_assert_false (ba_address_plausible ("user\xe2\x80\xae@example.com", TRUE)); /* bidi override */
    g_assert_false (ba_address_plausible ("user\xe2\x80\xa8@example.com", TRUE)); /* line separator */
    g_assert_false (ba_address_plausible ("john doe@example.com", TRUE));
    g_assert_false (ba_address_plausible ("user@exam\xff" "ple.com", TRUE));     /* not UTF-8 */
    g_assert_false (ba_address_plausible ("user@exam\xef\xbf\xbd" "ple.com", TRUE));  /* U+FFFD */
    g_assert_false (ba_address_plausible ("@example.com", TRUE));
    g_assert_false (ba_address_plausible ("user@", TRUE));
    g_assert_false (ba_address_plausible ("\"open@example.com", TRUE));
    g_assert_false (ba_address_plausible ("", FALSE));
    memset (long_addr, 'a', sizeof long_addr - 1);
    long_addr[sizeof long_addr - 1] = '\0';
    memcpy (long_addr + 200, "@example.com", 12);
    g_assert_false (ba_address_plausible (long_addr, TRUE));
    long_addr[254] = '\0';
    g_assert_true (ba_address_plausible (long_addr, TRUE));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/dsn/blocks", test_dsn_blocks);
    g_test_add_func ("/dsn/missing-message-block", test_dsn_missing_message_block);
    g_test_add_func ("/dsn/repeated-blocks", test_dsn_repeated_blocks);
    g_test_add_func ("/dsn/unseparated", test_dsn_unseparated);
    g_test_add_func ("/dsn/unfolded-diagnostic", test_dsn_unfolded_diagnostic);
    g_test_add_func ("/dsn/garbage", test_dsn_garbage);
    g_test_add_func ("/dsn/recipient-cap", test_dsn_recipient_cap);
    g_test_add_func ("/dsn/strip-type", test_strip_type);
    g_test_add_func ("/dsn/cut-block", test_dsn_cut_block);
    g_test_add_func ("/dsn/stream", test_dsn_stream);
    g_test_add_func ("/address/plausible", test_address_plausible);
    g_test_add_func ("/codes/status", test_find_status);
    g_test_add_func ("/codes/reply", test_find_reply_code);
    g_test_add_func ("/text/collapse", test_collapse);
    return g_test_run ();
}
