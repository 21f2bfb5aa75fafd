/* progress.c - see progress.h */
#include "progress.h"
#include "emit.h"
#include "terminal.h"

#include <stdio.h>
#include <unistd.h>

/* Microseconds between two drawings: a few a second is readable and costs nothing. */
#define PROGRESS_INTERVAL 200000

void
progress_start (progress *p, const char *command, gboolean on, gint64 total)
{
    p->on = on && isatty (2);
    p->command = command;
    p->total = total;
    p->done = p->width = 0;
    p->messages = p->skipped = 0;
    p->started = g_get_monotonic_time ();
    /* the first message is drawn at once: a slow first read is not silent */
    p->last = p->started - PROGRESS_INTERVAL;
}

static void
draw (progress *p, const char *source)
{
    gint64 now = g_get_monotonic_time ();
    double secs = (now - p->started) / 1e6;
    int columns = terminal_columns (2);
    GString *line = g_string_new (NULL);
    char *safe, *cut;

    p->last = now;
    g_string_append_printf (line, "%s: ", p->command);
    if (p->total > 0)
        g_string_append_printf (line, "%3d%% ", (int) MIN (99, p->done * 100 / p->total));
    g_string_append_printf (line, "%" G_GUINT64_FORMAT " message%s (%.0f/s, %.1f MB/s)",
                            p->messages, p->messages == 1 ? "" : "s",
                            secs > 0 ? p->messages / secs : 0.0, secs > 0 ? p->done / secs / 1e6 : 0.0);
    if (p->skipped)
        g_string_append_printf (line, ", %" G_GUINT64_FORMAT " skipped", p->skipped);
    safe = ba_safe_text (source);
    g_string_append_printf (line, " %s", safe);
    /* one row of the terminal, or the carriage return would not erase it */
    cut = terminal_cut (line->str, columns - 1);
    fprintf (stderr, "\r%s", cut);
    {
        int w = terminal_width (cut);
        if (w < p->width)
            fprintf (stderr, "%*s\r%s", p->width - w, "", cut);
        p->width = w;
    }
    fflush (stderr);
    g_free (cut);
    g_free (safe);
    g_string_free (line, TRUE);
}

void
progress_step (progress *p, const char *source, gint64 bytes)
{
    if (!p->on)
        return;
    p->messages++;
    if (bytes > 0)
        p->done += bytes;
    if (g_get_monotonic_time () - p->last >= PROGRESS_INTERVAL)
        draw (p, source);
}

void
progress_clear (progress *p)
{
    if (p->on && p->width)
        fprintf (stderr, "\r%*s\r", p->width, "");
    p->width = 0;
}
