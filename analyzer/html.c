/* html.c - escaping and the page frame of html.h. */
#include "html.h"
#include "escape.h"

#include <string.h>

/* One stylesheet for every page: its hash is the only style the CSP allows. */
static const char stylesheet[] =
    ":root{color-scheme:light;--ink:#1a1a1a;--muted:#4a4a4a;--line:#c8c8c8;--bg:#ffffff;"
    "--band:#f2f4f7;--accent:#0b5fa5;--alert:#a12000}"
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:var(--ink);background:var(--bg)}"
    "header,main,nav{max-width:72rem;margin:0 auto;padding:0 1rem}"
    "header h1{font-size:1.5rem;margin:1rem 0 .25rem}"
    "nav{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding-top:.75rem}"
    "nav a{color:var(--accent);font-weight:600}"
    "form{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}"
    "input[type=search]{flex:1 1 16rem;font:inherit;padding:.4rem .6rem;border:1px solid var(--muted);"
    "border-radius:4px}"
    "button{font:inherit;padding:.4rem 1rem;border:1px solid var(--accent);background:var(--accent);"
    "color:#fff;border-radius:4px}"
    "p.lead{color:var(--muted);margin:.25rem 0 1rem}"
    "section{margin:1.5rem 0;break-inside:avoid}"
    "h2{font-size:1.2rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}"
    ".charts{display:grid;grid-template-columns:1fr;gap:1.5rem}"
    "@media (min-width:60rem){.charts{grid-template-columns:1fr 1fr}.wide{grid-column:1/-1}}"
    "figure{margin:0;overflow-x:auto}figcaption{font-weight:600;margin-bottom:.25rem}"
    "svg{width:100%;height:auto;display:block}"
    "svg text{fill:var(--ink);font-size:12px;font-family:inherit}"
    ".scroll{overflow-x:auto}"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}"
    "th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid var(--line)}"
    "th{background:var(--band)}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "table.rows{table-layout:fixed}table.rows td{overflow-wrap:anywhere}"
    "col.c-date{width:11%}col.c-who{width:19%}col.c-reason{width:11%}col.c-fault{width:11%}"
    "col.c-said{width:30%}col.c-subject{width:18%}"
    ".ongoing{color:var(--alert);font-weight:700}"
    ".card{border:1px solid var(--line);border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}"
    ".card dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .75rem;margin:.5rem 0 0}"
    ".card dt{color:var(--muted)}.card dd{margin:0;overflow-wrap:anywhere}"
    "@media (max-width:40rem){figure svg{min-width:34rem}"
    "table.rows,table.rows tbody,table.rows tr,table.rows td{display:block}table.rows thead{display:none}"
    "table.rows tr{border-bottom:1px solid var(--line);padding:.4rem 0}"
    "table.rows td{border:0;padding:.1rem 0}"
    "table.rows td::before{content:attr(data-label) \": \";font-weight:600;color:var(--muted)}}"
    "@media print{nav,form{display:none}body{font-size:10pt}a{color:inherit}table{font-size:8.5pt}"
    ".charts{grid-template-columns:1fr 1fr}section,figure,.card,tr{break-inside:avoid}}";

char *
ba_html_csp (void)
{
    guint8 digest[32];
    gsize len = sizeof digest;
    GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
    char *hash, *csp;
    g_checksum_update (sum, (const guchar *) stylesheet, strlen (stylesheet));
    g_checksum_get_digest (sum, digest, &len);
    g_checksum_free (sum);
    hash = g_base64_encode (digest, len);
    csp = g_strdup_printf ("default-src 'none'; style-src 'sha256-%s'; img-src 'none'; "
                           "form-action 'self'; base-uri 'none'", hash);
    g_free (hash);
    return csp;
}

void
ba_html_text (GString *out, const char *s, glong max)
{
    char *valid;
    glong n = 0;
    if (!s)
        return;
    valid = g_utf8_make_valid (s, -1);
    for (const char *p = valid; *p; p = g_utf8_next_char (p)) {
        gunichar c = g_utf8_get_char (p);
        if (max && n >= max) {
            g_string_append (out, "\xe2\x80\xa6");
            break;
        }
        n++;
        switch (c) {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&#39;"); break;
        case '\t': case '\n': case '\r': case 0x2028: case 0x2029:
            g_string_append_c (out, ' ');
            break;
        default:
            if (ba_unichar_is_hidden (c))
                n--;
            else
                g_string_append_unichar (out, c);
        }
    }
    g_free (valid);
}

void
ba_html_begin (GString *out, const char *title, const char *nav)
{
    char *csp = ba_html_csp ();
    g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<meta http-equiv=\"Content-Security-Policy\" content=\"");
    ba_html_text (out, csp, 0);
    g_free (csp);
    g_string_append (out, "\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    ba_html_text (out, title, 0);
    g_string_append_printf (out, "</title>\n<style>%s</style>\n</head>\n<body>\n", stylesheet);
    if (nav)
        g_string_append (out, nav);
    g_string_append (out, "<header><h1>");
    ba_html_text (out, title, 0);
    g_string_append (out, "</h1></header>\n<main>\n");
}

void
ba_html_end (GString *out)
{
    g_string_append (out, "</main>\n</body>\n</html>\n");
}
