/* report-days.c - see report-days.h */
#include "report-days.h"
#include "emit.h"
#include "terminal.h"

#include <string.h>

static void
calendar_day_free (calendar_day *d)
{
    g_ptr_array_unref (d->reasons);
    g_free (d);
}

static calendar_day *
day_new (const char *day)
{
    calendar_day *d = g_new0 (calendar_day, 1);
    g_strlcpy (d->day, day, sizeof d->day);
    d->reasons = g_ptr_array_new ();
    return d;
}

static gboolean
parse_day (const char *s, GDate *out)
{
    unsigned y, m, d;
    if (sscanf (s, "%4u-%2u-%2u", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
        return FALSE;
    g_date_set_dmy (out, d, m, y);
    return TRUE;
}

GPtrArray *
calendar_new (GPtrArray *rows)
{
    GPtrArray *days = g_ptr_array_new_with_free_func ((GDestroyNotify) calendar_day_free);
    GDate first, last, cursor;
    guint next = 0;

    if (rows->len == 0 || !parse_day (((ba_day_reason *) g_ptr_array_index (rows, 0))->day, &first)
        || !parse_day (((ba_day_reason *) g_ptr_array_index (rows, rows->len - 1))->day, &last))
        return days;
    /* days long before the last are listed only where they have failures */
    while (next < rows->len) {
        ba_day_reason *r = g_ptr_array_index (rows, next);
        GDate day;
        if (!parse_day (r->day, &day) || g_date_days_between (&day, &last) <= CALENDAR_MAX_DAYS)
            break;
        if (days->len == 0 || strcmp (((calendar_day *) g_ptr_array_index (days, days->len - 1))->day, r->day))
            g_ptr_array_add (days, day_new (r->day));
        {
            calendar_day *d = g_ptr_array_index (days, days->len - 1);
            d->failed += r->failed;
            g_ptr_array_add (d->reasons, r);
        }
        next++;
    }
    if (next >= rows->len || !parse_day (((ba_day_reason *) g_ptr_array_index (rows, next))->day, &cursor))
        return days;
    for (; g_date_compare (&cursor, &last) <= 0; g_date_add_days (&cursor, 1)) {
        char key[11];
        calendar_day *d;
        g_snprintf (key, sizeof key, "%04u-%02u-%02u", g_date_get_year (&cursor),
                    g_date_get_month (&cursor), g_date_get_day (&cursor));
        d = day_new (key);
        while (next < rows->len && !strcmp (((ba_day_reason *) g_ptr_array_index (rows, next))->day, key)) {
            ba_day_reason *r = g_ptr_array_index (rows, next++);
            d->failed += r->failed;
            g_ptr_array_add (d->reasons, r);
        }
        g_ptr_array_add (days, d);
    }
    return days;
}

void
calendar_print (FILE *out, const GPtrArray *days, guint max)
{
    guint from = days->len > max ? days->len - max : 0;
    gint64 most = 1;

    for (guint i = from; i < days->len; i++)
        most = MAX (most, ((calendar_day *) g_ptr_array_index (days, i))->failed);
    fprintf (out, "\nFailures per day, with their reasons%s\n", from ? " (the latest days)" : "");
    if (from)
        fprintf (out, "  (%u earlier day%s not shown: --since narrows, --format csv lists all)\n",
                 from, from == 1 ? "" : "s");
    for (guint i = from; i < days->len; i++) {
        calendar_day *d = g_ptr_array_index (days, i);
        int bar = (int) ((d->failed * 30 + most - 1) / most);
        GString *reasons = g_string_new (NULL);
        fprintf (out, "  %s %7" G_GINT64_FORMAT "%s", d->day, d->failed, d->failed ? "  " : "");
        for (int j = 0; j < (d->reasons->len ? 30 : 0); j++)
            fputc (j < bar ? '#' : ' ', out);
        for (guint j = 0; j < d->reasons->len && j < 3; j++) {
            ba_day_reason *r = g_ptr_array_index (d->reasons, j);
            g_string_append_printf (reasons, "%s%s %" G_GINT64_FORMAT, j ? ", " : "  ", r->reason, r->failed);
        }
        if (d->reasons->len > 3)
            g_string_append_printf (reasons, ", %u more", d->reasons->len - 3);
        {
            /* the day, the count and the bar take 52 columns; the reasons get the rest */
            char *safe = ba_safe_text (reasons->str);
            char *cut = terminal_cut (g_strchomp (safe), MAX (12, terminal_columns (1) - 52));
            fprintf (out, "%s\n", cut);
            g_free (cut);
            g_free (safe);
        }
        g_string_free (reasons, TRUE);
    }
    if (days->len == 0)
        fprintf (out, "  (none)\n");
}

void
calendar_json (sprinter *sp, const GPtrArray *days)
{
    sp->map_key (sp, "days");
    sp->begin_list (sp);
    for (guint i = 0; i < days->len; i++) {
        calendar_day *d = g_ptr_array_index (days, i);
        sp->begin_map (sp);
        sp->map_key (sp, "day");
        sp->string (sp, d->day);
        sp->map_key (sp, "failed");
        sp->integer (sp, d->failed);
        sp->map_key (sp, "reasons");
        sp->begin_map (sp);
        for (guint j = 0; j < d->reasons->len; j++) {
            ba_day_reason *r = g_ptr_array_index (d->reasons, j);
            sp->map_key (sp, r->reason);
            sp->integer (sp, r->failed);
        }
        sp->end (sp);
        sp->end (sp);
    }
    sp->end (sp);
}
