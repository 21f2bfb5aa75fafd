/* Unit tests: the reader on every input kind. */
#include "bounce-analyzer.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    GPtrArray *subjects;
    GArray *offsets;
    int errors;
    int skipped;                /* warnings and notes */
} collected;

static void
collect (const char *path, collected *c)
{
    ba_reader *r = ba_reader_open (path);
    ba_input in;
    GError *err = NULL;
    ba_read_status st;

    c->subjects = g_ptr_array_new_with_free_func (g_free);
    c->offsets = g_array_new (FALSE, FALSE, sizeof (gint64));
    c->errors = 0;
    c->skipped = 0;
    while ((st = ba_reader_next (r, &in, &err)) != BA_READ_END) {
        if (st == BA_READ_ERROR) {
            g_assert_nonnull (err);
            g_assert_nonnull (in.source);
            g_clear_error (&err);
            c->errors++;
            continue;
        }
        if (st == BA_READ_SKIPPED || st == BA_READ_INCOMPLETE) {
            g_assert_nonnull (err);
            g_clear_error (&err);
            c->skipped++;
            continue;
        }
        const char *s = g_mime_message_get_subject (in.message);
        g_ptr_array_add (c->subjects, g_strdup (s ? s : ""));
        g_array_append_val (c->offsets, in.offset);
    }
    ba_reader_free (r);
}

static void
collected_clear (collected *c)
{
    g_ptr_array_unref (c->subjects);
    g_array_unref (c->offsets);
}

static char *
write_file (const char *dir, const char *name, const char *content, gssize len)
{
    char *path = g_build_filename (dir, name, NULL);
    char *parent = g_path_get_dirname (path);
    g_mkdir_with_parents (parent, 0700);
    g_free (parent);
    g_assert_true (g_file_set_contents (path, content, len, NULL));
    return path;
}

static char *tmpdir;

static void
test_mbox_quoting (void)
{
    const char *mbox =
        "From a@example.com Tue Mar 25 16:02:11 2008\n"
        "Subject: one\n\n"
        "body\n>From the warehouse\n\n"
        "From b@example.com Tue Mar 25 16:03:11 2008\n"
        "Subject: two\n\nbody two\n";
    char *path = write_file (tmpdir, "quoted.mbox", mbox, -1);
    collected c;

    collect (path, &c);
    g_assert_cmpuint (c.subjects->len, ==, 2);
    g_assert_cmpstr (g_ptr_array_index (c.subjects, 0), ==, "one");
    g_assert_cmpstr (g_ptr_array_index (c.subjects, 1), ==, "two");
    g_assert_cmpint (g_array_index (c.offsets, gint64, 0), ==, 0);
    g_assert_cmpint (g_array_index (c.offsets, gint64, 1), ==,
                     (gint64) (strstr (mbox, "From b@") - mbox));
    g_assert_cmpint (c.errors, ==, 0);
    collected_clear (&c);
    g_free (path);
}

static void
test_mbox_unquoted_from (void)
{
    /* a body line "From ..." that a broken writer did not quote must not
     * lose the messages after it */
    const char *mbox =
        "From a@example.com Tue Mar 25 16:02:11 2008\n"
        "Subject: one\n\nbody\nFrom here on, unquoted\nmore\n\n"
        "From b@example.com Tue Mar 25 16:03:11 2008\n"
        "Subject: two\n\nbody two\n";
    char *path = write_file (tmpdir, "unquoted.mbox", mbox, -1);
    collected c;

    collect (path, &c);
    g_assert_cmpuint (c.subjects->len, ==, 2);
    g_assert_cmpstr (g_ptr_array_index (c.subjects, 1), ==, "two");
    g_assert_cmpint (g_array_index (c.offsets, gint64, 1), ==,
                     (gint64) (strstr (mbox, "From b@") - mbox));
    g_assert_cmpint (c.errors, ==, 1);
    collected_clear (&c);
    g_free (path);
}

static void
test_mbox_crlf (void)
{
    const char *mbox =
        "From a@example.com Tue Mar 25 16:02:11 2008\r\n"
        "Subject: one\r\n\r\nbody\r\n\r\n"
        "From b@example.com Tue Mar 25 16:03:11 2008\r\n"
        "Subject: two\r\n\r\nbody\r\n";
    char *path = write_file (tmpdir, "crlf.mbox", mbox, -1);
    collected c;

    collect (path, &c);
    g_assert_cmpuint (c.subjects->len, ==, 2);
    g_assert_cmpstr (g_ptr_array_index (c.subjects, 1), ==, "two");
    g_assert_cmpint (g_array_index (c.offsets, gint64, 1), ==,
                     (gint64) (strstr (mbox, "From b@") - mbox));
    collected_clear (&c);
    g_free (path);
}

