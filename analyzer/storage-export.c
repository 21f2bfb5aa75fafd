/* storage-export.c - the store as NDJSON (see storage.h): one line per
 * diagnosis, and one for each stored message that has none.  A line has
 * the keys of `analyze --format ndjson`, so what reads one reads the
 * other, and a "stored" object with what the store keeps besides (the
 * message's identity, hash, host, the bounce's own date and sender...),
 * so that `import` rebuilds the same store. */
#include "storage-private.h"
#include "sprinter.h"

#include <string.h>

/* Columns, in this order. */
enum {
    C_ID, C_IDENTITY, C_SOURCE, C_OFFSET, C_NAME, C_SIZE, C_HASH, C_KIND, C_FORMAT,
    C_BOUNCE_DATE, C_BOUNCE_FROM, C_BOUNCE_SUBJECT, C_REPORTING_MTA, C_ORIG_MESSAGE_ID,
    C_ORIG_FROM, C_ORIG_TO, C_ORIG_SUBJECT, C_ORIG_DATE, C_INGESTED_AT, C_HOST, C_CONTENT_KEY,
    C_POSITION, C_ADDRESS, C_ORIG_RECIPIENT, C_ACTION, C_STATUS, C_REPORTED_STATUS,
    C_SMTP_CODE, C_REMOTE_MTA, C_COMMAND, C_DIAGNOSTIC, C_LAST_ATTEMPT, C_FEEDBACK_TYPE,
    C_REASON, C_HARD, C_RULE, C_CAPTURES, C_DNSBL, C_LISTED, C_FAULT, C_ADVICE, C_RULESET,
};

static const char export_sql[] =
    "SELECT m.id, m.identity, m.source, m.mbox_offset, m.name, m.size, m.content_hash, m.kind,"
    " m.format, m.bounce_date, m.bounce_from, m.bounce_subject, m.reporting_mta,"
    " m.original_message_id, m.original_from, m.original_to, m.original_subject,"
    " m.original_date, m.ingested_at, m.host, m.content_key,"
    " r.position, r.address, r.original_recipient, r.action, r.status, r.reported_status,"
    " r.smtp_code, r.remote_mta, r.command, r.diagnostic, r.last_attempt, r.feedback_type,"
    " r.reason, r.hard, r.rule, r.captures, r.dnsbl, r.listed, r.fault, r.advice, r.ruleset"
    " FROM messages m LEFT JOIN recipients r ON r.message_id = m.id";

static void
put_text (sprinter *sp, const char *key, ba_stmt *s, int col)
{
    sp->map_key (sp, key);
    sp->string (sp, ba_sql_col_text (s, col));
}

static void
put_int (sprinter *sp, const char *key, ba_stmt *s, int col)
{
    sp->map_key (sp, key);
    if (ba_sql_col_null (s, col))
        sp->null (sp);
    else
        sp->integer (sp, ba_sql_col_int (s, col));
}

static void
put_captures (sprinter *sp, const char *json)
{
    GPtrArray *caps = ba_store_captures_parse (json);
    sp->map_key (sp, "captures");
    sp->begin_map (sp);
    for (guint i = 0; i < caps->len; i++) {
        const ba_capture *c = g_ptr_array_index (caps, i);
        sp->map_key (sp, c->name);
        sp->string (sp, c->value);
    }
    sp->end (sp);
    g_ptr_array_unref (caps);
}

