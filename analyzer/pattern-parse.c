/* pattern-parse.c - see pattern-parse.h.  A recursive descent over the
 * PCRE2 syntax the rule files use; anything else sets "failed". */
#include "pattern-parse.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    gboolean dotall, extended, failed;
    gboolean one_line;          /* the text is one line: no newline to match */
    GPtrArray *nodes;           /* every node, for freeing */
} parser;

static void
cset_add_folded (cset *c, guchar b)
{
    cset_add (c, b >= 0x80 ? 0x80 : b);
    /* ASCII letters by hand: g_ascii_tolower is a call, and this runs per character */
    if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') {
        cset_add (c, (guchar) (b | 0x20));
        cset_add (c, (guchar) (b & ~0x20));
    }
}

static void
cset_range (cset *c, guchar lo, guchar hi)
{
    for (unsigned b = lo; b <= hi; b++)
        cset_add_folded (c, (guchar) b);
}

static void
cset_invert (cset *c)
{
    const cset all = cset_all ();
    for (int i = 0; i < 8; i++)
        c->bits[i] = ~c->bits[i] & all.bits[i];
}


static node *
node_new (parser *ps, node_kind kind)
{
    node *n = g_new0 (node, 1);
    n->kind = kind;
    n->min = n->max = 1;
    g_ptr_array_add (ps->nodes, n);
    return n;
}

/* The set of a class escape (\s, \d, ...); FALSE when @c is none. */
static gboolean
class_escape (char c, cset *out)
{
    cset s = { { 0 } };
    gboolean negate = g_ascii_isupper (c);
    switch (g_ascii_tolower (c)) {
    case 's':
        for (const char *p = " \t\n\v\f\r"; *p; p++)
            cset_add (&s, (guchar) *p);
        break;
    case 'd':
        cset_range (&s, '0', '9');
        break;
    case 'w':
        cset_range (&s, 'a', 'z');
        cset_range (&s, '0', '9');
        cset_add (&s, '_');
        break;
    case 'h':
        cset_add (&s, ' ');
        cset_add (&s, '\t');
        cset_add (&s, 0x80);
        break;
    case 'v':
        for (const char *p = "\n\v\f\r"; *p; p++)
            cset_add (&s, (guchar) *p);
        cset_add (&s, 0x80);
        break;
    case 'n':
        if (!negate)
            return FALSE;       /* \n is a character, \N "not a newline" */
        cset_add (&s, '\n');
        break;
    case 'p':
        s = cset_all ();
        negate = FALSE;
        break;
    default:
        return FALSE;
    }
    if (negate)
        cset_invert (&s);
    *out = s;
    return TRUE;
}

/* After \p or \P: its property name, "{L}" or one letter. */
static void
skip_property_name (parser *ps, char escape)
{
    if (escape != 'p' && escape != 'P')
        return;
    if (*ps->s == '{') {
        const char *close = strchr (ps->s, '}');
        if (!close)
            ps->failed = TRUE;
        else
            ps->s = close + 1;
    } else if (*ps->s) {
        ps->s++;
    }
}

/* One escaped character after the backslash at *s; advances *s. */
static int
escaped_char (parser *ps)
{
    char c = *ps->s++;
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'f': return '\f';
    case 'e': return 27;
    case 'a': return 7;
    case 'x': {
        unsigned v = 0;
        if (*ps->s == '{') {
            const char *close = strchr (ps->s, '}');
            if (!close)
                break;
            v = (unsigned) strtoul (ps->s + 1, NULL, 16);
            ps->s = close + 1;
        } else {
            for (int i = 0; i < 2 && g_ascii_isxdigit (*ps->s); i++)
                v = v * 16 + g_ascii_xdigit_value (*ps->s++);
        }
        return v >= 0x80 ? 0x80 : (int) v;
    }
    default:
        if (g_ascii_isalnum (c))
            break;              /* an escape this check does not know */
        return (guchar) c;
    }
    ps->failed = TRUE;
    return 0;
}

static void
skip_utf8_tail (parser *ps)
{
    while (((guchar) *ps->s & 0xC0) == 0x80)
        ps->s++;
}

