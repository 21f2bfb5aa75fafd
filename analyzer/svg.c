/* svg.c - the charts of svg.h; every label escaped by ba_html_text(). */
#include "svg.h"
#include "html.h"

#define WIDTH 480               /* a chart in half the page */
#define WIDE 960                /* a chart across the page: the same text size */
#define LABEL_WIDTH 200

static const char *const colours[] = {
    "#0b5fa5", "#b34400", "#00775a", "#9b3f7c", "#8a6d00", "#2f6f8f", "#6b4c9a", "#a12000",
};

const char *
ba_svg_colour (guint i)
{
    return colours[i % G_N_ELEMENTS (colours)];
}

static void
open_svg (GString *out, int width, const char *id, const char *title, const char *desc, int height)
{
    g_string_append_printf (out, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-t %s-d\" "
                                 "preserveAspectRatio=\"xMinYMin meet\">\n<title id=\"%s-t\">",
                            width, height, id, id, id);
    ba_html_text (out, title, 0);
    g_string_append_printf (out, "</title>\n<desc id=\"%s-d\">", id);
    ba_html_text (out, desc, 0);
    g_string_append (out, "</desc>\n");
}

static void
label (GString *out, double x, double y, const char *anchor, const char *text, glong max)
{
    g_string_append_printf (out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
    ba_html_text (out, text, max);
    g_string_append (out, "</text>\n");
}

void
ba_svg_bars (GString *out, const char *id, const char *title, const char *desc,
             const ba_svg_bar *bars, guint n)
{
    gint64 most = 1;
    const int row = 24, plot = WIDTH - LABEL_WIDTH - 40;
    for (guint i = 0; i < n; i++)
        most = MAX (most, bars[i].value);
    open_svg (out, WIDTH, id, title, desc, MAX (1, (int) n) * row + 8);
    if (!n)
        label (out, 4, 20, "start", "(none)", 0);
    for (guint i = 0; i < n; i++) {
        double y = 4 + i * row, w = (double) bars[i].value * plot / most;
        char num[32];
        label (out, LABEL_WIDTH - 6, y + 15, "end", bars[i].label, 30);
        g_string_append_printf (out, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                                LABEL_WIDTH, y + 2, MAX (w, 1.0), row - 6,
                                bars[i].colour ? bars[i].colour : colours[0]);
        g_snprintf (num, sizeof num, "%" G_GINT64_FORMAT, bars[i].value);
        label (out, LABEL_WIDTH + MAX (w, 1.0) + 4, y + 15, "start", num, 0);
    }
    g_string_append (out, "</svg>\n");
}

void
ba_svg_stacked (GString *out, const char *id, const char *title, const char *desc,
                char *const *columns, guint ncolumns, const ba_svg_series *series,
                guint nseries, const gint64 *values)
{
    const double left = 44, right = WIDE - 8, top = 10, bottom = 200;
    const int legend_rows = (int) (nseries + 3) / 4;
    gint64 most = 1;
    double step;
    char num[32];

    for (guint c = 0; c < ncolumns; c++) {
        gint64 sum = 0;
        for (guint s = 0; s < nseries; s++)
            sum += values[c * nseries + s];
        most = MAX (most, sum);
    }
    open_svg (out, WIDE, id, title, desc, (int) bottom + 30 + legend_rows * 20);
    /* the axis: 0, half and the most */
    for (int t = 0; t <= 2; t++) {
        double y = bottom - (bottom - top) * t / 2;
        g_snprintf (num, sizeof num, "%" G_GINT64_FORMAT, most * t / 2);
        g_string_append_printf (out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                                     "stroke=\"#c8c8c8\" stroke-width=\"1\"/>\n", left, right, y, y);
        if (t == 0 || most * t / 2 != most * (t - 1) / 2)
            label (out, left - 4, y + 4, "end", num, 0);
    }
    step = ncolumns ? (right - left) / ncolumns : 0;
    for (guint c = 0; c < ncolumns; c++) {
        double y = bottom, x = left + c * step, w = MAX (step * 0.8, 0.5);
        for (guint s = 0; s < nseries; s++) {
            gint64 v = values[c * nseries + s];
            double h = (bottom - top) * v / most;
            if (!v)
                continue;
            y -= h;
            g_string_append_printf (out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                                         "fill=\"%s\"><title>", x, y, w, h, series[s].colour);
            ba_html_text (out, columns[c], 0);
            g_string_append (out, ": ");
            ba_html_text (out, series[s].name, 0);
            g_string_append_printf (out, " %" G_GINT64_FORMAT "</title></rect>\n", v);
        }
    }
    /* every column named below the axis when there is room, else the first, middle and last */
    if (ncolumns && ncolumns <= 12) {
        for (guint c = 0; c < ncolumns; c++)
            label (out, left + c * step + step * 0.4, bottom + 16, "middle", columns[c], 0);
    } else if (ncolumns) {
        guint marks[3] = { 0, ncolumns / 2, ncolumns - 1 };
        for (int i = 0; i < 3; i++) {
            if (i && marks[i] == marks[i - 1])
                continue;
            label (out, left + marks[i] * step + step * 0.4, bottom + 16,
                   i == 0 ? "start" : i == 2 ? "end" : "middle", columns[marks[i]], 0);
        }
    }
    for (guint s = 0; s < nseries; s++) {
        double x = left + (s % 4) * 220, y = bottom + 30 + (s / 4) * 20;
        g_string_append_printf (out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
                                x, y, series[s].colour);
        label (out, x + 16, y + 11, "start", series[s].name, 26);
    }
    g_string_append (out, "</svg>\n");
}

static char *
year_of (gint64 t)
{
    GDateTime *dt = g_date_time_new_from_unix_utc (t);
    char *s = dt ? g_date_time_format (dt, "%Y") : g_strdup ("?");
    if (dt)
        g_date_time_unref (dt);
    return s;
}

void
ba_svg_lives (GString *out, const char *id, const char *title, const char *desc,
              const ba_svg_life *rows, guint n, gint64 from, gint64 to)
{
    const int row = 34, left = LABEL_WIDTH, right = WIDE - 10;
    double scale;
    char *a, *b;

    if (to <= from)
        to = from + 1;
    scale = (double) (right - left) / (double) (to - from);
    open_svg (out, WIDE, id, title, desc, MAX (1, (int) n) * row + 44);
    if (!n)
        label (out, 4, 20, "start", "(none)", 0);
    for (guint i = 0; i < n; i++) {
        const ba_svg_life *l = &rows[i];
        double y = 8 + i * row;
        double death = l->has_death ? left + (CLAMP (l->death, from, to) - from) * scale
                     : l->alive_today ? right : left;
        double c0 = left + (CLAMP (l->cited_first, from, to) - from) * scale;
        double c1 = left + (CLAMP (l->cited_last, from, to) - from) * scale;
        label (out, left - 6, y + 11, "end", l->label, 34);
        label (out, left - 6, y + 25, "end", l->note, 40);
        /* alive: a solid green band; dead: a grey band, hatched by dashes */
        if (death > left)
            g_string_append_printf (out, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"10\" fill=\"#00775a\">"
                                         "<title>alive</title></rect>\n", left, y + 4, death - left);
        if (l->has_death || !l->alive_today)
            g_string_append_printf (out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" fill=\"%s\">"
                                         "<title>dead</title></rect>\n",
                                    death, y + 4, MAX (right - death, 0.0), BA_SVG_GREY);
        g_string_append_printf (out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" fill=\"#1a1a1a\">"
                                     "<title>cited by our bounces</title></rect>\n",
                                c0, y + 18, MAX (c1 - c0, 3.0));
    }
    a = year_of (from);
    b = year_of (to);
    label (out, left, n * row + 24, "start", a, 0);
    label (out, right, n * row + 24, "end", b, 0);
    g_string_append_printf (out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" fill=\"#00775a\"/>\n",
                            left, (int) n * row + 30);
    label (out, left + 16, n * row + 39, "start", "alive", 0);
    g_string_append_printf (out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" fill=\"%s\"/>\n",
                            left + 70, (int) n * row + 30, BA_SVG_GREY);
    label (out, left + 86, n * row + 39, "start", "dead", 0);
    g_string_append_printf (out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"6\" fill=\"#1a1a1a\"/>\n",
                            left + 140, (int) n * row + 32);
    label (out, left + 156, n * row + 39, "start", "cited in our bounces", 0);
    g_string_append (out, "</svg>\n");
    g_free (a);
    g_free (b);
}
