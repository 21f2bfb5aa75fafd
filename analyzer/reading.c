/* reading.c - read a notice as its MTA wrote it: quoting and common
 * indentation undone, lines a composer broke joined again, and where
 * fields pasted as text (a feedback report, a DSN) begin and end. */
#include "reading.h"
#include "pattern-scan.h"

#include <string.h>

/* Fewer quoted lines than this are a quotation inside the notice (a
 * returned message's reply chain), not a forwarded notice. */
#define MIN_QUOTED_BLOCK 3
/* Quoting levels undone at most (a bound: each level is a pass). */
#define MAX_QUOTE_LEVELS 4

/* A line quoted one level deep: "> text" or a bare ">".  ">>>" lines
 * (Sendmail's transcript of commands) are not quoting. */
static gboolean
quoted_line (const char *line, gsize len)
{
    return (len == 1 && line[0] == '>') || (len >= 2 && line[0] == '>' && line[1] == ' ');
}

static gsize
line_len (const char *p)
{
    const char *nl = strchr (p, '\n');
    return nl ? (gsize) (nl - p) : strlen (p);
}

static gboolean
blank (const char *p, gsize len)
{
    for (gsize i = 0; i < len; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return FALSE;
    return TRUE;
}

/* @text with "> " removed from quoted blocks, or NULL when it has none. */
static char *
dequote (const char *text)
{
    GString *out = NULL;
    const char *p = text, *copied = text;

    while (*p) {
        const char *start = p;
        int run = 0;
        while (*p && quoted_line (p, line_len (p))) {
            run++;
            p += line_len (p);
            if (*p == '\n')
                p++;
        }
        if (run >= MIN_QUOTED_BLOCK) {
            if (!out)
                out = g_string_sized_new (strlen (text));
            g_string_append_len (out, copied, start - copied);
            for (const char *q = start; q < p;) {
                gsize n = line_len (q);
                gsize skip = n >= 2 ? 2 : 1;
                g_string_append_len (out, q + skip, n - skip);
                q += n;
                if (*q == '\n') {
                    g_string_append_c (out, '\n');
                    q++;
                }
            }
            copied = p;
        }
        if (run == 0) {
            p += line_len (p);
            if (*p == '\n')
                p++;
        }
    }
    if (!out)
        return NULL;
    g_string_append (out, copied);
    return g_string_free (out, FALSE);
}

/* The whitespace every non-blank line of @text begins with: its length. */
static gsize
common_indent (const char *text)
{
    const char *first = NULL;
    gsize common = 0;

    for (const char *p = text; *p;) {
        gsize n = line_len (p);
        if (!blank (p, n)) {
            gsize k = 0;
            if (!first) {
                first = p;
                while (k < n && (p[k] == ' ' || p[k] == '\t'))
                    k++;
                common = k;
            } else {
                while (k < common && k < n && p[k] == first[k])
                    k++;
                common = k;
            }
            if (common == 0)
                return 0;
        }
        p += n;
        if (*p == '\n')
            p++;
    }
    return common;
}

static char *
dedent (const char *text, gsize indent)
{
    GString *out = g_string_sized_new (strlen (text));
    for (const char *p = text; *p;) {
        gsize n = line_len (p);
        gsize skip = MIN (indent, n);
        if (blank (p, n))
            skip = n;
        g_string_append_len (out, p + skip, n - skip);
        p += n;
        if (*p == '\n') {
            g_string_append_c (out, '\n');
            p++;
        }
    }
    return g_string_free (out, FALSE);
}

char *
ba_reading_unwrap (const char *text)
{
    char *unquoted, *result = NULL;
    const char *cur;
    gsize indent;

    if (!text)
        return NULL;
    unquoted = dequote (text);
    /* a notice forwarded twice or three times is quoted as deep */
    for (int level = 1; unquoted && level < MAX_QUOTE_LEVELS; level++) {
        char *deeper = dequote (unquoted);
        if (!deeper)
            break;
        g_free (unquoted);
        unquoted = deeper;
    }
    cur = unquoted ? unquoted : text;
    indent = common_indent (cur);
    if (indent)
        result = dedent (cur, indent);
    if (result) {
        g_free (unquoted);
        return result;
    }
    return unquoted;
}

/* Width in characters of the line at @p, @n bytes long. */
static glong
width_of (const char *p, gsize n)
{
    /* the text is valid UTF-8 and a line holds whole characters: count the
     * bytes that start one (g_utf8_strlen costs a table look-up a byte) */
    const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101), tops = ones * 0x80;
    glong chars = 0;
    gsize i = 0;
    /* eight at a time: a continuation byte has its top bit set and the next one clear */
    for (; i + 8 <= n; i += 8) {
        guint64 w, cont;
        memcpy (&w, p + i, 8);
        cont = w & ~(w << 1) & tops;
        chars += 8 - (glong) (((cont >> 7) * ones) >> 56);
    }
    for (; i < n; i++)
        chars += ((guchar) p[i] & 0xC0) != 0x80;
    return chars;
}

