/* path-list.h - the paths a command reads: its arguments, then those of
 * --files-from FILE (one a line, or NUL-separated with -0). */
#ifndef BA_PATH_LIST_H
#define BA_PATH_LIST_H

#include <glib.h>
#include <stdio.h>

/* The longest path taken from a list (PATH_MAX); a longer entry is skipped
 * with a warning, so a hostile list cannot make us allocate without bound. */
#define PATH_LIST_MAX 4096

typedef struct path_list path_list;

/* @args (not copied) then, if @list_file is not NULL, the entries of that
 * file ("-": standard input).  NULL after printing why (naming @command). */
path_list *path_list_new (const char *command, char **args, int nargs, const char *list_file,
                          gboolean nul);
/* The next path, valid until the next call; NULL at the end. */
const char *path_list_next (path_list *pl);
/* Did reading the list fail (a read error, an entry too long)? */
gboolean path_list_failed (const path_list *pl);
void path_list_free (path_list *pl);

/* Regular-file bytes under the arguments (standard input: a redirected
 * file's size), for a progress percentage; -1 when not known (a pipe, too
 * many files). */
gint64 path_list_total_size (char **args, int nargs);
/* As path_list_total_size over the arguments and every entry of the list,
 * which is read ahead for it (the list is read whole before the first
 * path is given: a percentage needs its end); -1 when not known (a list of
 * over 100000 entries, a pipe on standard input). */
gint64 path_list_progress_total (path_list *pl);

/* Is @err a reader's "not a valid message" for a file on its own: a file
 * that is not mail, a warning rather than a read error? */
gboolean read_error_is_not_mail (const GError *err, gint64 offset);

#endif
