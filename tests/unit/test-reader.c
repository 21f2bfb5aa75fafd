/* Unit tests: the reader on every input kind. */
#define _GNU_SOURCE            /* memmem */
#include "bounce-analyzer.h"
#include "capstream.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Every message of @path with its offset and the reader's cut warnings. */
typedef struct {
    GPtrArray *messages;        /* of GMimeMessage* (refs) */
    GArray *offsets;
    int errors, skipped;
} read_all;

static void
read_everything (const char *path, read_all *a)
{
    ba_reader *r = ba_reader_open (path);
    ba_input in;
    GError *err = NULL;
    ba_read_status st;

    a->messages = g_ptr_array_new_with_free_func (g_object_unref);
    a->offsets = g_array_new (FALSE, FALSE, sizeof (gint64));
    a->errors = a->skipped = 0;
    while ((st = ba_reader_next (r, &in, &err)) != BA_READ_END) {
        if (st != BA_READ_MESSAGE) {
            g_assert_nonnull (err);
            g_clear_error (&err);
            if (st == BA_READ_ERROR)
                a->errors++;
            else
                a->skipped++;
            continue;
        }
        g_ptr_array_add (a->messages, g_object_ref (in.message));
        g_array_append_val (a->offsets, in.offset);
    }
    ba_reader_free (r);
}

static void
read_all_clear (read_all *a)
{
    g_ptr_array_unref (a->messages);
    g_array_unref (a->offsets);
}

static GPtrArray *
cut_warnings (GMimeMessage *m)
{
    return g_object_get_data (G_OBJECT (m), BA_READ_WARNINGS);
}

static gboolean
has_warning (GMimeMessage *m, const char *part)
{
    GPtrArray *w = cut_warnings (m);
    for (guint i = 0; w && i < w->len; i++)
        if (strstr (g_ptr_array_index (w, i), part))
            return TRUE;
    return FALSE;
}

/* The decoded content of the first leaf part of @m. */
static GByteArray *
first_part_content (GMimeMessage *m)
{
    GMimeObject *o = g_mime_message_get_mime_part (m);
    GMimeStream *mem = g_mime_stream_mem_new ();
    GByteArray *bytes;

    while (GMIME_IS_MULTIPART (o))
        o = g_mime_multipart_get_part (GMIME_MULTIPART (o), 0);
    g_assert_true (GMIME_IS_PART (o));
    g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (GMIME_PART (o)), mem);
    bytes = g_byte_array_new ();
    g_byte_array_append (bytes, g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem))->data,
                         g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem))->len);
    g_object_unref (mem);
    return bytes;
}

/* Long headers (one line, folded, in a MIME part) are cut before GMime
 * sees them; the structure after them, part contents and the offset of
 * the next mbox message stay exact. */
static void
test_header_caps (const char *name, const char *eol)
{
    GString *m = g_string_new (NULL);
    gint64 second;
    char *path;
    read_all a;
    GByteArray *content;

    g_string_append_printf (m, "From a Tue Mar 25 16:02:11 2008%sSubject: ", eol);
    for (int i = 0; i < 200000; i++)
        g_string_append_c (m, 'x');
    g_string_append_printf (m, "%sX-Folded: a%s", eol, eol);
    for (int i = 0; i < 3000; i++)
        g_string_append_printf (m, " b@example.com, c@example.com, d@example.com,%s", eol);
    g_string_append_printf (m, "To: t@example.com%sContent-Type: multipart/mixed; boundary=\"b\"%s%s"
                            "--b%sContent-Type: text/plain%sX-Part: ", eol, eol, eol, eol, eol);
    for (int i = 0; i < 100000; i++)
        g_string_append_c (m, 'y');
    g_string_append_printf (m, "%s%sbody ", eol, eol);
    for (int i = 0; i < 2 * 1024 * 1024; i++)
        g_string_append_c (m, 'z');
    g_string_append_printf (m, "%send%s--b--%s%s", eol, eol, eol, eol);
    second = m->len;
    g_string_append_printf (m, "From b Tue Mar 25 16:03:11 2008%sSubject: two%s%sbody%s", eol, eol, eol, eol);
    path = write_file (tmpdir, name, m->str, m->len);

    read_everything (path, &a);
    g_assert_cmpuint (a.messages->len, ==, 2);
    g_assert_cmpint (a.errors, ==, 0);
    g_assert_cmpint (g_array_index (a.offsets, gint64, 0), ==, 0);
    g_assert_cmpint (g_array_index (a.offsets, gint64, 1), ==, second);
    {
        GMimeMessage *one = g_ptr_array_index (a.messages, 0);
        const char *subject = g_mime_message_get_subject (one);
        const char *to = g_mime_object_get_header (GMIME_OBJECT (one), "To");
        g_assert_nonnull (subject);
        g_assert_cmpuint (strlen (subject), <=, 65536);
        g_assert_cmpuint (strlen (subject), >, 60000);
        g_assert_cmpstr (to, ==, "t@example.com");
        /* the length counts the field's line end */
        char *want = g_strdup_printf ("header field \"Subject\" of %zu bytes cut to 65536 bytes",
                                      9 + 200000 + strlen (eol));
        g_assert_true (has_warning (one, want));
        g_free (want);
        g_assert_true (has_warning (one, "header field \"X-Folded\""));
        g_assert_true (has_warning (one, "header field \"X-Part\""));
        content = first_part_content (one);
        /* the part's content comes uncut from the file */
        g_assert_cmpuint (content->len, >, 2 * 1024 * 1024);
        g_byte_array_unref (content);
    }
    g_assert_null (cut_warnings (g_ptr_array_index (a.messages, 1)));
    g_assert_cmpstr (g_mime_message_get_subject (g_ptr_array_index (a.messages, 1)), ==, "two");
    read_all_clear (&a);
    g_string_free (m, TRUE);
    g_free (path);
}

