/* small-file.h - read a configuration or rule file whole, with a bound. */
#ifndef BA_SMALL_FILE_H
#define BA_SMALL_FILE_H

#include <glib.h>

/* Rule and format files are tens of kilobytes; anything past this is no rule file. */
#define BA_RULE_FILE_MAX (8 * 1024 * 1024)

/* Read the regular file @path (at most @max bytes) into *@text (NUL-added)
 * and *@len.  A FIFO, device or directory fails at once, without blocking,
 * as does a larger file; @error is then set, with GLib's wording for a
 * file that cannot be opened. */
gboolean ba_read_small_file (const char *path, gsize max, char **text, gsize *len, GError **error);

#endif
