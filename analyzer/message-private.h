/* message-private.h - the pieces of one message's analysis (message.c),
 * shared by its files: the MIME walk (message-parts.c), header fields
 * (message-headers.c) and per-recipient facts (message-recipients.c). */
#ifndef BA_MESSAGE_PRIVATE_H
#define BA_MESSAGE_PRIVATE_H

#include "classify.h"
#include "dsn.h"
#include "textbounce.h"
#include "command.h"
#include "notice.h"
#include "reading.h"
#include "util.h"

/* Hostile-input bounds: the text we read of one part, the parts and depth
 * we walk, the recipients we keep of one message. */
#define MAX_PART_TEXT   (1024 * 1024)
#define MAX_PARTS       256
#define MAX_DEPTH       16
#define MAX_RECIPIENTS  10000
#define MAX_TEXT_SEEN   (4 * MAX_RECIPIENTS)    /* recipients of a notice counted, to say how many were dropped */
#define MAX_DSN_SCAN    (64 * 1024 * 1024)  /* a DSN part past MAX_PART_TEXT is read this far, block by block */
#define MAX_DIAGNOSTIC  4096

/* ---- message-parts.c ---- */

typedef struct {
    GPtrArray *names, *values;          /* char *: names, raw values, in order */
    InternetAddressList *from, *to;     /* of every From and To field, or NULL */
} ba_returned;


typedef struct {
    char *dsn;                  /* message/delivery-status body */
    char *feedback;             /* message/feedback-report body */
    char *notice;               /* first text/plain outside the original */
    char *html;                 /* first text/html, when no text/plain */
    ba_returned *original;      /* the returned message's header fields (owned), see message-original.c */
    GMimeObject *original_part; /* the message/rfc822 part it came from (borrowed) */
    GMimeObject *long_dsn;      /* the DSN part, when longer than MAX_PART_TEXT (borrowed) */
    gboolean notice_cut, dsn_cut;   /* the part their text came from was longer than MAX_PART_TEXT */
    char *headers;              /* text/rfc822-headers body */
    gboolean report_feedback;   /* multipart/report; report-type=feedback-report */
    gboolean report_dsn;        /* multipart/report; report-type=delivery-status */
    int parts;
} ba_parts_found;

/* Walk the MIME tree from @obj, filling @pf with the first part of each kind. */
void ba_parts_walk (GMimeObject *obj, ba_parts_found *pf, int depth);

/* Where RFC 3464 fields begin in a text (a DSN pasted or sent as text/plain), or -1. */
gssize ba_parts_dsn_offset (const char *text);

/* Tags dropped, the few entities error texts use decoded. */
char *ba_html_to_text (const char *html);

/* ---- message-original.c ---- */

/* Is @obj a plain part holding a message GMime would have parsed as one? */
gboolean ba_original_is_message (GMimeObject *obj);

/* A message's header fields as GMime's parser splits them, Content-*
 * fields left out (as in a GMimeMessage's own list). */
/* The header fields of the message in @part, or NULL when GMime would give none. */
ba_returned *ba_original_headers (GMimeObject *part);

/* The header block at @bytes read as GMime's parser would, at the top
 * level of a message (@toplevel) or in a message/rfc822 part; NULL when
 * GMime would give no message. */
ba_returned *ba_returned_read (const char *bytes, gsize len, gboolean toplevel);

/* The header fields of a parsed message. */
ba_returned *ba_returned_from_message (GMimeMessage *m);

/* The raw value of the first (@last FALSE) or last field named @name, or NULL. */
const char *ba_returned_get (const ba_returned *r, const char *name, gboolean last);

void ba_returned_free (ba_returned *r);

/* The whole message in @part, parsed, or NULL. */
GMimeMessage *ba_original_message (GMimeObject *part);

/* ---- message-headers.c ---- */

/* A header's address list as one string, or NULL when empty. */
char *ba_header_address_list (InternetAddressList *list);

/* The first addr-spec of an address list, or NULL. */
char *ba_header_first_mailbox (InternetAddressList *list);

/* The message's Date as ISO 8601, or NULL. */
/* The Subject of @m, decoded, unfolded and collapsed, or NULL. */
char *ba_header_subject (GMimeMessage *m);
char *ba_header_date_iso (GMimeMessage *m);

/* Fill what @o lacks from the returned message's fields @r (may be NULL). */
void ba_original_fill (ba_original *o, const ba_returned *r);

/* The header fields of a block of header text (text/rfc822-headers, an inline copy). */
ba_returned *ba_headers_parse_text (const char *text, gsize len);

/* The message's headers as "Name: value" lines, for detect-header. */
char *ba_header_block (GMimeObject *obj);

/* The same of the returned message's fields. */
char *ba_returned_block (const ba_returned *r);

/* X-Failed-Recipients as ba_text_recipient*, or NULL when absent. */
GPtrArray *ba_header_failed_recipients (GMimeMessage *msg);

/* ---- message-recipients.c ---- */

ba_recipient *ba_recipient_new (void);
void ba_recipient_set_diagnostic (ba_recipient *r, const char *text);
void ba_recipient_settle_codes (ba_recipient *r);
void ba_report_warn_dropped (ba_report *rep, const ba_dsn *dsn, gint64 size_cap);
void ba_report_add_text_recipients (ba_report *rep, GPtrArray *found, const char *action);
/* A delay warning a format read (its recipients in @rep, all delayed)
 * that also lists permanent failures under a permanent heading: those
 * the format did not name join @rep as failed. */
void ba_report_add_permanent (ba_context *ctx, ba_report *rep, GMimeMessage *msg, InternetAddressList *original_from,
                              const char *notice);

ba_text_recipient *ba_text_found_find (GPtrArray *found, const char *address);
void ba_report_from_dsn (ba_context *ctx, ba_report *rep, ba_dsn *dsn, GPtrArray *text_found,
                         GMimeMessage *msg, InternetAddressList *original_from, const char *notice);
void ba_report_from_feedback (ba_report *rep, ba_dsn *fb, const char *raw);
void ba_text_found_diagnose (GPtrArray *found, const char *notice);

#endif