static gboolean
has_space (const char *p, gsize n)
{
    return memchr (p, ' ', n) != NULL;
}

/* A line that begins a field ("Name: value"): the wrapper keeps those
 * as they are, and joining one to the line before would hide it. */
static gboolean
field_line (const char *p, gsize n)
{
    gsize i = 0;
    /* a field's name is capitalised ("Reason:", "Diagnostic-Code:"); prose is not */
    if (!n || !g_ascii_isupper (p[0]))
        return FALSE;
    while (i < n && (g_ascii_isalnum (p[i]) || p[i] == '-'))
        i++;
    return i > 0 && i + 2 < n && p[i] == ':' && (p[i + 1] == ' ' || p[i + 1] == '\t')
        && !blank (p + i + 1, n - i - 1);
}

/* A line opening with a run of the same mark (">>> ", "<<< ", "-----",
 * "****"): a transcript's or a separator's line, written as a line. */
static gboolean
marked_line (const char *p, gsize n)
{
    return n >= 2 && g_ascii_ispunct (p[0]) && p[1] == p[0];
}

/* A line of marks only ("-----") closing a banner the line before opened
 * with the same marks ("----- Transcript of session follows"). */
static gboolean
closes_banner (const char *line, gsize n, const char *next, gsize nn)
{
    gsize i = 0;
    while (nn && (next[nn - 1] == ' ' || next[nn - 1] == '\t'))
        nn--;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (nn < 2 || i + 2 > n || line[i] != next[0] || line[i + 1] != next[0])
        return FALSE;
    for (gsize k = 0; k < nn; k++)
        if (next[k] != next[0])
            return FALSE;
    return TRUE;
}

/* A line ending with a run of marks ("... follows -----"): a banner, whole. */
static gboolean
ends_marked (const char *p, gsize n)
{
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    return n >= 2 && g_ascii_ispunct (p[n - 1]) && p[n - 2] == p[n - 1];
}

/* A line opening with an SMTP reply code ("550 ", "451-"): a reply, which
 * after a reply or a transcript's line is a line of its own. */
static gboolean
reply_line (const char *p, gsize n)
{
    return n >= 4 && p[0] >= '2' && p[0] <= '5' && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2])
        && (p[3] == ' ' || p[3] == '-');
}

/* The width a paragraph was wrapped at: its widest line of several words
 * (a client wraps what it shows, not the returned message's header). */
static glong
paragraph_width (const char *p)
{
    glong widest = 0;
    while (*p) {
        gsize n = line_len (p);
        if (blank (p, n))
            break;
        if (has_space (p, n))
            widest = MAX (widest, width_of (p, n));
        p += n;
        if (*p == '\n')
            p++;
    }
    return widest;
}

/* Does @p (@n bytes) end as a line ends that a writer ended on purpose:
 * a sentence or an address closed, or (@colon) a field's name? */
static gboolean
ends_closed (const char *p, gsize n, gboolean colon)
{
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    /* "<user@host>... " is Sendmail's separator, not a sentence's end */
    if (n >= 3 && !strncmp (p + n - 3, "...", 3))
        return FALSE;
    return n && (strchr (".>)]!?", p[n - 1]) != NULL || (colon && p[n - 1] == ':'));
}

/* The address a line opens with ("user@host: ...", "<user@host>"): its
 * start and length, or 0. */
static gsize
opening_address (const char *p, gsize n, const char **at)
{
    gsize i = 0, k;
    gboolean has_at = FALSE;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i < n && p[i] == '<')
        i++;
    for (k = i; k < n && p[k] != ' ' && p[k] != '\t' && p[k] != '>' && p[k] != ':'; k++)
        has_at |= p[k] == '@' && k > i;
    *at = p + i;
    return has_at ? k - i : 0;
}

/* What follows the address a line opens with: '>', ':', a space or the
 * line's end (0). */
static char
after_address (const char *line, gsize n, const char *a, gsize len)
{
    gsize k = (gsize) (a - line) + len;
    return k < n ? line[k] : 0;
}

/* Two lines opening with two different addresses written alike
 * ("a@x: ...", "b@y: ..."): items of a list.  A line quoting its own
 * address again is the same item continued. */
static gboolean
list_items (const char *p, gsize n, const char *next, gsize nn)
{
    const char *a, *b;
    gsize la = opening_address (p, n, &a), lb = opening_address (next, nn, &b);
    if (!la || !lb || (la == lb && !g_ascii_strncasecmp (a, b, la)))
        return FALSE;
    return (a > p && a[-1] == '<') == (b > next && b[-1] == '<')
        && after_address (p, n, a, la) == after_address (next, nn, b, lb);
}

