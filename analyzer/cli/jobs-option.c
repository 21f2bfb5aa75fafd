/* jobs-option.c - see jobs-option.h. */
#define _GNU_SOURCE            /* O_NOATIME */
#include "jobs-option.h"

#include <errno.h>
#include <fcntl.h>
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
    /* opened as the reader opens it: no blocking on a FIFO, and the access time left alone */
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    struct stat st;
    char head[5];
    int fd;
    gboolean mbox;

    if (jobs <= 1 || !strcmp (path, "-"))
        return jobs;
#ifdef O_NOATIME
    fd = open (path, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM)       /* O_NOATIME needs the file's owner */
        fd = open (path, flags);
#else
    fd = open (path, flags);
#endif
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
