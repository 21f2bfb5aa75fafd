/* path-list.c - see path-list.h */
#include "path-list.h"
#include "commands.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct path_list {
    const char *command;
    char **args;
    int nargs, next_arg;
    FILE *list;
    gboolean nul, failed, at_end;
    guint64 entry;              /* number of the entry read last, for warnings */
    GPtrArray *queued;          /* entries read ahead for sizing, or NULL */
    guint next_queued;
    char buf[PATH_LIST_MAX + 1];
};

path_list *
path_list_new (const char *command, char **args, int nargs, const char *list_file, gboolean nul)
{
    path_list *pl = g_new0 (path_list, 1);
    pl->command = command;
    pl->args = args;
    pl->nargs = nargs;
    pl->nul = nul;
    if (list_file) {
        pl->list = strcmp (list_file, "-") ? fopen (list_file, "r") : stdin;
        if (!pl->list) {
            warn ("%s: --files-from %s: %s", command, list_file, g_strerror (errno));
            g_free (pl);
            return NULL;
        }
    }
    return pl;
}

/* One entry of the list into buf; FALSE at its end. */
static gboolean
read_entry (path_list *pl)
{
    int sep = pl->nul ? '\0' : '\n', c;
    gsize n;

    for (;;) {
        gboolean too_long = FALSE;
        n = 0;
        while ((c = getc (pl->list)) != EOF && c != sep) {
            if (n < PATH_LIST_MAX)
                pl->buf[n++] = (char) c;
            else
                too_long = TRUE;
        }
        if (c == EOF && ferror (pl->list)) {
            warn ("%s: --files-from: %s", pl->command, g_strerror (errno));
            pl->failed = TRUE;
            return FALSE;
        }
        if (c == EOF && n == 0 && !too_long)
            return FALSE;
        pl->entry++;
        if (!pl->nul && n > 0 && pl->buf[n - 1] == '\r')
            n--;
        pl->buf[n] = '\0';
        if (too_long) {
            warn ("%s: --files-from: entry %" G_GUINT64_FORMAT " is longer than %d bytes: skipped",
                  pl->command, pl->entry, PATH_LIST_MAX);
            pl->failed = TRUE;
        } else if (memchr (pl->buf, '\0', n)) {
            warn ("%s: --files-from: entry %" G_GUINT64_FORMAT " holds a NUL byte (use -0 for "
                  "NUL-separated lists): skipped", pl->command, pl->entry);
            pl->failed = TRUE;
        } else if (n > 0) {
            return TRUE;
        }
        if (c == EOF)
            return FALSE;
    }
}

const char *
path_list_next (path_list *pl)
{
    if (pl->next_arg < pl->nargs)
        return pl->args[pl->next_arg++];
    if (pl->queued && pl->next_queued < pl->queued->len)
        return g_ptr_array_index (pl->queued, pl->next_queued++);
    if (!pl->list || pl->at_end)
        return NULL;
    if (read_entry (pl))
        return pl->buf;
    pl->at_end = TRUE;
    return NULL;
}

gboolean
path_list_failed (const path_list *pl)
{
    return pl->failed;
}

void
path_list_free (path_list *pl)
{
    if (!pl)
        return;
    if (pl->list && pl->list != stdin)
        fclose (pl->list);
    if (pl->queued)
        g_ptr_array_unref (pl->queued);
    g_free (pl);
}

/* Files counted at most, so sizing a huge tree does not delay the start. */
#define SIZE_WALK_MAX 200000

/* Entries read ahead at most: a list of millions of paths is not held in
 * memory only to show a percentage. */
#define PRELOAD_MAX 100000

/* The bytes left to read on standard input: a redirected file's, else -1
 * (a pipe or a terminal has no size). */
static gint64
stdin_size (void)
{
    struct stat sb;
    off_t at;
    if (fstat (0, &sb) != 0 || !S_ISREG (sb.st_mode))
        return -1;
    at = lseek (0, 0, SEEK_CUR);
    return at >= 0 && at <= sb.st_size ? (gint64) (sb.st_size - at) : -1;
}

static gboolean
add_size (const char *path, int depth, guint *files, gint64 *total)
{
    struct stat sb;
    GDir *dir;
    const char *name;

    if (depth == 0 && !strcmp (path, "-")) {
        gint64 n = stdin_size ();
        *total += n > 0 ? n : 0;
        return n >= 0;
    }
    if (lstat (path, &sb) != 0)
        return TRUE;
    if (S_ISREG (sb.st_mode)) {
        *total += sb.st_size;
        return ++*files < SIZE_WALK_MAX;
    }
    if (!S_ISDIR (sb.st_mode) || depth > 32 || !(dir = g_dir_open (path, 0, NULL)))
        return TRUE;
    while ((name = g_dir_read_name (dir))) {
        char *child = g_build_filename (path, name, NULL);
        gboolean go_on = add_size (child, depth + 1, files, total);
        g_free (child);
        if (!go_on) {
            g_dir_close (dir);
            return FALSE;
        }
    }
    g_dir_close (dir);
    return TRUE;
}

gint64
path_list_total_size (char **args, int nargs)
{
    gint64 total = 0;
    guint files = 0;
    for (int i = 0; i < nargs; i++)
        if (!add_size (args[i], 0, &files, &total))
            return -1;
    return total;
}

/* The rest of the list read ahead into pl->queued; FALSE when it is longer
 * than PRELOAD_MAX (what was read stays queued) or could not be read. */
static gboolean
preload (path_list *pl)
{
    if (!pl->queued)
        pl->queued = g_ptr_array_new_with_free_func (g_free);
    while (pl->list && !pl->at_end) {
        if (pl->queued->len >= PRELOAD_MAX)
            return FALSE;
        if (read_entry (pl))
            g_ptr_array_add (pl->queued, g_strdup (pl->buf));
        else
            pl->at_end = TRUE;
    }
    return !pl->failed;
}

gint64
path_list_progress_total (path_list *pl)
{
    gint64 total = 0;
    guint files = 0;
    for (int i = 0; i < pl->nargs; i++)
        if (!add_size (pl->args[i], 0, &files, &total))
            return -1;
    if (pl->list && !preload (pl))
        return -1;
    for (guint i = 0; pl->queued && i < pl->queued->len; i++) {
        const char *path = g_ptr_array_index (pl->queued, i);
        /* "-" in a list is a file of that name, not standard input */
        if (!add_size (path, !strcmp (path, "-") ? 1 : 0, &files, &total))
            return -1;
    }
    return total;
}

gboolean
read_error_is_not_mail (const GError *err, gint64 offset)
{
    return offset < 0 && err && err->domain == G_FILE_ERROR && err->code == G_FILE_ERROR_INVAL;
}
