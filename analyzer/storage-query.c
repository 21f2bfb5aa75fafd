/* storage-query.c - the queries of storage.h: diagnoses found by a
 * ba_query, tallies by a key, totals; in the portable SQL of the seam
 * (storage-private.h) with the backend's dialect pieces. */
#include "storage-private.h"

#include <string.h>

/* The number of rows where @cond holds (sum (cond) is SQLite's only). */
#define SUM_IF(cond) "sum (CASE WHEN " cond " THEN 1 ELSE 0 END)"

/* The values of a query's placeholders, in order. */
typedef struct {
    GPtrArray *texts;           /* values bound in order: char* */
    GArray *kinds;              /* 0 = text, 1 = int */
    GArray *ints;
} binds;

static void
binds_init (binds *b)
{
    b->texts = g_ptr_array_new_with_free_func (g_free);
    b->kinds = g_array_new (FALSE, FALSE, sizeof (int));
    b->ints = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
binds_clear (binds *b)
{
    g_ptr_array_unref (b->texts);
    g_array_free (b->kinds, TRUE);
    g_array_free (b->ints, TRUE);
}

static void
add_text (binds *b, const char *s)
{
    int k = 0;
    gint64 zero = 0;
    g_ptr_array_add (b->texts, g_strdup (s));
    g_array_append_val (b->kinds, k);
    g_array_append_val (b->ints, zero);
}

static void
add_int (binds *b, gint64 v)
{
    int k = 1;
    g_ptr_array_add (b->texts, NULL);
    g_array_append_val (b->kinds, k);
    g_array_append_val (b->ints, v);
}

static void
apply_binds (ba_stmt *s, const binds *b)
{
    for (guint i = 0; i < b->kinds->len; i++) {
        if (g_array_index (b->kinds, int, i) == 0)
            ba_sql_text (s, (int) i + 1, g_ptr_array_index (b->texts, i));
        else
            ba_sql_int (s, (int) i + 1, g_array_index (b->ints, gint64, i));
    }
}

/* Append the conditions of @q (AND ...) to @sql and their values to @b. */
static gboolean
add_conditions (ba_store *st, GString *sql, binds *b, const ba_query *q, const char *time_col,
                GError **error)
{
    const ba_store_backend *be = st->be;

    if (q->address && *q->address) {
        g_string_append (sql, " AND (");
        g_string_append_printf (sql, be->nocase_equal, "recipient");
        g_string_append (sql, " OR ");
        g_string_append_printf (sql, be->nocase_equal, "original_recipient");
        g_string_append (sql, ")");
        add_text (b, q->address);
        add_text (b, q->address);
    }
    if (q->domain && *q->domain) {
        char *d = g_utf8_strdown (q->domain[0] == '@' ? q->domain + 1 : q->domain, -1);
        g_string_append (sql, " AND (domain = ? OR original_domain = ?)");
        add_text (b, d);
        add_text (b, d);
        g_free (d);
    }
    if (q->sender && *q->sender) {
        char *lower = g_utf8_strdown (q->sender, -1);
        if (strchr (lower + 1, '@')) {
            g_string_append (sql, " AND original_sender = ?");
            add_text (b, lower);
        } else {
            g_string_append (sql, " AND ");
            g_string_append_printf (sql, be->address_domain, "original_sender");
            g_string_append (sql, " = ?");
            add_text (b, lower[0] == '@' ? lower + 1 : lower);
        }
        g_free (lower);
    }
    if (q->reason && *q->reason) {
        g_string_append (sql, " AND reason = ?");
        add_text (b, q->reason);
    }
    if (q->outcome && *q->outcome) {
        g_string_append (sql, " AND outcome = ?");
        add_text (b, q->outcome);
    }
    if (q->text && *q->text) {
        char *condition, *value;
        if (!be->text_match (q->text, &condition, &value, error))
            return FALSE;
        g_string_append_printf (sql, " AND %s", condition);
        add_text (b, value);
        g_free (condition);
        g_free (value);
    }
    if (q->has_since) {
        g_string_append_printf (sql, " AND %s >= ?", time_col);
        add_int (b, q->since);
    }
    if (q->has_until) {
        g_string_append_printf (sql, " AND %s < ?", time_col);
        add_int (b, q->until);
    }
    return TRUE;
}

static const char diagnosis_columns[] =
    "id, message_id, source, mbox_offset, kind, format, bounce_date, reporting_mta,"
    " recipient, domain, original_recipient, action, status, reported_status, smtp_code,"
    " remote_mta, command, diagnostic, date, time, reason, hard, rule, captures, dnsbl, listed, fault,"
    " advice, ruleset, outcome, original_message_id, original_from, original_sender,"
    " original_to, original_subject, original_date, ingested_at";

static void
read_diagnosis (ba_stmt *s, ba_diagnosis *d)
{
    int i = 0;
    d->id = ba_sql_col_int (s, i++);
    d->message_id = ba_sql_col_int (s, i++);
    d->source = ba_sql_col_text (s, i++);
    d->offset = ba_sql_col_null (s, i) ? -1 : ba_sql_col_int (s, i);
    i++;
    d->kind = ba_sql_col_text (s, i++);
    d->format = ba_sql_col_text (s, i++);
    d->bounce_date = ba_sql_col_text (s, i++);
    d->reporting_mta = ba_sql_col_text (s, i++);
    d->recipient = ba_sql_col_text (s, i++);
    d->domain = ba_sql_col_text (s, i++);
    d->original_recipient = ba_sql_col_text (s, i++);
    d->action = ba_sql_col_text (s, i++);
    d->status = ba_sql_col_text (s, i++);
    d->reported_status = ba_sql_col_text (s, i++);
    d->smtp_code = (int) ba_sql_col_int (s, i++);
    d->remote_mta = ba_sql_col_text (s, i++);
    d->command = ba_sql_col_text (s, i++);
    d->diagnostic = ba_sql_col_text (s, i++);
    d->date = ba_sql_col_text (s, i++);
    d->has_time = !ba_sql_col_null (s, i);
    d->time = ba_sql_col_int (s, i++);
    d->reason = ba_sql_col_text (s, i++);
    d->hard = (int) ba_sql_col_int (s, i++) != 0;
    d->rule = ba_sql_col_text (s, i++);
    d->captures = ba_sql_col_text (s, i++);
    d->dnsbl = ba_sql_col_text (s, i++);
    d->listed = ba_sql_col_text (s, i++);
    d->fault = ba_sql_col_text (s, i++);
    d->advice = ba_sql_col_text (s, i++);
    d->ruleset = ba_sql_col_text (s, i++);
    d->outcome = ba_sql_col_text (s, i++);
    d->original_message_id = ba_sql_col_text (s, i++);
    d->original_from = ba_sql_col_text (s, i++);
    d->original_sender = ba_sql_col_text (s, i++);
    d->original_to = ba_sql_col_text (s, i++);
    d->original_subject = ba_sql_col_text (s, i++);
    d->original_date = ba_sql_col_text (s, i++);
    d->ingested_at = ba_sql_col_text (s, i++);
}

gboolean
ba_store_find (ba_store *st, const ba_query *q, ba_diagnosis_fn fn, void *data, GError **error)
{
    GString *sql = g_string_new (NULL);
    ba_stmt *s;
    binds b;
    gboolean ok = TRUE;
    int rc;

    binds_init (&b);
    g_string_printf (sql, "SELECT %s FROM diagnoses WHERE 1 = 1", diagnosis_columns);
    if (!add_conditions (st, sql, &b, q, "time", error)) {
        binds_clear (&b);
        g_string_free (sql, TRUE);
        return FALSE;
    }
    g_string_append (sql, " ORDER BY time IS NULL, time DESC, id DESC");
    if (q->limit) {
        g_string_append (sql, " LIMIT ?");
        add_int (&b, q->limit);
    }
    s = ba_sql_prepare (st, sql->str, error);
    g_string_free (sql, TRUE);
    if (!s) {
        binds_clear (&b);
        return FALSE;
    }
    apply_binds (s, &b);
    binds_clear (&b);
    while ((rc = ba_sql_step (s, error)) == BA_SQL_ROW) {
        ba_diagnosis d;
        read_diagnosis (s, &d);
        if (!fn (&d, data))
            break;
    }
    if (rc == BA_SQL_ERROR)
        ok = FALSE;
    ba_sql_finalize (s);
    return ok;
}

void
ba_tally_free (ba_tally *t)
{
    if (!t)
        return;
    g_free (t->key);
    g_free (t);
}

GPtrArray *
ba_store_tally (ba_store *st, ba_tally_kind kind, const ba_query *range, guint limit,
                GError **error)
{
    ba_query q = { 0 };
    GString *sql = g_string_new (NULL);
    GPtrArray *out = NULL;
    const char *key, *where, *order = "2 DESC, 1";
    ba_stmt *s;
    binds b;
    int rc;

    switch (kind) {
    case BA_TALLY_REASON:
        key = "reason";
        where = "";
        break;
    case BA_TALLY_DOMAIN:
        key = "domain";
        where = " AND outcome = 'failed' AND domain IS NOT NULL";
        break;
    case BA_TALLY_REMOTE_MTA:
        key = "remote_mta";
        where = " AND outcome = 'failed' AND remote_mta IS NOT NULL";
        break;
    case BA_TALLY_BLACKLIST:
        key = "dnsbl";
        where = " AND dnsbl IS NOT NULL";
        break;
    default:
        key = NULL;
        where = " AND outcome = 'failed' AND time IS NOT NULL";
        order = "1";
        break;
    }
    g_string_assign (sql, "SELECT ");
    if (key)
        g_string_append (sql, key);
    else
        g_string_append_printf (sql, st->be->local_day, "time");
    g_string_append_printf (sql, ", count(*), " SUM_IF ("outcome = 'failed'") ", "
                            SUM_IF ("outcome = 'delayed'") ","
                            " sum (hard), count (DISTINCT domain), min (time), max (time)"
                            " FROM diagnoses WHERE 1 = 1%s", where);
    q.has_since = range && range->has_since;
    q.since = range ? range->since : 0;
    q.has_until = range && range->has_until;
    q.until = range ? range->until : 0;
    binds_init (&b);
    add_conditions (st, sql, &b, &q, "time", NULL);
    g_string_append_printf (sql, " GROUP BY 1 ORDER BY %s", order);
    if (limit) {
        g_string_append (sql, " LIMIT ?");
        add_int (&b, limit);
    }
    s = ba_sql_prepare (st, sql->str, error);
    g_string_free (sql, TRUE);
    if (!s) {
        binds_clear (&b);
        return NULL;
    }
    apply_binds (s, &b);
    binds_clear (&b);
    out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_tally_free);
    while ((rc = ba_sql_step (s, error)) == BA_SQL_ROW) {
        ba_tally *t = g_new0 (ba_tally, 1);
        t->key = g_strdup (ba_sql_col_text (s, 0) ? ba_sql_col_text (s, 0) : "");
        t->total = ba_sql_col_int (s, 1);
        t->failed = ba_sql_col_int (s, 2);
        t->delayed = ba_sql_col_int (s, 3);
        t->hard = ba_sql_col_int (s, 4);
        t->domains = ba_sql_col_int (s, 5);
        t->has_time = !ba_sql_col_null (s, 6);
        t->first = ba_sql_col_int (s, 6);
        t->last = ba_sql_col_int (s, 7);
        g_ptr_array_add (out, t);
    }
    if (rc == BA_SQL_ERROR)
        g_clear_pointer (&out, g_ptr_array_unref);
    ba_sql_finalize (s);
    return out;
}

