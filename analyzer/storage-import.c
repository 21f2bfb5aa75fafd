/* storage-import.c - NDJSON into the store (see storage.h): the lines of
 * `export`, or of `analyze --format ndjson`, through ingest's writer, in
 * its transactions.  Consecutive lines of one message make one message:
 * those with the same stored.identity (export), else the same source and
 * offset (analyze).  An analyzed message has no stored identity; it gets
 * one from what names the bounce (source, offset, kind, the
 * original Message-ID, and each recipient with its date, status and
 * diagnostic), so importing the same output twice stores it once while a
 * re-analysis with other rules is still the same message.  Keys not known
 * here are ignored. */
#include "storage-ingest.h"
#include "context.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* A longer line is not a diagnosis: it is refused, not read into memory. */
#define MAX_LINE 4194304
/* What export writes nests 3 deep. */
#define MAX_DEPTH 32
/* The analysis itself never reports more recipients for one bounce. */
#define MAX_RECIPIENTS 10000

typedef struct {
    ba_ingest *ing;
    const char *input;          /* the input's name, for messages */
    ba_import_stats *stats;
    guint64 line_no;
    op *o;                      /* the message being gathered, or NULL */
    char *key;                  /* what its lines share */
    GChecksum *naming;          /* for an analyzed message's identity */
} importer;

/* The string at @key of @obj; NULL when absent or null.  FALSE when it is
 * there and not a string. */
static gboolean
get_text (JsonObject *obj, const char *key, const char **out)
{
    JsonNode *n = obj ? json_object_get_member (obj, key) : NULL;
    *out = NULL;
    if (!n || JSON_NODE_HOLDS_NULL (n))
        return TRUE;
    if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        return FALSE;
    *out = json_node_get_string (n);
    return TRUE;
}

static char *
dup_text (JsonObject *obj, const char *key, gboolean *ok)
{
    const char *v;
    if (!get_text (obj, key, &v))
        *ok = FALSE;
    return g_strdup (v);
}

/* The integer at @key of @obj, *@set FALSE when absent or null. */
static gint64
get_int (JsonObject *obj, const char *key, gboolean *set, gboolean *ok)
{
    JsonNode *n = obj ? json_object_get_member (obj, key) : NULL;
    *set = FALSE;
    if (!n || JSON_NODE_HOLDS_NULL (n))
        return 0;
    if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64) {
        *ok = FALSE;
        return 0;
    }
    *set = TRUE;
    return json_node_get_int (n);
}

static JsonObject *
get_object (JsonObject *obj, const char *key, gboolean *ok)
{
    JsonNode *n = json_object_get_member (obj, key);
    if (!n || JSON_NODE_HOLDS_NULL (n))
        return NULL;
    if (!JSON_NODE_HOLDS_OBJECT (n)) {
        *ok = FALSE;
        return NULL;
    }
    return json_node_get_object (n);
}

static gboolean
kind_of (const char *name, ba_kind *out)
{
    for (int k = BA_KIND_OTHER; k <= BA_KIND_FEEDBACK; k++)
        if (name && !strcmp (name, ba_kind_name ((ba_kind) k))) {
            *out = (ba_kind) k;
            return TRUE;
        }
    return FALSE;
}

/* What the analysis allocates for a recipient (message.c keeps its own
 * free function to itself). */
static void
naming_add (GChecksum *sum, const char *s)
{
    /* a 0 byte ends each part, so parts cannot run into each other */
    g_checksum_update (sum, (const guchar *) (s ? s : ""), s ? (gssize) strlen (s) + 1 : 1);
}

/* Queue the gathered message. */
static gboolean
finish_message (importer *im, GError **error)
{
    op *o = im->o;
    if (!o)
        return TRUE;
    im->o = NULL;
    g_clear_pointer (&im->key, g_free);
    if (!o->identity) {
        o->hash = g_strdup (g_checksum_get_string (im->naming));
        o->identity = g_strconcat ("analyzed:", o->hash, NULL);
    }
    g_checksum_reset (im->naming);
    im->stats->messages++;
    if (!ba_writer_queue (im->ing, o, error))
        return FALSE;
    if (++im->ing->batch >= im->ing->batch_size) {
        im->ing->batch = 0;
        return ba_writer_queue (im->ing, ba_op_new (OP_COMMIT), error);
    }
    return TRUE;
}

