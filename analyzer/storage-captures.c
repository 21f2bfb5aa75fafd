/* storage-captures.c - the captures column: a rule's named groups as a
 * flat JSON object of strings, written with the JSON sprinter and read
 * with json-glib. */
#include "storage-private.h"
#include "context.h"
#include "emit.h"
#include "sprinter.h"

#include <json-glib/json-glib.h>

char *
ba_store_captures_json (const ba_recipient *r)
{
    GString *out = g_string_new (NULL);
    sprinter *sp = sprinter_json_new_string (out);
    ba_emit_captures (sp, r);
    sp->free (sp);
    return g_string_free (out, FALSE);
}

GPtrArray *
ba_store_captures_parse (const char *json)
{
    GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_capture_free);
    JsonParser *parser;
    JsonNode *root;

    if (!json || !*json)
        return out;
    parser = json_parser_new_immutable ();
    root = json_parser_load_from_data (parser, json, -1, NULL) ? json_parser_get_root (parser) : NULL;
    if (root && JSON_NODE_HOLDS_OBJECT (root)) {
        JsonObject *obj = json_node_get_object (root);
        GList *names = json_object_get_members (obj);
        for (GList *l = names; l; l = l->next) {
            JsonNode *v = json_object_get_member (obj, l->data);
            ba_capture *c;
            if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
                continue;
            c = g_new0 (ba_capture, 1);
            c->name = g_strdup (l->data);
            c->value = g_strdup (json_node_get_string (v));
            g_ptr_array_add (out, c);
        }
        g_list_free (names);
    }
    g_object_unref (parser);
    return out;
}
