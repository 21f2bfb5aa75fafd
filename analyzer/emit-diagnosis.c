/* emit-diagnosis.c - the one diagnosis object of the output contract
 * (README "Output"), in JSON and CSV, for every command. */
#include "emit.h"
#include "escape.h"

#include <string.h>

const char *const ba_diagnosis_keys[] = {
    "id", "source", "offset", "kind", "format", "recipient", "domain", "original_recipient",
    "outcome", "action", "status", "reported_status", "smtp_code", "smtp_command", "remote_mta",
    "reporting_mta", "date", "date_offset", "reason", "hard_bounce", "rule", "captures",
    "diagnostic", "feedback_type", "dnsbl", "listed", "fault", "advice", "original", "ruleset",
    "explanation", NULL
};

const char *
ba_outcome_of (const char *kind, const char *reason, const char *action)
{
    if (!g_strcmp0 (reason, "delivered"))
        return "delivered";
    if (!g_strcmp0 (reason, "vacation") || !g_strcmp0 (kind, "autoreply"))
        return "autoreply";
    if (!g_strcmp0 (reason, "feedback") || !g_strcmp0 (kind, "feedback"))
        return "feedback";
    if (action && !g_ascii_strcasecmp (action, "delayed"))
        return "delayed";
    return "failed";
}

void
ba_diagnosis_view_of_recipient (ba_diagnosis_view *v, const ba_report *rep, const ba_recipient *r,
                                const char *ruleset)
{
    const char *at = r->recipient ? strrchr (r->recipient, '@') : NULL;

    memset (v, 0, sizeof *v);
    v->source = rep->source;
    v->offset = rep->offset;
    v->kind = ba_kind_name (rep->kind);
    v->format = r->format ? r->format : rep->format;
    v->recipient = r->recipient;
    v->own_domain = at && at[1] ? g_utf8_strdown (at + 1, -1) : NULL;
    v->domain = v->own_domain;
    v->original_recipient = r->original_recipient;
    v->outcome = ba_outcome_of (v->kind, r->reason, r->action);
    v->action = r->action;
    v->status = r->status;
    v->reported_status = r->reported_status;
    v->smtp_code = r->smtp_code;
    v->smtp_command = r->command;
    v->remote_mta = r->remote_mta;
    v->reporting_mta = rep->reporting_mta;
    v->date = r->last_attempt ? r->last_attempt : rep->date;
    v->reason = r->reason;
    v->hard = r->hard;
    v->rule = r->rule;
    v->captures = r->captures;
    v->diagnostic = r->diagnostic;
    v->feedback_type = r->feedback_type;
    v->dnsbl = r->dnsbl;
    v->listed = r->listed;
    v->fault = r->fault;
    v->advice = r->advice;
    v->original_message_id = rep->original.message_id;
    v->original_from = rep->original.from;
    v->original_to = rep->original.to;
    v->original_subject = rep->original.subject;
    v->original_date = rep->original.date;
    v->ruleset = ruleset;
}

void
ba_diagnosis_view_clear (ba_diagnosis_view *v)
{
    g_free (v->own_domain);
    v->own_domain = NULL;
}

static GDateTime *
parse_iso (const char *iso)
{
    return iso && *iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
}

char *
ba_iso_to_utc (const char *iso)
{
    GDateTime *dt = parse_iso (iso), *utc;
    char *s;
    if (!dt)
        return NULL;
    utc = g_date_time_to_utc (dt);
    s = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref (utc);
    g_date_time_unref (dt);
    return s;
}

char *
ba_iso_offset (const char *iso)
{
    GDateTime *dt = parse_iso (iso);
    char *s;
    if (!dt)
        return NULL;
    s = g_date_time_format (dt, "%:z");
    g_date_time_unref (dt);
    return s;
}

static void
pair (sprinter *sp, const char *key, const char *value)
{
    sp->map_key (sp, key);
    sp->string (sp, value);
}