/* A new message from the line @line, of @stored (NULL: an analyzed line). */
static op *
start_message (importer *im, JsonObject *line, JsonObject *stored, gboolean *ok)
{
    op *o = ba_op_new (OP_INSERT);
    ba_report *rep = g_new0 (ba_report, 1);
    JsonObject *orig = get_object (line, "original", ok);
    const char *kind;
    gboolean set;

    o->rep = rep;
    rep->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_recipient_free);
    rep->source = dup_text (line, "source", ok);
    rep->offset = get_int (line, "offset", &set, ok);
    if (!set)
        rep->offset = -1;
    if (!get_text (line, "kind", &kind) || !kind_of (kind, &rep->kind))
        *ok = FALSE;
    rep->reporting_mta = dup_text (line, "reporting_mta", ok);
    rep->original.message_id = dup_text (orig, "message_id", ok);
    rep->original.from = dup_text (orig, "from", ok);
    rep->original.to = dup_text (orig, "to", ok);
    rep->original.subject = dup_text (orig, "subject", ok);
    rep->original.date = dup_text (orig, "date", ok);
    o->source = g_strdup (rep->source ? rep->source : "-");
    o->offset = rep->offset;
    o->size = -1;
    o->imported = TRUE;
    if (stored) {
        o->identity = dup_text (stored, "identity", ok);
        o->hash = dup_text (stored, "content_hash", ok);
        o->key = dup_text (stored, "content_key", ok);
        o->size = get_int (stored, "size", &set, ok);
        if (!set)
            o->size = -1;
        o->name = dup_text (stored, "name", ok);
        o->host = dup_text (stored, "host", ok);
        o->ingested_at = dup_text (stored, "ingested_at", ok);
        /* one rule set marks a message's verdicts (reclassify marks all) */
        o->ruleset = dup_text (stored, "ruleset", ok);
        rep->format = dup_text (stored, "format", ok);
        rep->date = dup_text (stored, "bounce_date", ok);
        rep->from = dup_text (stored, "bounce_from", ok);
        rep->subject = dup_text (stored, "bounce_subject", ok);
        if (!o->identity || !o->hash)
            *ok = FALSE;
    } else {
        /* analyze's "date" is the attempt's, else the bounce's */
        rep->date = dup_text (line, "date", ok);
        o->host = g_strdup (im->ing->host);
        naming_add (im->naming, o->source);
        naming_add (im->naming, kind);
        naming_add (im->naming, rep->original.message_id);
        {
            char off[24];
            g_snprintf (off, sizeof off, "%" G_GINT64_FORMAT, rep->offset);
            naming_add (im->naming, off);
        }
    }
    return o;
}

/* The recipient of @line, of @stored (NULL: an analyzed line), or NULL
 * when the line is of a message without any. */
static ba_recipient *
read_recipient (importer *im, JsonObject *line, JsonObject *stored, gboolean *ok)
{
    ba_recipient *r;
    const char *reason, *fault, *command, *address;
    JsonObject *caps;
    gboolean set, hard_set = FALSE;
    gint64 code;

    if (!get_text (line, "recipient", &address))
        *ok = FALSE;
    if (!address && stored)
        return NULL;
    r = g_new0 (ba_recipient, 1);
    r->recipient = g_strdup (address);
    r->action = dup_text (line, "action", ok);
    r->status = dup_text (line, "status", ok);
    r->reported_status = dup_text (line, "reported_status", ok);
    code = get_int (line, "smtp_code", &set, ok);
    r->smtp_code = set && code > 0 && code < 1000 ? (int) code : 0;
    if (!get_text (line, "smtp_command", &command))
        *ok = FALSE;
    r->command = command ? g_intern_string (command) : NULL;
    r->remote_mta = dup_text (line, "remote_mta", ok);
    r->diagnostic = dup_text (line, "diagnostic", ok);
    r->feedback_type = dup_text (line, "feedback_type", ok);
    if (!get_text (line, "reason", &reason) || !reason || !*reason)
        *ok = FALSE;
    r->reason = reason ? g_intern_string (reason) : NULL;
    if (!get_text (line, "fault", &fault))
        *ok = FALSE;
    r->fault = fault ? g_intern_string (fault) : NULL;
    r->rule = dup_text (line, "rule", ok);
    r->dnsbl = dup_text (line, "dnsbl", ok);
    r->listed = dup_text (line, "listed", ok);
    r->advice = dup_text (line, "advice", ok);
    {
        JsonNode *n = json_object_get_member (line, "hard_bounce");
        if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN) {
            r->hard = json_node_get_boolean (n);
            hard_set = TRUE;
        }
        if (!hard_set)
            *ok = FALSE;
    }
    r->captures = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_capture_free);
    caps = get_object (line, "captures", ok);
    if (caps) {
        GList *names = json_object_get_members (caps);
        for (GList *l = names; l; l = l->next) {
            const char *v;
            ba_capture *c;
            if (!get_text (caps, l->data, &v) || !v) {
                *ok = FALSE;
                continue;
            }
            c = g_new0 (ba_capture, 1);
            c->name = g_strdup (l->data);
            c->value = g_strdup (v);
            g_ptr_array_add (r->captures, c);
        }
        g_list_free (names);
    }
    if (stored) {
        r->original_recipient = dup_text (stored, "original_recipient", ok);
        r->last_attempt = dup_text (stored, "last_attempt", ok);
    } else {
        naming_add (im->naming, r->recipient);
        naming_add (im->naming, json_object_get_string_member_with_default (line, "date", ""));
        naming_add (im->naming, r->status);
        naming_add (im->naming, r->diagnostic);
    }
    return r;
}