/* Does the line hold an SMTP reply code (a 4xx or 5xx word)? */
static gboolean
holds_reply_code (const char *p, gsize n)
{
    for (gsize i = 0; i + 3 <= n; i++)
        if ((p[i] == '4' || p[i] == '5') && g_ascii_isdigit (p[i + 1]) && g_ascii_isdigit (p[i + 2])
            && (i == 0 || !g_ascii_isalnum (p[i - 1])) && (i + 3 == n || p[i + 3] == ' ' || p[i + 3] == '-'))
            return TRUE;
    return FALSE;
}

/* A line opening with a date ("1/17/2020 5:30 PM - ...", "2020-01-17 ..."):
 * an entry of a log the notice quotes, a line of its own. */
static gboolean
dated_line (const char *p, gsize n)
{
    gsize i = 0;
    for (int field = 0; field < 3; field++) {
        gsize start = i;
        while (i < n && g_ascii_isdigit (p[i]) && i - start < 4)
            i++;
        if (i == start || (field < 2 && (i >= n || (p[i] != '/' && p[i] != '-'))))
            return FALSE;
        if (field < 2)
            i++;
    }
    return i < n && p[i] == ' ';
}

/* Could the line @p (@n bytes) have been broken by a composer wrapping at
 * @widest, with @next (@nn bytes) the rest of it, whatever the caution? */
static gboolean
may_be_broken (const char *p, gsize n, const char *next, gsize nn, glong widest)
{
    gsize word = 0;

    /* (a paragraph without a line of several words shows no width) */
    if (widest == 0 || blank (p, n) || !nn || next[0] == ' ' || next[0] == '\t' || field_line (next, nn))
        return FALSE;
    if (ends_marked (p, n) || (marked_line (next, nn) && !closes_banner (p, n, next, nn)))
        return FALSE;
    if (reply_line (next, nn) && (reply_line (p, n) || marked_line (p, n)))
        return FALSE;
    if (list_items (p, n, next, nn) || dated_line (next, nn))
        return FALSE;
    while (word < nn && next[word] != ' ' && next[word] != '\t')
        word++;
    return width_of (p, n) + 1 + width_of (next, word) > widest;
}

/* What is known of a line ended by a newline, whatever the caution: */
enum {
    MAY_BE_BROKEN = 1,          /* may_be_broken */
    ENDS_CLOSED = 2,            /* ends_closed, without a colon */
    ENDS_CLOSED_COLON = 4,      /* ends_closed, with a colon */
    HOLDS_CODE = 8,             /* holds_reply_code */
};

/* A byte of those facts per line of @text that a newline ends (*@n of
 * them): read once for the three cautions of ba_readings_init. */
static guint8 *
line_facts (const char *text, gsize *n)
{
    GByteArray *facts = g_byte_array_new ();
    gboolean para_start = TRUE;
    glong widest = 0;

    for (const char *p = text; *p;) {
        gsize len = line_len (p);
        const char *next = p + len + 1;
        guint8 f = 0;
        if (para_start)
            widest = paragraph_width (p);
        para_start = blank (p, len);
        if (p[len] != '\n')
            break;
        f |= holds_reply_code (p, len) ? HOLDS_CODE : 0;
        f |= may_be_broken (p, len, next, line_len (next), widest) ? MAY_BE_BROKEN : 0;
        f |= ends_closed (p, len, FALSE) ? ENDS_CLOSED : 0;
        f |= ends_closed (p, len, TRUE) ? ENDS_CLOSED_COLON : 0;
        g_byte_array_append (facts, &f, 1);
        p = next;
    }
    *n = facts->len;
    return g_byte_array_free (facts, FALSE);
}

/* Which of the @n lines of @facts the @caution joins to the next (@join,
 * a byte a line); FALSE when none. */
static gboolean
joins (const guint8 *facts, gsize n, ba_reflow caution, guint8 *join)
{
    gboolean any = FALSE, in_reply = FALSE, was_joined = FALSE;
    for (gsize i = 0; i < n; i++) {
        /* whether the line joined so far holds a reply code: kept as lines
         * join, so that a long joined line is not scanned again */
        in_reply = (was_joined && in_reply) || (facts[i] & HOLDS_CODE);
        /* (a colon in an SMTP reply, @in_reply for the line joined so far, is its text going on) */
        guint8 closed = caution == BA_REFLOW_KEEP_ENDS || !in_reply ? ENDS_CLOSED_COLON : ENDS_CLOSED;
        was_joined = (facts[i] & MAY_BE_BROKEN) && !(caution != BA_REFLOW_GREEDY && (facts[i] & closed));
        join[i] = (guint8) was_joined;
        any |= was_joined;
    }
    return any;
}

