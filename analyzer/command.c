/* command.c - see command.h.  The recognisers are data (commands.conf);
 * this file only knows the command vocabulary and where to look. */
#include "command.h"
#include "pattern-scan.h"
#include "util.h"

#include <string.h>

/* Bounds for a hostile notice: transcript matches looked at, per pattern. */
#define MAX_TRANSCRIPT_MATCHES 64

static const char *const commands[] = {
    "CONN", "HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", NULL
};

const char *
ba_intern_command (const char *word)
{
    for (int i = 0; word && commands[i]; i++)
        if (!g_ascii_strcasecmp (commands[i], word))
            return commands[i];
    return NULL;
}

void
ba_command_rule_free (ba_command_rule *c)
{
    if (!c)
        return;
    g_free (c->id);
    g_free (c->description);
    g_free (c->file);
    g_ptr_array_unref (c->patterns);
    g_ptr_array_unref (c->transcript);
    g_free (c);
}

void
ba_commands_load (ba_ruleset *set, const ba_ini *ini, ba_ini_report report, void *data)
{
    for (guint g = 0; g < ini->groups->len; g++) {
        const ba_ini_group *grp = g_ptr_array_index (ini->groups, g);
        ba_command_rule *c = g_new0 (ba_command_rule, 1);
        gboolean ok = TRUE;

        c->id = g_strdup (grp->name);
        c->file = g_strdup (ini->file);
        c->line = grp->line;
        c->patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_pattern_free);
        c->transcript = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_pattern_free);
        for (guint i = 0; i < grp->entries->len; i++) {
            const ba_ini_entry *e = g_ptr_array_index (grp->entries, i);
            if (!strcmp (e->key, "command")) {
                c->command = ba_intern_command (e->value);
                if (!c->command) {
                    ba_ini_reportf (report, data, ini->file, e->line,
                             "unknown command '%s' (CONN, HELO, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA)",
                             e->value);
                    ok = FALSE;
                }
            } else if (!strcmp (e->key, "description")) {
                g_free (c->description);
                c->description = g_strdup (e->value);
            } else if (!strcmp (e->key, "pattern") || !strcmp (e->key, "transcript")) {
                char *msg = NULL, *warning = NULL;
                ba_pattern *p = ba_loading_pattern (set, e->value, FALSE, &msg, &warning);
                if (!p) {
                    ba_ini_reportf (report, data, ini->file, e->line, "%s: %s", e->key, msg);
                    g_free (msg);
                    ok = FALSE;
                    continue;
                }
                ba_pattern_set_origin (p, ini->file, e->line);
                if (warning) {
                    ba_ini_reportf (report, data, ini->file, e->line, "warning: %s: %s", e->key, warning);
                    g_free (warning);
                }
                g_ptr_array_add (e->key[0] == 'p' ? c->patterns : c->transcript, p);
            } else {
                ba_ini_reportf (report, data, ini->file, e->line, "unknown key '%s'", e->key);
            }
        }
        if (ok && !c->command) {
            ba_ini_reportf (report, data, ini->file, grp->line, "'%s' has no command", c->id);
            ok = FALSE;
        }
        if (ok && c->patterns->len == 0 && c->transcript->len == 0) {
            ba_ini_reportf (report, data, ini->file, grp->line, "'%s' has no pattern or transcript", c->id);
            ok = FALSE;
        }
        if (ok && !c->description)
            ba_ini_reportf (report, data, ini->file, grp->line, "'%s' has no description", c->id);
        if (ok)
            g_ptr_array_add (set->commands, c);
        else
            ba_command_rule_free (c);
    }
}

/* The command named in @text (@lower its lower-case copy) by the first
 * recogniser (in load order) with a matching pattern, or NULL. */
static const char *
in_lowered_text (ba_context *ctx, const char *text, gsize len, const char *lower)
{
    const GPtrArray *rules = ctx->set->commands;
    const char *found = NULL;
    ba_text_scan scan;

    ba_text_scan_init (&scan, ctx, BA_SCAN_COMMANDS, lower);
    for (guint i = 0; i < rules->len && !found; i++) {
        const ba_command_rule *c = g_ptr_array_index (rules, i);
        for (guint j = 0; j < c->patterns->len && !found; j++) {
            const ba_pattern *p = g_ptr_array_index (c->patterns, j);
            if (!ba_text_may_match (&scan, p))
                continue;
            if (ba_match (ctx, p, text, len, 0))
                found = c->command;
        }
    }
    ba_text_scan_clear (&scan);
    return found;
}

static const char *
in_text (ba_context *ctx, const char *text)
{
    gsize len;
    char *lower;
    const char *found;

    if (!text || !*text)
        return NULL;
    len = strlen (text);
    lower = ba_lower_dup (text, len);
    found = in_lowered_text (ctx, text, len, lower);
    g_free (lower);
    return found;
}

/* What a notice says about commands, read once per message: the
 * exchanges of its session transcript, and the command its words name. */
typedef struct {
    const char *command;
    char *span;                 /* the exchange, whitespace collapsed, lower case */
} exchange;