/* One line: the row of @s. */
static void
put_line (sprinter *sp, ba_stmt *s)
{
    gboolean has_recipient = !ba_sql_col_null (s, C_POSITION);
    const char *last = ba_sql_col_text (s, C_LAST_ATTEMPT);

    sp->begin_map (sp);
    put_text (sp, "source", s, C_SOURCE);
    put_int (sp, "offset", s, C_OFFSET);
    put_text (sp, "kind", s, C_KIND);
    put_text (sp, "recipient", s, C_ADDRESS);
    put_text (sp, "action", s, C_ACTION);
    put_text (sp, "status", s, C_STATUS);
    put_text (sp, "reported_status", s, C_REPORTED_STATUS);
    put_int (sp, "smtp_code", s, C_SMTP_CODE);
    put_text (sp, "smtp_command", s, C_COMMAND);
    put_text (sp, "remote_mta", s, C_REMOTE_MTA);
    put_text (sp, "reporting_mta", s, C_REPORTING_MTA);
    sp->map_key (sp, "date");
    sp->string (sp, last ? last : ba_sql_col_text (s, C_BOUNCE_DATE));
    put_text (sp, "reason", s, C_REASON);
    sp->map_key (sp, "hard_bounce");
    if (has_recipient)
        sp->boolean (sp, ba_sql_col_int (s, C_HARD) != 0);
    else
        sp->null (sp);
    put_text (sp, "rule", s, C_RULE);
    if (has_recipient)
        put_captures (sp, ba_sql_col_text (s, C_CAPTURES));
    else {
        sp->map_key (sp, "captures");
        sp->null (sp);
    }
    put_text (sp, "diagnostic", s, C_DIAGNOSTIC);
    put_text (sp, "feedback_type", s, C_FEEDBACK_TYPE);
    put_text (sp, "dnsbl", s, C_DNSBL);
    put_text (sp, "listed", s, C_LISTED);
    put_text (sp, "fault", s, C_FAULT);
    put_text (sp, "advice", s, C_ADVICE);
    sp->map_key (sp, "original");
    sp->begin_map (sp);
    put_text (sp, "message_id", s, C_ORIG_MESSAGE_ID);
    put_text (sp, "from", s, C_ORIG_FROM);
    put_text (sp, "to", s, C_ORIG_TO);
    put_text (sp, "subject", s, C_ORIG_SUBJECT);
    put_text (sp, "date", s, C_ORIG_DATE);
    sp->end (sp);

    sp->map_key (sp, "stored");
    sp->begin_map (sp);
    put_text (sp, "identity", s, C_IDENTITY);
    put_text (sp, "content_hash", s, C_HASH);
    put_text (sp, "content_key", s, C_CONTENT_KEY);
    put_int (sp, "size", s, C_SIZE);
    put_text (sp, "name", s, C_NAME);
    put_text (sp, "host", s, C_HOST);
    put_text (sp, "ingested_at", s, C_INGESTED_AT);
    put_text (sp, "format", s, C_FORMAT);
    put_text (sp, "bounce_date", s, C_BOUNCE_DATE);
    put_text (sp, "bounce_from", s, C_BOUNCE_FROM);
    put_text (sp, "bounce_subject", s, C_BOUNCE_SUBJECT);
    put_int (sp, "position", s, C_POSITION);
    put_text (sp, "original_recipient", s, C_ORIG_RECIPIENT);
    put_text (sp, "last_attempt", s, C_LAST_ATTEMPT);
    put_text (sp, "ruleset", s, C_RULESET);
    sp->end (sp);
    sp->end (sp);
    sp->separator (sp);
}

gboolean
ba_store_export (ba_store *st, const ba_query *q, sprinter *sp, guint64 *lines, GError **error)
{
    GString *sql = g_string_new (export_sql);
    ba_sql_result r;
    ba_stmt *s;

    *lines = 0;
    if (q && q->host && *q->host)
        g_string_append (sql, " WHERE m.host = ?");
    g_string_append (sql, " ORDER BY m.id, r.position");
    s = ba_sql_prepare (st, sql->str, error);
    g_string_free (sql, TRUE);
    if (!s)
        return FALSE;
    if (q && q->host && *q->host)
        ba_sql_text (s, 1, q->host);
    while ((r = ba_sql_step (s, error)) == BA_SQL_ROW) {
        put_line (sp, s);
        (*lines)++;
    }
    ba_sql_finalize (s);
    return r == BA_SQL_DONE;
}
