/* emit.c - see emit.h */
#include "emit.h"
#include "escape.h"

#include <string.h>

void
ba_emit_captures (sprinter *sp, const ba_recipient *r)
{
    sp->begin_map (sp);
    for (guint i = 0; r->captures && i < r->captures->len; i++) {
        const ba_capture *c = g_ptr_array_index (r->captures, i);
        sp->map_key (sp, c->name);
        sp->string (sp, c->value);
    }
    sp->end (sp);
}

void
ba_emit_recipient (sprinter *sp, const ba_report *rep, const ba_recipient *r)
{
    ba_diagnosis_view v;
    ba_diagnosis_view_of_recipient (&v, rep, r, NULL);
    ba_emit_diagnosis (sp, &v, TRUE, NULL, NULL);
    ba_diagnosis_view_clear (&v);
}

char *
ba_safe_text (const char *s)
{
    GString *out;
    char *valid;

    if (!s)
        return g_strdup ("");
    if (ba_printable_ascii (s))
        return g_strdup (s);
    valid = g_utf8_make_valid (s, -1);
    out = g_string_sized_new (strlen (valid));
    for (const char *p = valid; *p; p = g_utf8_next_char (p)) {
        gunichar c = g_utf8_get_char (p);
        /* Controls could move the cursor or rewrite the screen; format
         * characters could reorder or hide what is read. */
        if (c == '\t' || c == '\n' || c == 0x2028 || c == 0x2029)
            g_string_append_c (out, ' ');
        else if (c < 0x20 || (c >= 0x7f && c < 0xa0))
            g_string_append_c (out, '?');
        else if (!ba_unichar_is_hidden (c))
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
    g_free (valid);
    return g_string_free (out, FALSE);
}

void
ba_print_field (FILE *out, const char *label, const char *value)
{
    char *safe;
    if (!value || !*value)
        return;
    safe = ba_safe_text (value);
    fprintf (out, "  %-12s %s\n", label, safe);
    g_free (safe);
}

const char *
ba_fault_words (const char *fault)
{
    if (!fault)
        return "unknown";
    if (!strcmp (fault, "sending-system"))
        return "our sending system";
    if (!strcmp (fault, "sender"))
        return "the sender";
    if (!strcmp (fault, "recipient"))
        return "the recipient's mailbox";
    if (!strcmp (fault, "receiving-system"))
        return "the receiving system";
    if (!strcmp (fault, "none"))
        return "nobody (not a failure)";
    return "unknown";
}

void
ba_emit_text (FILE *out, const ba_report *rep)
{
    char *src = ba_safe_text (rep->source);
    if (rep->offset >= 0)
        fprintf (out, "%s @%" G_GINT64_FORMAT ": %s", src, rep->offset, ba_kind_name (rep->kind));
    else
        fprintf (out, "%s: %s", src, ba_kind_name (rep->kind));
    if (rep->format)
        fprintf (out, " (%s)", rep->format);
    fputc ('\n', out);
    g_free (src);

    for (guint i = 0; i < rep->recipients->len; i++) {
        const ba_recipient *r = g_ptr_array_index (rep->recipients, i);
        char *who = ba_safe_text (r->recipient);
        char verdict[256];
        char *captures = NULL;

        fprintf (out, "  %s\n", *who ? who : "(the bounce names no recipient)");
        g_free (who);
        /* a delay warning is not a failure yet: say so before its reason */
        g_snprintf (verdict, sizeof verdict, "%s%s, %s%s%s",
                    r->action && !g_ascii_strcasecmp (r->action, "delayed") ? "delay warning (still being retried): " : "",
                    r->reason,
                    r->hard ? "hard bounce (retrying will not help)" : "soft",
                    r->status ? ", status " : "", r->status ? r->status : "");
        ba_print_field (out, "fault:", ba_fault_words (r->fault));
        ba_print_field (out, "advice:", r->advice);
        ba_print_field (out, "verdict:", verdict);
        ba_print_field (out, "server said:", r->diagnostic);
        ba_print_field (out, "remote MTA:", r->remote_mta);
        if (r->dnsbl) {
            char *b = g_strdup_printf ("%s%s%s", r->dnsbl, r->listed ? ", listed: " : "",
                                       r->listed ? r->listed : "");
            ba_print_field (out, "blacklist:", b);
            g_free (b);
        }
        if (r->captures && r->captures->len) {
            GString *c = g_string_new (NULL);
            for (guint j = 0; j < r->captures->len; j++) {
                const ba_capture *cap = g_ptr_array_index (r->captures, j);
                g_string_append_printf (c, "%s%s=%s", j ? ", " : "", cap->name, cap->value);
            }
            captures = g_string_free (c, FALSE);
        }
        ba_print_field (out, "rule:", ba_decided_by (r));
        ba_print_field (out, "captured:", captures);
        g_free (captures);
        {
            char *when = ba_iso_to_local (r->last_attempt ? r->last_attempt : rep->date);
            ba_print_field (out, "date:", when);
            g_free (when);
        }
    }
    if (rep->original.subject || rep->original.date || rep->original.message_id) {
        ba_print_field (out, "original:", rep->original.subject);
        char *sent = ba_iso_to_local (rep->original.date);
        ba_print_field (out, "sent:", sent);
        g_free (sent);
        ba_print_field (out, "from:", rep->original.from);
        ba_print_field (out, "message-id:", rep->original.message_id);
    }
}

void
ba_emit_warnings (FILE *out, const ba_report *rep)
{
    if (!rep->warnings)
        return;
    for (guint i = 0; i < rep->warnings->len; i++) {
        char *src = ba_safe_text (rep->source), *w = ba_safe_text (g_ptr_array_index (rep->warnings, i));
        if (rep->offset >= 0)
            fprintf (out, "bounce-analyzer: %s: offset %" G_GINT64_FORMAT ": warning: %s\n", src, rep->offset, w);
        else
            fprintf (out, "bounce-analyzer: %s: warning: %s\n", src, w);
        g_free (src);
        g_free (w);
    }
}
