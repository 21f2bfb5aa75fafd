/* small-file.c - read a configuration or rule file whole, with a bound. */
#include "small-file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static gboolean
fail_errno (GError **error, const char *path, int e)
{
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "Failed to open file “%s”: %s", path,
                 g_strerror (e));
    return FALSE;
}

gboolean
ba_read_small_file (const char *path, gsize max, char **text, gsize *len, GError **error)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer */
    int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat sb;
    GString *buf;
    char chunk[65536];
    ssize_t n;

    *text = NULL;
    *len = 0;
    if (fd < 0)
        return fail_errno (error, path, errno);
    if (fstat (fd, &sb) < 0) {
        int e = errno;
        close (fd);
        return fail_errno (error, path, e);
    }
    if (!S_ISREG (sb.st_mode)) {
        close (fd);
        g_set_error (error, G_FILE_ERROR, S_ISDIR (sb.st_mode) ? G_FILE_ERROR_ISDIR : G_FILE_ERROR_INVAL,
                     "“%s” is not a regular file", path);
        return FALSE;
    }
    if ((guint64) sb.st_size > max) {
        close (fd);
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "“%s” is larger than %" G_GSIZE_FORMAT " bytes",
                     path, max);
        return FALSE;
    }
    buf = g_string_sized_new ((gsize) sb.st_size + 1);
    while ((n = read (fd, chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            close (fd);
            g_string_free (buf, TRUE);
            return fail_errno (error, path, e);
        }
        if (buf->len + (gsize) n > max) {   /* the file grew while it was read */
            close (fd);
            g_string_free (buf, TRUE);
            g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                         "“%s” is larger than %" G_GSIZE_FORMAT " bytes", path, max);
            return FALSE;
        }
        g_string_append_len (buf, chunk, n);
    }
    close (fd);
    *len = buf->len;
    *text = g_string_free (buf, FALSE);
    return TRUE;
}