/* The value of @n digits at @s, or -1 when one is not a digit. */
static int
digits (const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Days from 1970-01-01 to @y-@m-@d, proleptic Gregorian (H. Hinnant's days_from_civil). */
static gint64
days_from_civil (int y, int m, int d)
{
    y -= m <= 2;
    gint64 era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - (int) era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Its inverse. */
static void
civil_from_days (gint64 z, int *y, int *m, int *d)
{
    z += 719468;
    gint64 era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = (int) (z - era * 146097);
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + (int) era * 400 + (*m <= 2);
}

/* The UTC time and the offset of an ISO 8601 date in the one form
 * ba_iso_date writes ("2024-01-31T23:59:59+09:00"), without GLib's
 * parser and time zone; FALSE for any other form or an invalid date (left
 * to GLib, which decides). */
static gboolean
iso_fast (const char *iso, char utc[21], char off[7])
{
    static const int month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, mo, d, h, mi, sec, oh, om, sign;
    gint64 t;

    if (!iso || strlen (iso) != 25 || iso[4] != '-' || iso[7] != '-' || iso[10] != 'T' || iso[13] != ':'
        || iso[16] != ':' || (iso[19] != '+' && iso[19] != '-') || iso[22] != ':')
        return FALSE;
    y = digits (iso, 4), mo = digits (iso + 5, 2), d = digits (iso + 8, 2), h = digits (iso + 11, 2);
    mi = digits (iso + 14, 2), sec = digits (iso + 17, 2), oh = digits (iso + 20, 2), om = digits (iso + 23, 2);
    sign = iso[19] == '-' ? -1 : 1;
    if (y < 1001 || y > 9998 || mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] || h < 0 || h > 23
        || mi < 0 || mi > 59 || sec < 0 || sec > 59 || oh < 0 || oh > 23 || om < 0 || om > 59
        || (sign < 0 && oh == 0 && om == 0))
        return FALSE;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return FALSE;
    t = days_from_civil (y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
    civil_from_days (t >= 0 ? t / 86400 : (t - 86399) / 86400, &y, &mo, &d);
    t = ((t % 86400) + 86400) % 86400;
    g_snprintf (utc, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, (int) (t / 3600), (int) (t / 60 % 60), (int) (t % 60));
    memcpy (off, iso + 19, 6);
    off[6] = '\0';
    return TRUE;
}

/* "key": UTC date, "key_offset": its own offset. */
static void
date_pair (sprinter *sp, const char *key, const char *iso)
{
    char utc_fast[21], off_fast[7];
    gboolean fast = iso_fast (iso, utc_fast, off_fast);
    char *utc = fast ? NULL : ba_iso_to_utc (iso), *off = fast ? NULL : ba_iso_offset (iso);
    char off_key[64];

    g_snprintf (off_key, sizeof off_key, "%s_offset", key);
    pair (sp, key, fast ? utc_fast : utc);
    pair (sp, off_key, fast ? off_fast : off);
    g_free (utc);
    g_free (off);
}

void
ba_emit_diagnosis (sprinter *sp, const ba_diagnosis_view *v, gboolean versioned,
                   ba_explain_fn explain, void *explain_data)
{
    sp->begin_map (sp);
    if (versioned) {
        sp->map_key (sp, "format_version");
        sp->integer (sp, BA_FORMAT_VERSION);
    }
    sp->map_key (sp, "id");
    if (v->has_id)
        sp->integer (sp, v->id);
    else
        sp->null (sp);
    pair (sp, "source", v->source);
    sp->map_key (sp, "offset");
    if (v->offset >= 0)
        sp->integer (sp, v->offset);
    else
        sp->null (sp);
    pair (sp, "kind", v->kind);
    pair (sp, "format", v->format);
    pair (sp, "recipient", v->recipient);
    pair (sp, "domain", v->domain);
    pair (sp, "original_recipient", v->original_recipient);
    pair (sp, "outcome", v->outcome);
    pair (sp, "action", v->action);
    pair (sp, "status", v->status);
    pair (sp, "reported_status", v->reported_status);
    sp->map_key (sp, "smtp_code");
    if (v->smtp_code)
        sp->integer (sp, v->smtp_code);
    else
        sp->null (sp);
    pair (sp, "smtp_command", v->smtp_command);
    pair (sp, "remote_mta", v->remote_mta);
    pair (sp, "reporting_mta", v->reporting_mta);
    date_pair (sp, "date", v->date);
    pair (sp, "reason", v->reason);
    sp->map_key (sp, "hard_bounce");
    sp->boolean (sp, v->hard);
    pair (sp, "rule", v->rule);
    sp->map_key (sp, "captures");
    sp->begin_map (sp);
    for (guint i = 0; v->captures && i < v->captures->len; i++) {
        const ba_capture *c = g_ptr_array_index (v->captures, i);
        pair (sp, c->name, c->value);
    }
    sp->end (sp);
    pair (sp, "diagnostic", v->diagnostic);
    pair (sp, "feedback_type", v->feedback_type);
    pair (sp, "dnsbl", v->dnsbl);
    pair (sp, "listed", v->listed);
    pair (sp, "fault", v->fault);
    pair (sp, "advice", v->advice);
    sp->map_key (sp, "original");
    sp->begin_map (sp);
    pair (sp, "message_id", v->original_message_id);
    pair (sp, "from", v->original_from);
    pair (sp, "to", v->original_to);
    pair (sp, "subject", v->original_subject);
    date_pair (sp, "date", v->original_date);
    sp->end (sp);
    pair (sp, "ruleset", v->ruleset);
    sp->map_key (sp, "explanation");
    if (explain)
        explain (sp, explain_data);
    else
        sp->null (sp);
    sp->end (sp);
}

void
ba_csv_diagnosis_header (GString *line)
{
    for (int i = 0; ba_diagnosis_keys[i]; i++) {
        if (!strcmp (ba_diagnosis_keys[i], "explanation"))
            continue;
        if (!strcmp (ba_diagnosis_keys[i], "original")) {
            const char *o[] = { "original_message_id", "original_from", "original_to",
                                "original_subject", "original_date", "original_date_offset" };
            for (guint j = 0; j < G_N_ELEMENTS (o); j++)
                ba_csv_cell (line, o[j]);
            continue;
        }
        ba_csv_cell (line, ba_diagnosis_keys[i]);
    }
}

void
ba_csv_diagnosis (GString *line, const ba_diagnosis_view *v)
{
    char id[32], off[32], code[16];
    char *date = ba_iso_to_utc (v->date), *date_off = ba_iso_offset (v->date);
    char *odate = ba_iso_to_utc (v->original_date), *odate_off = ba_iso_offset (v->original_date);
    GString *caps = g_string_new (NULL);
    sprinter *sp = sprinter_json_new_string (caps);

    g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, v->id);
    g_snprintf (off, sizeof off, "%" G_GINT64_FORMAT, v->offset);
    g_snprintf (code, sizeof code, "%d", v->smtp_code);
    sp->begin_map (sp);
    for (guint i = 0; v->captures && i < v->captures->len; i++) {
        const ba_capture *c = g_ptr_array_index (v->captures, i);
        pair (sp, c->name, c->value);
    }
    sp->end (sp);
    sp->free (sp);
    /* the first cell is never NULL: ba_csv_cell() starts a record with it */
    ba_csv_cell (line, v->has_id ? id : "");
    ba_csv_cell (line, v->source);
    ba_csv_cell (line, v->offset >= 0 ? off : NULL);
    ba_csv_cell (line, v->kind);
    ba_csv_cell (line, v->format);
    ba_csv_cell (line, v->recipient);
    ba_csv_cell (line, v->domain);
    ba_csv_cell (line, v->original_recipient);
    ba_csv_cell (line, v->outcome);
    ba_csv_cell (line, v->action);
    ba_csv_cell (line, v->status);
    ba_csv_cell (line, v->reported_status);
    ba_csv_cell (line, v->smtp_code ? code : NULL);
    ba_csv_cell (line, v->smtp_command);
    ba_csv_cell (line, v->remote_mta);
    ba_csv_cell (line, v->reporting_mta);
    ba_csv_cell (line, date);
    ba_csv_cell (line, date_off);
    ba_csv_cell (line, v->reason);
    ba_csv_cell (line, v->hard ? "true" : "false");
    ba_csv_cell (line, v->rule);
    ba_csv_cell (line, caps->str);
    ba_csv_cell (line, v->diagnostic);
    ba_csv_cell (line, v->feedback_type);
    ba_csv_cell (line, v->dnsbl);
    ba_csv_cell (line, v->listed);
    ba_csv_cell (line, v->fault);
    ba_csv_cell (line, v->advice);
    ba_csv_cell (line, v->original_message_id);
    ba_csv_cell (line, v->original_from);
    ba_csv_cell (line, v->original_to);
    ba_csv_cell (line, v->original_subject);
    ba_csv_cell (line, odate);
    ba_csv_cell (line, odate_off);
    ba_csv_cell (line, v->ruleset);
    g_string_free (caps, TRUE);
    g_free (date);
    g_free (date_off);
    g_free (odate);
    g_free (odate_off);
}

char *
ba_iso_to_local (const char *iso)
{
    GDateTime *dt = parse_iso (iso), *local;
    char *s;
    if (!dt)
        return iso ? g_strdup (iso) : NULL;
    local = g_date_time_to_local (dt);
    s = g_date_time_format (local, "%Y-%m-%d %H:%M:%S %z");
    g_date_time_unref (local);
    g_date_time_unref (dt);
    return s;
}
