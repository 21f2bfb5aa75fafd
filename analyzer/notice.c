/* notice.c - see notice.h.  The notice is cut where the returned message
 * begins and unquoted ("> " forwarding); then every failed address is
 * taken where the wording of rules/notice.conf names it: on a line of its
 * own (or leading a line) under a failure heading, on a line that names
 * it next to a failure keyword, or in a transcript whose reply refused
 * it.  Its error text is what follows it, up to the next address. */
#include "notice.h"
#include "util.h"

#include <string.h>

/* Hostile-input bounds: the text read, its lines, the matches of one
 * pattern, the lines a heading's list and an error text may span. */
#define MAX_NOTICE_TEXT  (256 * 1024)
#define MAX_LINES        5000
#define MAX_MATCHES      200
#define LIST_LINES       25
#define DIAG_LINES       8
#define LOOK_AHEAD       30
#define MAX_DIAG         2048

/* What a line of the notice is, for the error-text walk. */
#define MARK_HEADING 1          /* a failure heading */
#define MARK_BREAK   2          /* another exchange starts */
#define MARK_REPLY   4          /* a transcript's server reply */

#define ADDRESS_RE "(?<recipient>[^\\s<>@\"'(),;:\\[\\]\\\\]{1,64}@(?:\\[[0-9a-f.:]{3,45}\\]" \
    "|[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+))"

static const struct {
    const char *word;
    ba_notice_kind kind;
} kinds[] = {
    { "from", BA_NOTICE_FROM }, { "subject", BA_NOTICE_SUBJECT },
    { "heading", BA_NOTICE_HEADING }, { "line", BA_NOTICE_LINE },
    { "alias", BA_NOTICE_ALIAS }, { "transcript", BA_NOTICE_TRANSCRIPT },
    { "original", BA_NOTICE_ORIGINAL }, { "delay", BA_NOTICE_DELAY },
    { "delivered", BA_NOTICE_DELIVERED }, { "break", BA_NOTICE_BREAK },
    { "reply", BA_NOTICE_REPLY },
};

void
ba_notice_group_free (ba_notice_group *g)
{
    if (!g)
        return;
    g_free (g->id);
    g_free (g->description);
    g_free (g->file);
    g_ptr_array_unref (g->patterns);
    g_ptr_array_unref (g->subject);
    g_free (g);
}

static void G_GNUC_PRINTF (5, 6)
reportf (ba_ini_report report, void *data, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start (ap, fmt);
    msg = g_strdup_vprintf (fmt, ap);
    va_end (ap);
    report (data, file, line, msg);
    g_free (msg);
}

static gboolean
add_pattern (ba_ruleset *set, GPtrArray *to, const ba_ini *ini, const ba_ini_entry *e,
             ba_ini_report report, void *data)
{
    GString *src = g_string_new (e->value);
    char *msg = NULL;
    ba_pattern *p;
    uint32_t n = 0;

    g_string_replace (src, "{address}", ADDRESS_RE, 0);
    p = ba_pattern_compile (src->str, &msg);
    g_string_free (src, TRUE);
    if (!p) {
        reportf (report, data, ini->file, e->line, "%s: %s", e->key, msg);
        g_free (msg);
        return FALSE;
    }
    pcre2_pattern_info (p->code, PCRE2_INFO_CAPTURECOUNT, &n);
    if (n + 1 > set->max_captures)
        set->max_captures = n + 1;
    g_ptr_array_add (to, p);
    return TRUE;
}

