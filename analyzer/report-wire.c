/* report-wire.c - see report-wire.h. */
#include "report-wire.h"
#include "context.h"

#include <string.h>

/* The length word of a NULL string. */
#define WIRE_NULL G_MAXUINT32

void
ba_wire_put_u32 (GByteArray *out, guint32 v)
{
    g_byte_array_append (out, (const guint8 *) &v, sizeof v);
}

void
ba_wire_put_i64 (GByteArray *out, gint64 v)
{
    g_byte_array_append (out, (const guint8 *) &v, sizeof v);
}

void
ba_wire_put_string (GByteArray *out, const char *s)
{
    if (!s) {
        ba_wire_put_u32 (out, WIRE_NULL);
        return;
    }
    gsize n = strlen (s);
    ba_wire_put_u32 (out, (guint32) n);
    g_byte_array_append (out, (const guint8 *) s, (guint) n);
}

static void
put_recipient (GByteArray *out, const ba_recipient *r)
{
    const char *strings[] = {
        r->recipient, r->original_recipient, r->action, r->reported_status, r->status,
        r->remote_mta, r->command, r->diagnostic, r->last_attempt, r->feedback_type,
        r->format, r->reason, r->rule, r->dnsbl, r->listed, r->fault, r->advice,
    };
    for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
        ba_wire_put_string (out, strings[i]);
    ba_wire_put_i64 (out, r->smtp_code);
    ba_wire_put_u32 (out, r->hard ? 1 : 0);
    ba_wire_put_u32 (out, r->captures ? r->captures->len : WIRE_NULL);
    for (guint i = 0; r->captures && i < r->captures->len; i++) {
        const ba_capture *c = g_ptr_array_index (r->captures, i);
        ba_wire_put_string (out, c->name);
        ba_wire_put_string (out, c->value);
    }
}

void
ba_wire_put_report (GByteArray *out, const ba_report *rep)
{
    const char *strings[] = {
        rep->source, rep->format, rep->reporting_mta, rep->date, rep->from, rep->subject,
        rep->original.message_id, rep->original.from, rep->original.to, rep->original.subject,
        rep->original.date,
    };
    ba_wire_put_i64 (out, rep->offset);
    ba_wire_put_u32 (out, (guint32) rep->kind);
    for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
        ba_wire_put_string (out, strings[i]);
    ba_wire_put_u32 (out, rep->recipients->len);
    for (guint i = 0; i < rep->recipients->len; i++)
        put_recipient (out, g_ptr_array_index (rep->recipients, i));
    ba_wire_put_u32 (out, rep->warnings ? rep->warnings->len : WIRE_NULL);
    for (guint i = 0; rep->warnings && i < rep->warnings->len; i++)
        ba_wire_put_string (out, g_ptr_array_index (rep->warnings, i));
}

static gboolean
have (ba_wire_reader *r, gsize n)
{
    if (r->bad || (gsize) (r->end - r->p) < n)
        r->bad = TRUE;
    return !r->bad;
}

/* Copies @n bytes of @r to @v, or leaves @v alone at the end (marked bad). */
static void
get_bytes (ba_wire_reader *r, void *v, gsize n)
{
    if (have (r, n)) {
        memcpy (v, r->p, n);
        r->p += n;
    }
}

guint32
ba_wire_get_u32 (ba_wire_reader *r)
{
    guint32 v = 0;
    get_bytes (r, &v, sizeof v);
    return v;
}

gint64
ba_wire_get_i64 (ba_wire_reader *r)
{
    gint64 v = 0;
    get_bytes (r, &v, sizeof v);
    return v;
}

char *
ba_wire_get_string (ba_wire_reader *r)
{
    guint32 n = ba_wire_get_u32 (r);
    char *s;
    if (r->bad || n == WIRE_NULL || !have (r, n))
        return NULL;
    s = g_strndup ((const char *) r->p, n);
    r->p += n;
    return s;
}