static void
parse_class (parser *ps, cset *out)
{
    cset c = { { 0 } };
    gboolean negate = FALSE, first = TRUE;

    if (*ps->s == '^') {
        negate = TRUE;
        ps->s++;
    }
    while (*ps->s && (*ps->s != ']' || first)) {
        int lo;
        first = FALSE;
        if (!strncmp (ps->s, "[:", 2)) {
            const char *close = strstr (ps->s, ":]");
            if (!close) {
                ps->failed = TRUE;
                return;
            }
            /* a POSIX class: over-approximate as every ASCII character */
            cset_range (&c, 0, 0x7F);
            ps->s = close + 2;
            continue;
        }
        if (*ps->s == '\\') {
            cset esc;
            ps->s++;
            if (class_escape (*ps->s, &esc)) {
                char e = *ps->s++;
                cset_union (&c, &esc);
                skip_property_name (ps, e);
                continue;
            }
            if (*ps->s == 'b') {
                ps->s++;
                lo = 8;
            } else {
                lo = escaped_char (ps);
            }
        } else {
            lo = (guchar) *ps->s++;
            if (lo >= 0x80)
                skip_utf8_tail (ps);
        }
        if (ps->failed)
            return;
        if (*ps->s == '-' && ps->s[1] && ps->s[1] != ']') {
            int hi;
            ps->s++;
            if (*ps->s == '\\') {
                ps->s++;
                hi = escaped_char (ps);
            } else {
                hi = (guchar) *ps->s++;
                if (hi >= 0x80)
                    skip_utf8_tail (ps);
            }
            if (hi >= 0x80 || lo >= 0x80) {
                cset_add (&c, 0x80);
                hi = MIN (hi, 0x7F);
            }
            if (lo <= hi)
                cset_range (&c, (guchar) lo, (guchar) hi);
        } else {
            cset_add_folded (&c, (guchar) lo);
        }
    }
    if (*ps->s != ']') {
        ps->failed = TRUE;
        return;
    }
    ps->s++;
    if (negate)
        cset_invert (&c);
    *out = c;
}

/* A quantifier after an item, if any. */
static void
parse_quantifier (parser *ps, node *n)
{
    const char *s = ps->s;
    int min, max;

    if (*s == '*')
        min = 0, max = -1, s++;
    else if (*s == '+')
        min = 1, max = -1, s++;
    else if (*s == '?')
        min = 0, max = 1, s++;
    else if (*s == '{' && g_ascii_isdigit (s[1])) {
        char *end;
        min = (int) strtol (s + 1, &end, 10);
        max = min;
        if (*end == ',') {
            if (g_ascii_isdigit (end[1]))
                max = (int) strtol (end + 1, &end, 10);
            else {
                max = -1;
                end++;
            }
        }
        if (*end != '}')
            return;             /* a literal brace */
        s = end + 1;
    } else
        return;
    n->min = min;
    n->max = max;
    if (*s == '?')
        n->lazy = TRUE, s++;
    else if (*s == '+')
        n->possessive = TRUE, s++;
    ps->s = s;
}

static GPtrArray *parse_alternation (parser *ps);

/* After "(?": option letters, "(?s)" or "(?s:".  Returns TRUE when they
 * open a group (':'), with the options of the enclosing one to restore. */
static gboolean
parse_options (parser *ps, gboolean *opens)
{
    gboolean on = TRUE;
    for (; *ps->s && *ps->s != ')' && *ps->s != ':'; ps->s++) {
        switch (*ps->s) {
        case '-': on = FALSE; break;
        case 's': ps->dotall = on; break;
        case 'x': ps->extended = on; break;
        case 'i': case 'm': case 'J': case 'U': case 'n':
            break;
        default:
            ps->failed = TRUE;
            return FALSE;
        }
    }
    if (!*ps->s) {
        ps->failed = TRUE;
        return FALSE;
    }
    *opens = *ps->s == ':';
    ps->s++;
    return TRUE;
}

static node *
parse_group (parser *ps)
{
    node *n = node_new (ps, NODE_GROUP);
    gboolean dotall = ps->dotall, extended = ps->extended;

    if (*ps->s == '?') {
        ps->s++;
        if (*ps->s == ':' || *ps->s == '|')
            ps->s++;
        else if (*ps->s == '>')
            ps->s++, n->atomic = TRUE;
        else if (*ps->s == '=' || *ps->s == '!')
            ps->s++, n->kind = NODE_LOOK;
        else if (*ps->s == '<' && (ps->s[1] == '=' || ps->s[1] == '!')) {
            n->negative_behind = ps->s[1] == '!';
            ps->s += 2, n->kind = NODE_LOOK;
        }
        else if (*ps->s == '<' || *ps->s == '\'' || (*ps->s == 'P' && ps->s[1] == '<')) {
            const char *close = strpbrk (ps->s + 1, ">'");
            if (!close) {
                ps->failed = TRUE;
                return n;
            }
            ps->s = close + 1;
        } else if (*ps->s == '#') {
            const char *close = strchr (ps->s, ')');
            ps->s = close ? close + 1 : ps->s + strlen (ps->s);
            n->kind = NODE_ANCHOR;
            n->anchor = 'b';
            return n;
        } else {
            gboolean opens = FALSE;
            if (!parse_options (ps, &opens))
                return n;
            if (!opens) {
                /* "(?s)": the options hold to the end of the enclosing group */
                n->kind = NODE_ANCHOR;
                n->anchor = 'b';
                return n;
            }
        }
    } else if (*ps->s == '*') {
        ps->failed = TRUE;      /* a backtracking verb: not analysed */
        return n;
    }
    n->alts = parse_alternation (ps);
    if (*ps->s != ')')
        ps->failed = TRUE;
    else
        ps->s++;
    ps->dotall = dotall;
    ps->extended = extended;
    return n;
}

