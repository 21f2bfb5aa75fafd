/* ini.c - see ini.h */
#include "ini.h"
#include "small-file.h"

#include <stdarg.h>
#include <string.h>

static void
group_free (gpointer p)
{
    ba_ini_group *g = p;
    g_ptr_array_unref (g->entries);
    g_free (g);
}

void
ba_ini_free (ba_ini *ini)
{
    if (!ini)
        return;
    g_free (ini->file);
    g_free (ini->text);
    g_ptr_array_unref (ini->groups);
    g_free (ini);
}

ba_ini *
ba_ini_parse (const char *file, const char *text, gsize len,
              ba_ini_report report, void *data)
{
    ba_ini *ini = g_new0 (ba_ini, 1);
    ba_ini_group *group = NULL;
    char *p, *end;
    int lineno = 0;

    ini->file = g_strdup (file);
    ini->groups = g_ptr_array_new_with_free_func (group_free);
    /* one copy, cut into lines in place: names, keys and values point into it */
    ini->text = g_malloc (len + 1);
    memcpy (ini->text, text, len);
    ini->text[len] = '\0';
    p = ini->text;
    end = ini->text + len;

    while (p < end) {
        char *nl = memchr (p, '\n', end - p);
        char *s;

        lineno++;
        if (nl)
            *nl = '\0';
        s = g_strstrip (p);
        p = nl ? nl + 1 : end;

        if (*s == '\0' || *s == '#' || *s == ';') {
            /* blank or comment */
        } else if (*s == '[') {
            char *close = strrchr (s, ']');
            if (!close || close[1] != '\0' || close == s + 1) {
                if (report)
                    report (data, file, lineno, "malformed group header, expected [name]");
            } else {
                *close = '\0';
                group = g_new0 (ba_ini_group, 1);
                group->name = g_strstrip (s + 1);
                group->line = lineno;
                group->entries = g_ptr_array_new_with_free_func (g_free);
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
                *eq = '\0';
                if (*g_strstrip (s) == '\0') {
                    if (report)
                        report (data, file, lineno, "empty key");
                } else {
                    ba_ini_entry *e = g_new (ba_ini_entry, 1);
                    e->key = s;
                    e->value = g_strstrip (eq + 1);
                    e->line = lineno;
                    g_ptr_array_add (group->entries, e);
                }
            }
        }
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