/* What the lines of one message share. */
static char *
key_of (JsonObject *line, JsonObject *stored)
{
    const char *identity = NULL, *source = NULL;
    gboolean set, ok = TRUE;
    gint64 offset;
    if (stored && get_text (stored, "identity", &identity) && identity)
        return g_strconcat ("i", identity, NULL);
    get_text (line, "source", &source);
    offset = get_int (line, "offset", &set, &ok);
    return g_strdup_printf ("s%" G_GINT64_FORMAT ":%s", set ? offset : -1, source ? source : "");
}

static gboolean
import_line (importer *im, const char *text, gsize len, GError **error)
{
    JsonParser *parser = json_parser_new ();
    JsonNode *root;
    JsonObject *line, *stored;
    gboolean ok = TRUE;
    char *key;
    ba_recipient *r = NULL;
    GError *err = NULL;

    if (!json_parser_load_from_data (parser, text, (gssize) len, &err)
        || !(root = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (root)) {
        g_printerr ("bounce-analyzer: import: %s: line %" G_GUINT64_FORMAT ": not a JSON object%s%s\n",
                    im->input, im->line_no, err ? ": " : "", err ? err->message : "");
        g_clear_error (&err);
        g_object_unref (parser);
        im->stats->errors++;
        return TRUE;
    }
    line = json_node_get_object (root);
    stored = get_object (line, "stored", &ok);
    key = key_of (line, stored);
    if (!im->o || g_strcmp0 (key, im->key) != 0) {
        if (!finish_message (im, error)) {
            g_free (key);
            g_object_unref (parser);
            return FALSE;
        }
        im->o = start_message (im, line, stored, &ok);
        im->key = key;
        key = NULL;
    }
    g_free (key);
    if (ok)
        r = read_recipient (im, line, stored, &ok);
    if (!ok || (r && im->o->rep->recipients->len >= MAX_RECIPIENTS)) {
        g_printerr ("bounce-analyzer: import: %s: line %" G_GUINT64_FORMAT ": %s\n", im->input,
                    im->line_no, ok ? "too many recipients for one message: left out"
                                    : "a key has a value of the wrong type, or a needed key is missing: left out");
        ba_recipient_free (r);
        im->stats->errors++;
        if (im->o->rep->recipients->len == 0) {
            /* nothing read of this message: do not store it half */
            ba_op_free (im->o);
            im->o = NULL;
            g_clear_pointer (&im->key, g_free);
            g_checksum_reset (im->naming);
        }
    } else if (r) {
        g_ptr_array_add (im->o->rep->recipients, r);
        im->stats->recipients++;
    }
    g_object_unref (parser);
    return TRUE;
}

/* Does @text nest arrays and objects deeper than @max?  json-glib
 * recurses once per level, so a deep line would exhaust the stack. */
static gboolean
too_deep (const char *text, gsize len, int max)
{
    int depth = 0;
    gboolean in_string = FALSE;
    for (gsize i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = FALSE;
        } else if (c == '"') {
            in_string = TRUE;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                return TRUE;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return FALSE;
}

/* One line of @in (without its newline) into @line; FALSE at the end.
 * *@refused says why it is left out ("" when it is not), its bytes then
 * skipped, never held. */
static gboolean
read_line (FILE *in, GString *line, const char **refused)
{
    int c;
    gboolean any = FALSE;
    g_string_truncate (line, 0);
    *refused = "";
    while ((c = getc (in)) != EOF) {
        any = TRUE;
        if (c == '\n')
            return TRUE;
        if (**refused)
            continue;
        if (c == '\0')
            *refused = "it has a NUL byte";
        else if (line->len >= MAX_LINE)
            *refused = "it is longer than 4 MiB";
        else
            g_string_append_c (line, (char) c);
        if (**refused)
            g_string_truncate (line, 0);
    }
    return any;
}

gboolean
ba_store_import (ba_ingest *ing, FILE *in, const char *input, ba_import_stats *stats, GError **error)
{
    importer im = { 0 };
    GString *line = g_string_new (NULL);
    const char *refused;
    gboolean ok = TRUE;

    im.ing = ing;
    im.input = input;
    im.stats = stats;
    im.naming = g_checksum_new (G_CHECKSUM_SHA256);
    while (ok && read_line (in, line, &refused)) {
        im.line_no++;
        if (!*refused && too_deep (line->str, line->len, MAX_DEPTH))
            refused = "it nests deeper than " G_STRINGIFY (MAX_DEPTH) " levels";
        if (*refused) {
            g_printerr ("bounce-analyzer: import: %s: line %" G_GUINT64_FORMAT ": left out: %s\n",
                        input, im.line_no, refused);
            stats->lines++;
            stats->errors++;
            continue;
        }
        g_strchomp (line->str);
        if (!*line->str)
            continue;
        stats->lines++;
        ok = import_line (&im, line->str, strlen (line->str), error);
    }
    if (ok && ferror (in)) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: read error", input);
        ok = FALSE;
    }
    if (ok)
        ok = finish_message (&im, error);
    if (im.o)
        ba_op_free (im.o);
    g_free (im.key);
    g_checksum_free (im.naming);
    g_string_free (line, TRUE);
    return ok;
}
