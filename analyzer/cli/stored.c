/* stored.c - a diagnosis read from the database as the one diagnosis
 * object of the output contract (emit.h). */
#include "commands.h"
#include "emit.h"
#include "storage-report.h"

#include <string.h>

void
stored_view_init (stored_view *sv, ba_store *st, const ba_diagnosis *d)
{
    ba_diagnosis_view *v = &sv->view;

    sv->captures = ba_store_captures_parse (d->captures);
    sv->feedback_type = ba_store_feedback_type (st, d->id);
    memset (v, 0, sizeof *v);
    v->has_id = TRUE;
    v->id = d->id;
    v->source = d->source;
    v->offset = d->offset;
    v->kind = d->kind;
    v->format = d->format;
    v->recipient = d->recipient;
    v->domain = d->domain;
    v->original_recipient = d->original_recipient;
    v->outcome = d->outcome;
    v->action = d->action;
    v->status = d->status;
    v->reported_status = d->reported_status;
    v->smtp_code = d->smtp_code;
    v->smtp_command = d->command;
    v->remote_mta = d->remote_mta;
    v->reporting_mta = d->reporting_mta;
    v->date = d->date;
    v->reason = d->reason;
    v->hard = d->hard;
    v->rule = d->rule;
    v->captures = sv->captures;
    v->diagnostic = d->diagnostic;
    v->feedback_type = sv->feedback_type;
    v->dnsbl = d->dnsbl;
    v->listed = d->listed;
    v->fault = d->fault;
    v->advice = d->advice;
    v->original_message_id = d->original_message_id;
    v->original_from = d->original_from;
    v->original_to = d->original_to;
    v->original_subject = d->original_subject;
    v->original_date = d->original_date;
    v->ruleset = d->ruleset;
}

void
stored_view_clear (stored_view *sv)
{
    g_ptr_array_unref (sv->captures);
    g_free (sv->feedback_type);
    ba_diagnosis_view_clear (&sv->view);
}
