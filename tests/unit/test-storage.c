/* Unit tests: the database's schema version check, damage and failures
 * described, read-only queries that write nothing, the dates and search
 * words users type, the captures column, and the reader's hooks that
 * ingest resumes with. */
#include "storage.h"
#include "storage-errors.h"
#include "storage-private.h"

#include <errno.h>

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static char *tmpdir;

static char *
tmp_path (const char *name)
{
    return g_build_filename (tmpdir, name, NULL);
}

static void
exec_sql (const char *path, const char *sql)
{
    sqlite3 *db;
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
}

static gint64
query_int (const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    gint64 v;
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &s, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (s), ==, SQLITE_ROW);
    v = sqlite3_column_int64 (s, 0);
    sqlite3_finalize (s);
    sqlite3_close (db);
    return v;
}

/* ---- schema versions ---------------------------------------------------- */

static void
test_create_and_reopen (void)
{
    char *path = tmp_path ("new.db");
    GError *err = NULL;
    ba_store *st = ba_store_open (path, TRUE, &err);

    g_assert_no_error (err);
    g_assert_nonnull (st);
    ba_store_free (st);
    g_assert_cmpint (query_int (path, "PRAGMA user_version"), ==, BA_STORE_SCHEMA_VERSION);
    g_assert_cmpint (query_int (path, "SELECT count(*) FROM diagnoses"), ==, 0);
    /* opening again migrates nothing and loses nothing */
    exec_sql (path, "INSERT INTO meta (key, value) VALUES ('test', 'kept')");
    st = ba_store_open (path, FALSE, &err);
    g_assert_no_error (err);
    ba_store_free (st);
    g_assert_cmpint (query_int (path, "SELECT count(*) FROM meta WHERE value = 'kept'"), ==, 1);
    g_assert_cmpint (query_int (path, "PRAGMA user_version"), ==, BA_STORE_SCHEMA_VERSION);
    g_free (path);
}

static void
test_newer_refused (void)
{
    char *path = tmp_path ("newer.db");
    GError *err = NULL;
    ba_store *st = ba_store_open (path, TRUE, &err);
    char *sql;

    g_assert_no_error (err);
    ba_store_free (st);
    sql = g_strdup_printf ("PRAGMA user_version = %d", BA_STORE_SCHEMA_VERSION + 1);
    exec_sql (path, sql);
    g_free (sql);
    st = ba_store_open (path, TRUE, &err);
    g_assert_null (st);
    g_assert_error (err, BA_STORE_ERROR, BA_STORE_ERROR_TOO_NEW);
    g_assert_nonnull (strstr (err->message, "newer than this bounce-analyzer"));
    g_assert_nonnull (strstr (err->message, "use a newer bounce-analyzer"));
    g_clear_error (&err);
    /* refused without touching it */
    g_assert_cmpint (query_int (path, "PRAGMA user_version"), ==, BA_STORE_SCHEMA_VERSION + 1);
    g_free (path);
}

static void
test_not_ours (void)
{
    char *other = tmp_path ("other.db");
    char *text = tmp_path ("text.db");
    char *missing = tmp_path ("missing.db");
    GError *err = NULL;

    exec_sql (other, "CREATE TABLE accounts (name TEXT)");
    g_assert_null (ba_store_open (other, TRUE, &err));
    g_assert_error (err, BA_STORE_ERROR, BA_STORE_ERROR_NOT_OURS);
    g_clear_error (&err);
    g_assert_cmpint (query_int (other, "SELECT count(*) FROM sqlite_schema"), ==, 1);

    g_assert_true (g_file_set_contents (text, "this is plain text, certainly not an SQLite database file\n", -1, NULL));
    g_assert_null (ba_store_open (text, TRUE, &err));
    g_assert_error (err, BA_STORE_ERROR, BA_STORE_ERROR_NOT_OURS);
    g_clear_error (&err);

    g_assert_null (ba_store_open (missing, FALSE, &err));
    g_assert_error (err, BA_STORE_ERROR, BA_STORE_ERROR_MISSING);
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
    g_clear_error (&err);
    g_free (other);
    g_free (text);
    g_free (missing);
}

/* ---- damage, failures, read-only queries -------------------------------- */

static char *
describe (int rc, int sys_errno, const char *path, int *code)
{
    return ba_store_describe_failure (rc, sys_errno, path, "writing it", NULL, code);
}

