/* config.c - settings from config files and the environment (see config.h). */
#include "config.h"
#include "small-file.h"
#include "storage.h"

#include <string.h>

/* A config file is a few lines; anything bigger is not one. */
#define CONFIG_MAX_BYTES (256 * 1024)

static const struct {
    const char *name;
    const char *env;
} setting_names[BA_N_SETTINGS] = {
    [BA_SETTING_DB] = { "db", "BOUNCE_ANALYZER_DB" },
    [BA_SETTING_RULES] = { "rules", "BOUNCE_ANALYZER_RULES" },
    [BA_SETTING_SITE_RULES] = { "site-rules", "BOUNCE_ANALYZER_SITE_RULES" },
    [BA_SETTING_FORMAT] = { "format", "BOUNCE_ANALYZER_FORMAT" },
    [BA_SETTING_TIMEZONE] = { "timezone", "BOUNCE_ANALYZER_TIMEZONE" },
};

const char *
ba_setting_name (ba_setting_key key)
{
    return setting_names[key].name;
}

const char *
ba_setting_env (ba_setting_key key)
{
    return setting_names[key].env;
}

ba_config *
ba_config_new (void)
{
    ba_config *cfg = g_new0 (ba_config, 1);
    cfg->files = g_ptr_array_new_with_free_func (g_free);
    for (int k = 0; k < BA_N_SETTINGS; k++)
        cfg->settings[k].origin = g_strdup ("default");
    return cfg;
}

void
ba_config_free (ba_config *cfg)
{
    if (!cfg)
        return;
    for (int k = 0; k < BA_N_SETTINGS; k++) {
        g_free (cfg->settings[k].value);
        g_strfreev (cfg->settings[k].list);
        g_free (cfg->settings[k].origin);
    }
    g_ptr_array_unref (cfg->files);
    g_free (cfg);
}

static gboolean
bad_value (GError **error, const char *origin, ba_setting_key key, const char *value, const char *why)
{
    g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: %s '%s': %s", origin,
                 ba_setting_name (key), value, why);
    return FALSE;
}

/* @value with a leading "~/" replaced by the home directory; a path in a
 * config file must be absolute, because no working directory is implied. */
static char *
path_value (const char *value, gboolean in_file, const char *origin, ba_setting_key key, GError **error)
{
    if (!*value) {
        bad_value (error, origin, key, value, "an empty path");
        return NULL;
    }
    if (g_str_has_prefix (value, "~/"))
        return g_build_filename (g_get_home_dir (), value + 2, NULL);
    if (in_file && !g_path_is_absolute (value)) {
        bad_value (error, origin, key, value, "a path in a config file must be absolute (or start with ~/)");
        return NULL;
    }
    return g_strdup (value);
}

static gboolean
check_value (ba_setting_key key, const char *value, const char *origin, GError **error)
{
    GTimeZone *tz;
    if (strlen (value) > 4096 || !g_utf8_validate (value, -1, NULL))
        return bad_value (error, origin, key, "...", "not a short UTF-8 text");
    for (const char *p = value; *p; p++)
        if ((guchar) *p < 0x20 || *p == 0x7f)
            return bad_value (error, origin, key, "...", "a control character");
    switch (key) {
    case BA_SETTING_FORMAT:
        if (strcmp (value, "text") && strcmp (value, "json"))
            return bad_value (error, origin, key, value, "the default output format is text or json");
        return TRUE;
    case BA_SETTING_TIMEZONE:
        if (!strcmp (value, "local"))
            return TRUE;
        tz = g_time_zone_new_identifier (value);
        if (!tz)
            return bad_value (error, origin, key, value,
                              "not a time zone (use local, UTC, +02:00 or a name such as Europe/Berlin)");
        g_time_zone_unref (tz);
        return TRUE;
    case BA_SETTING_RULES:
        if (!g_file_test (value, G_FILE_TEST_IS_DIR))
            return bad_value (error, origin, key, value, "not a directory");
        return TRUE;
    default:
        return TRUE;
    }
}

static gboolean
set_one (ba_config *cfg, ba_setting_key key, const char *raw, gboolean in_file, const char *origin,
         GError **error)
{
    ba_setting *s = &cfg->settings[key];
    char *value;

    if (key == BA_SETTING_DB && ba_store_names_pg (raw)) {
        /* a PostgreSQL connection string, not a path */
        value = g_strdup (raw);
    } else if (key == BA_SETTING_DB || key == BA_SETTING_RULES) {
        if (!(value = path_value (raw, in_file, origin, key, error)))
            return FALSE;
    } else {
        value = g_strdup (raw);
    }
    if (!check_value (key, value, origin, error)) {
        g_free (value);
        return FALSE;
    }
    g_free (s->value);
    s->value = value;
    g_free (s->origin);
    s->origin = g_strdup (origin);
    return TRUE;
}

static gboolean
set_list (ba_config *cfg, ba_setting_key key, char **items, gboolean in_file, const char *origin,
          GError **error)
{
    ba_setting *s = &cfg->settings[key];
    GStrvBuilder *b = g_strv_builder_new ();
    char **list;

    for (int i = 0; items[i]; i++) {
        char *p;
        if (!*items[i])
            continue;
        if (!(p = path_value (items[i], in_file, origin, key, error)) || !check_value (key, p, origin, error)) {
            g_free (p);
            g_strv_builder_unref (b);
            return FALSE;
        }
        g_strv_builder_add (b, p);
        g_free (p);
    }
    list = g_strv_builder_end (b);
    g_strv_builder_unref (b);
    g_strfreev (s->list);
    s->list = list;
    g_free (s->value);
    s->value = g_strjoinv (":", list);
    g_free (s->origin);
    s->origin = g_strdup (origin);
    return TRUE;
}

