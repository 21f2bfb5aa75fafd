/* storage.c - the store as the commands see it (storage.h): choosing the
 * backend, opening and closing.  The work is in storage-ingest.c,
 * storage-writer.c, storage-query.c and storage-reclassify.c; the engine's
 * part in storage-sqlite.c (see the seam in storage-private.h). */
#include "storage-private.h"

G_DEFINE_QUARK (ba-store-error-quark, ba_store_error)

const ba_store_backend *
ba_store_backend_for (const char *path)
{
    return &ba_store_sqlite_backend;
}

const char *
ba_store_default_path (void)
{
    const char *env = g_getenv ("BOUNCE_ANALYZER_DB");
    return env && *env ? env : "bounces.db";
}

ba_store *
ba_store_open (const char *path, gboolean create, GError **error)
{
    return ba_store_backend_for (path)->open (path, create, error);
}

ba_store *
ba_store_open_readonly (const char *path, GError **error)
{
    return ba_store_backend_for (path)->open_readonly (path, error);
}

gboolean
ba_store_unchanged (const ba_store *st, GError **error)
{
    return !st->be->unchanged || st->be->unchanged (st, error);
}

const char *
ba_store_path (const ba_store *st)
{
    return st->path;
}

void
ba_store_free (ba_store *st)
{
    if (st)
        st->be->close (st);
}