static void
test_describe_failure (void)
{
    const struct { int rc, sys_errno, code; const char *words; } cases[] = {
        { SQLITE_CORRUPT, 0, BA_STORE_ERROR_CORRUPT, "is damaged" },
        { SQLITE_CORRUPT_INDEX, 0, BA_STORE_ERROR_CORRUPT, "is damaged" },
        { SQLITE_NOTADB, 0, BA_STORE_ERROR_NOT_OURS, "is not an SQLite database" },
        { SQLITE_FULL, 0, BA_STORE_ERROR_FULL, "no space left" },
        { SQLITE_IOERR_WRITE, ENOSPC, BA_STORE_ERROR_FULL, "no space left" },
        { SQLITE_IOERR_FSYNC, EDQUOT, BA_STORE_ERROR_FULL, "quota" },
        { SQLITE_IOERR_WRITE, EROFS, BA_STORE_ERROR_READ_ONLY, "cannot write" },
        { SQLITE_READONLY_DBMOVED, 0, BA_STORE_ERROR_READ_ONLY, "moved or deleted" },
        { SQLITE_BUSY, 0, BA_STORE_ERROR_SQL, "locked by another program" },
        { SQLITE_IOERR_READ, EIO, BA_STORE_ERROR_SQL, g_strerror (EIO) },
    };
    char *path = tmp_path ("described.db");
    char *nowhere = tmp_path ("no-such-dir/new.db");
    int code;
    char *msg;

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        msg = describe (cases[i].rc, cases[i].sys_errno, path, &code);
        g_assert_cmpint (code, ==, cases[i].code);
        if (!strstr (msg, cases[i].words) || !strstr (msg, path))
            g_error ("rc %d: '%s' lacks '%s'", cases[i].rc, msg, cases[i].words);
        g_free (msg);
    }
    msg = describe (SQLITE_CANTOPEN, ENOENT, nowhere, &code);
    g_assert_nonnull (strstr (msg, "there is no directory"));
    g_free (msg);
    msg = describe (SQLITE_CANTOPEN, EISDIR, tmpdir, &code);
    g_assert_nonnull (strstr (msg, "is a directory"));
    g_free (msg);
    g_free (path);
    g_free (nowhere);
}

static char *
read_all (const char *path, gsize *len)
{
    char *bytes = NULL;
    g_assert_true (g_file_get_contents (path, &bytes, len, NULL));
    return bytes;
}

/* A store of @rows rows of meta, closed (no -wal left). */
static char *
filled_store (const char *name, int rows)
{
    char *path = tmp_path (name), *sql;
    GError *err = NULL;
    ba_store *st = ba_store_open (path, TRUE, &err);
    g_assert_no_error (err);
    ba_store_free (st);
    sql = g_strdup_printf ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
                           "INSERT INTO meta (key, value) SELECT 'k' || i, printf('%%.300c', 'v') FROM n",
                           rows);
    exec_sql (path, sql);
    g_free (sql);
    return path;
}

static void
test_corrupt_refused (void)
{
    char *path = filled_store ("corrupt.db", 2000);
    gsize len, after_len;
    char *bytes = read_all (path, &len), *after;
    GError *err = NULL;
    FILE *f;

    g_assert_cmpuint (len, >, 20 * 4096);
    /* garbage over two pages in the middle, as a bad disk or a copy cut short would leave */
    f = fopen (path, "r+b");
    g_assert_nonnull (f);
    g_assert_cmpint (fseek (f, (long) (len / 4096 / 2) * 4096, SEEK_SET), ==, 0);
    for (int i = 0; i < 2 * 4096; i++)
        fputc ((i * 7919) & 0xff, f);
    fclose (f);
    g_free (bytes);
    bytes = read_all (path, &len);

    g_assert_null (ba_store_open (path, TRUE, &err));
    g_assert_error (err, BA_STORE_ERROR, BA_STORE_ERROR_CORRUPT);
    g_assert_nonnull (strstr (err->message, "damaged"));
    g_clear_error (&err);
    g_assert_null (ba_store_open (path, FALSE, &err));
    g_assert_error (err, BA_STORE_ERROR, BA_STORE_ERROR_CORRUPT);
    g_clear_error (&err);
    /* refused without a write */
    after = read_all (path, &after_len);
    g_assert_cmpmem (bytes, len, after, after_len);
    g_free (after);
    g_free (bytes);
    g_free (path);
}