static void
test_bare_cr (void)
{
    const char *msg = "From: x@example.com\rSubject: bare cr\rTo: y@example.com\r\rbody\r";
    char *path = write_file (tmpdir, "cr.eml", msg, -1);
    collected c;

    collect (path, &c);
    g_assert_cmpuint (c.subjects->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (c.subjects, 0), ==, "bare cr");
    collected_clear (&c);
    g_free (path);
}

static void
test_empty_and_truncated (void)
{
    char *empty = write_file (tmpdir, "empty.eml", "", 0);
    char *trunc = write_file (tmpdir, "trunc.eml", "Subject: cut\nContent-Type: multipart/report; boundary=\"b\"\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recip", -1);
    char *trunc_mbox = write_file (tmpdir, "trunc.mbox", "From x Tue Mar 25 16:02:11 2008\nSubject: cut mbox\nX-Long: aaaa", -1);
    collected c;

    collect (empty, &c);
    g_assert_cmpuint (c.subjects->len, ==, 0);
    g_assert_cmpint (c.errors, ==, 0);
    collected_clear (&c);

    collect (trunc, &c);
    g_assert_cmpuint (c.subjects->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (c.subjects, 0), ==, "cut");
    collected_clear (&c);

    collect (trunc_mbox, &c);
    g_assert_cmpuint (c.subjects->len + c.errors, >=, 1);
    collected_clear (&c);
    g_free (empty);
    g_free (trunc);
    g_free (trunc_mbox);
}

static void
test_maildir_and_tree (void)
{
    char *md = g_build_filename (tmpdir, "Maildir", NULL);
    char *p;
    collected c;

    g_free (write_file (md, "cur/1000.a:2,S", "Subject: cur one\n\nx\n", -1));
    g_free (write_file (md, "new/1001.b", "Subject: new one\n\nx\n", -1));
    g_free (write_file (md, "tmp/1002.c", "Subject: in tmp\n\nx\n", -1));
    g_free (write_file (md, "dovecot-uidlist", "3 V1 N1\n", -1));
    g_free (write_file (md, ".Archive/cur/1003.d", "Subject: archived\n\nx\n", -1));
    g_free (write_file (md, ".Archive/new/.keep", "", 0));

    collect (md, &c);
    g_assert_cmpuint (c.subjects->len, ==, 3);
    g_assert_cmpstr (g_ptr_array_index (c.subjects, 0), ==, "archived");
    g_assert_cmpstr (g_ptr_array_index (c.subjects, 1), ==, "cur one");
    g_assert_cmpstr (g_ptr_array_index (c.subjects, 2), ==, "new one");
    collected_clear (&c);

    p = g_build_filename (tmpdir, "no-such-file", NULL);
    collect (p, &c);
    g_assert_cmpint (c.errors, ==, 1);
    collected_clear (&c);
    g_free (p);
    g_free (md);
}

static void
test_stdin (void)
{
    /* "-" is read from fd 0: point it at an mbox file */
    const char *mbox = "From a Tue Mar 25 16:02:11 2008\nSubject: s1\n\nx\n\nFrom b Tue Mar 25 16:02:12 2008\nSubject: s2\n\ny\n";
    char *path = write_file (tmpdir, "stdin.mbox", mbox, -1);
    int saved = dup (0);
    FILE *f = freopen (path, "r", stdin);
    collected c;

    g_assert_nonnull (f);
    collect ("-", &c);
    g_assert_cmpuint (c.subjects->len, ==, 2);
    g_assert_cmpint (g_array_index (c.offsets, gint64, 1), >, 0);
    collected_clear (&c);
    dup2 (saved, 0);
    close (saved);
    g_free (path);
}

int
main (int argc, char **argv)
{
    int rc;
    g_test_init (&argc, &argv, NULL);
    ba_init ();
    tmpdir = g_dir_make_tmp ("ba-reader-XXXXXX", NULL);
    g_test_add_func ("/reader/mbox-quoting", test_mbox_quoting);
    g_test_add_func ("/reader/mbox-crlf", test_mbox_crlf);
    g_test_add_func ("/reader/mbox-unquoted-from", test_mbox_unquoted_from);
    g_test_add_func ("/reader/bare-cr", test_bare_cr);
    g_test_add_func ("/reader/empty-truncated", test_empty_and_truncated);
    g_test_add_func ("/reader/maildir-tree", test_maildir_and_tree);
    g_test_add_func ("/reader/stdin", test_stdin);
    rc = g_test_run ();
    {
        char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
        if (system (cmd) != 0)
            rc = rc ? rc : 0;
        g_free (cmd);
    }
    g_free (tmpdir);
    return rc;
}
