/* classify-status.h - permanent or temporary: the hard_bounce of one
 * classified recipient from its evidence, in order of strength. */
#ifndef BA_CLASSIFY_STATUS_H
#define BA_CLASSIFY_STATUS_H

#include "bounce-analyzer.h"
#include "rules.h"

/* Whether retrying cannot help @rcpt, whose reason is @info (NULL: none)
 * and whose deciding rule set hard to @rule_hard (-1: the reason's
 * default).  A temporary failure shown by the report (Action: delayed, a
 * 4.x.x status, else a 4xx reply code, else, with neither, the notice's own
 * words: "temporarily", "will retry", "transient") is never hard; then the
 * rule's own value, then the reason's default (reasons.conf). */
gboolean ba_hard_bounce_of (const ba_reason_info *info, const ba_recipient *rcpt, int rule_hard);

#endif
