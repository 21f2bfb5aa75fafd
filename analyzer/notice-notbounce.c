/* notice-notbounce.c - messages that look like bounces but are none: the
 * wording of rules/notice.conf's kind = challenge and kind = personal
 * groups (see notice.h). */
#include "notice.h"
#include "notice-lines.h"

static gboolean
worded_as (ba_context *ctx, ba_notice_kind kind, const ba_notice_lines *nl, const char *subject)
{
    return ba_notice_any_matches (ctx, kind, TRUE, subject, NULL)
        || (nl && ba_notice_any_matches (ctx, kind, FALSE, nl->text->str, &nl->scan));
}

ba_not_bounce
ba_notice_not_bounce (ba_context *ctx, const char *notice, const char *subject, const char *from)
{
    ba_notice_lines nl;
    ba_not_bounce verdict = BA_NOT_BOUNCE_NO;

    /* a bounce sender's notice is a bounce, whatever its words */
    if (ba_notice_any_matches (ctx, BA_NOTICE_FROM, FALSE, from, NULL))
        return BA_NOT_BOUNCE_NO;
    ba_notice_lines_init (ctx, &nl, notice ? notice : "");
    /* a challenge quoted in a reply is still the challenge's: it decides first */
    if (worded_as (ctx, BA_NOTICE_CHALLENGE, &nl, subject))
        verdict = BA_NOT_BOUNCE_CHALLENGE;
    else if (worded_as (ctx, BA_NOTICE_PERSONAL, &nl, subject))
        verdict = BA_NOT_BOUNCE_PERSONAL;
    ba_notice_lines_clear (&nl);
    return verdict;
}
