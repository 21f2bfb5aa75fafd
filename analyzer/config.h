/* config.h - the settings of a run: built-in defaults, then config files
 * (GKeyFile, group [bounce-analyzer]), then the environment; the command's
 * options come last and are applied by the CLI.  Each setting remembers
 * where its value came from, for `bounce-analyzer config`. */
#ifndef BA_CONFIG_H
#define BA_CONFIG_H

#include <glib.h>

#define BA_CONFIG_GROUP "bounce-analyzer"

typedef enum {
    BA_SETTING_DB,
    BA_SETTING_RULES,
    BA_SETTING_SITE_RULES,
    BA_SETTING_FORMAT,
    BA_SETTING_TIMEZONE,
    BA_N_SETTINGS
} ba_setting_key;

typedef struct {
    char *value;                /* NULL: not set (site-rules: joined with ':' for display) */
    char **list;                /* site-rules only */
    char *origin;               /* "default", "/etc/bounce-analyzer/config:3", "$BOUNCE_ANALYZER_DB" */
} ba_setting;

typedef struct {
    ba_setting settings[BA_N_SETTINGS];
    GPtrArray *files;           /* the config files read, in order */
} ba_config;

/* The key's name in a config file ("db", "site-rules", ...). */
const char *ba_setting_name (ba_setting_key key);
/* The environment variable that sets @key ("BOUNCE_ANALYZER_DB", ...). */
const char *ba_setting_env (ba_setting_key key);

ba_config *ba_config_new (void);
void ba_config_free (ba_config *cfg);

/* Read @path over the settings so far.  A missing file is skipped unless
 * @must_exist; a syntax error, an unknown group or key, or a bad value
 * fails with @error naming the file and the key. */
gboolean ba_config_read_file (ba_config *cfg, const char *path, gboolean must_exist, GError **error);

/* Apply BOUNCE_ANALYZER_DB, _RULES, _SITE_RULES (':'-separated), _FORMAT
 * and _TIMEZONE; an empty variable is ignored; a bad value fails. */
gboolean ba_config_read_environment (ba_config *cfg, GError **error);

/* Set @key from an option (origin "--OPTION"); FALSE with @error for a bad value. */
gboolean ba_config_set (ba_config *cfg, ba_setting_key key, const char *value, const char *origin,
                        GError **error);

/* The rules directory of an installation whose binary is @exe: the source
 * tree's when @exe's directory has the build-tree marker CMake writes
 * (its first line names that tree's rules), else @exe/../share/bounce-analyzer/rules.
 * Newly allocated; NULL when @exe is NULL. */
char *ba_config_rules_near (const char *exe);

/* The name of the build-tree marker file next to a binary built in place. */
#define BA_BUILD_TREE_MARKER "bounce-analyzer-build-tree"

#endif
