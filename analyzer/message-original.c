/* message-original.c - the returned message (a message/rfc822 part and its
 * kin).  GMime is told to leave it a plain part (ba_original_register), so
 * the reader does not build its MIME tree; only its header block is parsed,
 * and the whole of it only when it is itself analysed (a forwarded bounce).
 * Both give what GMime's own message part would have held: the same bytes
 * go through the same parser. */
#include "message-private.h"
#include "capstream.h"
#include "reader-private.h"

#include <string.h>

/* The subtypes GMime 3.2 parses as a message (gmime-parser.c, is_rfc822). */
static const char *const message_subtypes[] = { "rfc822", "rfc2822", "global", "news" };

void
ba_original_register (void)
{
    for (guint i = 0; i < G_N_ELEMENTS (message_subtypes); i++)
        g_mime_object_register_type ("message", message_subtypes[i], GMIME_TYPE_PART);
}

gboolean
ba_original_is_message (GMimeObject *obj)
{
    GMimeContentType *ct = GMIME_IS_PART (obj) ? g_mime_object_get_content_type (obj) : NULL;
    const char *type = ct ? g_mime_content_type_get_media_type (ct) : NULL;
    const char *subtype = ct ? g_mime_content_type_get_media_subtype (ct) : NULL;
    GMimeHeaderList *hl;
    gboolean known = FALSE;

    if (!type || !subtype || g_ascii_strcasecmp (type, "message"))
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS (message_subtypes); i++)
        known = known || !g_ascii_strcasecmp (subtype, message_subtypes[i]);
    if (!known)
        return FALSE;
    /* GMime leaves an encoded one a plain part, judged by the first
     * Content-Transfer-Encoding field alone */
    hl = g_mime_object_get_header_list (obj);
    for (int i = 0; hl && i < g_mime_header_list_get_count (hl); i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at (hl, i);
        if (g_ascii_strcasecmp (g_mime_header_get_name (h), "Content-Transfer-Encoding"))
            continue;
        switch (g_mime_content_encoding_from_string (g_mime_header_get_raw_value (h))) {
        case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
        case GMIME_CONTENT_ENCODING_UUENCODE:
        case GMIME_CONTENT_ENCODING_BASE64:
            return FALSE;
        default:
            return TRUE;
        }
    }
    return TRUE;
}

/* The part's content as it came, as a new stream, or NULL when empty
 * (GMime's message part holds no message then). */
static GMimeStream *
content_stream (GMimeObject *part)
{
    GMimeDataWrapper *w = g_mime_part_get_content (GMIME_PART (part));
    GMimeStream *src = w ? g_mime_data_wrapper_get_stream (w) : NULL;
    GMimeStream *sub;

    if (!src || g_mime_stream_length (src) == 0)
        return NULL;
    sub = g_mime_stream_substream (src, src->bound_start, src->bound_end);
    g_mime_stream_reset (sub);
    return sub;
}

static GMimeMessage *
parse_stream (GMimeStream *stream)
{
    GMimeParser *parser = g_mime_parser_new_with_stream (stream);
    GMimeMessage *m = g_mime_parser_construct_message (parser, NULL);
    g_object_unref (parser);
    return m;
}

/* Past the blank line that ends a header block in @buf, or 0: the search
 * goes on from @from (a line start). */
static gsize
header_block_end (const GByteArray *buf, gsize *from)
{
    const guint8 *d = buf->data;
    gsize i = *from;

    while (i < buf->len) {
        const guint8 *nl = memchr (d + i, '\n', buf->len - i);
        if (!nl)
            break;
        gsize line = (gsize) (nl - d) - i;
        if (line == 0 || (line == 1 && d[i] == '\r'))
            return (gsize) (nl - d) + 1;
        i = (gsize) (nl - d) + 1;
    }
    *from = i;
    return 0;
}

void
ba_returned_free (ba_returned *r)
{
    if (!r)
        return;
    g_ptr_array_unref (r->names);
    g_ptr_array_unref (r->values);
    g_clear_object (&r->from);
    g_clear_object (&r->to);
    g_free (r);
}

/* The raw value of the first (@last FALSE) or last field named @name, or NULL. */
const char *
ba_returned_get (const ba_returned *r, const char *name, gboolean last)
{
    const char *found = NULL;
    for (guint i = 0; r && i < r->names->len; i++) {
        if (g_ascii_strcasecmp (g_ptr_array_index (r->names, i), name))
            continue;
        found = g_ptr_array_index (r->values, i);
        if (!last)
            break;
    }
    return found;
}

/* The addresses of every field named @name, in order, or NULL. */
static InternetAddressList *
field_addresses (const ba_returned *r, const char *name)
{
    InternetAddressList *all = NULL;
    for (guint i = 0; i < r->names->len; i++) {
        InternetAddressList *one;
        if (g_ascii_strcasecmp (g_ptr_array_index (r->names, i), name))
            continue;
        one = internet_address_list_parse (NULL, g_ptr_array_index (r->values, i));
        if (!all)
            all = internet_address_list_new ();
        if (one) {
            internet_address_list_append (all, one);
            g_object_unref (one);
        }
    }
    return all;
}

/* From and To as GMime's message reads them: all the fields of each. */
static void
returned_addresses (ba_returned *r)
{
    r->from = field_addresses (r, "From");
    r->to = field_addresses (r, "To");
}

