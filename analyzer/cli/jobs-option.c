/* jobs-option.c - see jobs-option.h. */
#include "jobs-option.h"
#include "bounce-analyzer.h"

#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

guint
jobs_for_path (const char *path, guint jobs)
{
    struct stat st;
    char head[5];
    int fd;
    gboolean mbox;

    if (jobs <= 1 || !strcmp (path, "-"))
        return jobs;
    fd = ba_open_input (path);     /* as the reader opens it: the access time left alone */
    if (fd < 0)
        return jobs;            /* the reader reports why */
    if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
        close (fd);
        return jobs;
    }
    mbox = pread (fd, head, sizeof head, 0) == (ssize_t) sizeof head && !memcmp (head, "From ", 5);
    close (fd);
    return mbox ? jobs : 1;
}