void
ba_notice_load (ba_ruleset *set, const ba_ini *ini, ba_ini_report report, void *data)
{
    for (guint gi = 0; gi < ini->groups->len; gi++) {
        const ba_ini_group *grp = g_ptr_array_index (ini->groups, gi);
        ba_notice_group *g = g_new0 (ba_notice_group, 1);
        gboolean ok = TRUE, has_kind = FALSE;

        g->id = g_strdup (grp->name);
        g->file = g_strdup (ini->file);
        g->line = grp->line;
        g->patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_pattern_free);
        g->subject = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_pattern_free);
        for (guint i = 0; i < grp->entries->len; i++) {
            const ba_ini_entry *e = g_ptr_array_index (grp->entries, i);
            if (!strcmp (e->key, "kind")) {
                has_kind = FALSE;
                for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
                    if (!strcmp (kinds[k].word, e->value)) {
                        g->kind = kinds[k].kind;
                        has_kind = TRUE;
                    }
                if (!has_kind) {
                    reportf (report, data, ini->file, e->line, "unknown kind '%s' (from, subject, heading, "
                             "line, alias, transcript, original, delay, delivered, break, reply)", e->value);
                    ok = FALSE;
                }
            } else if (!strcmp (e->key, "description")) {
                g_free (g->description);
                g->description = g_strdup (e->value);
            } else if (!strcmp (e->key, "pattern")) {
                ok = add_pattern (set, g->patterns, ini, e, report, data) && ok;
            } else if (!strcmp (e->key, "subject")) {
                ok = add_pattern (set, g->subject, ini, e, report, data) && ok;
            } else {
                reportf (report, data, ini->file, e->line, "unknown key '%s'", e->key);
                ok = FALSE;
            }
        }
        if (ok && !has_kind) {
            reportf (report, data, ini->file, grp->line, "'%s' has no kind", g->id);
            ok = FALSE;
        }
        if (ok && g->patterns->len == 0 && g->subject->len == 0) {
            reportf (report, data, ini->file, grp->line, "'%s' has no pattern", g->id);
            ok = FALSE;
        }
        if (ok && g->subject->len && g->kind != BA_NOTICE_DELAY && g->kind != BA_NOTICE_DELIVERED) {
            reportf (report, data, ini->file, grp->line, "'%s': subject is for kind delay or delivered", g->id);
            ok = FALSE;
        }
        if (ok && (g->kind == BA_NOTICE_LINE || g->kind == BA_NOTICE_ALIAS || g->kind == BA_NOTICE_TRANSCRIPT))
            for (guint i = 0; ok && i < g->patterns->len; i++) {
                const ba_pattern *p = g_ptr_array_index (g->patterns, i);
                if (pcre2_substring_number_from_name (p->code, (PCRE2_SPTR) "recipient") < 0
                    && !strstr (p->source, "(?J)")) {
                    reportf (report, data, ini->file, grp->line, "'%s': a pattern has no {address}", g->id);
                    ok = FALSE;
                }
            }
        if (ok && (!g->description || !*g->description)) {
            reportf (report, data, ini->file, grp->line, "'%s' has no description", g->id);
            ok = FALSE;
        }
        if (ok)
            g_ptr_array_add (set->notice, g);
        else
            ba_notice_group_free (g);
    }
}

/* ---- addresses ---------------------------------------------------------- */

static gboolean
local_char (guchar c)
{
    return c > ' ' && c != 0x7f && !strchr ("<>@\"'(),;:[]\\", c);
}

static gboolean
domain_valid (const char *d, gsize n)
{
    gsize label = 0, labels = 1, alpha_tail = 0;
    if (n >= 2 && d[0] == '[' && d[n - 1] == ']')
        return n >= 5;
    if (n == 0 || n > 253 || d[0] == '.' || d[0] == '-' || d[n - 1] == '.' || d[n - 1] == '-')
        return FALSE;
    for (gsize i = 0; i < n; i++) {
        if (d[i] == '.') {
            if (label == 0)
                return FALSE;
            label = 0;
            alpha_tail = 0;
            labels++;
        } else if (g_ascii_isalnum (d[i]) || d[i] == '-') {
            label++;
            alpha_tail = g_ascii_isalpha (d[i]) ? alpha_tail + 1 : 0;
        } else {
            return FALSE;
        }
    }
    /* a top-level label is letters: "a@1.2.3.4" or "x@host" is not an address */
    return labels >= 2 && alpha_tail == label && label >= 2;
}

/* The address that starts at @s (length @n): its length, or 0. */
static gsize
address_len (const char *s, gsize n)
{
    gsize i = 0, at, dstart;
    while (i < n && local_char ((guchar) s[i]))
        i++;
    if (i == 0 || i > 64 || i >= n || s[i] != '@')
        return 0;
    at = i++;
    dstart = i;
    if (i < n && s[i] == '[') {
        while (i < n && s[i] != ']' && i - dstart < 48)
            i++;
        if (i < n && s[i] == ']')
            i++;
    } else {
        while (i < n && (g_ascii_isalnum (s[i]) || s[i] == '-' || s[i] == '.'))
            i++;
        while (i > dstart && (s[i - 1] == '.' || s[i - 1] == '-'))
            i--;
    }
    (void) at;
    return domain_valid (s + dstart, i - dstart) ? i : 0;
}

gboolean
ba_notice_usable_address (const char *address)
{
    gsize n;
    if (!address || !*address || *address == '|' || *address == '/' || *address == '@')
        return FALSE;
    n = strlen (address);
    for (gsize i = 0; i < n; i++)
        if (g_ascii_isspace (address[i]))
            return FALSE;
    /* "user@host" of a DSN may name a host without a dot: still usable */
    const char *at = strrchr (address, '@');
    return at && at > address && at[1] && !strchr (address, ':') && !strchr (address, ',');
}

char *
ba_notice_strip_route (const char *address)
{
    const char *colon;
    if (!address)
        return NULL;
    if (*address == '<')
        address++;
    colon = *address == '@' ? strchr (address, ':') : NULL;
    char *out = g_strdup (colon ? colon + 1 : address);
    gsize n = strlen (out);
    if (n && out[n - 1] == '>')
        out[n - 1] = '\0';
    return out;
}

/* Does the (unquoted) line start with an address, after indentation, a
 * bullet or a number, an opening '<' or quote?  Its offset and length. */