ba_returned *
ba_returned_from_message (GMimeMessage *m)
{
    ba_returned *r = g_new0 (ba_returned, 1);
    GMimeHeaderList *hl = g_mime_object_get_header_list (GMIME_OBJECT (m));

    r->names = g_ptr_array_new_with_free_func (g_free);
    r->values = g_ptr_array_new_with_free_func (g_free);
    for (int i = 0; hl && i < g_mime_header_list_get_count (hl); i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at (hl, i);
        const char *raw = g_mime_header_get_raw_value (h);
        g_ptr_array_add (r->names, g_strdup (g_mime_header_get_name (h)));
        g_ptr_array_add (r->values, g_strdup (raw ? raw : ""));
    }
    if (g_mime_message_get_from (m))
        r->from = g_object_ref (g_mime_message_get_from (m));
    if (g_mime_message_get_to (m))
        r->to = g_object_ref (g_mime_message_get_to (m));
    return r;
}

/* GMime's character classes (gmime-table-private.h): a blank is a space or
 * a tab, a control character is below 32 or 127. */
static gboolean
gm_blank (char c)
{
    return c == ' ' || c == '\t';
}

static gboolean
gm_ctrl (char c)
{
    return (guchar) c < 32 || c == 127;
}

/* GMime's header_buffer_parse: one field from the text of its lines.
 * FALSE when its name is invalid; a Content-* field counts but is left
 * out (GMime gives it to the part, not to the message). */
static gboolean
field_parse (ba_returned *r, const char *field)
{
    const char *p = field, *name_end;
    gboolean blank = FALSE;

    while (*p && *p != ':') {
        if (gm_blank (*p))
            blank = TRUE;
        else if (blank || gm_ctrl (*p))
            break;
        p++;
    }
    if (*p != ':')
        return FALSE;
    name_end = p;
    while (name_end > field && gm_blank (name_end[-1]))
        name_end--;
    if (g_ascii_strncasecmp (field, "Content-", 8) || name_end - field < 8) {
        g_ptr_array_add (r->names, g_strndup (field, (gsize) (name_end - field)));
        g_ptr_array_add (r->values, g_strdup (p + 1));
    }
    return TRUE;
}

/* Is the line at @line (of @len bytes, its line end included) a valid
 * field's start?  GMime's step_headers scan of the field name. */
static gboolean
field_start_valid (const char *line, gsize len)
{
    gboolean blank = FALSE;
    if (len && line[0] == ':')
        return FALSE;
    for (gsize i = 0; i < len; i++) {
        if (line[i] == ':')
            return TRUE;
        if (gm_blank (line[i]))
            blank = TRUE;
        else if (blank || gm_ctrl (line[i]))
            return FALSE;
    }
    return FALSE;
}

ba_returned *
ba_returned_read (const char *bytes, gsize len, gboolean toplevel)
{
    ba_returned *r = g_new0 (ba_returned, 1);
    GString *field = g_string_new (NULL);
    gboolean check_folded = FALSE, scanning_name = TRUE, valid = TRUE;
    guint parsed = 0;           /* fields GMime's parser took, Content-* ones included */
    gsize at = 0;

    r->names = g_ptr_array_new_with_free_func (g_free);
    r->values = g_ptr_array_new_with_free_func (g_free);
    while (at < len) {
        const char *line = bytes + at, *nl = memchr (line, '\n', len - at);
        gsize n = nl ? (gsize) (nl - line) + 1 : len - at;
        gboolean eoln;

        if (check_folded && !gm_blank (line[0])) {
            parsed += field_parse (r, field->str);
            g_string_truncate (field, 0);
            scanning_name = TRUE;
            check_folded = FALSE;
            valid = TRUE;
        }
        eoln = line[0] == '\n' || (line[0] == '\r' && n > 1 && line[1] == '\n');
        if (eoln)
            break;
        if (scanning_name) {
            valid = field_start_valid (line, n);
            if (!valid && !parsed && toplevel) {
                /* GMime gives no message for a top-level header block that
                 * starts with neither a field nor a From_ line */
                gsize skip = line[0] == '>';
                if (n - skip < 5 || strncmp (line + skip, "From ", 5)) {
                    g_string_free (field, TRUE);
                    ba_returned_free (r);
                    return NULL;
                }
            }
        }
        scanning_name = FALSE;
        if (!valid && !parsed) {
            /* a line before the first field is skipped (GMime's preheader) */
            scanning_name = TRUE;
            check_folded = FALSE;
            valid = TRUE;
        } else {
            g_string_append_len (field, line, (gssize) n);
            /* a last line without its end: the part's boundary line followed */
            if (line[n - 1] != '\n')
                g_string_append_c (field, '\n');
            check_folded = TRUE;
        }
        at += n;
    }
    if (field->len)
        field_parse (r, field->str);
    g_string_free (field, TRUE);
    returned_addresses (r);
    return r;
}

ba_returned *
ba_original_headers (GMimeObject *part)
{
    /* the capping stream lets no header block grow past this */
    const gsize max = BA_CAP_BLOCK + 2 * BA_CAP_FIELD;
    GMimeStream *sub = content_stream (part);
    GByteArray *buf;
    gsize end = 0, from = 0;
    ba_returned *r;

    if (!sub)
        return NULL;
    buf = g_byte_array_sized_new (4096);
    while (!end && buf->len < max) {
        guint old = buf->len;
        gsize want = MIN ((gsize) 4096, max - old);
        ssize_t n;
        g_byte_array_set_size (buf, old + want);
        n = g_mime_stream_read (sub, (char *) buf->data + old, want);
        g_byte_array_set_size (buf, old + (n > 0 ? (guint) n : 0));
        if (n <= 0)
            break;
        end = header_block_end (buf, &from);
    }
    g_object_unref (sub);
    r = ba_returned_read ((const char *) buf->data, end ? end : buf->len, FALSE);
    g_byte_array_unref (buf);
    return r;
}

GMimeMessage *
ba_original_message (GMimeObject *part)
{
    GMimeStream *sub = content_stream (part);
    GMimeMessage *m;

    if (!sub)
        return NULL;
    m = parse_stream (sub);
    g_object_unref (sub);
    return m;
}