static gboolean
count_row (const ba_diagnosis *d, void *data)
{
    (*(int *) data)++;
    return TRUE;
}

static gboolean
exists_beside (const char *path, const char *suffix)
{
    char *p = g_strconcat (path, suffix, NULL);
    gboolean there = g_file_test (p, G_FILE_TEST_EXISTS);
    g_free (p);
    return there;
}

static void
test_query_writes_nothing (void)
{
    char *path = filled_store ("query.db", 200);
    gsize len, after_len;
    char *bytes = read_all (path, &len), *after;
    GError *err = NULL;
    ba_query q = { 0 };
    ba_store_totals totals;
    ba_store *st;
    int rows = 0;

    g_assert_false (exists_beside (path, "-wal"));
    st = ba_store_open_readonly (path, &err);
    g_assert_no_error (err);
    g_assert_true (ba_store_find (st, &q, count_row, &rows, &err));
    g_assert_no_error (err);
    g_assert_true (ba_store_get_totals (st, NULL, &totals, &err));
    g_assert_true (ba_store_unchanged (st, &err));
    ba_store_free (st);
    after = read_all (path, &after_len);
    g_assert_cmpmem (bytes, len, after, after_len);
    g_assert_false (exists_beside (path, "-wal"));
    g_assert_false (exists_beside (path, "-shm"));
    g_free (after);
    g_free (bytes);
    g_free (path);
}

/* A snapshot read while the store is written says so. */
static void
test_snapshot_change_seen (void)
{
    char *path = filled_store ("snapshot.db", 10);
    GError *err = NULL;
    ba_store *st = ba_store_open_readonly (path, &err);

    g_assert_no_error (err);
    g_assert_true (ba_store_unchanged (st, &err));
    exec_sql (path, "INSERT INTO meta (key, value) VALUES ('later', 'x')");
    g_assert_false (ba_store_unchanged (st, &err));
    g_assert_nonnull (strstr (err->message, "written while it was read"));
    g_clear_error (&err);
    ba_store_free (st);
    g_free (path);
}

/* While an ingest has the store open, a query reads through its WAL and
 * sees what it committed. */
static void
test_query_beside_writer (void)
{
    char *path = filled_store ("beside.db", 10);
    GError *err = NULL;
    ba_store *writer = ba_store_open (path, FALSE, &err), *reader;
    sqlite3 *db;

    g_assert_no_error (err);
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "INSERT INTO meta (key, value) VALUES ('new', 'x')", NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_true (exists_beside (path, "-wal"));
    reader = ba_store_open_readonly (path, &err);
    g_assert_no_error (err);
    g_assert_true (ba_store_unchanged (reader, &err));
    ba_store_free (reader);
    sqlite3_close (db);
    ba_store_free (writer);
    g_assert_false (exists_beside (path, "-wal"));
    g_assert_cmpint (query_int (path, "SELECT count(*) FROM meta WHERE key = 'new'"), ==, 1);
    g_free (path);
}

static void
test_query_empty_file (void)
{
    char *path = tmp_path ("empty.db");
    GError *err = NULL;

    g_assert_true (g_file_set_contents (path, "", 0, NULL));
    g_assert_null (ba_store_open_readonly (path, &err));
    g_assert_error (err, BA_STORE_ERROR, BA_STORE_ERROR_MISSING);
    g_assert_nonnull (strstr (err->message, "is empty"));
    g_clear_error (&err);
    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    g_assert_false (exists_beside (path, "-wal"));
    g_free (path);
}

/* ---- dates and words ---------------------------------------------------- */

