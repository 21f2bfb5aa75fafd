/* notice.h - the generic notice reader: the failed recipients of a
 * bounce that no format describes (or whose format found none), read
 * from the failure wording MTAs share, as listed in rules/notice.conf
 * (see README, "Generic notices"). */
#ifndef BA_NOTICE_H
#define BA_NOTICE_H

#include "context.h"
#include "ini.h"
#include "textbounce.h"

typedef enum {
    BA_NOTICE_FROM,             /* a From header of a bounce */
    BA_NOTICE_SUBJECT,          /* a Subject of a bounce */
    BA_NOTICE_HEADING,          /* a line after which failed addresses are listed */
    BA_NOTICE_PERMANENT,        /* a heading of permanent failures, even in a delay warning */
    BA_NOTICE_TRANSIENT,        /* a heading of temporary failures, even in a failure notice */
    BA_NOTICE_LINE,             /* names a failed (?<recipient>), (?<diagnostic>) optional */
    BA_NOTICE_ALIAS,            /* names the address a failed one was expanded from */
    BA_NOTICE_TRANSCRIPT,       /* a command naming (?<recipient>); the reply follows */
    BA_NOTICE_ORIGINAL,         /* the line after which the returned message follows */
    BA_NOTICE_DELAY,            /* wording of a delay warning: action delayed */
    BA_NOTICE_DELIVERED,        /* wording of a success notice: action delivered */
    BA_NOTICE_BREAK,            /* a line that starts another exchange: ends an error text */
    BA_NOTICE_REPLY,            /* a transcript's server reply, (?<diagnostic>) */
    BA_NOTICE_CHALLENGE,        /* wording of a challenge-response request: an automatic reply */
    BA_NOTICE_PERSONAL,         /* a person's message (a reply) that may quote a bounce */
} ba_notice_kind;

typedef struct {
    char *id;
    char *description;
    char *file;
    int line;
    ba_notice_kind kind;
    GPtrArray *patterns;        /* of ba_pattern*: on the notice (or the header of the kind) */
    GPtrArray *subject;         /* of ba_pattern*: delay, delivered: on the Subject */
} ba_notice_group;

void ba_notice_group_free (ba_notice_group *g);

/* Load the groups of one notice.conf into @set->notice; problems go to
 * @report as file:line.  In a pattern, "{address}" stands for an
 * addr-spec captured as (?<recipient>). */
void ba_notice_load (ba_ruleset *set, const ba_ini *ini, ba_ini_report report, void *data);

/* What the reader is given of one message. */
typedef struct {
    const char *notice;         /* the notice text, LF line ends */
    const char *subject;        /* of the bounce, may be NULL */
    const char *from;           /* the bounce's From header, may be NULL */
    const char *const *not_failed; /* addresses never failed (the bounce's From and
                                    * To, the original's From), NULL-terminated, may be NULL */
    gboolean failed_header;     /* the bounce has an X-Failed-Recipients header */
} ba_notice_input;

/* Does the message present itself as a bounce (From, Subject, or an
 * X-Failed-Recipients header)?  Only then may the reader be used. */
gboolean ba_notice_is_bounce (ba_context *ctx, const ba_notice_input *in);

/* What a message that only looks like a bounce words itself as. */
typedef enum {
    BA_NOT_BOUNCE_NO = 0,       /* it may be a bounce */
    BA_NOT_BOUNCE_CHALLENGE,    /* a challenge-response request: an automatic reply */
    BA_NOT_BOUNCE_PERSONAL,     /* a person's message: nothing to report */
} ba_not_bounce;

/* Does the message word itself as something other than a bounce, by its
 * notice (read up to the returned message) or its Subject, while its From
 * is no bounce sender's?  Its text then names no failed recipient. */
ba_not_bounce ba_notice_not_bounce (ba_context *ctx, const char *notice, const char *subject,
                                    const char *from);

/* The action the notice's wording gives: "delayed", "delivered", or
 * NULL (a failure).  @notice is read up to the returned message. */
const char *ba_notice_action (ba_context *ctx, const char *notice, const char *subject);

/* The failed recipients @in->notice names (of ba_text_recipient*, action
 * set), at most @max, in the order the notice names them; never NULL. */
GPtrArray *ba_notice_read (ba_context *ctx, const ba_notice_input *in, guint max);

/* ba_notice_read() for a parsed bounce @msg (its From, To, Subject,
 * X-Failed-Recipients) and its returned message's From @original_from (may be NULL):
 * NULL when @msg does not present itself as a bounce.  With @any, the
 * bounce test is skipped (a DSN is a bounce already). */
GPtrArray *ba_notice_read_message (ba_context *ctx, GMimeMessage *msg, InternetAddressList *original_from,
                                   const char *notice, gboolean any, guint max);

/* For each recipient of @found (of ba_text_recipient*, read by a format)
 * without error text: the text the generic reader finds for its address
 * in @notice of @msg. */
void ba_notice_fill_texts (ba_context *ctx, GMimeMessage *msg, InternetAddressList *original_from,
                           const char *notice, GPtrArray *found);

/* A format read as failures (its action @action is the default, failed)
 * what the notice words as a delay warning or a success: the recipients
 * of @rep whose own text (in @found) names no action take the wording's. */
void ba_notice_settle_delay (ba_context *ctx, ba_report *rep, GPtrArray *found, const char *action,
                             const char *notice);

/* Does @msg present itself as a bounce by both its From and its Subject,
 * and does its @notice (up to the returned message) give a 4xx/5xx reply
 * or status, or a failure heading?  Then it is a bounce though it names
 * no address: one whose recipient is unknown. */
gboolean ba_notice_addressless_bounce (ba_context *ctx, GMimeMessage *msg, const char *notice);

/* A DSN address field's addr-spec, without its type or source route. */
char *ba_notice_dsn_address (const char *value);

/* The notice's words up to the returned message, unquoted, whitespace
 * collapsed, at most @max bytes: the error text of a bounce about one
 * address that names it nowhere else. */
char *ba_notice_words (ba_context *ctx, const char *notice, gsize max);

/* Is @address usable as a recipient: local@domain, not a pipe, a file, a
 * source route or a bare "@host"? */
gboolean ba_notice_usable_address (const char *address);

/* Does the (unquoted) line @line of @n bytes start with an address, after
 * indentation, a bullet or a number, an opening '<' or quote?  Its offset
 * and length into @start and @alen. */
gboolean ba_notice_line_address (const char *line, gsize n, gsize *start, gsize *alen);

/* Is the (unquoted) line @line of @n bytes a display name and an address
 * in angle brackets alone ("Ann Lee <ann@example.org>")?  The address's
 * offset and length into @start and @alen. */
gboolean ba_notice_line_named_address (const char *line, gsize n, gsize *start, gsize *alen);

/* @address without an RFC 5321 source route ("@a,@b:user@c" gives
 * "user@c"), as a new string; a copy when it has none. */
char *ba_notice_strip_route (const char *address);

#endif
