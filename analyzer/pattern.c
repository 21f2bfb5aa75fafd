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
    g_free (p->error);
    g_strfreev (p->literals);
    g_free (p->where);
    g_free (p);
}

void
ba_pattern_set_origin (ba_pattern *p, const char *file, int line)
{
    /* g_strdup_printf here cost 1,400 instructions a pattern at every load */
    char digits[16];
    int n = 0;
    gsize flen = strlen (file);
    guint v = line > 0 ? (guint) line : 0;

    do
        digits[n++] = (char) ('0' + v % 10);
    while ((v /= 10) && n < (int) sizeof digits);
    g_free (p->where);
    p->where = g_malloc (flen + 1 + n + 1);
    memcpy (p->where, file, flen);
    p->where[flen] = ':';
    for (int i = 0; i < n; i++)
        p->where[flen + 1 + i] = digits[n - 1 - i];
    p->where[flen + 1 + n] = '\0';
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

/* Compile @source into @p's code, or set @p->error. */
static void
compile_into (ba_pattern *p, const char *source)
{
    int errcode;
    PCRE2_SIZE erroff;
    const uint32_t options = PCRE2_CASELESS | PCRE2_MULTILINE | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    char *jit_safe = jit_safe_source (source);

    p->code = pcre2_compile ((PCRE2_SPTR) jit_safe, PCRE2_ZERO_TERMINATED, options, &errcode, &erroff, NULL);
    g_free (jit_safe);
    if (!p->code) {
        PCRE2_UCHAR buf[256];
        pcre2_code *as_written;
        /* report the error at its offset in the pattern as written */
        as_written = pcre2_compile ((PCRE2_SPTR) source, PCRE2_ZERO_TERMINATED, options, &errcode, &erroff, NULL);
        pcre2_code_free (as_written);
        pcre2_get_error_message (errcode, buf, sizeof buf);
        p->error = g_strdup_printf ("bad pattern at offset %zu: %s", (size_t) erroff, (char *) buf);
        return;
    }
    pcre2_pattern_info (p->code, PCRE2_INFO_CAPTURECOUNT, &p->captures);
}

ba_pattern *
ba_pattern_new_lazy (const char *source)
{
    ba_pattern *p = g_new0 (ba_pattern, 1);
    p->source = g_strdup (source);
    return p;
}

ba_pattern *
ba_pattern_compile (const char *source, char **message)
{
    ba_pattern *p = ba_pattern_new_lazy (source);

    compile_into (p, source);
    p->compile_done = 1;
    if (!p->code) {
        *message = g_steal_pointer (&p->error);
        ba_pattern_free (p);
        return NULL;
    }
    return p;
}

const pcre2_code *
ba_pattern_code (const ba_pattern *p)
{
    /* like jit_done, the flag guards the only fields written after load */
    gsize *done = (gsize *) &p->compile_done;
    if (g_once_init_enter (done)) {
        ba_pattern *w = (ba_pattern *) p;
        compile_into (w, p->source);
        if (!p->code)
            /* the shipped set does not compile: say so once, loudly, as load would have */
            g_printerr ("bounce-analyzer: %s: %s: the rule set is damaged (`bounce-analyzer rules check` lists its errors)\n",
                        p->where ? p->where : "pattern", p->error);
        g_once_init_leave (done, 1);
    }
    return p->code;
}

void
ba_pattern_ready (const ba_pattern *p)
{
    /* the flag is the only field a match writes: the rule set stays shared read-only otherwise */
    gsize *done = (gsize *) &p->jit_done;
    if (g_once_init_enter (done)) {
        /* JIT is an optimisation; a pattern it cannot handle still matches. */
        if (ba_pattern_code (p))
            pcre2_jit_compile (p->code, PCRE2_JIT_COMPLETE);
        g_once_init_leave (done, 1);
    }
}

/* Is "(?<name>", "(?P<name>" or "(?'name'" in @source? */
static gboolean
source_names_group (const char *source, const char *name)
{
    gsize n = strlen (name);
    for (const char *s = strstr (source, name); s; s = strstr (s + 1, name)) {
        char close = s[n];
        if (s - source >= 3 && !strncmp (s - 3, "(?<", 3) && close == '>')
            return TRUE;
        if (s - source >= 4 && !strncmp (s - 4, "(?P<", 4) && close == '>')
            return TRUE;
        if (s - source >= 3 && !strncmp (s - 3, "(?'", 3) && close == '\'')
            return TRUE;
    }
    return FALSE;
}

gboolean
ba_pattern_has_group (const ba_pattern *p, const char *name)
{
    const pcre2_code *code;
    int rc;

    /* only the loader asks, before any match: p->code is NULL when not compiled yet */
    if (!p->code && source_names_group (p->source, name))
        return TRUE;
    code = ba_pattern_code (p);
    if (!code)
        return FALSE;
    rc = pcre2_substring_nametable_scan (code, (PCRE2_SPTR) name, NULL, NULL);
    return rc >= 0 || rc == PCRE2_ERROR_NOUNIQUESUBSTRING;
}

ba_pattern *
ba_loading_pattern (ba_ruleset *set, const char *source, gboolean one_line, char **message, char **warning)
{
    ba_pattern *p;

    *warning = NULL;
    if (!set->check_hazards)
        return ba_pattern_new_lazy (source);
    p = ba_pattern_compile (source, message);
    if (!p)
        return NULL;
    *warning = ba_pattern_hazard (source, one_line);
    if (p->captures + 1 > set->max_captures)
        set->max_captures = p->captures + 1;
    return p;
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
