/* progress.h - one progress line on stderr for analyze and ingest, only
 * when stderr is a terminal: percentage of the bytes (when the size is
 * known), messages, rate; at most 5 updates a second, erased at the end. */
#ifndef BA_PROGRESS_H
#define BA_PROGRESS_H

#include <glib.h>

typedef struct {
    gboolean on;
    const char *command;
    gint64 total;               /* bytes to read, -1 unknown */
    gint64 done;                /* bytes read */
    guint64 messages, skipped;
    gint64 started, last;       /* monotonic microseconds */
    int width;                  /* of the line last drawn */
} progress;

/* @on: wanted and stderr is a terminal (the caller checks the first). */
void progress_start (progress *p, const char *command, gboolean on, gint64 total);
/* Count a message of @bytes (-1: unknown) read from @source and redraw
 * if the last drawing is old enough. */
void progress_step (progress *p, const char *source, gint64 bytes);
/* Erase the line (before a warning, and at the end). */
void progress_clear (progress *p);

#endif
