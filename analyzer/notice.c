/* notice.c - see notice.h.  The notice is cut where the returned message
 * begins and unquoted ("> " forwarding); then every failed address is
 * taken where the wording of rules/notice.conf names it: on a line of its
 * own (or leading a line) under a failure heading, on a line that names
 * it next to a failure keyword, or in a transcript whose reply refused
 * it.  Its error text is what follows it, up to the next address. */
#include "notice-lines.h"
#include "util.h"
#include "address.h"

#include <string.h>

/* Hostile-input bounds: the matches of one pattern, the lines a
 * heading's list and an error text may span. */
#define MAX_MATCHES      200
#define LIST_LINES       25
#define DIAG_LINES       8
#define LOOK_AHEAD       30
#define MAX_DIAG         2048

/* What a line of the notice is, for the error-text walk. */
#define MARK_HEADING 1          /* a failure heading */
#define MARK_BREAK   2          /* another exchange starts */
#define MARK_REPLY   4          /* a transcript's server reply */
#define MARK_PERMANENT 8        /* a heading of permanent failures */
#define MARK_TRANSIENT 16       /* a heading of temporary failures */

/* ---- recipients --------------------------------------------------------- */

typedef struct {
    char *address;
    guint line;                 /* where the notice names it */
    GString *diag;
    gboolean from_alias;
    gboolean listed;            /* leads a line under a failure heading */
    gboolean permanent;         /* ... under a heading of permanent failures */
    gboolean transient;         /* ... under a heading of temporary failures */
    gboolean excluded;          /* an address that never failed */
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
    /* "addr (error)": the parenthesis closed after the address was opened */
    if (n && text[n - 1] == ')' && !memchr (text, '(', n))
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
        if (o->line == line && !o->from_alias && !o->excluded && g_ascii_strcasecmp (o->address, c->address))
            return TRUE;
    }
    return FALSE;
}

/* Append the non-blank lines from @i that belong to @c's text; the line
 * after them. */
static guint
take_paragraph (const ba_notice_lines *nl, GPtrArray *cands, candidate *c, guint i, const guint8 *marks)
{
    gsize s, a;
    guint n = nl->starts->len;
    /* a paragraph may open with a section rule or a transcript's "while
     * talking to": the exchange it opens is this address's */
    if (i < n && (marks[i] & MARK_BREAK) && !(marks[i] & MARK_HEADING))
        i++;
    for (guint k = 0; i < n && k < DIAG_LINES && !ba_notice_line_blank (nl, i)
         && !(marks[i] & (MARK_HEADING | MARK_BREAK))
         && (!ba_notice_line_address (ba_notice_line_at (nl, i), ba_notice_line_len (nl, i), &s, &a)
             || (i > c->line && ba_notice_sentence_goes_on (nl, i - 1)))
         && !other_candidate_line (cands, i, c); i++, k++)
        append_diag (c->diag, ba_notice_line_at (nl, i), ba_notice_line_len (nl, i));
    return i;
}

static guint
skip_blank (const ba_notice_lines *nl, guint i)
{
    for (guint k = 0; i < nl->starts->len && k < 2 && ba_notice_line_blank (nl, i); k++)
        i++;
    return i;
}

/* The error text of an address named on line @i, its own text after
 * @rest: the lines of its paragraph that do not start with an address;
 * else the next paragraph; and when that has no SMTP code, the first
 * line with a failure code before the next recipient. */