/* A string of static storage (the vocabularies' words), or NULL. */
static const char *
get_static (ba_wire_reader *r)
{
    char *s = ba_wire_get_string (r);
    const char *interned = s ? g_intern_string (s) : NULL;
    g_free (s);
    return interned;
}

/* A count of at most what the bytes left could hold, each item at least @min bytes. */
static guint32
get_count (ba_wire_reader *r, gsize min, gboolean *null)
{
    guint32 n = ba_wire_get_u32 (r);
    *null = n == WIRE_NULL;
    if (*null)
        return 0;
    if (!r->bad && (gsize) (r->end - r->p) / min < n)
        r->bad = TRUE;
    return r->bad ? 0 : n;
}

static ba_recipient *
get_recipient (ba_wire_reader *r)
{
    ba_recipient *rc = g_new0 (ba_recipient, 1);
    gboolean null;
    guint32 n;

    rc->recipient = ba_wire_get_string (r);
    rc->original_recipient = ba_wire_get_string (r);
    rc->action = ba_wire_get_string (r);
    rc->reported_status = ba_wire_get_string (r);
    rc->status = ba_wire_get_string (r);
    rc->remote_mta = ba_wire_get_string (r);
    rc->command = get_static (r);
    rc->diagnostic = ba_wire_get_string (r);
    rc->last_attempt = ba_wire_get_string (r);
    rc->feedback_type = ba_wire_get_string (r);
    rc->format = ba_wire_get_string (r);
    rc->reason = get_static (r);
    rc->rule = ba_wire_get_string (r);
    rc->dnsbl = ba_wire_get_string (r);
    rc->listed = ba_wire_get_string (r);
    rc->fault = get_static (r);
    rc->advice = ba_wire_get_string (r);
    rc->smtp_code = (int) ba_wire_get_i64 (r);
    rc->hard = ba_wire_get_u32 (r) != 0;
    n = get_count (r, 8, &null);
    if (!null && !r->bad) {
        rc->captures = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_capture_free);
        for (guint32 i = 0; i < n && !r->bad; i++) {
            ba_capture *c = g_new0 (ba_capture, 1);
            c->name = ba_wire_get_string (r);
            c->value = ba_wire_get_string (r);
            g_ptr_array_add (rc->captures, c);
        }
    }
    return rc;
}

ba_report *
ba_wire_get_report (ba_wire_reader *r)
{
    ba_report *rep = g_new0 (ba_report, 1);
    gboolean null;
    guint32 n;

    rep->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_recipient_free);
    rep->offset = ba_wire_get_i64 (r);
    rep->kind = (ba_kind) ba_wire_get_u32 (r);
    rep->source = ba_wire_get_string (r);
    rep->format = ba_wire_get_string (r);
    rep->reporting_mta = ba_wire_get_string (r);
    rep->date = ba_wire_get_string (r);
    rep->from = ba_wire_get_string (r);
    rep->subject = ba_wire_get_string (r);
    rep->original.message_id = ba_wire_get_string (r);
    rep->original.from = ba_wire_get_string (r);
    rep->original.to = ba_wire_get_string (r);
    rep->original.subject = ba_wire_get_string (r);
    rep->original.date = ba_wire_get_string (r);
    n = get_count (r, 17 * 4, &null);
    for (guint32 i = 0; i < n && !r->bad; i++)
        g_ptr_array_add (rep->recipients, get_recipient (r));
    n = get_count (r, 4, &null);
    if (!null && !r->bad) {
        rep->warnings = g_ptr_array_new_with_free_func (g_free);
        for (guint32 i = 0; i < n && !r->bad; i++)
            g_ptr_array_add (rep->warnings, ba_wire_get_string (r));
    }
    if (r->bad || rep->kind > BA_KIND_FEEDBACK) {
        r->bad = TRUE;
        ba_report_free (rep);
        return NULL;
    }
    return rep;
}
