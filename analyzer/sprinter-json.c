/* sprinter-json.c - the JSON backend of sprinter.h */
#include "sprinter.h"
#include "escape.h"

#include <string.h>

/* \uXXXX for @u, as a surrogate pair beyond the BMP (RFC 8259, 7). */
static void
append_u_escape (GString *out, gunichar u)
{
    if (u > 0xffff) {
        u -= 0x10000;
        g_string_append_printf (out, "\\u%04x\\u%04x", 0xd800 + (u >> 10), 0xdc00 + (u & 0x3ff));
    } else {
        g_string_append_printf (out, "\\u%04x", u);
    }
}

void
json_quote (GString *out, const char *s)
{
    const char *plain = s;
    /* printable ASCII with nothing to escape (keys, most values): one append, no UTF-8 check */
    while ((guchar) *plain >= 0x20 && (guchar) *plain < 0x7f && *plain != '"' && *plain != '\\')
        plain++;
    if (!*plain) {
        g_string_append_c (out, '"');
        g_string_append_len (out, s, plain - s);
        g_string_append_c (out, '"');
        return;
    }
    /* a valid string (nearly all) is read in place, not copied */
    char *repaired = g_utf8_validate (s, -1, NULL) ? NULL : g_utf8_make_valid (s, -1);
    const char *valid = repaired ? repaired : s;
    g_string_append_c (out, '"');
    for (const char *p = valid; *p; p = g_utf8_next_char (p)) {
        gunichar c;
        const char *run = p;
        /* a run of printable ASCII needs no escape: appended at once */
        while ((guchar) *p >= 0x20 && (guchar) *p < 0x7f && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            g_string_append_len (out, run, p - run);
        if (!*p)
            break;
        c = (guchar) *p < 0x80 ? (guchar) *p : g_utf8_get_char (p);
        switch (c) {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                g_string_append_c (out, (char) c);
                break;
            }
            /* C0 must be escaped; DEL, C1, format characters and U+2028/9
             * are too, so no terminal, viewer or eval acts on them. */
            if (ba_unichar_is_hidden (c))
                append_u_escape (out, c);
            else
                g_string_append_len (out, p, g_utf8_next_char (p) - p);
        }
    }
    g_string_append_c (out, '"');
    g_free (repaired);
}

typedef struct {
    sprinter base;
    FILE *file;
    GString *target;            /* when writing into a string */
    GString *buf;
    gboolean pretty;
    int depth;
    gboolean need_comma;
    gboolean after_key;
    GString *closers;           /* '}' or ']' per open level */
} json_sprinter;

static void
flush (json_sprinter *js)
{
    if (js->target) {
        g_string_append_len (js->target, js->buf->str, js->buf->len);
    } else if (js->buf->len) {
        fwrite (js->buf->str, 1, js->buf->len, js->file);
    }
    g_string_truncate (js->buf, 0);
}

static void
newline (json_sprinter *js)
{
    if (!js->pretty)
        return;
    g_string_append_c (js->buf, '\n');
    for (int i = 0; i < js->depth; i++)
        g_string_append (js->buf, "  ");
}

/* Before any value: a comma after a sibling, indentation. */
static void
before_value (json_sprinter *js)
{
    if (js->after_key) {
        js->after_key = FALSE;
        return;
    }
    if (js->need_comma)
        g_string_append_c (js->buf, ',');
    if (js->depth > 0)
        newline (js);
}

static void
json_begin (sprinter *sp, char c)
{
    json_sprinter *js = (json_sprinter *) sp;
    before_value (js);
    g_string_append_c (js->buf, c);
    g_string_append_c (js->closers, c == '{' ? '}' : ']');
    js->depth++;
    js->need_comma = FALSE;
}

static void json_begin_map (sprinter *sp) { json_begin (sp, '{'); }
static void json_begin_list (sprinter *sp) { json_begin (sp, '['); }

static void
json_end (sprinter *sp)
{
    json_sprinter *js = (json_sprinter *) sp;
    char closer;

    if (js->depth == 0)
        return;
    closer = js->closers->str[js->closers->len - 1];
    g_string_truncate (js->closers, js->closers->len - 1);
    js->depth--;
    if (js->need_comma)
        newline (js);
    g_string_append_c (js->buf, closer);
    js->need_comma = TRUE;
    if (js->depth == 0)
        flush (js);
}

static void
json_string (sprinter *sp, const char *s)
{
    json_sprinter *js = (json_sprinter *) sp;
    before_value (js);
    if (s)
        json_quote (js->buf, s);
    else
        g_string_append (js->buf, "null");
    js->need_comma = TRUE;
}

static void
json_integer (sprinter *sp, gint64 v)
{
    json_sprinter *js = (json_sprinter *) sp;
    before_value (js);
    g_string_append_printf (js->buf, "%" G_GINT64_FORMAT, v);
    js->need_comma = TRUE;
}

static void
json_boolean (sprinter *sp, gboolean v)
{
    json_sprinter *js = (json_sprinter *) sp;
    before_value (js);
    g_string_append (js->buf, v ? "true" : "false");
    js->need_comma = TRUE;
}

static void
json_null (sprinter *sp)
{
    json_string (sp, NULL);
}

static void
json_map_key (sprinter *sp, const char *key)
{
    json_sprinter *js = (json_sprinter *) sp;
    before_value (js);
    json_quote (js->buf, key);
    g_string_append (js->buf, js->pretty ? ": " : ":");
    js->after_key = TRUE;
    js->need_comma = TRUE;
}

static void
json_separator (sprinter *sp)
{
    json_sprinter *js = (json_sprinter *) sp;
    if (js->depth == 0) {
        g_string_append_c (js->buf, '\n');
        js->need_comma = FALSE;
        flush (js);
    }
}

static void
json_free (sprinter *sp)
{
    json_sprinter *js = (json_sprinter *) sp;
    flush (js);
    g_string_free (js->buf, TRUE);
    g_string_free (js->closers, TRUE);
    g_free (js);
}

static json_sprinter *
json_new (void)
{
    json_sprinter *js = g_new0 (json_sprinter, 1);
    js->base.begin_map = json_begin_map;
    js->base.begin_list = json_begin_list;
    js->base.end = json_end;
    js->base.string = json_string;
    js->base.integer = json_integer;
    js->base.boolean = json_boolean;
    js->base.null = json_null;
    js->base.map_key = json_map_key;
    js->base.separator = json_separator;
    js->base.free = json_free;
    js->buf = g_string_new (NULL);
    js->closers = g_string_new (NULL);
    return js;
}

sprinter *
sprinter_json_new (FILE *out, gboolean pretty)
{
    json_sprinter *js = json_new ();
    js->file = out;
    js->pretty = pretty;
    return &js->base;
}

sprinter *
sprinter_json_new_string (GString *out)
{
    json_sprinter *js = json_new ();
    js->target = out;
    return &js->base;
}
