/* command.c - see command.h.  The recognisers are data (commands.conf);
 * this file only knows the command vocabulary and where to look. */
#include "command.h"
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
                    reportf (report, data, ini->file, e->line,
                             "unknown command '%s' (CONN, HELO, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA)",
                             e->value);
                    ok = FALSE;
                }
            } else if (!strcmp (e->key, "description")) {
                g_free (c->description);
                c->description = g_strdup (e->value);
            } else if (!strcmp (e->key, "pattern") || !strcmp (e->key, "transcript")) {
                char *msg = NULL;
                ba_pattern *p = ba_pattern_compile (e->value, &msg);
                uint32_t n = 0;
                if (!p) {
                    reportf (report, data, ini->file, e->line, "%s: %s", e->key, msg);
                    g_free (msg);
                    ok = FALSE;
                    continue;
                }
                pcre2_pattern_info (p->code, PCRE2_INFO_CAPTURECOUNT, &n);
                if (n + 1 > set->max_captures)
                    set->max_captures = n + 1;
                g_ptr_array_add (e->key[0] == 'p' ? c->patterns : c->transcript, p);
            } else {
                reportf (report, data, ini->file, e->line, "unknown key '%s'", e->key);
            }
        }
        if (ok && !c->command) {
            reportf (report, data, ini->file, grp->line, "'%s' has no command", c->id);
            ok = FALSE;
        }
        if (ok && c->patterns->len == 0 && c->transcript->len == 0) {
            reportf (report, data, ini->file, grp->line, "'%s' has no pattern or transcript", c->id);
            ok = FALSE;
        }
        if (ok && !c->description)
            reportf (report, data, ini->file, grp->line, "'%s' has no description", c->id);
        if (ok)
            g_ptr_array_add (set->commands, c);
        else
            ba_command_rule_free (c);
    }
}

/* The command named in @text by the first recogniser (in load order)
 * with a matching pattern, or NULL. */
static const char *
in_text (ba_context *ctx, const char *text)
{
    const GPtrArray *rules = ctx->set->commands;
    gsize len;
    char *lower;
    const char *found = NULL;

    if (!text || !*text)
        return NULL;
    len = strlen (text);
    lower = g_ascii_strdown (text, len);
    for (guint i = 0; i < rules->len && !found; i++) {
        const ba_command_rule *c = g_ptr_array_index (rules, i);
        for (guint j = 0; j < c->patterns->len && !found; j++) {
            const ba_pattern *p = g_ptr_array_index (c->patterns, j);
            if (p->literal && !strstr (lower, p->literal))
                continue;
            if (ba_match (ctx, p, text, len, 0))
                found = c->command;
        }
    }
    g_free (lower);
    return found;
}

/* How well a transcript exchange fits the recipient: 2 when it names the
 * address, 1 when the server's words there are the recipient's error
 * text, else 0. */
static int
fit (const char *span, const ba_recipient *rcpt)
{
    char *flat = ba_collapse_ws (span), *lower = g_ascii_strdown (flat, -1);
    int score = 0;

    if (rcpt->recipient && *rcpt->recipient) {
        char *addr = g_ascii_strdown (rcpt->recipient, -1);
        if (strstr (lower, addr))
            score = 2;
        g_free (addr);
    }
    if (!score && rcpt->diagnostic && strlen (rcpt->diagnostic) >= 8) {
        char *head = g_ascii_strdown (rcpt->diagnostic, MIN (strlen (rcpt->diagnostic), 32));
        if (strstr (lower, head))
            score = 1;
        g_free (head);
    }
    g_free (lower);
    g_free (flat);
    return score;
}

/* The command of the transcript exchange that fits the recipient best;
 * when none names it, the command every exchange agrees on, else NULL. */
static const char *
in_transcript (ba_context *ctx, const ba_recipient *rcpt, const char *notice)
{
    const GPtrArray *rules = ctx->set->commands;
    gsize len;
    char *lower;
    const char *best = NULL, *any = NULL;
    int best_score = -1;
    gboolean agree = TRUE;

    if (!notice || !*notice)
        return NULL;
    len = strlen (notice);
    lower = g_ascii_strdown (notice, len);
    for (guint i = 0; i < rules->len; i++) {
        const ba_command_rule *c = g_ptr_array_index (rules, i);
        for (guint j = 0; j < c->transcript->len; j++) {
            const ba_pattern *p = g_ptr_array_index (c->transcript, j);
            gsize start = 0;
            if (p->literal && !strstr (lower, p->literal))
                continue;
            for (int n = 0; n < MAX_TRANSCRIPT_MATCHES && start < len
                            && ba_match (ctx, p, notice, len, start); n++) {
                gsize s, e;
                char *span;
                int score;

                ba_match_span (ctx, &s, &e);
                span = g_strndup (notice + s, e - s);
                score = fit (span, rcpt);
                g_free (span);
                if (score > best_score) {
                    best_score = score;
                    best = c->command;
                }
                if (any && any != c->command)
                    agree = FALSE;
                any = c->command;
                start = e > s ? e : s + 1;
            }
        }
    }
    g_free (lower);
    if (best_score > 0)
        return best;
    return agree ? any : NULL;
}

void
ba_command_settle (ba_context *ctx, ba_recipient *rcpt, const char *notice_text,
                   const char *notice, gsize notice_len, gboolean alone,
                   const char *fallback)
{
    char *head = NULL;

    if (rcpt->command || !ctx->set->commands)
        return;
    rcpt->command = in_text (ctx, rcpt->diagnostic);
    if (!rcpt->command)
        rcpt->command = in_text (ctx, notice_text);
    if (!rcpt->command && notice && *notice) {
        /* the notice before the returned message: its words are the MTA's */
        head = g_strndup (notice, notice_len);
        rcpt->command = in_transcript (ctx, rcpt, head);
        if (!rcpt->command && alone) {
            /* an error text the format cut short ("said: 550 5.2.1" with
             * "... (in reply to RCPT TO command)" on an unindented line) */
            char *flat = ba_collapse_ws (head);
            rcpt->command = in_text (ctx, flat);
            g_free (flat);
        }
        g_free (head);
    }
    if (!rcpt->command)
        rcpt->command = fallback;
}
