/* notice-data.c - rules/notice.conf loaded into a rule set, and the
 * address syntax the generic notice reader accepts (see notice.h). */
#include "notice.h"
#include "util.h"
#include "address.h"

#include <string.h>

/* an address as a sentence wraps it ("(a@b)", "[a@b]", "<<a@b>>", "mailto:a@b"),
 * the wrapping outside the capture */
#define ADDRESS_RE "(?:[<(\\[\"']|mailto:){0,4}+(?<recipient>[^\\s<>@\"'(),;:\\[\\]\\\\]{1,64}@(?:\\[[0-9a-f.:]{3,45}\\]" \
    "|[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+))"

static const struct {
    const char *word;
    ba_notice_kind kind;
} kinds[] = {
    { "from", BA_NOTICE_FROM }, { "subject", BA_NOTICE_SUBJECT },
    { "heading", BA_NOTICE_HEADING }, { "permanent", BA_NOTICE_PERMANENT },
    { "transient", BA_NOTICE_TRANSIENT },
    { "line", BA_NOTICE_LINE },
    { "alias", BA_NOTICE_ALIAS }, { "transcript", BA_NOTICE_TRANSCRIPT },
    { "original", BA_NOTICE_ORIGINAL }, { "delay", BA_NOTICE_DELAY },
    { "delivered", BA_NOTICE_DELIVERED }, { "break", BA_NOTICE_BREAK },
    { "reply", BA_NOTICE_REPLY }, { "challenge", BA_NOTICE_CHALLENGE },
    { "personal", BA_NOTICE_PERSONAL },
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

guint
ba_ruleset_n_notice_groups (const ba_ruleset *set)
{
    return set->notice->len;
}

void
ba_ruleset_notice_group (const ba_ruleset *set, guint i, const char **id, const char **kind,
                         const char **description)
{
    const ba_notice_group *g = g_ptr_array_index (set->notice, i);

    *id = g->id;
    *description = g->description;
    *kind = "?";
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        if (kinds[k].kind == g->kind)
            *kind = kinds[k].word;
}

static gboolean
add_pattern (ba_ruleset *set, GPtrArray *to, const ba_ini *ini, const ba_ini_entry *e,
             gboolean one_line, ba_ini_report report, void *data)
{
    GString *src = g_string_new (e->value);
    char *msg = NULL, *warning = NULL;
    ba_pattern *p;

    g_string_replace (src, "{address}", ADDRESS_RE, 0);
    /* the reader runs every notice pattern over the whole notice; From
     * and Subject are one line */
    p = ba_loading_pattern (set, src->str, one_line, &msg, &warning);
    g_string_free (src, TRUE);
    if (!p) {
        ba_ini_reportf (report, data, ini->file, e->line, "%s: %s", e->key, msg);
        g_free (msg);
        return FALSE;
    }
    ba_pattern_set_origin (p, ini->file, e->line);
    if (warning) {
        ba_ini_reportf (report, data, ini->file, e->line, "warning: %s: %s", e->key, warning);
        g_free (warning);
    }
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
                    ba_ini_reportf (report, data, ini->file, e->line, "unknown kind '%s' (from, subject, heading, permanent, transient, "
                             "line, alias, transcript, original, delay, delivered, break, reply, challenge, personal)", e->value);
                    ok = FALSE;
                }
            } else if (!strcmp (e->key, "description")) {
                g_free (g->description);
                g->description = g_strdup (e->value);
            } else if (!strcmp (e->key, "pattern")) {
                ok = add_pattern (set, g->patterns, ini, e,
                                  has_kind && (g->kind == BA_NOTICE_FROM || g->kind == BA_NOTICE_SUBJECT),
                                  report, data) && ok;
            } else if (!strcmp (e->key, "subject")) {
                ok = add_pattern (set, g->subject, ini, e, TRUE, report, data) && ok;
            } else {
                ba_ini_reportf (report, data, ini->file, e->line, "unknown key '%s'", e->key);
                ok = FALSE;
            }
        }
        if (ok && !has_kind) {
            ba_ini_reportf (report, data, ini->file, grp->line, "'%s' has no kind", g->id);
            ok = FALSE;
        }
        if (ok && g->patterns->len == 0 && g->subject->len == 0) {
            ba_ini_reportf (report, data, ini->file, grp->line, "'%s' has no pattern", g->id);
            ok = FALSE;
        }
        if (ok && g->subject->len && g->kind != BA_NOTICE_DELAY && g->kind != BA_NOTICE_DELIVERED
            && g->kind != BA_NOTICE_CHALLENGE && g->kind != BA_NOTICE_PERSONAL) {
            ba_ini_reportf (report, data, ini->file, grp->line,
                            "'%s': subject is for kind delay, delivered, challenge or personal", g->id);
            ok = FALSE;
        }
        if (ok && (g->kind == BA_NOTICE_LINE || g->kind == BA_NOTICE_ALIAS || g->kind == BA_NOTICE_TRANSCRIPT))
            for (guint i = 0; ok && i < g->patterns->len; i++) {
                const ba_pattern *p = g_ptr_array_index (g->patterns, i);
                if (!ba_pattern_has_group (p, "recipient") && !strstr (p->source, "(?J)")) {
                    ba_ini_reportf (report, data, ini->file, grp->line, "'%s': a pattern has no {address}", g->id);
                    ok = FALSE;
                }
            }
        if (ok && (!g->description || !*g->description)) {
            ba_ini_reportf (report, data, ini->file, grp->line, "'%s' has no description", g->id);
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
    gsize i = 0, dstart;
    /* bounded: a hostile line of address characters is scanned once */
    while (i < n && i <= 64 && local_char ((guchar) s[i]))
        i++;
    if (i == 0 || i > 64 || i >= n || s[i] != '@')
        return 0;
    dstart = ++i;
    if (i < n && s[i] == '[') {
        while (i < n && s[i] != ']' && i - dstart < 48)
            i++;
        if (i < n && s[i] == ']')
            i++;
    } else {
        while (i < n && i - dstart <= 253 && (g_ascii_isalnum (s[i]) || s[i] == '-' || s[i] == '.'))
            i++;
        while (i > dstart && (s[i - 1] == '.' || s[i - 1] == '-'))
            i--;
    }
    return domain_valid (s + dstart, i - dstart) ? i : 0;
}