static node *
parse_item (parser *ps)
{
    node *n;
    char c = *ps->s;

    if (c == '(') {
        ps->s++;
        return parse_group (ps);
    }
    n = node_new (ps, NODE_SET);
    ps->s++;
    switch (c) {
    case '^':
        if (ps->one_line) {
            n->kind = NODE_ANCHOR;
            n->anchor = 'A';
            return n;
        } n->kind = NODE_ANCHOR; n->anchor = '^'; return n;
    case '$': n->kind = NODE_ANCHOR; n->anchor = '$'; return n;
    case '.':
        n->set = cset_all ();
        if (!ps->dotall)
            n->set.bits['\n' >> 5] &= ~(1u << ('\n' & 31));
        return n;
    case '[':
        parse_class (ps, &n->set);
        return n;
    case '\\': {
        char e = *ps->s;
        if (class_escape (e, &n->set)) {
            ps->s++;
            skip_property_name (ps, e);
            return n;
        }
        if (strchr ("AzZGbBK", e) && e) {
            ps->s++;
            n->kind = NODE_ANCHOR;
            n->anchor = e == 'A' || e == 'G' ? 'A' : (e == 'z' || e == 'Z') ? 'z' : 'b';
            return n;
        }
        if (e == 'R') {
            ps->s++;
            class_escape ('v', &n->set);
            return n;
        }
        if (e == 'Q' || (g_ascii_isdigit (e) && e != '0') || e == 'g' || e == 'k') {
            ps->failed = TRUE;  /* quoting and back references are not analysed */
            return n;
        }
        cset_add_folded (&n->set, (guchar) escaped_char (ps));
        return n;
    }
    default:
        cset_add_folded (&n->set, (guchar) c);
        if ((guchar) c >= 0x80)
            skip_utf8_tail (ps);
        return n;
    }
}

static void
skip_extended (parser *ps)
{
    while (ps->extended && (g_ascii_isspace (*ps->s) || *ps->s == '#')) {
        if (*ps->s == '#')
            while (*ps->s && *ps->s != '\n')
                ps->s++;
        else
            ps->s++;
    }
}

static GPtrArray *
parse_sequence (parser *ps)
{
    GPtrArray *seq = g_ptr_array_new ();
    for (;;) {
        node *n;
        skip_extended (ps);
        if (!*ps->s || *ps->s == '|' || *ps->s == ')' || ps->failed)
            return seq;
        n = parse_item (ps);
        skip_extended (ps);
        if (n->kind == NODE_SET || n->kind == NODE_GROUP)
            parse_quantifier (ps, n);
        if (n->kind == NODE_SET && ps->one_line)
            n->set.bits['\n' >> 5] &= ~(1u << ('\n' & 31));
        g_ptr_array_add (seq, n);
    }
}

static GPtrArray *
parse_alternation (parser *ps)
{
    GPtrArray *alts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
    g_ptr_array_add (alts, parse_sequence (ps));
    while (*ps->s == '|' && !ps->failed) {
        ps->s++;
        g_ptr_array_add (alts, parse_sequence (ps));
    }
    return alts;
}

regex_tree *
regex_tree_parse (const char *source, gboolean one_line)
{
    parser ps = { 0 };
    regex_tree *t = g_new0 (regex_tree, 1);

    ps.s = source;
    ps.one_line = one_line;
    ps.nodes = t->nodes = g_ptr_array_new_with_free_func (g_free);
    t->alts = parse_alternation (&ps);
    if (ps.failed || *ps.s) {
        regex_tree_free (t);
        return NULL;
    }
    return t;
}

void
regex_tree_free (regex_tree *t)
{
    if (!t)
        return;
    for (guint i = 0; i < t->nodes->len; i++) {
        node *n = g_ptr_array_index (t->nodes, i);
        if (n->alts)
            g_ptr_array_unref (n->alts);
    }
    g_ptr_array_unref (t->nodes);
    g_ptr_array_unref (t->alts);
    g_free (t);
}
