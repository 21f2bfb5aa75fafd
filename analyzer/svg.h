/* svg.h - the charts of the HTML report, drawn as inline SVG: no script,
 * no external resource; each with a title and a description (its text
 * alternative) and role="img". */
#ifndef BA_SVG_H
#define BA_SVG_H

#include <glib.h>

/* Colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart
 * by people with the common colour vision deficiencies (after Okabe-Ito). */
const char *ba_svg_colour (guint i);
#define BA_SVG_GREY "#5a5a5a"

typedef struct {
    const char *label;
    gint64 value;
    const char *colour;         /* NULL: the first colour */
} ba_svg_bar;

/* Horizontal bars, one a row, the value at its end. */
void ba_svg_bars (GString *out, const char *id, const char *title, const char *desc,
                  const ba_svg_bar *bars, guint n);

typedef struct {
    const char *name;
    const char *colour;
} ba_svg_series;

/* Columns stacked by series; @values[column * nseries + series]; a legend
 * below.  Every column is drawn, zeros too (a calendar). */
void ba_svg_stacked (GString *out, const char *id, const char *title, const char *desc,
                     char *const *columns, guint ncolumns, const ba_svg_series *series,
                     guint nseries, const gint64 *values);

typedef struct {
    const char *label;          /* a blacklist's zone */
    const char *note;           /* "dead since 2006-12-18", "alive" */
    gboolean alive_today;
    gboolean has_death;
    gint64 death;               /* shut down or listing everything since */
    gint64 cited_first, cited_last;
} ba_svg_life;

/* One row per list on a time axis from @from to @to: its life (alive,
 * dead from its date) and the span in which our bounces cited it. */
void ba_svg_lives (GString *out, const char *id, const char *title, const char *desc,
                   const ba_svg_life *rows, guint n, gint64 from, gint64 to);

#endif
