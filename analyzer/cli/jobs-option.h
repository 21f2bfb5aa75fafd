/* jobs-option.h - the -j/--jobs option's attached form (-j2), and the
 * workers one input is worth. */
#ifndef BA_JOBS_OPTION_H
#define BA_JOBS_OPTION_H

#include <glib.h>

/* Rewrites every "-jN" (N digits) of @argv before a "--" into "--jobs=N":
 * GOption takes a short option's value only from the next argument, so
 * "-j2" would read the argument after it as the count.  Call before
 * parse_options, on commands whose -j is --jobs; returns the new words
 * (NULL-terminated), for the caller to free (g_auto (GStrv)) once done
 * with @argv. */
char **jobs_option_attach (int argc, char **argv);

/* The workers worth starting for @path: 1 for a regular file that is not
 * an mbox (one message, one unit: other workers would only be forked and
 * set up to read nothing), else @jobs. */
guint jobs_for_path (const char *path, guint jobs);

#endif