/* A copy of @text with the newline ending each line @join marks made a space. */
static char *
joined_copy (const char *text, gsize len, const guint8 *join)
{
    char *out = g_memdup2 (text, len + 1);
    gsize line = 0;
    for (char *nl = memchr (out, '\n', len); nl; nl = memchr (nl + 1, '\n', len - (gsize) (nl + 1 - out)))
        if (join[line++])
            *nl = ' ';
    return out;
}

char *
ba_reading_reflow (const char *text, ba_reflow caution)
{
    gsize n;
    guint8 *facts, *join;
    char *out = NULL;

    if (!text)
        return NULL;
    facts = line_facts (text, &n);
    join = g_malloc (n + 1);
    if (joins (facts, n, caution, join))
        out = joined_copy (text, strlen (text), join);
    g_free (join);
    g_free (facts);
    return out;
}

void
ba_readings_init (ba_readings *r, const char *notice)
{
    gsize n, len = strlen (notice);
    guint8 *facts = line_facts (notice, &n);
    guint8 *join = g_malloc (n + 1), *kept = g_malloc0 (n + 1);

    memset (r, 0, sizeof *r);
    r->by_text[r->n] = TRUE;
    r->text[r->n] = g_strdup (notice);
    r->lower[r->n] = ba_lower_dup (notice, len);
    r->n++;
    /* from the most cautious re-joining to the greedy one, each only when
     * it joins other lines than the reading before (another text) */
    for (int caution = BA_REFLOW_KEEP_ENDS; caution >= BA_REFLOW_GREEDY; caution--) {
        if (!joins (facts, n, (ba_reflow) caution, join) || !memcmp (join, kept, n))
            continue;
        r->by_text[r->n] = caution != BA_REFLOW_GREEDY;
        r->text[r->n] = joined_copy (notice, len, join);
        /* a space is no capital: the lowered reading is the lowered notice, joined alike */
        r->lower[r->n] = joined_copy (r->lower[0], len, join);
        r->n++;
        memcpy (kept, join, n);
    }
    g_free (kept);
    g_free (join);
    g_free (facts);
}

void
ba_readings_clear (ba_readings *r)
{
    for (int i = 0; i < r->n; i++) {
        g_free (r->text[i]);
        g_free (r->lower[i]);
    }
    r->n = 0;
}

gssize
ba_reading_feedback_offset (const char *text)
{
    const char *para = text;
    gboolean type = FALSE, version = FALSE;

    /* RFC 5965 3.1: Feedback-Type, User-Agent and Version are required */
    for (const char *p = text; p && *p;) {
        gsize n = line_len (p);
        if (blank (p, n)) {
            para = p + n + (p[n] == '\n');
            type = version = FALSE;
        } else if (!g_ascii_strncasecmp (p, "feedback-type:", 14)) {
            type = TRUE;
        } else if (!g_ascii_strncasecmp (p, "version:", 8) || !g_ascii_strncasecmp (p, "user-agent:", 11)) {
            version = TRUE;
        }
        if (type && version)
            return para - text;
        p += n;
        if (*p == '\n')
            p++;
    }
    return -1;
}

/* The banner a mail client writes above a message it forwards inline:
 * the header summary (From:, Date: or Sent:, To:, Subject:) follows it
 * (Gmail, Outlook, Thunderbird, Apple Mail). */
gboolean
ba_reading_forward_banner (const char *line)
{
    static const char *const banners[] = {
        "---------- Forwarded message ---------", "-----Original Message-----",
        "-------- Original Message --------", "-------- Forwarded Message --------",
        "Begin forwarded message:",
    };
    while (*line == ' ' || *line == '\t')
        line++;
    for (guint i = 0; i < G_N_ELEMENTS (banners); i++)
        if (!g_ascii_strncasecmp (line, banners[i], strlen (banners[i])))
            return TRUE;
    return FALSE;
}

/* Does the paragraph at @p (@n bytes) hold a field only a message's header
 * has (never a DSN's)? */
static gboolean
message_header_paragraph (const char *p, gsize n)
{
    static const char *const names[] = { "received:", "return-path:", "message-id:", "from:", "subject:" };
    for (gsize i = 0; i < n;) {
        gsize len = line_len (p + i);
        for (guint k = 0; k < G_N_ELEMENTS (names); k++)
            if (len >= strlen (names[k]) && !g_ascii_strncasecmp (p + i, names[k], strlen (names[k])))
                return TRUE;
        i += len + 1;
    }
    return FALSE;
}

gsize
ba_reading_fields_len (const char *text)
{
    for (const char *p = text; *p;) {
        const char *end = strstr (p, "\n\n");
        gsize n = end ? (gsize) (end - p) : strlen (p);
        if (p > text && field_line (p, line_len (p)) && message_header_paragraph (p, n))
            return p - text;
        if (!end)
            break;
        p = end + 2;
        while (*p == '\n')
            p++;
    }
    return strlen (text);
}
