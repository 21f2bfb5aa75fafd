/* ini.h - the INI dialect of rules/: GKeyFile's syntax ("[group]",
 * "key = value", '#' comments) but with repeatable keys, raw values (no
 * escape processing, so regexes keep their backslashes) and a line number
 * for every entry, so `rules check` can say file:line. */
#ifndef BA_INI_H
#define BA_INI_H

#include <glib.h>

typedef struct {
    char *key;
    char *value;
    int line;
} ba_ini_entry;

typedef struct {
    char *name;
    int line;
    GPtrArray *entries;         /* of ba_ini_entry*, in file order */
} ba_ini_group;

typedef struct {
    char *file;
    GPtrArray *groups;          /* of ba_ini_group*, in file order */
    char *text;                 /* the file's text, which every name, key and value points into */
} ba_ini;

/* Parse @text.  Lines that are not groups, entries or comments are
 * reported through @errors as (line, message) pairs appended by
 * @report; parsing goes on past them. */
typedef void (*ba_ini_report) (void *data, const char *file, int line, const char *message);

ba_ini *ba_ini_parse (const char *file, const char *text, gsize len,
                      ba_ini_report report, void *data);
ba_ini *ba_ini_load (const char *file, ba_ini_report report, void *data);
/* @report a printf-formatted message. */
void ba_ini_reportf (ba_ini_report report, void *data, const char *file, int line,
                     const char *fmt, ...) G_GNUC_PRINTF (5, 6);
void ba_ini_free (ba_ini *ini);

/* The last value of @key in @group, or NULL. */
const ba_ini_entry *ba_ini_get (const ba_ini_group *group, const char *key);

#endif
