/* storage-pg-lib.c - see storage-pg-lib.h. */
#define BA_LIBPQ_LOADER
#include "storage-pg-lib.h"
#include "storage.h"

#include <gmodule.h>

/* Written once under g_once, then only read: like the linker's own table. */
static ba_libpq_table table;
static char *load_error;

static gpointer
load (gpointer unused)
{
    GModule *m = g_module_open (BA_LIBPQ_SONAME, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    (void) unused;
    if (!m) {
        load_error = g_strdup (g_module_error ());
        return NULL;
    }
#define BA_LIBPQ_RESOLVE(fn) \
    if (!load_error && !g_module_symbol (m, #fn, (gpointer *) &table.fn)) \
        load_error = g_strdup_printf ("%s has no %s", BA_LIBPQ_SONAME, #fn);
    BA_LIBPQ_FUNCTIONS (BA_LIBPQ_RESOLVE)
#undef BA_LIBPQ_RESOLVE
    if (load_error) {
        g_module_close (m);
        return NULL;
    }
    g_module_make_resident (m);
    return &table;
}

gboolean
ba_libpq_load (GError **error)
{
    static GOnce once = G_ONCE_INIT;
    if (g_once (&once, load, NULL))
        return TRUE;
    g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_MISSING,
                 "PostgreSQL needs libpq, which cannot be loaded (%s): install libpq5", load_error);
    return FALSE;
}

const ba_libpq_table *
ba_libpq (void)
{
    return &table;
}