static void
test_parse_time (void)
{
    gint64 now = 1206435600;    /* 2008-03-25T09:00:00Z */
    gint64 t;

    /* the test runs with TZ=UTC (see main) */
    g_assert_true (ba_store_parse_time ("2008-03-25", now, FALSE, &t));
    g_assert_cmpint (t, ==, 1206403200);
    g_assert_true (ba_store_parse_time ("2008-03-25", now, TRUE, &t));
    g_assert_cmpint (t, ==, 1206403200 + 86400);
    g_assert_true (ba_store_parse_time ("2008-03-25T09:00", now, FALSE, &t));
    g_assert_cmpint (t, ==, 1206435600);
    g_assert_true (ba_store_parse_time ("2008-03-25 09:00:30", now, FALSE, &t));
    g_assert_cmpint (t, ==, 1206435630);
    g_assert_true (ba_store_parse_time ("2008-03-25T09:00+01:00", now, FALSE, &t));
    g_assert_cmpint (t, ==, 1206432000);
    g_assert_true (ba_store_parse_time ("2008-03-25T09:00:00Z", now, FALSE, &t));
    g_assert_cmpint (t, ==, 1206435600);
    g_assert_true (ba_store_parse_time ("7d", now, FALSE, &t));
    g_assert_cmpint (t, ==, now - 7 * 86400);
    g_assert_true (ba_store_parse_time ("24h", now, TRUE, &t));
    g_assert_cmpint (t, ==, now - 86400);
    g_assert_true (ba_store_parse_time ("2w", now, FALSE, &t));
    g_assert_cmpint (t, ==, now - 14 * 86400);
    g_assert_true (ba_store_parse_time ("30m", now, FALSE, &t));
    g_assert_cmpint (t, ==, now - 1800);

    g_assert_false (ba_store_parse_time ("yesterday", now, FALSE, &t));
    g_assert_false (ba_store_parse_time ("2008-13-01", now, FALSE, &t));
    g_assert_false (ba_store_parse_time ("2008-03-25X", now, FALSE, &t));
    g_assert_false (ba_store_parse_time ("", now, FALSE, &t));
    g_assert_false (ba_store_parse_time ("7x", now, FALSE, &t));
    g_assert_false (ba_store_parse_time ("d", now, FALSE, &t));
    g_assert_false (ba_store_parse_time ("99999999999w", now, FALSE, &t));
    g_assert_false (ba_store_parse_time (NULL, now, FALSE, &t));
}

static void
check_fts (const char *words, const char *want)
{
    char *got = ba_store_fts_query (words);
    g_assert_cmpstr (got, ==, want);
    g_free (got);
}

static void
test_fts_query (void)
{
    check_fts ("relays.ordb.org", "\"relays.ordb.org\"");
    check_fts ("user unknown", "\"user\" AND \"unknown\"");
    check_fts ("\"relay access denied\" 5.7.1", "\"relay access denied\" AND \"5.7.1\"");
    check_fts ("quota OR full", "\"quota\" OR \"full\"");
    check_fts ("OR quota", "\"quota\"");
    check_fts ("blacklist*", "\"blacklist\"*");
    check_fts ("say \"it's \"quoted", "\"say\" AND \"it's \" AND \"quoted\"");
    check_fts ("a\"b", "\"a\"\"b\"");
    check_fts ("--- ...", NULL);
    check_fts ("", NULL);
    check_fts (NULL, NULL);
}

static void
test_captures (void)
{
    GPtrArray *c = ba_store_captures_parse ("{\"dnsbl\":\"relays.ordb.org\",\"ip\":\"203.0.113.25\","
                                            "\"q\":\"a \\\"b\\\" \\\\ \\u00e9 \\ud83d\\ude00\"}");
    ba_capture *x;

    g_assert_cmpuint (c->len, ==, 3);
    x = g_ptr_array_index (c, 0);
    g_assert_cmpstr (x->name, ==, "dnsbl");
    g_assert_cmpstr (x->value, ==, "relays.ordb.org");
    x = g_ptr_array_index (c, 2);
    g_assert_cmpstr (x->value, ==, "a \"b\" \\ \xc3\xa9 \xf0\x9f\x98\x80");
    g_ptr_array_unref (c);
    c = ba_store_captures_parse ("{}");
    g_assert_cmpuint (c->len, ==, 0);
    g_ptr_array_unref (c);
    c = ba_store_captures_parse ("{\"broken");
    g_assert_cmpuint (c->len, ==, 0);
    g_ptr_array_unref (c);
}

/* ---- content keys ------------------------------------------------------- */

static char *
content_key (const char *text, const char *message_id)
{
    char hash[65], *key;
    ba_hash_message_text (text, strlen (text), message_id, hash, &key);
    return key;
}