static int
key_of (const char *name)
{
    for (int k = 0; k < BA_N_SETTINGS; k++)
        if (!strcmp (name, setting_names[k].name))
            return k;
    return -1;
}

gboolean
ba_config_read_file (ba_config *cfg, const char *path, gboolean must_exist, GError **error)
{
    GKeyFile *kf;
    char *text = NULL, **groups, **keys = NULL;
    gsize len;
    GError *err = NULL;
    gboolean ok = FALSE;

    if (!g_file_test (path, G_FILE_TEST_EXISTS) && !must_exist)
        return TRUE;
    /* /dev/null stands for "no settings"; a FIFO or another device would block or never end */
    if (!strcmp (path, "/dev/null")) {
        text = g_strdup ("");
        len = 0;
    } else if (!ba_read_small_file (path, CONFIG_MAX_BYTES, &text, &len, &err)) {
        g_set_error (error, G_FILE_ERROR, err->code, "config %s: %s", path, err->message);
        g_error_free (err);
        return FALSE;
    }
    if (memchr (text, '\0', len) || !g_utf8_validate (text, (gssize) len, NULL)) {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "config %s: not UTF-8 text", path);
        g_free (text);
        return FALSE;
    }
    kf = g_key_file_new ();
    if (!g_key_file_load_from_data (kf, text, len, G_KEY_FILE_NONE, &err)) {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "config %s: %s", path, err->message);
        g_error_free (err);
        goto out;
    }
    groups = g_key_file_get_groups (kf, NULL);
    for (int i = 0; groups[i]; i++)
        if (strcmp (groups[i], BA_CONFIG_GROUP)) {
            g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                         "config %s: unknown group [%s] (the only group is [" BA_CONFIG_GROUP "])", path,
                         groups[i]);
            g_strfreev (groups);
            goto out;
        }
    g_strfreev (groups);
    keys = g_key_file_has_group (kf, BA_CONFIG_GROUP) ? g_key_file_get_keys (kf, BA_CONFIG_GROUP, NULL, NULL)
                                                      : g_new0 (char *, 1);
    for (int i = 0; keys[i]; i++)
        if (key_of (keys[i]) < 0) {
            g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                         "config %s: unknown key '%s' (known: db, rules, site-rules, format, timezone)", path,
                         keys[i]);
            goto out;
        }
    for (int i = 0; keys[i]; i++) {
        int k = key_of (keys[i]);
        gboolean set;
        if (k == BA_SETTING_SITE_RULES) {
            char **items = g_key_file_get_string_list (kf, BA_CONFIG_GROUP, keys[i], NULL, &err);
            set = items && set_list (cfg, k, items, TRUE, path, error);
            g_strfreev (items);
        } else {
            char *v = g_key_file_get_string (kf, BA_CONFIG_GROUP, keys[i], &err);
            set = v && set_one (cfg, k, v, TRUE, path, error);
            g_free (v);
        }
        if (err) {
            g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "config %s: %s: %s", path,
                         keys[i], err->message);
            g_clear_error (&err);
        }
        if (!set)
            goto out;
    }
    g_ptr_array_add (cfg->files, g_strdup (path));
    ok = TRUE;
out:
    g_strfreev (keys);
    g_key_file_free (kf);
    g_free (text);
    return ok;
}

gboolean
ba_config_read_environment (ba_config *cfg, GError **error)
{
    for (int k = 0; k < BA_N_SETTINGS; k++) {
        const char *v = g_getenv (setting_names[k].env);
        char *origin;
        gboolean ok;
        if (!v || !*v)
            continue;
        origin = g_strconcat ("$", setting_names[k].env, NULL);
        if (k == BA_SETTING_SITE_RULES) {
            char **items = g_strsplit (v, ":", -1);
            ok = set_list (cfg, k, items, FALSE, origin, error);
            g_strfreev (items);
        } else {
            ok = set_one (cfg, k, v, FALSE, origin, error);
        }
        g_free (origin);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

gboolean
ba_config_set (ba_config *cfg, ba_setting_key key, const char *value, const char *origin, GError **error)
{
    if (key == BA_SETTING_SITE_RULES) {
        char *items[] = { (char *) value, NULL };
        return set_list (cfg, key, items, FALSE, origin, error);
    }
    return set_one (cfg, key, value, FALSE, origin, error);
}

char *
ba_config_rules_near (const char *exe)
{
    char *dir, *marker, *text = NULL, *rules;

    if (!exe)
        return NULL;
    dir = g_path_get_dirname (exe);
    marker = g_build_filename (dir, BA_BUILD_TREE_MARKER, NULL);
    if (g_file_get_contents (marker, &text, NULL, NULL) && *g_strstrip (text)) {
        char *nl = strchr (text, '\n');
        if (nl)
            *nl = '\0';
        rules = g_strdup (text);
    } else {
        char *parent = g_path_get_dirname (dir);
        rules = g_build_filename (parent, "share", "bounce-analyzer", "rules", NULL);
        g_free (parent);
    }
    g_free (text);
    g_free (marker);
    g_free (dir);
    return rules;
}