static gboolean
line_address (const char *line, gsize n, gsize *start, gsize *alen)
{
    gsize i = 0;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i < n && (line[i] == '-' || line[i] == '*') && i + 1 < n && line[i + 1] == ' ')
        i += 2;
    else if (i < n && g_ascii_isdigit (line[i])) {
        gsize j = i;
        while (j < n && g_ascii_isdigit (line[j]) && j - i < 3)
            j++;
        if (j + 1 < n && (line[j] == '.' || line[j] == ')') && line[j + 1] == ' ')
            i = j + 2;
    }
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i < n && (line[i] == '<' || line[i] == '"' || line[i] == '\''))
        i++;
    if (i + 7 < n && !g_ascii_strncasecmp (line + i, "mailto:", 7))
        i += 7;
    *start = i;
    *alen = address_len (line + i, n - i);
    if (!*alen)
        return FALSE;
    /* what follows the address ends it: not "a@b.c/path" or "a@b.c=x" */
    gsize e = i + *alen;
    return e == n || strchr (" \t>:,;)\"'.", line[e]);
}

/* ---- the notice as lines ------------------------------------------------ */

typedef struct {
    GString *text;              /* unquoted, cut at the returned message */
    GArray *starts;             /* of gsize: each line's offset */
} notice_lines;

static gsize
line_len (const notice_lines *nl, guint i)
{
    gsize s = g_array_index (nl->starts, gsize, i);
    gsize e = i + 1 < nl->starts->len ? g_array_index (nl->starts, gsize, i + 1) - 1 : nl->text->len;
    if (e > s && e <= nl->text->len && nl->text->str[e - 1] == '\n')
        e--;
    return e > s ? e - s : 0;
}

static const char *
line_at (const notice_lines *nl, guint i)
{
    return nl->text->str + g_array_index (nl->starts, gsize, i);
}

static gboolean
line_blank (const notice_lines *nl, guint i)
{
    const char *l = line_at (nl, i);
    for (gsize k = 0, n = line_len (nl, i); k < n; k++)
        if (!g_ascii_isspace (l[k]))
            return FALSE;
    return TRUE;
}

