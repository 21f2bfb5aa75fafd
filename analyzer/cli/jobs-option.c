/* jobs-option.c - see jobs-option.h. */
#include "jobs-option.h"

#include <glib.h>
#include <string.h>

char **
jobs_option_attach (int argc, char **argv)
{
    GPtrArray *words = g_ptr_array_new ();

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp (a, "--"))
            break;
        if (a[0] != '-' || a[1] != 'j' || !a[2] || strspn (a + 2, "0123456789") != strlen (a + 2))
            continue;
        argv[i] = g_strconcat ("--jobs=", a + 2, NULL);
        g_ptr_array_add (words, argv[i]);
    }
    g_ptr_array_add (words, NULL);
    return (char **) g_ptr_array_free (words, FALSE);
}