static void
test_content_key (void)
{
    const char *plain = "Subject: x\nMessage-ID: <a@b>\n\nline one\nline two\n";
    char *base = content_key (plain, "a@b");
    char *k;

    g_assert_true (g_str_has_prefix (base, "mid:"));
    /* the same message as an mbox writes it, as CRLF, with a header added */
    k = content_key ("From MAILER-DAEMON Thu Mar 27 10:00:00 2008\n"
                     "Subject: x\nMessage-ID: <a@b>\n\nline one\nline two\n\n", "a@b");
    g_assert_cmpstr (k, ==, base);
    g_free (k);
    k = content_key ("Subject: x\r\nMessage-ID: <a@b>\r\n\r\nline one\r\nline two\r\n", "a@b");
    g_assert_cmpstr (k, ==, base);
    g_free (k);
    k = content_key ("X-Spam: no\nSubject: x\nMessage-ID: <a@b>\n\nline one\nline two", "a@b");
    g_assert_cmpstr (k, ==, base);
    g_free (k);
    /* another body, another Message-ID, a bare CR kept */
    k = content_key ("Subject: x\nMessage-ID: <a@b>\n\nline one\nline 2\n", "a@b");
    g_assert_cmpstr (k, !=, base);
    g_free (k);
    k = content_key (plain, "c@d");
    g_assert_cmpstr (k, !=, base);
    g_free (k);
    k = content_key ("Subject: x\nMessage-ID: <a@b>\n\nline one\rline two\n", "a@b");
    g_assert_cmpstr (k, !=, base);
    g_free (k);
    /* no Message-ID: the whole message, headers too */
    k = content_key ("Subject: x\n\nbody\n", NULL);
    g_assert_true (g_str_has_prefix (k, "raw:"));
    base = (g_free (base), content_key ("From x\nSubject: x\r\n\r\nbody\r\n", NULL));
    g_assert_cmpstr (k, ==, base);
    g_free (k);
    k = content_key ("Subject: y\n\nbody\n", NULL);
    g_assert_cmpstr (k, !=, base);
    g_free (k);
    g_free (base);
    k = content_key ("", NULL);
    g_assert_true (g_str_has_prefix (k, "raw:"));
    g_free (k);
}

/* ---- the reader's hooks ------------------------------------------------- */

typedef struct {
    gint64 start;               /* what file_opened answers */
    gint64 size_seen;
    int opened, asked;
    GArray *offsets;
    GArray *sizes;
} hook_state;

static gboolean
want_all_but_skip (void *data, const char *path)
{
    hook_state *h = data;
    h->asked++;
    return !g_str_has_suffix (path, "skip.eml");
}

static gint64
opened (void *data, const char *path, int fd, gint64 size, gboolean mbox)
{
    hook_state *h = data;
    h->opened++;
    h->size_seen = size;
    return h->start;
}

static void
read_with (const char *path, hook_state *h)
{
    ba_reader *r = ba_reader_open (path);
    ba_reader_hooks hooks = { want_all_but_skip, opened, h };
    ba_input in;
    GError *err = NULL;
    ba_read_status st;

    h->offsets = g_array_new (FALSE, FALSE, sizeof (gint64));
    h->sizes = g_array_new (FALSE, FALSE, sizeof (gint64));
    ba_reader_set_hooks (r, &hooks);
    while ((st = ba_reader_next (r, &in, &err)) != BA_READ_END) {
        g_assert_no_error (err);
        g_assert_cmpint (st, ==, BA_READ_MESSAGE);
        g_array_append_val (h->offsets, in.offset);
        g_array_append_val (h->sizes, in.size);
    }
    ba_reader_free (r);
}

static void
hook_state_clear (hook_state *h)
{
    g_array_unref (h->offsets);
    g_array_unref (h->sizes);
}

static const char mbox3[] =
    "From a@example.com Tue Mar 25 16:02:11 2008\n"
    "Subject: one\n\nbody one\n\n"
    "From b@example.com Tue Mar 25 16:03:11 2008\n"
    "Subject: two\n\nbody two\n>From here on, quoted\n\n"
    "From c@example.com Tue Mar 25 16:04:11 2008\n"
    "Subject: three\n\nbody three\n";

