/* sprinter.h - one structured-output interface, a backend per format
 * (after notmuch's sprinter.h).  Callers describe values; the backend
 * places separators and escapes. */
#ifndef BA_SPRINTER_H
#define BA_SPRINTER_H

#include <glib.h>
#include <stdio.h>

typedef struct sprinter sprinter;

struct sprinter {
    void (*begin_map) (sprinter *sp);
    void (*begin_list) (sprinter *sp);
    void (*end) (sprinter *sp);
    void (*string) (sprinter *sp, const char *s);       /* NULL prints null */
    void (*integer) (sprinter *sp, gint64 v);
    void (*boolean) (sprinter *sp, gboolean v);
    void (*null) (sprinter *sp);
    void (*map_key) (sprinter *sp, const char *key);
    /* End of one top-level value (ndjson: a newline). */
    void (*separator) (sprinter *sp);
    void (*free) (sprinter *sp);
};

/* JSON to @out; @pretty indents, otherwise one value per line. */
sprinter *sprinter_json_new (FILE *out, gboolean pretty);
/* JSON into a GString (for storing captures as JSON). */
sprinter *sprinter_json_new_string (GString *out);

/* Append @s to @out as a JSON string literal, quotes included.  Invalid
 * UTF-8 becomes U+FFFD; every character of ba_unichar_is_hidden() (C0,
 * DEL, C1, format characters such as bidi controls, U+2028, U+2029) is
 * escaped as \uXXXX (C0's short forms where JSON has them). */
void json_quote (GString *out, const char *s);

#endif