static guint
line_of (const notice_lines *nl, gsize offset)
{
    guint lo = 0, hi = nl->starts->len;
    while (hi - lo > 1) {
        guint mid = (lo + hi) / 2;
        if (g_array_index (nl->starts, gsize, mid) <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static gboolean
any_group_matches (ba_context *ctx, ba_notice_kind kind, gboolean subject, const char *text)
{
    gsize len;
    if (!text)
        return FALSE;
    len = strlen (text);
    for (guint g = 0; g < ctx->set->notice->len; g++) {
        const ba_notice_group *grp = g_ptr_array_index (ctx->set->notice, g);
        GPtrArray *pats = subject ? grp->subject : grp->patterns;
        if (grp->kind != kind)
            continue;
        for (guint i = 0; i < pats->len; i++)
            if (ba_match (ctx, g_ptr_array_index (pats, i), text, len, 0))
                return TRUE;
    }
    return FALSE;
}

/* A header line at column 0 that only a message's own header block has. */
static gboolean
original_header_line (const char *l, gsize n)
{
    static const char *const names[] = {
        "received:", "return-path:", "message-id:", "dkim-signature:", "mime-version:",
        "delivered-to:", "x-mailer:", "authentication-results:",
    };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
        gsize k = strlen (names[i]);
        if (n > k && !g_ascii_strncasecmp (l, names[i], k))
            return TRUE;
    }
    return FALSE;
}

/* Is the line at @l a header field ("Name: value" at column 0), or with
 * @folded also a folded continuation? */
static gboolean
header_field (const char *l, gboolean folded)
{
    gsize i = 0;
    if (folded && (*l == ' ' || *l == '\t'))
        return l[1] && l[1] != '\n';
    while (l[i] && (g_ascii_isalnum (l[i]) || l[i] == '-') && i < 40)
        i++;
    return i > 0 && l[i] == ':';
}

static gboolean any_group_matches (ba_context *ctx, ba_notice_kind kind, gboolean subject, const char *text);

/* Is the header block around @pos a bounce's own (a forwarded or pasted
 * bounce, whose notice follows), by its From or Subject? */
static gboolean
bounce_header_block (ba_context *ctx, const notice_lines *nl, gsize pos)
{
    const char *start = nl->text->str, *p = start + pos;
    gboolean yes = FALSE;
    /* back to the block's first line (after a blank line), bounded */
    for (int k = 0; k < 60 && p > start; k++) {
        const char *prev = p - 1;
        while (prev > start && prev[-1] != '\n')
            prev--;
        if (prev == p - 1)
            break;
        p = prev;
    }
    for (int k = 0; k < 60 && *p && *p != '\n' && !yes; k++) {
        const char *e = strchr (p, '\n');
        gsize n = e ? (gsize) (e - p) : strlen (p);
        if (n > 5 && (!g_ascii_strncasecmp (p, "from:", 5) || !g_ascii_strncasecmp (p, "subject:", 8))) {
            char *v = g_strndup (p, n);
            yes = p[0] == 'f' || p[0] == 'F' ? any_group_matches (ctx, BA_NOTICE_FROM, FALSE, v + 5)
                : any_group_matches (ctx, BA_NOTICE_SUBJECT, FALSE, g_strstrip (v + 8));
            g_free (v);
        }
        p = e ? e + 1 : p + n;
    }
    return yes;
}

/* Unquote each line ("> ", ">> ") into @out, bounded. */
static void
unquote_into (GString *out, const char *notice)
{
    const char *p = notice;
    while (*p && out->len < MAX_NOTICE_TEXT) {
        const char *nl = strchr (p, '\n');
        gsize full = nl ? (gsize) (nl - p) : strlen (p), n, advance, i = 0;
        /* CRLF and bare CR line ends, from a caller that kept them */
        const char *cr = memchr (p, '\r', full);
        n = cr ? (gsize) (cr - p) : full;
        advance = cr && cr + 1 < p + full ? n + 1 : full + (nl ? 1 : 0);
        /* quote markers, after any indentation; a transcript's ">>> " is
         * no quote */
        gsize q = 0, depth = 0;
        while (q < n && q < 16 && (p[q] == ' ' || p[q] == '\t'))
            q++;
        while (q < n && depth < 16 && p[q] == '>' && !(n - q >= 4 && !strncmp (p + q, ">>> ", 4))) {
            q++;
            depth++;
            if (q < n && p[q] == ' ')
                q++;
        }
        if (depth)
            i = q;
        g_string_append_len (out, p + i, MIN (n - i, MAX_NOTICE_TEXT - out->len));
        g_string_append_c (out, '\n');
        p += advance;
    }
}

/* The notice up to the returned message: an `original` line of the
 * data, or the header block of a message (two header lines at column 0,
 * one of them a line only a message's own header has). */
static void
notice_lines_init (ba_context *ctx, notice_lines *nl, const char *notice)
{
    gsize cut;

    nl->text = g_string_new (NULL);
    unquote_into (nl->text, notice ? notice : "");
    cut = nl->text->len;
    for (guint g = 0; g < ctx->set->notice->len; g++) {
        const ba_notice_group *grp = g_ptr_array_index (ctx->set->notice, g);
        gsize s, e;
        if (grp->kind != BA_NOTICE_ORIGINAL)
            continue;
        for (guint i = 0; i < grp->patterns->len; i++)
            if (ba_match (ctx, g_ptr_array_index (grp->patterns, i), nl->text->str, cut, 0)) {
                ba_match_span (ctx, &s, &e);
                while (s > 0 && nl->text->str[s - 1] != '\n')
                    s--;
                cut = s;
            }
    }
    g_string_truncate (nl->text, cut);

    nl->starts = g_array_new (FALSE, FALSE, sizeof (gsize));
    gsize pos = 0;
    while (pos < nl->text->len && nl->starts->len < MAX_LINES) {
        const char *l = nl->text->str + pos;
        const char *end = memchr (l, '\n', nl->text->len - pos);
        gsize n = end ? (gsize) (end - l) : nl->text->len - pos;
        if (original_header_line (l, n) && end && header_field (end + 1, TRUE)
            && !bounce_header_block (ctx, nl, pos)) {
            /* the block starts at the field lines just before this one */
            guint first = nl->starts->len;
            while (first > 0 && header_field (nl->text->str + g_array_index (nl->starts, gsize, first - 1), FALSE))
                first--;
            gsize at = first < nl->starts->len ? g_array_index (nl->starts, gsize, first) : pos;
            if (at == 0) {
                /* a header block at the very top is the bounce's own, pasted or forwarded */
                g_array_append_val (nl->starts, pos);
                pos += n + 1;
                continue;
            }
            g_string_truncate (nl->text, at);
            g_array_set_size (nl->starts, first);
            break;
        }
        g_array_append_val (nl->starts, pos);
        pos += n + 1;
    }
    /* the lines past the bound are not read */
    if (pos < nl->text->len)
        g_string_truncate (nl->text, pos);
    if (nl->starts->len == 0) {
        gsize zero = 0;
        g_array_append_val (nl->starts, zero);
    }
}

static void
notice_lines_clear (notice_lines *nl)
{
    g_string_free (nl->text, TRUE);
    g_array_unref (nl->starts);
}

/* ---- recipients --------------------------------------------------------- */

typedef struct {
    char *address;
    guint line;                 /* where the notice names it */
    GString *diag;
    gboolean from_alias;
    gboolean listed;            /* leads a line under a failure heading */
} candidate;

static void
candidate_free (candidate *c)
{
    g_free (c->address);
    g_string_free (c->diag, TRUE);
    g_free (c);
}

static void
append_diag (GString *d, const char *text, gsize n)
{
    while (n && (g_ascii_isspace (*text) || strchr (":-.,;)(>", *text))) {
        text++;
        n--;
    }
    while (n && g_ascii_isspace (text[n - 1]))
        n--;
    /* a few letters at least: "...", ")" or "on 10/9/2013" is no error text */
    gsize letters = 0;
    for (gsize i = 0; i < n; i++)
        if (g_ascii_isalpha (text[i]))
            letters++;
    if (letters < 3 || d->len >= MAX_DIAG)
        return;
    if (d->len)
        g_string_append_c (d, ' ');
    g_string_append_len (d, text, MIN (n, MAX_DIAG - d->len));
}

static gboolean
failure_code (const char *s, gsize n)
{
    char *t = g_strndup (s, n);
    char st[16];
    gboolean yes = ba_find_reply_code (t) >= 400 || (ba_find_status (t, st) && st[0] != '2');
    g_free (t);
    return yes;
}

/* Does line @line name another failed address than @c's (which ends @c's text)? */
static gboolean
other_candidate_line (GPtrArray *cands, guint line, const candidate *c)
{
    for (guint i = 0; i < cands->len; i++) {
        const candidate *o = g_ptr_array_index (cands, i);
        if (o->line == line && !o->from_alias && g_ascii_strcasecmp (o->address, c->address))
            return TRUE;
    }
    return FALSE;
}

/* Append the non-blank lines from @i that belong to @c's text; the line
 * after them. */
static guint
take_paragraph (const notice_lines *nl, GPtrArray *cands, candidate *c, guint i, const guint8 *heading_line)
{
    gsize s, a;
    for (guint k = 0; i < nl->starts->len && k < DIAG_LINES && !line_blank (nl, i) && !(heading_line[i] & (MARK_HEADING | MARK_BREAK))
         && !line_address (line_at (nl, i), line_len (nl, i), &s, &a) && !other_candidate_line (cands, i, c); i++, k++)
        append_diag (c->diag, line_at (nl, i), line_len (nl, i));
    return i;
}

static guint
skip_blank (const notice_lines *nl, guint i)
{
    for (guint k = 0; i < nl->starts->len && k < 2 && line_blank (nl, i); k++)
        i++;
    return i;
}

/* The error text of an address named on line @i, its own text after
 * @rest: the lines of its paragraph that do not start with an address;
 * else the next paragraph; and when that has no SMTP code, the first
 * line with a failure code before the next recipient. */
static void
follow_text (const notice_lines *nl, GPtrArray *cands, candidate *c, const char *rest, gsize rest_len,
             guint8 *heading_line)
{
    guint n = nl->starts->len, i, k;
    gsize s, a;

    /* a transcript's reply just before the line (the address is named
     * after it: "<<< 550 Relaying denied" then "554 <addr>... error") */
    for (i = c->line, k = 0; i > 0 && k < 4 && !(heading_line[i - 1] & (MARK_HEADING | MARK_BREAK))
         && !other_candidate_line (cands, i - 1, c); i--, k++)
        if (heading_line[i - 1] & MARK_REPLY) {
            append_diag (c->diag, line_at (nl, i - 1), line_len (nl, i - 1));
            break;
        }
    /* "addr (addr)": the address written twice is no error text */
    if (rest && !(rest_len <= strlen (c->address) + 4 && g_strstr_len (rest, rest_len, c->address)))
        append_diag (c->diag, rest, rest_len);
    i = take_paragraph (nl, cands, c, c->line + 1, heading_line);
    /* the error in the next paragraph, or after an intro ("because:",
     * "The response was:") that ends its text or stands after it */
    for (k = 0; k < 3; k++) {
        guint next = skip_blank (nl, i), end = next;
        gsize before = c->diag->len;
        if (c->diag->len && c->diag->str[c->diag->len - 1] != ':') {
            /* an intro paragraph of one or two lines */
            while (end < n && end - next < 3 && !line_blank (nl, end))
                end++;
            if (end == next || end - next > 2 || line_at (nl, end - 1)[line_len (nl, end - 1) - 1] != ':')
                break;
        }
        i = take_paragraph (nl, cands, c, next, heading_line);
        if (c->diag->len == before)
            break;
    }
    /* a list that gives the error before the address (Lotus Notes) */
    if (c->diag->len == 0) {
        for (i = c->line, k = 0; i > 0 && k < 3 && !line_blank (nl, i - 1) && !(heading_line[i - 1] & (MARK_HEADING | MARK_BREAK))
             && !line_address (line_at (nl, i - 1), line_len (nl, i - 1), &s, &a); i--, k++)
            ;
        for (; i < c->line; i++)
            append_diag (c->diag, line_at (nl, i), line_len (nl, i));
    }
    if (failure_code (c->diag->str, c->diag->len))
        return;
    for (i = c->line + 1, k = 0; i < n && k < LOOK_AHEAD && !other_candidate_line (cands, i, c); i++, k++) {
        if (!failure_code (line_at (nl, i), line_len (nl, i)))
            continue;
        for (guint j = 0; j < 3 && i < n && !line_blank (nl, i); j++, i++) {
            if (j && line_address (line_at (nl, i), line_len (nl, i), &s, &a))
                break;
            append_diag (c->diag, line_at (nl, i), line_len (nl, i));
        }
        break;
    }
}

static candidate *
add_candidate (GPtrArray *cands, const char *addr, gsize alen, guint line, gboolean alias)
{
    candidate *c;
    if (cands->len >= 4 * MAX_MATCHES)
        return NULL;
    c = g_new0 (candidate, 1);
    c->address = g_strndup (addr, alen);
    c->line = line;
    c->diag = g_string_new (NULL);
    c->from_alias = alias;
    g_ptr_array_add (cands, c);
    return c;
}

typedef struct {
    candidate *c;
    char *rest;                 /* its own text (a group or the line's rest), or NULL */
    gboolean transcript;
} pending;

static gint
by_line (gconstpointer a, gconstpointer b)
{
    const pending *x = a, *y = b;
    return x->c->line < y->c->line ? -1 : x->c->line > y->c->line;
}

/* Matches of the groups of @kind over the text: a candidate each, with
 * the text a group captured, or the rest of its line. */
static void
match_kind (ba_context *ctx, const notice_lines *nl, ba_notice_kind kind, GPtrArray *cands, GArray *pend)
{
    const char *text = nl->text->str;
    gsize len = nl->text->len;
    for (guint g = 0; g < ctx->set->notice->len; g++) {
        const ba_notice_group *grp = g_ptr_array_index (ctx->set->notice, g);
        if (grp->kind != kind)
            continue;
        for (guint i = 0; i < grp->patterns->len; i++) {
            const ba_pattern *p = g_ptr_array_index (grp->patterns, i);
            gsize from = 0, s, e;
            for (guint m = 0; m < MAX_MATCHES && from <= len && ba_match (ctx, p, text, len, from); m++) {
                char *raw = ba_match_group (ctx, p, text, "recipient");
                char *diag = ba_match_group (ctx, p, text, "diagnostic");
                gsize as = 0, al = 0;
                ba_match_span (ctx, &s, &e);
                if (raw && line_address (raw, strlen (raw), &as, &al)) {
                    guint line = line_of (nl, e > s ? e - 1 : s);
                    candidate *c = add_candidate (cands, raw + as, al, line, kind == BA_NOTICE_ALIAS);
                    if (c) {
                        pending pd = { c, NULL, kind == BA_NOTICE_TRANSCRIPT };
                        if (diag)
                            pd.rest = g_strdup (diag);
                        else if (kind != BA_NOTICE_TRANSCRIPT) {
                            gsize le = g_array_index (nl->starts, gsize, line) + line_len (nl, line);
                            pd.rest = e < le ? g_strndup (text + e, le - e) : g_strdup ("");
                        }
                        g_array_append_val (pend, pd);
                    }
                }
                g_free (raw);
                g_free (diag);
                from = e > s ? e : s + 1;
                while (from < len && ((guchar) text[from] & 0xC0) == 0x80)
                    from++;
            }
        }
    }
}

/* Mark every line where a pattern of the groups of @kind matches. */
static void
mark_lines (ba_context *ctx, const notice_lines *nl, ba_notice_kind kind, guint8 mark, guint8 *marks)
{
    const char *text = nl->text->str;
    gsize len = nl->text->len;
    for (guint g = 0; g < ctx->set->notice->len; g++) {
        const ba_notice_group *grp = g_ptr_array_index (ctx->set->notice, g);
        if (grp->kind != kind)
            continue;
        for (guint i = 0; i < grp->patterns->len; i++) {
            const ba_pattern *p = g_ptr_array_index (grp->patterns, i);
            gsize from = 0, s, e;
            for (guint m = 0; m < MAX_LINES && from < len && ba_match (ctx, p, text, len, from); m++) {
                ba_match_span (ctx, &s, &e);
                guint l = line_of (nl, e > s ? e - 1 : s);
                marks[l] |= mark;
                from = g_array_index (nl->starts, gsize, l) + line_len (nl, l) + 1;
            }
        }
    }
}

/* Lines under each heading that start with an address. */
static void
match_headings (ba_context *ctx, const notice_lines *nl, guint8 *heading_line, GPtrArray *cands,
                GArray *pend)
{
    const char *text = nl->text->str;
    gsize len = nl->text->len;
    guint n = nl->starts->len;
    for (guint g = 0; g < ctx->set->notice->len; g++) {
        const ba_notice_group *grp = g_ptr_array_index (ctx->set->notice, g);
        if (grp->kind != BA_NOTICE_HEADING)
            continue;
        for (guint i = 0; i < grp->patterns->len; i++) {
            const ba_pattern *p = g_ptr_array_index (grp->patterns, i);
            gsize from = 0, s, e;
            for (guint m = 0; m < MAX_MATCHES && from < len && ba_match (ctx, p, text, len, from); m++) {
                ba_match_span (ctx, &s, &e);
                guint hl = line_of (nl, e > s ? e - 1 : s);
                heading_line[hl] |= MARK_HEADING;
                from = g_array_index (nl->starts, gsize, hl) + line_len (nl, hl) + 1;
            }
        }
    }
    for (guint h = 0; h < n; h++) {
        guint seen = 0;
        if (!(heading_line[h] & MARK_HEADING))
            continue;
        for (guint i = h + 1, k = 0; i < n && k < LIST_LINES && !(heading_line[i] & MARK_HEADING); i++) {
            gsize s, a;
            const char *l = line_at (nl, i);
            gsize ll = line_len (nl, i);
            if (line_blank (nl, i))
                continue;
            k++;
            if (!line_address (l, ll, &s, &a)) {
                /* prose after the list ends it, once its addresses are read */
                if (seen && (l[0] != ' ' && l[0] != '\t') && k > seen + DIAG_LINES)
                    break;
                continue;
            }
            seen = k;
            candidate *c = add_candidate (cands, l + s, a, i, FALSE);
            if (c) {
                c->listed = TRUE;
                pending pd = { c, g_strndup (l + s + a, ll - s - a), FALSE };
                g_array_append_val (pend, pd);
            }
        }
    }
}

/* Postmaster and the mailer daemon never failed; nor did the bounce's own
 * sender and addressee, unless a failure heading lists them (a message
 * sent to oneself). */
static gboolean
not_failed (const ba_notice_input *in, const char *addr, gboolean listed)
{
    const char *at = strrchr (addr, '@');
    gsize local = at ? (gsize) (at - addr) : strlen (addr);
    static const char *const daemons[] = { "postmaster", "mailer-daemon", "mailer_daemon", "double-bounce" };
    for (guint i = 0; i < G_N_ELEMENTS (daemons); i++)
        if (local == strlen (daemons[i]) && !g_ascii_strncasecmp (addr, daemons[i], local))
            return TRUE;
    for (int i = 0; !listed && in->not_failed && in->not_failed[i]; i++)
        if (!g_ascii_strcasecmp (in->not_failed[i], addr))
            return TRUE;
    return FALSE;
}

gboolean
ba_notice_is_bounce (ba_context *ctx, const ba_notice_input *in)
{
    return in->failed_header || any_group_matches (ctx, BA_NOTICE_FROM, FALSE, in->from)
        || any_group_matches (ctx, BA_NOTICE_SUBJECT, FALSE, in->subject);
}

static const char *
action_of (ba_context *ctx, const char *text, const char *subject)
{
    if (any_group_matches (ctx, BA_NOTICE_DELAY, FALSE, text)
        || any_group_matches (ctx, BA_NOTICE_DELAY, TRUE, subject))
        return "delayed";
    if (any_group_matches (ctx, BA_NOTICE_DELIVERED, FALSE, text)
        || any_group_matches (ctx, BA_NOTICE_DELIVERED, TRUE, subject))
        return "delivered";
    return NULL;
}

const char *
ba_notice_action (ba_context *ctx, const char *notice, const char *subject)
{
    notice_lines nl;
    const char *a;
    notice_lines_init (ctx, &nl, notice);
    a = action_of (ctx, nl.text->str, subject);
    notice_lines_clear (&nl);
    return a;
}

GPtrArray *
ba_notice_read (ba_context *ctx, const ba_notice_input *in, guint max)
{
    GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_text_recipient_free);
    GPtrArray *cands = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
    GArray *pend = g_array_new (FALSE, FALSE, sizeof (pending));
    GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    notice_lines nl;
    guint8 *heading_line;
    const char *action;

    notice_lines_init (ctx, &nl, in->notice);
    heading_line = g_new0 (guint8, nl.starts->len + 1);
    mark_lines (ctx, &nl, BA_NOTICE_BREAK, MARK_BREAK, heading_line);
    mark_lines (ctx, &nl, BA_NOTICE_REPLY, MARK_REPLY, heading_line);
    match_headings (ctx, &nl, heading_line, cands, pend);
    match_kind (ctx, &nl, BA_NOTICE_LINE, cands, pend);
    match_kind (ctx, &nl, BA_NOTICE_TRANSCRIPT, cands, pend);
    match_kind (ctx, &nl, BA_NOTICE_ALIAS, cands, pend);
    g_array_sort (pend, by_line);
    if (g_getenv ("BA_NOTICE_DEBUG")) {
        g_printerr ("text=[%s]\nlines=%u pend=%u\n", nl.text->str, nl.starts->len, pend->len);
        for (guint i = 0; i < nl.starts->len; i++)
            if (heading_line[i] & MARK_HEADING) g_printerr ("heading at %u\n", i);
    }
    action = action_of (ctx, nl.text->str, in->subject);

    for (guint i = 0; i < pend->len; i++) {
        pending *pd = &g_array_index (pend, pending, i);
        candidate *c = pd->c;
        ba_text_recipient *r;
        char *key;

        if (not_failed (in, c->address, c->listed))
            continue;
        /* "expanded from" right after the address it led to names no other failure */
        if (c->from_alias && i > 0 && !g_array_index (pend, pending, i - 1).c->from_alias
            && g_array_index (pend, pending, i - 1).c->line + 3 >= c->line)
            continue;
        follow_text (&nl, cands, c, pd->rest, pd->rest ? strlen (pd->rest) : 0, heading_line);
        /* a transcript names every recipient it sent; only a refused one failed */
        if (pd->transcript && !failure_code (c->diag->str, c->diag->len))
            continue;
        key = g_ascii_strdown (c->address, -1);
        r = g_hash_table_lookup (index, key);
        if (!r) {
            if (out->len >= max) {
                g_free (key);
                continue;
            }
            r = g_new0 (ba_text_recipient, 1);
            r->recipient = g_strdup (c->address);
            r->diagnostic = g_string_new (NULL);
            r->at = (gssize) g_array_index (nl.starts, gsize, c->line);
            r->action = g_strdup (action);
            g_ptr_array_add (out, r);
            g_hash_table_insert (index, key, r);
        } else {
            g_free (key);
        }
        /* a notice naming it twice (for people, for administrators) gives both texts */
        if (c->diag->len && !strstr (r->diagnostic->str, c->diag->str) && r->diagnostic->len < MAX_DIAG) {
            if (r->diagnostic->len)
                g_string_append_c (r->diagnostic, ' ');
            g_string_append_len (r->diagnostic, c->diag->str, MIN (c->diag->len, MAX_DIAG - r->diagnostic->len));
        }
    }
    /* one recipient and no words of its own: the notice's */
    if (out->len == 1 && ((ba_text_recipient *) g_ptr_array_index (out, 0))->diagnostic->len == 0) {
        ba_text_recipient *r = g_ptr_array_index (out, 0);
        char *all = ba_collapse_ws (nl.text->str);
        char *cut = ba_strndup_utf8 (all, 1000);
        g_string_assign (r->diagnostic, cut);
        g_free (cut);
        g_free (all);
    }

    for (guint i = 0; i < pend->len; i++)
        g_free (g_array_index (pend, pending, i).rest);
    g_array_unref (pend);
    g_ptr_array_unref (cands);
    g_hash_table_unref (index);
    g_free (heading_line);
    notice_lines_clear (&nl);
    return out;
}

/* Every addr-spec of an address header, into @out. */
static void
header_addresses (GPtrArray *out, InternetAddressList *list)
{
    for (int i = 0; list && i < internet_address_list_length (list) && out->len < 64; i++) {
        InternetAddress *ia = internet_address_list_get_address (list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
            const char *a = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
            if (a && *a)
                g_ptr_array_add (out, g_strdup (a));
        }
    }
}

GPtrArray *
ba_notice_read_message (ba_context *ctx, GMimeMessage *msg, GMimeMessage *original,
                        const char *notice, gboolean any, guint max)
{
    GPtrArray *never = g_ptr_array_new_with_free_func (g_free);
    GPtrArray *found = NULL;
    ba_notice_input in = { 0 };
    const char *subject = g_mime_message_get_subject (msg);
    char *from = NULL, *subj = subject ? ba_collapse_ws (subject) : NULL;
    InternetAddressList *fl = g_mime_message_get_from (msg);

    if (fl && internet_address_list_length (fl))
        from = internet_address_list_to_string (fl, NULL, FALSE);
    /* the bounce's own sender and addressee (the original's sender) never failed */
    header_addresses (never, fl);
    header_addresses (never, g_mime_message_get_to (msg));
    header_addresses (never, g_mime_message_get_reply_to (msg));
    if (original)
        header_addresses (never, g_mime_message_get_from (original));
    g_ptr_array_add (never, NULL);

    in.notice = notice;
    in.subject = subj;
    in.from = from;
    in.not_failed = (const char *const *) never->pdata;
    in.failed_header = g_mime_object_get_header (GMIME_OBJECT (msg), "X-Failed-Recipients") != NULL;
    if (any || ba_notice_is_bounce (ctx, &in))
        found = ba_notice_read (ctx, &in, max);
    g_free (from);
    g_free (subj);
    g_ptr_array_unref (never);
    return found;
}

void
ba_notice_fill_texts (ba_context *ctx, GMimeMessage *msg, GMimeMessage *original,
                      const char *notice, GPtrArray *found)
{
    GPtrArray *gen = NULL;
    for (guint i = 0; found && i < found->len; i++) {
        ba_text_recipient *t = g_ptr_array_index (found, i);
        if (t->diagnostic->len)
            continue;
        if (!gen)
            gen = ba_notice_read_message (ctx, msg, original, notice, TRUE, 1000);
        for (guint j = 0; j < gen->len; j++) {
            ba_text_recipient *g = g_ptr_array_index (gen, j);
            if (!g_ascii_strcasecmp (g->recipient, t->recipient)) {
                g_string_assign (t->diagnostic, g->diagnostic->str);
                break;
            }
        }
    }
    if (gen)
        g_ptr_array_unref (gen);
}