static void
check_resume (const char *name, const char *content)
{
    char *path = tmp_path (name);
    gsize len = strlen (content);
    const char *second = strstr (content + 1, "From b@");
    const char *third = strstr (content, "From c@");
    hook_state h = { 0 };

    g_assert_true (g_file_set_contents (path, content, len, NULL));
    /* from the start: three messages, each from its From_ line to the next */
    read_with (path, &h);
    g_assert_cmpint (h.opened, ==, 1);
    g_assert_cmpint (h.size_seen, ==, (gint64) len);
    g_assert_cmpuint (h.offsets->len, ==, 3);
    g_assert_cmpint (g_array_index (h.offsets, gint64, 0), ==, 0);
    g_assert_cmpint (g_array_index (h.sizes, gint64, 0), ==, second - content);
    g_assert_cmpint (g_array_index (h.offsets, gint64, 1), ==, second - content);
    hook_state_clear (&h);

    /* resumed at the third From_ line: offsets stay absolute */
    memset (&h, 0, sizeof h);
    h.start = third - content;
    read_with (path, &h);
    g_assert_cmpuint (h.offsets->len, ==, 1);
    g_assert_cmpint (g_array_index (h.offsets, gint64, 0), ==, third - content);
    g_assert_cmpint (g_array_index (h.sizes, gint64, 0), ==, (gint64) len - (third - content));
    hook_state_clear (&h);

    /* at the end: nothing new */
    memset (&h, 0, sizeof h);
    h.start = len;
    read_with (path, &h);
    g_assert_cmpuint (h.offsets->len, ==, 0);
    hook_state_clear (&h);

    /* not the start of a From_ line: from the start again */
    memset (&h, 0, sizeof h);
    h.start = third - content + 1;
    read_with (path, &h);
    g_assert_cmpint (g_array_index (h.offsets, gint64, 0), ==, 0);
    hook_state_clear (&h);
    memset (&h, 0, sizeof h);
    h.start = len + 100;
    read_with (path, &h);
    g_assert_cmpint (g_array_index (h.offsets, gint64, 0), ==, 0);
    hook_state_clear (&h);
    g_free (path);
}

static void
test_hooks_mbox_resume (void)
{
    char *cr = g_strdup (mbox3);
    check_resume ("resume.mbox", mbox3);
    /* an old Mac mailbox, bare CR: the same offsets */
    for (char *p = cr; *p; p++)
        if (*p == '\n')
            *p = '\r';
    check_resume ("resume-cr.mbox", cr);
    g_free (cr);
}

static void
test_hooks_want_file (void)
{
    char *dir = tmp_path ("tree");
    char *a = g_build_filename (dir, "a.eml", NULL);
    char *skip = g_build_filename (dir, "skip.eml", NULL);
    hook_state h = { 0 };

    g_mkdir_with_parents (dir, 0700);
    g_assert_true (g_file_set_contents (a, "Subject: a\n\nbody\n", -1, NULL));
    g_assert_true (g_file_set_contents (skip, "Subject: skip\n\nbody\n", -1, NULL));
    read_with (dir, &h);
    g_assert_cmpint (h.asked, ==, 2);
    g_assert_cmpint (h.opened, ==, 1);
    g_assert_cmpuint (h.offsets->len, ==, 1);
    g_assert_cmpint (g_array_index (h.offsets, gint64, 0), ==, -1);
    hook_state_clear (&h);
    g_free (dir);
    g_free (a);
    g_free (skip);
}

int
main (int argc, char **argv)
{
    int rc;
    char *cmd;

    g_setenv ("TZ", "UTC", TRUE);
    g_test_init (&argc, &argv, NULL);
    ba_init ();
    tmpdir = g_dir_make_tmp ("test-storage-XXXXXX", NULL);
    g_assert_nonnull (tmpdir);

    g_test_add_func ("/storage/create-reopen", test_create_and_reopen);
    g_test_add_func ("/storage/newer-refused", test_newer_refused);
    g_test_add_func ("/storage/not-ours", test_not_ours);
    g_test_add_func ("/storage/describe-failure", test_describe_failure);
    g_test_add_func ("/storage/corrupt-refused", test_corrupt_refused);
    g_test_add_func ("/storage/query-writes-nothing", test_query_writes_nothing);
    g_test_add_func ("/storage/snapshot-change-seen", test_snapshot_change_seen);
    g_test_add_func ("/storage/query-beside-writer", test_query_beside_writer);
    g_test_add_func ("/storage/query-empty-file", test_query_empty_file);
    g_test_add_func ("/storage/parse-time", test_parse_time);
    g_test_add_func ("/storage/fts-query", test_fts_query);
    g_test_add_func ("/storage/captures", test_captures);
    g_test_add_func ("/storage/content-key", test_content_key);
    g_test_add_func ("/reader/hooks-mbox-resume", test_hooks_mbox_resume);
    g_test_add_func ("/reader/hooks-want-file", test_hooks_want_file);
    rc = g_test_run ();

    cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
        g_printerr ("could not remove %s\n", tmpdir);
    g_free (cmd);
    g_free (tmpdir);
    return rc;
}
