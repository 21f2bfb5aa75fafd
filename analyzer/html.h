/* html.h - HTML pages that carry strings from bounces: escaping, and the
 * one page frame (stylesheet, Content-Security-Policy) of the HTML report
 * and the helpdesk server. */
#ifndef BA_HTML_H
#define BA_HTML_H

#include <glib.h>

/* Append @s as HTML text or an attribute value: & < > " ' as character
 * references, invalid UTF-8 as U+FFFD, tabs, line breaks and U+2028/9 as
 * a space, other hidden characters (ba_unichar_is_hidden) dropped.  At
 * most @max characters (0: all), then "…".  NULL appends nothing. */
void ba_html_text (GString *out, const char *s, glong max);

/* The Content-Security-Policy of every page: nothing may be loaded or
 * run; only the page's own stylesheet (by its hash) applies.  Free it. */
char *ba_html_csp (void);

/* Start a page: doctype, language, viewport, the CSP as a meta tag, the
 * escaped @title, the stylesheet; then @nav (trusted HTML, or NULL) and a
 * <main>.  ba_html_end() closes it. */
void ba_html_begin (GString *out, const char *title, const char *nav);
void ba_html_end (GString *out);

#endif
