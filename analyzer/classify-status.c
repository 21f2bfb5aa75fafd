/* classify-status.c - permanent or temporary: the hard_bounce of one
 * classified recipient (RFC 3464 Action, RFC 3463 class, RFC 5321 reply
 * class, the notice's words, the reason's default). */
#include "classify-status.h"

#include <string.h>

/* Words with which a notice without any code says it will try again
 * (Exim "retry timeout not reached", Postfix/Sendmail "will retry",
 * Exchange "transient failure", qmail/vpopmail "temporary failure"). */
static const char *const temporary_words[] = {
    "temporar", "will retry", "will be retried", "will keep trying", "will try again",
    "transient", "retry timeout not reached", NULL
};

static gboolean
says_temporary (const char *text)
{
    char *lower;
    gboolean found = FALSE;

    if (!text || !*text)
        return FALSE;
    lower = g_ascii_strdown (text, -1);
    for (guint i = 0; temporary_words[i] && !found; i++)
        found = strstr (lower, temporary_words[i]) != NULL;
    g_free (lower);
    return found;
}

static gboolean
temporary_failure (const ba_recipient *rcpt)
{
    if (rcpt->action && !g_ascii_strcasecmp (rcpt->action, "delayed"))
        return TRUE;
    /* the reported status, else the reply code: a derived status only
     * restates the reason's default and is no evidence of its own */
    if (rcpt->reported_status && (rcpt->reported_status[0] == '4' || rcpt->reported_status[0] == '5'))
        return rcpt->reported_status[0] == '4';
    if (rcpt->smtp_code)
        return rcpt->smtp_code / 100 == 4;
    if (rcpt->action && !g_ascii_strcasecmp (rcpt->action, "failed"))
        return FALSE;
    return says_temporary (rcpt->diagnostic);
}

static int
permanent_class (const ba_recipient *rcpt)
{
    if (rcpt->status)
        return rcpt->status[0] == '5';
    if (rcpt->smtp_code)
        return rcpt->smtp_code / 100 == 5;
    return rcpt->action && !g_ascii_strcasecmp (rcpt->action, "failed");
}

gboolean
ba_hard_bounce_of (const ba_reason_info *info, const ba_recipient *rcpt, int rule_hard)
{
    if (temporary_failure (rcpt))
        return FALSE;
    if (rule_hard >= 0)
        return rule_hard != 0;
    if (!info)
        return FALSE;
    switch (info->hard) {
    case BA_HARD_TRUE:
        return TRUE;
    case BA_HARD_PERMANENT:
        return permanent_class (rcpt);
    default:
        return FALSE;
    }
}