static void
test_header_caps_lf (void)
{
    test_header_caps ("caps.mbox", "\n");
}

static void
test_header_caps_crlf (void)
{
    test_header_caps ("caps-crlf.mbox", "\r\n");
}

/* Bare CR: the file goes through the CR filter, which cannot seek. */
static void
test_header_caps_cr (void)
{
    GString *m = g_string_new ("From a Tue Mar 25 16:02:11 2008\rSubject: ");
    gint64 second;
    char *path;
    read_all a;

    for (int i = 0; i < 100000; i++)
        g_string_append_c (m, 'x');
    g_string_append (m, "\rTo: t@example.com\r\rbody\r\r");
    second = m->len;
    g_string_append (m, "From b Tue Mar 25 16:03:11 2008\rSubject: two\r\rbody\r");
    path = write_file (tmpdir, "caps-cr.mbox", m->str, m->len);
    read_everything (path, &a);
    g_assert_cmpuint (a.messages->len, ==, 2);
    g_assert_cmpint (g_array_index (a.offsets, gint64, 1), ==, second);
    g_assert_true (has_warning (g_ptr_array_index (a.messages, 0), "\"Subject\""));
    g_assert_cmpstr (g_mime_object_get_header (g_ptr_array_index (a.messages, 0), "To"), ==, "t@example.com");
    read_all_clear (&a);
    g_string_free (m, TRUE);
    g_free (path);
}

/* A header block of many short fields: the fields past the block cap are dropped whole. */
static void
test_header_block_cap (void)
{
    GString *m = g_string_new ("From: a@example.com\n");
    char *path;
    read_all a;
    GByteArray *content;

    for (int i = 0; i < 100000; i++)
        g_string_append_printf (m, "X-Many-%d: value\n", i);
    g_string_append (m, "Subject: after the block\n\nthe body\n");
    path = write_file (tmpdir, "block.eml", m->str, m->len);
    read_everything (path, &a);
    g_assert_cmpuint (a.messages->len, ==, 1);
    g_assert_true (has_warning (g_ptr_array_index (a.messages, 0), "field(s) dropped"));
    content = first_part_content (g_ptr_array_index (a.messages, 0));
    g_assert_cmpuint (content->len, ==, strlen ("the body\n"));
    g_assert_true (!memcmp (content->data, "the body\n", content->len));
    g_byte_array_unref (content);
    read_all_clear (&a);
    g_string_free (m, TRUE);
    g_free (path);
}

/* Symbolic-link loops: each directory once, each message once. */
static void
test_symlink_loops (void)
{
    char *dir = g_build_filename (tmpdir, "loops", NULL);
    char *sub = g_build_filename (dir, "sub", NULL);
    char *l1 = g_build_filename (dir, "dot", NULL), *l2 = g_build_filename (sub, "up", NULL);
    char *l3 = g_build_filename (dir, "loop", NULL), *fifo = g_build_filename (sub, "pipe", NULL);
    collected c;

    g_free (write_file (dir, "one.eml", "Subject: one\n\nx\n", -1));
    g_free (write_file (sub, "two.eml", "Subject: two\n\nx\n", -1));
    g_assert_cmpint (symlink (".", l1), ==, 0);
    g_assert_cmpint (symlink ("..", l2), ==, 0);
    g_assert_cmpint (symlink (".", l3), ==, 0);
    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    collect (dir, &c);
    g_assert_cmpuint (c.subjects->len, ==, 2);
    g_assert_cmpint (c.errors, ==, 0);
    g_assert_cmpint (c.skipped, ==, 1);         /* the FIFO, never opened */
    collected_clear (&c);
    collect (fifo, &c);
    g_assert_cmpuint (c.subjects->len, ==, 0);
    g_assert_cmpint (c.skipped, ==, 1);
    collected_clear (&c);
    g_free (dir); g_free (sub); g_free (l1); g_free (l2); g_free (l3); g_free (fifo);
}

