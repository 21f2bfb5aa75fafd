/* util.c - see util.h */
#include "util.h"
#include "address.h"
#include "bounce-analyzer.h"

#include <gmime/gmime.h>
#include <string.h>

char *
ba_collapse_ws (const char *s)
{
    char *out, *o;
    gboolean space = FALSE;

    if (!s)
        return NULL;
    /* (written in place: the result is never longer, and a GString call a byte cost more than the scan) */
    out = o = g_malloc (strlen (s) + 1);
    for (const guchar *p = (const guchar *) s; *p; p++) {
        if (*p <= ' ' || *p == 0x7f) {
            space = o > out;
        } else {
            if (space)
                *o++ = ' ';
            space = FALSE;
            *o++ = (char) *p;
        }
    }
    *o = '\0';
    return out;
}

char *
ba_strndup_utf8 (const char *s, gsize max)
{
    gsize len;

    if (!s)
        return NULL;
    len = strlen (s);
    if (len <= max)
        return g_strdup (s);
    while (max > 0 && ((guchar) s[max] & 0xC0) == 0x80)
        max--;
    return g_strndup (s, max);
}

char *
ba_utf8_valid (const char *s, gssize len)
{
    if (!s)
        return NULL;
    return g_utf8_make_valid (s, len);
}

gboolean
ba_status_valid (const char *s)
{
    int a, b, c, n = 0;
    if (!s || (s[0] != '2' && s[0] != '4' && s[0] != '5'))
        return FALSE;
    if (sscanf (s, "%1d.%3d.%3d%n", &a, &b, &c, &n) != 3)
        return FALSE;
    return s[n] == '\0' && b >= 0 && c >= 0;
}

gboolean
ba_find_status (const char *text, char out[16])
{
    if (!text)
        return FALSE;
    for (const char *p = text; *p; p++) {
        const char *q;
        int dots = 0, digits = 0;

        if (*p != '2' && *p != '4' && *p != '5')
            continue;
        if (p > text && (g_ascii_isalnum (p[-1]) || p[-1] == '.'))
            continue;
        /* "421-4.7.0" continues a reply code; "x-5.1.1" is a name */
        if (p > text && p[-1] == '-' && !(p - text >= 4 && g_ascii_isdigit (p[-2])
                                         && g_ascii_isdigit (p[-3]) && g_ascii_isdigit (p[-4])))
            continue;
        if (p[1] != '.')
            continue;
        /* x.y.z with 1-3 digits in y and z */
        q = p + 1;
        while (*q == '.' && dots < 2) {
            q++;
            digits = 0;
            while (g_ascii_isdigit (*q) && digits < 4) {
                q++;
                digits++;
            }
            if (digits == 0 || digits > 3)
                break;
            dots++;
        }
        if (dots != 2 || digits == 0 || digits > 3)
            continue;
        /* "5.1.1.4" is an address, "5.1.1a" a version */
        if ((*q == '.' && g_ascii_isdigit (q[1])) || g_ascii_isalnum (*q))
            continue;
        if (q - p >= 16)
            continue;
        memcpy (out, p, q - p);
        out[q - p] = '\0';
        return TRUE;
    }
    return FALSE;
}

int
ba_find_reply_code (const char *text)
{
    if (!text)
        return 0;
    for (const char *p = text; *p; p++) {
        if (p[0] < '2' || p[0] > '5' || !g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]))
            continue;
        if (p[0] == '3')
            continue;
        /* after the start or a separator, not inside a sentence ("after 421 days") */
        if (p > text) {
            const char *b = p;
            while (b > text && b[-1] == ' ')
                b--;
            if (b > text && !strchr (":(<[\"'=>;", b[-1]))
                continue;
        }
        /* a labelled code: "ERROR_CODE :550, ..." (Zoho) */
        if (p[3] == ',' && p > text && p[-1] == ':' && p[1] <= '5')
            return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
        if (p[3] != ' ' && p[3] != '-' && p[3] != '\0')
            continue;
        /* "550 5.1.1", "550-5.1.1", "550 Requested ...", "550 - Requested ..." (Apache
         * James); not "in 421 days" */
        if (p[3] != '\0') {
            const char *q = p + 4;
            if (q[-1] == ' ' && q[0] == '-' && q[1] == ' ')
                q += 2;
            if (!(g_ascii_isalpha (*q) || *q == '<' || *q == '[' || *q == '#' || *q == '"'
                  || (g_ascii_isdigit (*q) && q[1] == '.')))
                continue;
        }
        if (p[1] > '5')
            continue;
        return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    }
    return 0;
}

