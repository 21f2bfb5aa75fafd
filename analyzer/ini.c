/* ini.c - see ini.h */
#include "ini.h"
#include "small-file.h"

#include <stdarg.h>
#include <string.h>

static void
entry_free (gpointer p)
{
    ba_ini_entry *e = p;
    g_free (e->key);
    g_free (e->value);
    g_free (e);
}

static void
group_free (gpointer p)
{
    ba_ini_group *g = p;
    g_free (g->name);
    g_ptr_array_unref (g->entries);
    g_free (g);
}

void
ba_ini_free (ba_ini *ini)
{
    if (!ini)
        return;
    g_free (ini->file);
    g_ptr_array_unref (ini->groups);
    g_free (ini);
}

ba_ini *
ba_ini_parse (const char *file, const char *text, gsize len,
              ba_ini_report report, void *data)
{
    ba_ini *ini = g_new0 (ba_ini, 1);
    ba_ini_group *group = NULL;
    const char *p = text, *end = text + len;
    int lineno = 0;

    ini->file = g_strdup (file);
    ini->groups = g_ptr_array_new_with_free_func (group_free);

    while (p < end) {
        const char *nl = memchr (p, '\n', end - p);
        const char *eol = nl ? nl : end;
        char *line = g_strndup (p, eol - p);
        char *s;

        lineno++;
        p = nl ? nl + 1 : end;
        s = g_strstrip (line);

        if (*s == '\0' || *s == '#' || *s == ';') {
            /* blank or comment */
        } else if (*s == '[') {
            char *close = strrchr (s, ']');
            if (!close || close[1] != '\0' || close == s + 1) {
                if (report)
                    report (data, file, lineno, "malformed group header, expected [name]");
            } else {
                group = g_new0 (ba_ini_group, 1);
                group->name = g_strndup (s + 1, close - s - 1);
                g_strstrip (group->name);
                group->line = lineno;
                group->entries = g_ptr_array_new_with_free_func (entry_free);
                g_ptr_array_add (ini->groups, group);
            }
        } else {
            char *eq = strchr (s, '=');
            if (!eq) {
                if (report)
                    report (data, file, lineno, "expected 'key = value', a [group] or a # comment");
            } else if (!group) {
                if (report)
                    report (data, file, lineno, "entry before the first [group]");
            } else {
                ba_ini_entry *e = g_new0 (ba_ini_entry, 1);
                e->key = g_strndup (s, eq - s);
                g_strstrip (e->key);
                e->value = g_strdup (eq + 1);
                g_strstrip (e->value);
                e->line = lineno;
                if (*e->key == '\0') {
                    if (report)
                        report (data, file, lineno, "empty key");
                    entry_free (e);
                } else {
                    g_ptr_array_add (group->entries, e);
                }
            }
        }
        g_free (line);
    }
    return ini;
}

ba_ini *
ba_ini_load (const char *file, ba_ini_report report, void *data)
{
    char *text = NULL;
    gsize len = 0;
    GError *err = NULL;
    ba_ini *ini;

    if (!ba_read_small_file (file, BA_RULE_FILE_MAX, &text, &len, &err)) {
        if (report)
            report (data, file, 0, err->message);
        g_error_free (err);
        return NULL;
    }
    ini = ba_ini_parse (file, text, len, report, data);
    g_free (text);
    return ini;
}

const ba_ini_entry *
ba_ini_get (const ba_ini_group *group, const char *key)
{
    for (guint i = group->entries->len; i > 0; i--) {
        const ba_ini_entry *e = g_ptr_array_index (group->entries, i - 1);
        if (strcmp (e->key, key) == 0)
            return e;
    }
    return NULL;
}

void
ba_ini_reportf (ba_ini_report report, void *data, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start (ap, fmt);
    msg = g_strdup_vprintf (fmt, ap);
    va_end (ap);
    report (data, file, line, msg);
    g_free (msg);
}
