#include <string.h>
/* Unit tests of the PostgreSQL backend's pure parts: telling a connection
 * string from a file name, hiding its password, and the tsquery made of a
 * user's search words. */
#include "storage-private.h"
#ifdef BA_HAVE_PG
#include "storage-pg.h"
#endif

static void
test_names (void)
{
    static const struct { const char *path; gboolean pg; } cases[] = {
        { "postgresql://u@h/db", TRUE },
        { "postgres://h/db", TRUE },
        { "service=bounces", TRUE },
        { "host=db.example dbname=bounces", TRUE },
        { "dbname=bounces", TRUE },
        { "bounces.db", FALSE },
        { "/var/lib/bounce-analyzer/bounces.db", FALSE },
        { "./host=x.db", FALSE },
        { "postgresql.db", FALSE },
        { "", FALSE },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        g_assert_cmpint (ba_store_names_pg (cases[i].path), ==, cases[i].pg);
    g_assert_false (ba_store_names_pg (NULL));
}

static void
test_redact (void)
{
    static const struct { const char *in, *out; } cases[] = {
        { "postgresql://u:secret@h:5432/db", "postgresql://u@h:5432/db" },
        { "postgresql://u@h/db", "postgresql://u@h/db" },
        { "postgres://h/db?password=secret&sslmode=require", "postgres://h/db?password=...&sslmode=require" },
        { "host=h password=secret dbname=d", "host=h password=... dbname=d" },
        { "host=h password='a b\\' c' dbname=d", "host=h password=... dbname=d" },
        { "service=bounces", "service=bounces" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        char *got = ba_store_pg_redact (cases[i].in);
        g_assert_cmpstr (got, ==, cases[i].out);
        g_free (got);
    }
}

#ifdef BA_HAVE_PG
static void
test_tsquery (void)
{
    static const struct { const char *words, *tsquery; } cases[] = {
        { "relays.ordb.org", "('relays' <-> 'ordb' <-> 'org')" },
        { "5.7.1", "('5' <-> '7' <-> '1')" },
        { "\"user unknown\"", "('user' <-> 'unknown')" },
        { "quota OR \"over quota\"", "('quota') | ('over' <-> 'quota')" },
        { "mailbox* full", "('mailbox':*) & ('full')" },
        { "it's", "('it' <-> 's')" },
        { "a\\b", "('a' <-> 'b')" },
        { "--- Über", "('Über')" },
        { "OR x", "('x')" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        char *condition = NULL, *value = NULL;
        g_assert_true (ba_pg_text_match (cases[i].words, &condition, &value, NULL));
        g_assert_cmpstr (value, ==, cases[i].tsquery);
        g_assert_nonnull (strstr (condition, "?"));
        g_free (condition);
        g_free (value);
    }
    {
        char *condition = NULL, *value = NULL;
        GError *err = NULL;
        g_assert_false (ba_pg_text_match ("--- ...", &condition, &value, &err));
        g_assert_error (err, BA_STORE_ERROR, BA_STORE_ERROR_QUERY);
        g_error_free (err);
    }
}
#endif

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/pg/names", test_names);
    g_test_add_func ("/pg/redact", test_redact);
#ifdef BA_HAVE_PG
    g_test_add_func ("/pg/tsquery", test_tsquery);
#endif
    return g_test_run ();
}