char *
ba_iso_date (GDateTime *dt)
{
    if (!dt)
        return NULL;
    return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");
}

char *
ba_rfc5322_to_iso (const char *s)
{
    GDateTime *dt;
    char *iso;

    if (!s || !*s)
        return NULL;
    dt = g_mime_utils_header_decode_date (s);
    if (!dt)
        return NULL;
    iso = ba_iso_date (dt);
    g_date_time_unref (dt);
    return iso;
}

char *
ba_dsn_strip_type (const char *value, gboolean address)
{
    const char *p, *semi;
    char *out;

    if (!value)
        return NULL;
    p = value;
    semi = strchr (p, ';');
    if (semi) {
        const char *q = p;
        while (q < semi && (g_ascii_isalnum (*q) || *q == '-' || *q == '_' || *q == ' '))
            q++;
        if (q == semi)
            p = semi + 1;
    }
    while (g_ascii_isspace (*p))
        p++;
    if (address)
        return ba_address_unwrap (p);
    out = g_strdup (p);
    g_strstrip (out);
    return out;
}

char *
ba_address_domain (const char *address)
{
    const char *at;
    if (!address || !(at = strrchr (address, '@')) || !at[1])
        return NULL;
    return g_ascii_strdown (at + 1, -1);
}

/* Public names for the CLI (bounce-analyzer.h). */
char *ba_collapse_text (const char *s) { return ba_collapse_ws (s); }
int ba_reply_code_of (const char *text) { return ba_find_reply_code (text); }
gboolean ba_status_of (const char *text, char out[16]) { return ba_find_status (text, out); }

const char *
ba_status_of_reply_code (int code)
{
    static const struct { int code; const char *status; } table[] = {
        { 421, "4.3.2" },       /* service not available: system not accepting network messages */
        { 451, "4.3.0" },       /* local error in processing */
        { 452, "4.3.1" },       /* insufficient system storage: mail system full */
        { 454, "4.7.0" },       /* RFC 4954: temporary authentication failure */
        { 500, "5.5.2" },       /* syntax error, command unrecognised */
        { 501, "5.5.4" },       /* syntax error in parameters or arguments */
        { 502, "5.5.1" },       /* command not implemented */
        { 503, "5.5.1" },       /* bad sequence of commands */
        { 504, "5.5.4" },       /* command parameter not implemented */
        { 521, "5.3.2" },       /* RFC 7504: host does not accept mail */
        { 530, "5.7.0" },       /* RFC 4954: authentication required */
        { 534, "5.7.9" },       /* RFC 4954: authentication mechanism too weak */
        { 535, "5.7.8" },       /* RFC 4954: authentication credentials invalid */
        { 538, "5.7.11" },      /* RFC 4954: encryption required for the mechanism */
        { 551, "5.1.6" },       /* user not local: destination mailbox has moved */
        { 553, "5.1.3" },       /* mailbox name not allowed: bad mailbox address syntax */
        { 555, "5.5.4" },       /* MAIL/RCPT parameters not recognised */
        { 556, "5.1.10" },      /* RFC 7505: domain does not accept mail (null MX) */
    };
    static const char *const class_status[] = { NULL, NULL, "2.0.0", NULL, "4.0.0", "5.0.0" };

    for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
        if (table[i].code == code)
            return table[i].status;
    if (code >= 200 && code <= 599)
        return class_status[code / 100];
    return NULL;
}