gboolean
ba_store_get_totals (ba_store *st, const ba_query *range, ba_store_totals *out, GError **error)
{
    ba_query q = { 0 };
    GString *sql = g_string_new (NULL);
    ba_stmt *s;
    binds b;
    gboolean ok = TRUE;

    memset (out, 0, sizeof *out);
    q.has_since = range && range->has_since;
    q.since = range ? range->since : 0;
    q.has_until = range && range->has_until;
    q.until = range ? range->until : 0;

    /* messages by the bounce's own date */
    binds_init (&b);
    g_string_assign (sql, "SELECT count(*), " SUM_IF ("kind <> 'other'") " FROM messages WHERE 1 = 1");
    add_conditions (st, sql, &b, &q, "bounce_time", NULL);
    if (!(s = ba_sql_prepare (st, sql->str, error))) {
        ok = FALSE;
    } else {
        apply_binds (s, &b);
        if (ba_sql_step (s, error) == BA_SQL_ROW) {
            out->messages = ba_sql_col_int (s, 0);
            out->bounces = ba_sql_col_int (s, 1);
        } else {
            ok = FALSE;
        }
        ba_sql_finalize (s);
    }
    binds_clear (&b);

    if (ok) {
        binds_init (&b);
        g_string_assign (sql, "SELECT count(*), " SUM_IF ("outcome = 'failed'") ", "
                              SUM_IF ("outcome = 'delayed'") ", min (time), max (time)"
                              " FROM diagnoses WHERE 1 = 1");
        add_conditions (st, sql, &b, &q, "time", NULL);
        if (!(s = ba_sql_prepare (st, sql->str, error))) {
            ok = FALSE;
        } else {
            apply_binds (s, &b);
            if (ba_sql_step (s, error) == BA_SQL_ROW) {
                out->diagnoses = ba_sql_col_int (s, 0);
                out->failed = ba_sql_col_int (s, 1);
                out->delayed = ba_sql_col_int (s, 2);
                out->has_time = !ba_sql_col_null (s, 3);
                out->first = ba_sql_col_int (s, 3);
                out->last = ba_sql_col_int (s, 4);
            } else {
                ok = FALSE;
            }
            ba_sql_finalize (s);
        }
        binds_clear (&b);
    }
    g_string_free (sql, TRUE);
    return ok;
}
