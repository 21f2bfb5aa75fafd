/* pattern.c - compiling the rule set's PCRE2 patterns (see rules.h). */
#include "rules.h"

#include <string.h>

void
ba_pattern_free (ba_pattern *p)
{
    if (!p)
        return;
    g_free (p->source);
    pcre2_code_free (p->code);
    g_strfreev (p->literals);
    g_free (p->where);
    g_free (p);
}

void
ba_pattern_set_origin (ba_pattern *p, const char *file, int line)
{
    g_free (p->where);
    p->where = g_strdup_printf ("%s:%d", file, line);
}

/* PCRE2 10.42's JIT with PCRE2_MATCH_INVALID_UTF never matches a non-ASCII
 * character with \S, \D or \W (the interpreter does), so "\S+" would stop
 * at "é" or a Japanese word: outside a character class they are rewritten
 * as the equivalent [^\s], [^\d], [^\w], which the JIT matches right. */
static char *
jit_safe_source (const char *source)
{
    GString *out = g_string_sized_new (strlen (source) + 16);
    gboolean in_class = FALSE;

    if (strstr (source, "\\Q"))
        return g_string_free (g_string_append (out, source), FALSE);
    for (const char *s = source; *s; s++) {
        if (*s == '\\' && s[1]) {
            if (!in_class && strchr ("SDW", s[1]))
                g_string_append_printf (out, "[^\\%c]", g_ascii_tolower (s[1]));
            else
                g_string_append_len (out, s, 2);
            s++;
            continue;
        }
        if (!in_class && *s == '[') {
            in_class = TRUE;
            g_string_append_c (out, *s);
            /* a ']' first in the class (after an optional '^') is literal */
            if (s[1] == '^')
                g_string_append_c (out, *++s);
            if (s[1] == ']')
                g_string_append_c (out, *++s);
            continue;
        }
        if (in_class && *s == ']')
            in_class = FALSE;
        g_string_append_c (out, *s);
    }
    return g_string_free (out, FALSE);
}

ba_pattern *
ba_pattern_compile (const char *source, char **message)
{
    int errcode;
    PCRE2_SIZE erroff;
    const uint32_t options = PCRE2_CASELESS | PCRE2_MULTILINE | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    pcre2_code *code;
    ba_pattern *p;
    char *jit_safe = jit_safe_source (source);

    code = pcre2_compile ((PCRE2_SPTR) jit_safe, PCRE2_ZERO_TERMINATED, options, &errcode, &erroff, NULL);
    g_free (jit_safe);
    if (!code) {
        PCRE2_UCHAR buf[256];
        pcre2_code *as_written;
        /* report the error at its offset in the pattern as written */
        as_written = pcre2_compile ((PCRE2_SPTR) source, PCRE2_ZERO_TERMINATED, options, &errcode, &erroff, NULL);
        pcre2_code_free (as_written);
        pcre2_get_error_message (errcode, buf, sizeof buf);
        *message = g_strdup_printf ("bad pattern at offset %zu: %s", (size_t) erroff, (char *) buf);
        return NULL;
    }
    p = g_new0 (ba_pattern, 1);
    p->source = g_strdup (source);
    p->code = code;
    return p;
}

void
ba_pattern_ready (const ba_pattern *p)
{
    /* the flag is the only field a match writes: the rule set stays shared read-only otherwise */
    gsize *done = (gsize *) &p->jit_done;
    if (g_once_init_enter (done)) {
        /* JIT is an optimisation; a pattern it cannot handle still matches. */
        pcre2_jit_compile (p->code, PCRE2_JIT_COMPLETE);
        g_once_init_leave (done, 1);
    }
}

/* A conservative scan of the regex for a run of plain characters outside
 * any group, alternation or quantifier: every match must contain it, so a
 * rule whose literal is absent from the text can be skipped without
 * running PCRE2.  When unsure, return NULL (no prefilter). */
char *
ba_pattern_required_literal (const char *regex)
{
    GString *run = g_string_new (NULL), *best = g_string_new (NULL);
    int depth = 0;
    gboolean in_class = FALSE;

    if (g_str_has_prefix (regex, "(?") && strchr ("xiJmsnU", regex[2]) && strchr (regex, ')')
        && memchr (regex, 'x', strchr (regex, ')') - regex))
        goto none;

    for (const char *s = regex; *s; s++) {
        char c = *s, lit = 0;

        if (in_class) {
            if (c == '\\' && s[1])
                s++;
            else if (c == ']')
                in_class = FALSE;
            continue;
        }
        switch (c) {
        case '\\':
            if (!s[1])
                goto none;
            s++;
            if (*s == 'Q' || *s == 'E')
                goto none;
            if (strchr (".-:/@<>()[]{}|*+?^$\\'\"=,;!#%&~ _", *s))
                lit = *s;
            break;
        case '[':
            in_class = TRUE;
            if (s[1] == ']')
                s++;
            break;
        case '(':
            depth++;
            break;
        case ')':
            depth--;
            break;
        case '|':
            if (depth == 0)
                goto none;      /* top-level alternation: no single literal */
            break;
        case '{': {
            /* a {m}, {m,} or {m,n} quantifier: its digits are not text */
            const char *close = s + 1;
            while (g_ascii_isdigit (*close) || *close == ',')
                close++;
            if (*close == '}' && close > s + 1)
                s = close;
            break;
        }
        case '.': case '^': case '$': case '*': case '+': case '?': case '}':
            break;
        default:
            lit = c;
        }
        if (lit && depth == 0) {
            /* A quantifier that allows zero repeats makes this char optional. */
            char q = s[1];
            if (q == '?' || q == '*' || q == '{') {
                if (run->len > best->len)
                    g_string_assign (best, run->str);
                g_string_truncate (run, 0);
                continue;
            }
            g_string_append_c (run, g_ascii_tolower (lit));
            if (q == '+') {
                if (run->len > best->len)
                    g_string_assign (best, run->str);
                g_string_truncate (run, 0);
            }
        } else {
            if (run->len > best->len)
                g_string_assign (best, run->str);
            g_string_truncate (run, 0);
        }
    }
    if (run->len > best->len)
        g_string_assign (best, run->str);
    g_string_free (run, TRUE);
    /* Non-ASCII bytes fold differently under caseless UTF matching. */
    for (gsize i = 0; i < best->len; i++)
        if ((guchar) best->str[i] >= 0x80)
            goto none_best;
    if (best->len >= 3)
        return g_string_free (best, FALSE);
none_best:
    g_string_free (best, TRUE);
    return NULL;
none:
    g_string_free (run, TRUE);
    g_string_free (best, TRUE);
    return NULL;
}