gboolean
ba_notice_usable_address (const char *address)
{
    gsize n;
    if (!address || !*address || *address == '|' || *address == '/' || *address == '@')
        return FALSE;
    /* Postfix writes a pipe or file delivery as "<\"|command\"@host>" */
    if (*address == '"' && (address[1] == '|' || address[1] == '/'))
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

gboolean
ba_notice_line_address (const char *line, gsize n, gsize *start, gsize *alen)
{
    gsize i = 0;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    /* a bullet: "-", "--" (Mimecast), "*", "•" */
    if (i + 1 < n && (line[i] == '-' || line[i] == '*') && line[i + 1] == ' ')
        i += 2;
    else if (i + 2 < n && line[i] == '-' && line[i + 1] == '-' && line[i + 2] == ' ')
        i += 3;
    else if (i + 3 < n && !memcmp (line + i, "\xe2\x80\xa2 ", 4))
        i += 4;
    else if (i < n && g_ascii_isdigit (line[i])) {
        gsize j = i;
        while (j < n && g_ascii_isdigit (line[j]) && j - i < 3)
            j++;
        if (j + 1 < n && (line[j] == '.' || line[j] == ')') && line[j + 1] == ' ')
            i = j + 2;
    }
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    i += ba_address_opening (line + i, n - i);
    *start = i;
    *alen = address_len (line + i, n - i);
    if (!*alen)
        return FALSE;
    /* what follows the address ends it: not "a@b.c/path" or "a@b.c=x" */
    gsize e = i + *alen;
    return e == n || strchr (" \t>:,;)]\"'.", line[e]);
}