/* An mbox that ends in a bare From_ line: the last message is not yet complete. */
static void
test_trailing_from (void)
{
    const char *mbox = "From a Tue Mar 25 16:02:11 2008\nSubject: one\n\nx\n\nFrom b Tue Mar 25 16:03:11 2008\n";
    char *path = write_file (tmpdir, "trailing.mbox", mbox, -1);
    ba_reader *r = ba_reader_open (path);
    ba_input in;
    GError *err = NULL;

    g_assert_cmpint (ba_reader_next (r, &in, &err), ==, BA_READ_MESSAGE);
    g_assert_cmpint (ba_reader_next (r, &in, &err), ==, BA_READ_INCOMPLETE);
    g_assert_cmpint (in.offset, ==, (gint64) (strstr (mbox, "From b") - mbox));
    g_clear_error (&err);
    g_assert_cmpint (ba_reader_next (r, &in, &err), ==, BA_READ_END);
    ba_reader_free (r);
    g_free (path);
}

static guint
count_of (const char *s, gsize len, const char *what)
{
    guint n = 0;
    gsize w = strlen (what);
    for (const char *p = s; (p = memmem (p, len - (p - s), what, w)); p++)
        n++;
    return n;
}

/* The capping stream on random text: what it gives out is the source less
 * some bytes, and its map finds each byte given out at its source position. */
static void
test_cap_stream_map (void)
{
    static const char *const pieces[] = {
        "Subject: ", "X-A: b\n", "\n", "\r\n", " folded\n", "\tfolded\r\n", "From x y\n",
        "--boundary\n", "plain text line\n", "no-colon-here", ": lead colon\n", "x", "\x01:", " ",
        "--boundary--\n", "Content-Type: multipart/mixed\n", "Content-type : message/rfc822\n",
    };
    for (int round = 0; round < 40; round++) {
        GString *in = g_string_new ("X-Start: ");
        GByteArray *out = g_byte_array_new ();
        GMimeStream *mem, *cap;
        char buf[70000];
        ssize_t n;
        gint64 last = -1;

        for (int i = 0; i < 70000; i++)
            g_string_append_c (in, 'a');
        while (in->len < 3 * 1024 * 1024) {
            int k = g_test_rand_int_range (0, G_N_ELEMENTS (pieces) + 3);
            if (k >= (int) G_N_ELEMENTS (pieces)) {
                /* a long run, often in a field: past the field cap, sometimes past the line cap */
                int len = g_test_rand_int_range (1000, k == (int) G_N_ELEMENTS (pieces) ? 1200000 : 90000);
                char c = "ab \t"[g_test_rand_int_range (0, 4)];
                if (g_test_rand_bit ())
                    g_string_append (in, "\nX-Long: ");
                for (int i = 0; i < len; i++)
                    g_string_append_c (in, c);
            } else {
                g_string_append (in, pieces[k]);
            }
        }
        mem = g_mime_stream_mem_new_with_buffer (in->str, in->len);
        cap = ba_cap_stream_new (mem);
        while ((n = g_mime_stream_read (cap, buf, g_test_rand_int_range (1, sizeof buf))) > 0)
            g_byte_array_append (out, (const guint8 *) buf, n);
        g_assert_cmpuint (out->len, <, in->len);     /* something was cut */
        for (guint i = 0; i < out->len; i++) {
            gint64 at = ba_cap_stream_to_source (cap, i);
            g_assert_cmpint (at, >, last);
            g_assert_cmpint (at, <, (gint64) in->len);
            g_assert_cmpint (in->str[at], ==, (char) out->data[i]);
            last = at;
        }
        /* the structure is kept: every From_ and boundary line is still there */
        g_assert_cmpuint (count_of (in->str, in->len, "\n--boundary"), ==,
                          count_of ((char *) out->data, out->len, "\n--boundary"));
        g_assert_cmpuint (count_of (in->str, in->len, "\nFrom x"), ==, count_of ((char *) out->data, out->len, "\nFrom x"));
        g_object_unref (cap);
        g_object_unref (mem);
        g_byte_array_unref (out);
        g_string_free (in, TRUE);
    }
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
    g_test_add_func ("/reader/header-caps", test_header_caps_lf);
    g_test_add_func ("/reader/header-caps-crlf", test_header_caps_crlf);
    g_test_add_func ("/reader/header-caps-cr", test_header_caps_cr);
    g_test_add_func ("/reader/header-block-cap", test_header_block_cap);
    g_test_add_func ("/reader/symlink-loops", test_symlink_loops);
    g_test_add_func ("/reader/trailing-from", test_trailing_from);
    g_test_add_func ("/reader/cap-stream-map", test_cap_stream_map);
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