struct ba_command_scan {
    GPtrArray *exchanges;       /* of exchange*, at most MAX_EXCHANGES */
    const char *named;          /* by the notice's words as a whole, or NULL */
};

#define MAX_EXCHANGES 256

static void
exchange_free (exchange *x)
{
    g_free (x->span);
    g_free (x);
}

ba_command_scan *
ba_command_scan_new (ba_context *ctx, const char *notice, gsize len, gboolean whole)
{
    ba_command_scan *scan = g_new0 (ba_command_scan, 1);
    const GPtrArray *rules = ctx->set->commands;
    char *text, *lower, *flat;
    ba_text_scan found;         /* the transcripts' literals in @lower */

    scan->exchanges = g_ptr_array_new_with_free_func ((GDestroyNotify) exchange_free);
    if (!notice || !*notice || !rules || rules->len == 0)
        return scan;
    text = g_strndup (notice, len);
    len = strlen (text);
    lower = ba_lower_dup (text, len);
    ba_text_scan_init (&found, ctx, BA_SCAN_COMMANDS, lower);
    for (guint i = 0; i < rules->len; i++) {
        const ba_command_rule *c = g_ptr_array_index (rules, i);
        for (guint j = 0; j < c->transcript->len; j++) {
            const ba_pattern *p = g_ptr_array_index (c->transcript, j);
            gsize start = 0;
            if (!ba_text_may_match (&found, p))
                continue;
            for (int n = 0; n < MAX_TRANSCRIPT_MATCHES && start < len
                            && scan->exchanges->len < MAX_EXCHANGES
                            && ba_match (ctx, p, text, len, start); n++) {
                gsize s, e;
                exchange *x = g_new0 (exchange, 1);
                char *raw;

                ba_match_span (ctx, &s, &e);
                raw = g_strndup (text + s, e - s);
                flat = ba_collapse_ws (raw);
                x->command = c->command;
                x->span = ba_lower_dup (flat, strlen (flat));
                g_ptr_array_add (scan->exchanges, x);
                g_free (flat);
                g_free (raw);
                start = e > s ? e : s + 1;
            }
        }
    }
    ba_text_scan_clear (&found);
    if (whole) {
        /* collapsing keeps letters as they are: the collapsed text lowers as the lowered one collapses */
        flat = ba_collapse_ws (text);
        char *flat_lower = ba_lower_dup (flat, strlen (flat));
        if (*flat)
            scan->named = in_lowered_text (ctx, flat, strlen (flat), flat_lower);
        g_free (flat_lower);
        g_free (flat);
    }
    g_free (lower);
    g_free (text);
    return scan;
}

void
ba_command_scan_free (ba_command_scan *scan)
{
    if (!scan)
        return;
    g_ptr_array_unref (scan->exchanges);
    g_free (scan);
}

/* How well a transcript exchange fits the recipient: 2 when it names the
 * address, 1 when the server's words there are the recipient's error
 * text, else 0.  @addr and @head are lower case, may be NULL. */
static int
fit (const exchange *x, const char *addr, const char *head)
{
    if (addr && strstr (x->span, addr))
        return 2;
    if (head && strstr (x->span, head))
        return 1;
    return 0;
}

/* The command of the transcript exchange that fits the recipient best;
 * when none names it, the command every exchange agrees on, else NULL. */
static const char *
in_transcript (const ba_command_scan *scan, const ba_recipient *rcpt)
{
    const char *best = NULL, *any = NULL;
    int best_score = -1;
    gboolean agree = TRUE;
    char *addr = NULL, *head = NULL;

    if (scan->exchanges->len == 0)
        return NULL;
    if (rcpt->recipient && *rcpt->recipient)
        addr = g_ascii_strdown (rcpt->recipient, -1);
    if (rcpt->diagnostic && strlen (rcpt->diagnostic) >= 8)
        head = g_ascii_strdown (rcpt->diagnostic, MIN (strlen (rcpt->diagnostic), 32));
    for (guint i = 0; i < scan->exchanges->len; i++) {
        const exchange *x = g_ptr_array_index (scan->exchanges, i);
        int score = fit (x, addr, head);
        if (score > best_score) {
            best_score = score;
            best = x->command;
        }
        if (any && any != x->command)
            agree = FALSE;
        any = x->command;
    }
    g_free (addr);
    g_free (head);
    if (best_score > 0)
        return best;
    return agree ? any : NULL;
}

void
ba_command_settle (ba_context *ctx, ba_recipient *rcpt, const char *notice_text,
                   const ba_command_scan *scan, gboolean alone, const char *fallback)
{
    if (rcpt->command || !ctx->set->commands)
        return;
    rcpt->command = in_text (ctx, rcpt->diagnostic);
    if (!rcpt->command)
        rcpt->command = in_text (ctx, notice_text);
    if (!rcpt->command && scan)
        rcpt->command = in_transcript (scan, rcpt);
    /* the notice's words as a whole, when they are about this recipient
     * only: an error text the format cut short ("said: 550 5.2.1" with
     * "... (in reply to RCPT TO command)" on an unindented line) */
    if (!rcpt->command && scan && alone)
        rcpt->command = scan->named;
    if (!rcpt->command)
        rcpt->command = fallback;
}
