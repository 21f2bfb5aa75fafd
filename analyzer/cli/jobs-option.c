/* jobs-option.c - see jobs-option.h. */
#include "jobs-option.h"

#include <glib.h>
#include <string.h>

void
jobs_option_attach (int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp (a, "--"))
            return;
        if (a[0] != '-' || a[1] != 'j' || !a[2] || strspn (a + 2, "0123456789") != strlen (a + 2))
            continue;
        /* argv lives as long as the process: the rewritten word is never freed */
        argv[i] = g_strconcat ("--jobs=", a + 2, NULL);
    }
}