static void
follow_text (const ba_notice_lines *nl, GPtrArray *cands, candidate *c, const char *rest, gsize rest_len,
             guint8 *marks)
{
    guint n = nl->starts->len, i, k;
    gsize s, a;

    /* a transcript's reply just before the line (the address is named
     * after it: "<<< 550 Relaying denied" then "554 <addr>... error") */
    for (i = c->line, k = 0; i > 0 && k < 4 && !(marks[i - 1] & (MARK_HEADING | MARK_BREAK))
         && !other_candidate_line (cands, i - 1, c); i--, k++)
        if (marks[i - 1] & MARK_REPLY) {
            append_diag (c->diag, ba_notice_line_at (nl, i - 1), ba_notice_line_len (nl, i - 1));
            break;
        }
    /* "addr (addr)": the address written twice is no error text */
    if (rest && !(rest_len <= strlen (c->address) + 4 && g_strstr_len (rest, rest_len, c->address)))
        append_diag (c->diag, rest, rest_len);
    i = take_paragraph (nl, cands, c, c->line + 1, marks);
    /* the error in the next paragraph, or after an intro ("because:",
     * "The response was:") that ends its text or stands after it */
    for (k = 0; k < 3; k++) {
        guint next = skip_blank (nl, i), end = next;
        gsize before = c->diag->len;
        /* a one-line paragraph without small letters ("LEARN MORE", a button) is no text */
        if (next + 1 < n && ba_notice_line_blank (nl, next + 1) && ba_notice_no_small_letters (nl, next))
            next = end = skip_blank (nl, next + 1);
        if (c->diag->len && c->diag->str[c->diag->len - 1] != ':') {
            /* an intro paragraph of one or two lines */
            while (end < n && end - next < 3 && !ba_notice_line_blank (nl, end))
                end++;
            if (end == next || end - next > 2 || ba_notice_line_at (nl, end - 1)[ba_notice_line_len (nl, end - 1) - 1] != ':')
                break;
        }
        i = take_paragraph (nl, cands, c, next, marks);
        if (c->diag->len == before)
            break;
    }
    /* a list that gives the error before the address (Lotus Notes) */
    if (c->diag->len == 0) {
        for (i = c->line, k = 0; i > 0 && k < 3 && !ba_notice_line_blank (nl, i - 1) && !(marks[i - 1] & (MARK_HEADING | MARK_BREAK))
             && !ba_notice_line_address (ba_notice_line_at (nl, i - 1), ba_notice_line_len (nl, i - 1), &s, &a); i--, k++)
            ;
        for (; i < c->line; i++)
            append_diag (c->diag, ba_notice_line_at (nl, i), ba_notice_line_len (nl, i));
    }
    if (failure_code (c->diag->str, c->diag->len))
        return;
    for (i = c->line + 1, k = 0; i < n && k < LOOK_AHEAD && !other_candidate_line (cands, i, c); i++, k++) {
        if (!failure_code (ba_notice_line_at (nl, i), ba_notice_line_len (nl, i)))
            continue;
        for (guint j = 0; j < 3 && i < n && !ba_notice_line_blank (nl, i); j++, i++) {
            if (j && ba_notice_line_address (ba_notice_line_at (nl, i), ba_notice_line_len (nl, i), &s, &a))
                break;
            append_diag (c->diag, ba_notice_line_at (nl, i), ba_notice_line_len (nl, i));
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
match_kind (ba_context *ctx, const ba_notice_lines *nl, ba_notice_kind kind, GPtrArray *cands, GArray *pend)
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
            if (!ba_notice_may_match (p, nl))
                continue;
            for (guint m = 0; m < MAX_MATCHES && from <= len && ba_match (ctx, p, text, len, from); m++) {
                char *raw = ba_match_group (ctx, p, text, "recipient");
                char *diag = ba_match_group (ctx, p, text, "diagnostic");
                gsize as = 0, al = 0;
                ba_match_span (ctx, &s, &e);
                if (raw && ba_notice_line_address (raw, strlen (raw), &as, &al)) {
                    guint line = ba_notice_line_of (nl, e > s ? e - 1 : s);
                    candidate *c = add_candidate (cands, raw + as, al, line, kind == BA_NOTICE_ALIAS);
                    if (c) {
                        pending pd = { c, NULL, kind == BA_NOTICE_TRANSCRIPT };
                        if (diag)
                            pd.rest = g_strdup (diag);
                        else if (kind != BA_NOTICE_TRANSCRIPT) {
                            gsize le = g_array_index (nl->starts, gsize, line) + ba_notice_line_len (nl, line);
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

/* Mark every line where a pattern of the groups of @kind matches, at most
 * @max matches a pattern. */
static void
mark_lines (ba_context *ctx, const ba_notice_lines *nl, ba_notice_kind kind, guint8 mark, guint8 *marks,
            guint max)
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
            if (!ba_notice_may_match (p, nl))
                continue;
            for (guint m = 0; m < max && from < len && ba_match (ctx, p, text, len, from); m++) {
                ba_match_span (ctx, &s, &e);
                guint l = ba_notice_line_of (nl, e > s ? e - 1 : s);
                marks[l] |= mark;
                from = g_array_index (nl->starts, gsize, l) + ba_notice_line_len (nl, l) + 1;
            }
        }
    }
}

/* Lines under each heading that start with an address. */
static void
match_headings (ba_context *ctx, const ba_notice_lines *nl, guint8 *marks, GPtrArray *cands,
                GArray *pend)
{
    guint n = nl->starts->len;

    mark_lines (ctx, nl, BA_NOTICE_HEADING, MARK_HEADING, marks, MAX_MATCHES);
    mark_lines (ctx, nl, BA_NOTICE_PERMANENT, MARK_HEADING | MARK_PERMANENT, marks, MAX_MATCHES);
    mark_lines (ctx, nl, BA_NOTICE_TRANSIENT, MARK_HEADING | MARK_TRANSIENT, marks, MAX_MATCHES);
    for (guint h = 0; h < n; h++) {
        guint seen = 0;
        if (!(marks[h] & MARK_HEADING))
            continue;
        for (guint i = h + 1, k = 0; i < n && k < LIST_LINES && !(marks[i] & MARK_HEADING); i++) {
            gsize s, a;
            const char *l = ba_notice_line_at (nl, i);
            gsize ll = ba_notice_line_len (nl, i);
            if (ba_notice_line_blank (nl, i))
                continue;
            k++;
            if (!ba_notice_line_address (l, ll, &s, &a) && !ba_notice_line_named_address (l, ll, &s, &a)) {
                /* prose after the list ends it, once its addresses are read */
                if (seen && (l[0] != ' ' && l[0] != '\t') && k > seen + DIAG_LINES)
                    break;
                continue;
            }
            if ((i > h + 1 && !ba_notice_line_blank (nl, i - 1) && ba_notice_sentence_goes_on (nl, i - 1))
                || ba_notice_says_success (l + s + a, ll - s - a))
                continue;
            seen = k;
            /* "a@b, c@d": a list on one line, each address its own item */
            for (guint item = 0; item < MAX_MATCHES; item++) {
                gsize next = s + a, s2, a2;
                while (next < ll && strchr ("> \t\"')", l[next]))
                    next++;
                gboolean more = next < ll && (l[next] == ',' || l[next] == ';')
                    && ba_notice_line_address (l + next + 1, ll - next - 1, &s2, &a2);
                candidate *c = add_candidate (cands, l + s, a, i, FALSE);
                if (c) {
                    c->listed = TRUE;
                    c->permanent = (marks[h] & MARK_PERMANENT) != 0;
                    c->transient = !c->permanent && (marks[h] & MARK_TRANSIENT);
                    pending pd = { c, more ? g_strdup ("") : g_strndup (l + s + a, ll - s - a), FALSE };
                    g_array_append_val (pend, pd);
                }
                if (!more)
                    break;
                s = next + 1 + s2;
                a = a2;
            }
        }
    }
}

/* Postmaster and the mailer daemon never failed; nor did the bounce's own
 * sender and addressee, or the returned message's sender (@senders),
 * unless a failure heading lists them (a message sent to oneself). */
static gboolean
not_failed (const ba_notice_input *in, const GPtrArray *senders, const char *addr, gboolean listed)
{
    const char *at = strrchr (addr, '@');
    gsize local = at ? (gsize) (at - addr) : strlen (addr);
    static const char *const daemons[] = { "postmaster", "mailer-daemon", "mailer_daemon", "double-bounce" };
    for (guint i = 0; i < G_N_ELEMENTS (daemons); i++)
        if (local == strlen (daemons[i]) && !g_ascii_strncasecmp (addr, daemons[i], local))
            return TRUE;
    for (guint i = 0; !listed && i < senders->len; i++)
        if (!g_ascii_strcasecmp (g_ptr_array_index (senders, i), addr))
            return TRUE;
    for (int i = 0; !listed && in->not_failed && in->not_failed[i]; i++)
        if (!g_ascii_strcasecmp (in->not_failed[i], addr))
            return TRUE;
    return FALSE;
}

/* Lines that hold an address and nothing else ("  ann@example.org",
 * "<ann@example.org>:"): a notice without a heading lists its failed
 * recipients so (a delay warning's "Delivery attempts will continue"
 * then the list). */
static void
match_lone_addresses (const ba_notice_lines *nl, GPtrArray *cands, GArray *pend)
{
    for (guint i = 0, found = 0; i < nl->starts->len && found < LIST_LINES; i++) {
        const char *l = ba_notice_line_at (nl, i);
        gsize ll = ba_notice_line_len (nl, i), s, a, e;
        if (!ba_notice_line_address (l, ll, &s, &a) || (i > 0 && ba_notice_sentence_goes_on (nl, i - 1)))
            continue;
        for (e = s + a; e < ll && strchr (" \t>:\"')", l[e]); e++)
            ;
        if (e < ll)
            continue;
        candidate *c = add_candidate (cands, l + s, a, i, FALSE);
        if (c) {
            pending pd = { c, g_strdup (""), FALSE };
            g_array_append_val (pend, pd);
            found++;
        }
    }
}

gboolean
ba_notice_is_bounce (ba_context *ctx, const ba_notice_input *in)
{
    return in->failed_header || ba_notice_any_matches (ctx, BA_NOTICE_FROM, FALSE, in->from, NULL)
        || ba_notice_any_matches (ctx, BA_NOTICE_SUBJECT, FALSE, in->subject, NULL);
}

static const char *
action_of (ba_context *ctx, const ba_notice_lines *nl, const char *subject)
{
    if (ba_notice_any_matches (ctx, BA_NOTICE_DELAY, FALSE, nl->text->str, &nl->scan)
        || ba_notice_any_matches (ctx, BA_NOTICE_DELAY, TRUE, subject, NULL))
        return "delayed";
    if (ba_notice_any_matches (ctx, BA_NOTICE_DELIVERED, FALSE, nl->text->str, &nl->scan)
        || ba_notice_any_matches (ctx, BA_NOTICE_DELIVERED, TRUE, subject, NULL))
        return "delivered";
    return NULL;
}

const char *
ba_notice_action (ba_context *ctx, const char *notice, const char *subject)
{
    ba_notice_lines nl;
    const char *a;
    ba_notice_lines_init (ctx, &nl, notice);
    a = action_of (ctx, &nl, subject);
    ba_notice_lines_clear (&nl);
    return a;
}

static char *
lines_words (const ba_notice_lines *nl, gsize max)
{
    char *all = ba_collapse_ws (nl->text->str);
    char *cut = ba_strndup_utf8 (all, max);
    g_free (all);
    return cut;
}

char *
ba_notice_words (ba_context *ctx, const char *notice, gsize max)
{
    ba_notice_lines nl;
    char *words;
    ba_notice_lines_init (ctx, &nl, notice);
    words = lines_words (&nl, max);
    ba_notice_lines_clear (&nl);
    return words;
}

GPtrArray *
ba_notice_read (ba_context *ctx, const ba_notice_input *in, guint max)
{
    GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_text_recipient_free);
    GPtrArray *cands = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
    GArray *pend = g_array_new (FALSE, FALSE, sizeof (pending));
    GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    ba_notice_lines nl;
    guint8 *marks;
    const char *action;

    ba_notice_lines_init (ctx, &nl, in->notice);
    marks = g_new0 (guint8, nl.starts->len + 1);
    mark_lines (ctx, &nl, BA_NOTICE_BREAK, MARK_BREAK, marks, BA_NOTICE_MAX_LINES);
    mark_lines (ctx, &nl, BA_NOTICE_REPLY, MARK_REPLY, marks, BA_NOTICE_MAX_LINES);
    match_headings (ctx, &nl, marks, cands, pend);
    match_kind (ctx, &nl, BA_NOTICE_LINE, cands, pend);
    match_kind (ctx, &nl, BA_NOTICE_TRANSCRIPT, cands, pend);
    match_kind (ctx, &nl, BA_NOTICE_ALIAS, cands, pend);
    /* no wording named any: the addresses alone on their lines */
    if (pend->len == 0)
        match_lone_addresses (&nl, cands, pend);
    g_array_sort (pend, by_line);
    action = action_of (ctx, &nl, in->subject);

    GPtrArray *wordless = g_ptr_array_new ();  /* listed recipients still without text */
    guint list_line = G_MAXUINT;

    /* addresses that never failed neither count nor end another's text */
    for (guint i = 0; i < pend->len; i++) {
        candidate *c = g_array_index (pend, pending, i).c;
        c->excluded = not_failed (in, nl.senders, c->address, c->listed);
    }
    for (guint i = 0; i < pend->len; i++) {
        pending *pd = &g_array_index (pend, pending, i);
        candidate *c = pd->c;
        ba_text_recipient *r;
        char *key;

        if (c->excluded)
            continue;
        /* "expanded from" right after the address it led to names no other failure */
        if (c->from_alias && i > 0 && !g_array_index (pend, pending, i - 1).c->from_alias
            && g_array_index (pend, pending, i - 1).c->line + 3 >= c->line)
            continue;
        follow_text (&nl, cands, c, pd->rest, pd->rest ? strlen (pd->rest) : 0, marks);
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
            /* a warning's list of permanent failures is of failures */
            r->action = g_strdup (c->permanent ? "failed" : c->transient ? "delayed" : action);
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
        /* a list of addresses on consecutive lines with one text after the
         * last: the text is every listed address's */
        if (list_line != G_MAXUINT && c->line != list_line && (!c->listed || c->line > list_line + 1))
            g_ptr_array_set_size (wordless, 0);
        if (c->listed)
            list_line = c->line;
        else if (c->line != list_line)
            list_line = G_MAXUINT;
        if (c->listed && !r->diagnostic->len && wordless->len < LIST_LINES)
            g_ptr_array_add (wordless, r);
        else if (c->listed && c->diag->len) {
            for (guint w = 0; w < wordless->len; w++)
                if (!((ba_text_recipient *) wordless->pdata[w])->diagnostic->len)
                    g_string_assign (((ba_text_recipient *) wordless->pdata[w])->diagnostic, c->diag->str);
            g_ptr_array_set_size (wordless, 0);
        }
    }
    g_ptr_array_unref (wordless);
    /* one recipient and no words of its own: the notice's */
    if (out->len == 1 && ((ba_text_recipient *) g_ptr_array_index (out, 0))->diagnostic->len == 0) {
        ba_text_recipient *r = g_ptr_array_index (out, 0);
        char *words = lines_words (&nl, 1000);
        g_string_assign (r->diagnostic, words);
        g_free (words);
    }

    for (guint i = 0; i < pend->len; i++)
        g_free (g_array_index (pend, pending, i).rest);
    g_array_unref (pend);
    g_ptr_array_unref (cands);
    g_hash_table_unref (index);
    g_free (marks);
    ba_notice_lines_clear (&nl);
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
ba_notice_read_message (ba_context *ctx, GMimeMessage *msg, InternetAddressList *original_from,
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
    header_addresses (never, original_from);
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
ba_notice_fill_texts (ba_context *ctx, GMimeMessage *msg, InternetAddressList *original_from,
                      const char *notice, GPtrArray *found)
{
    GPtrArray *gen = NULL;
    for (guint i = 0; found && i < found->len; i++) {
        ba_text_recipient *t = g_ptr_array_index (found, i);
        if (t->diagnostic->len)
            continue;
        if (!gen)
            gen = ba_notice_read_message (ctx, msg, original_from, notice, TRUE, 1000);
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

void
ba_notice_settle_delay (ba_context *ctx, ba_report *rep, GPtrArray *found, const char *action,
                        const char *notice)
{
    const char *worded;
    if (action && g_ascii_strcasecmp (action, "failed"))
        return;
    if (!(worded = ba_notice_action (ctx, notice, rep->subject)))
        return;
    for (guint i = 0; i < rep->recipients->len; i++) {
        ba_recipient *r = g_ptr_array_index (rep->recipients, i);
        ba_text_recipient *t = NULL;
        for (guint j = 0; found && j < found->len && !t; j++)
            if (!g_ascii_strcasecmp (((ba_text_recipient *) found->pdata[j])->recipient, r->recipient))
                t = found->pdata[j];
        /* a recipient whose own words name its action keeps it */
        if ((!t || !t->action) && !g_strcmp0 (r->action, "failed")) {
            g_free (r->action);
            r->action = g_strdup (worded);
        }
    }
}

gboolean
ba_notice_addressless_bounce (ba_context *ctx, GMimeMessage *msg, const char *notice)
{
    const char *subject = g_mime_message_get_subject (msg);
    InternetAddressList *fl = g_mime_message_get_from (msg);
    char *from = fl && internet_address_list_length (fl) ? internet_address_list_to_string (fl, NULL, FALSE) : NULL;
    char *subj = subject ? ba_collapse_ws (subject) : NULL;
    gboolean yes = ba_notice_any_matches (ctx, BA_NOTICE_FROM, FALSE, from, NULL)
        && ba_notice_any_matches (ctx, BA_NOTICE_SUBJECT, FALSE, subj, NULL);

    if (yes) {
        ba_notice_lines nl;
        guint8 *marks;
        ba_notice_lines_init (ctx, &nl, notice ? notice : "");
        marks = g_new0 (guint8, nl.starts->len + 1);
        yes = failure_code (nl.text->str, nl.text->len);
        if (!yes) {
            mark_lines (ctx, &nl, BA_NOTICE_HEADING, MARK_HEADING, marks, 1);
            for (guint i = 0; i < nl.starts->len && !yes; i++)
                yes = marks[i] & MARK_HEADING;
        }
        g_free (marks);
        ba_notice_lines_clear (&nl);
    }
    g_free (from);
    g_free (subj);
    return yes;
}

char *
ba_notice_dsn_address (const char *value)
{
    char *a = ba_dsn_strip_type (value, FALSE);
    const char *open = a ? strchr (a, '<') : NULL, *close = open ? strchr (open, '>') : NULL;
    char *b, *u;

    /* "Name <addr>" and "addr (Name)" as some MTAs write the field: the addr-spec */
    if (open && open > a && close && memchr (open, '@', (gsize) (close - open))) {
        char *inner = g_strndup (open + 1, (gsize) (close - open - 1));
        g_free (a);
        a = inner;
    } else if (a && *a != '(' && (open = strchr (a, '(')) && open > a && g_ascii_isspace (open[-1])
               && (close = strrchr (a, ')')) && close > open && !strchr (open, '@')) {
        char *bare = g_strstrip (g_strndup (a, (gsize) (open - a)));
        g_free (a);
        a = bare;
    }
    u = ba_address_unwrap (a);
    b = ba_notice_strip_route (u);
    g_free (a);
    g_free (u);
    return b;
}
