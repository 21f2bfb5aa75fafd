/* storage-pg-name.c - telling a PostgreSQL connection string from a file
 * name, and showing one without its password; in a build without libpq,
 * also the backend that says so.  Built with or without PostgreSQL. */
#include "storage-private.h"

#include <sqlite3.h>
#include <string.h>
#ifdef BA_HAVE_PG
#include "storage-pg-lib.h"
#endif

char *
ba_store_engines (void)
{
#ifdef BA_HAVE_PG
    int v;
    if (!ba_libpq_load (NULL))
        return g_strdup_printf ("SQLite %s, PostgreSQL (libpq not installed: %s cannot be loaded)",
                                sqlite3_libversion (), BA_LIBPQ_SONAME);
    v = PQlibVersion ();
    return g_strdup_printf ("SQLite %s, PostgreSQL (libpq %d.%d)", sqlite3_libversion (),
                            v / 10000, v % 10000);
#else
    return g_strdup_printf ("SQLite %s (PostgreSQL left out: this build had no libpq)",
                            sqlite3_libversion ());
#endif
}

gboolean
ba_store_names_pg (const char *path)
{
    static const char *const keys[] = {
        "service=", "host=", "hostaddr=", "dbname=", "port=", "user=",
    };
    if (!path)
        return FALSE;
    if (g_str_has_prefix (path, "postgresql://") || g_str_has_prefix (path, "postgres://"))
        return TRUE;
    /* a key=value string starts with a libpq key; a file name seldom does */
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        if (g_str_has_prefix (path, keys[i]))
            return TRUE;
    return FALSE;
}

char *
ba_store_pg_redact (const char *conninfo)
{
    GString *out = g_string_new (NULL);
    const char *p = conninfo;

    if (g_str_has_prefix (conninfo, "postgres")) {
        /* scheme://user:password@host...: drop ":password" */
        const char *start = strstr (conninfo, "://");
        const char *at = start ? strchr (start + 3, '@') : NULL;
        const char *colon = at ? memchr (start + 3, ':', at - start - 3) : NULL;
        const char *query = strstr (conninfo, "password=");
        g_string_append_len (out, conninfo, colon ? colon - conninfo : (gssize) strlen (conninfo));
        if (colon)
            g_string_append (out, at);
        if (query) {
            /* ...?password=secret&...: keep what is around it */
            gsize from = strstr (out->str, "password=") - out->str;
            gsize len = strcspn (out->str + from, "&");
            g_string_erase (out, from, len);
            g_string_insert (out, from, "password=...");
        }
        return g_string_free (out, FALSE);
    }
    /* key=value ...: every value but the password's */
    while (*p) {
        const char *eq = strchr (p, '=');
        const char *end;
        gboolean secret;
        if (!eq) {
            g_string_append (out, p);
            break;
        }
        secret = eq - p >= 8 && !strncmp (eq - 8, "password", 8);
        end = eq + 1;
        if (*end == '\'') {
            for (end++; *end && *end != '\''; end++)
                if (*end == '\\' && end[1])
                    end++;
            if (*end)
                end++;
        } else {
            end += strcspn (end, " \t");
        }
        g_string_append_len (out, p, eq + 1 - p);
        if (secret)
            g_string_append (out, "...");
        else
            g_string_append_len (out, eq + 1, end - eq - 1);
        p = end;
        while (*p == ' ' || *p == '\t')
            g_string_append_c (out, *p++);
    }
    return g_string_free (out, FALSE);
}

#ifndef BA_HAVE_PG
static ba_store *
no_pg_open (const char *path, gboolean create, GError **error)
{
    char *shown = ba_store_pg_redact (path);
    g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_MISSING,
                 "%s is a PostgreSQL database, and this bounce-analyzer was built without "
                 "PostgreSQL (no libpq when it was built, or BA_POSTGRESQL=OFF): rebuild it with libpq-dev installed",
                 shown);
    g_free (shown);
    return NULL;
}

static ba_store *
no_pg_open_readonly (const char *path, GError **error)
{
    return no_pg_open (path, FALSE, error);
}

const ba_store_backend ba_store_pg_backend = {
    .name = "postgresql (not built)",
    .open = no_pg_open,
    .open_readonly = no_pg_open_readonly,
};
#endif
