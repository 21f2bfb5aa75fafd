/* store-options.c - what the database commands (ingest, why, search,
 * report, reclassify) share: --db, --since/--until, dates, CSV. */
#include "commands.h"
#include "emit.h"
#include "escape.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The database to use: --db, else the settings' (config, $BOUNCE_ANALYZER_DB, bounces.db). */
static const char *
db_path (const char *db)
{
    const char *set = cli_setting (BA_SETTING_DB);
    return db ? db : set ? set : ba_store_default_path ();
}

void
db_option_add (GOptionContext *ctx, char **db)
{
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, db,
          "the database (default: the config's db, $BOUNCE_ANALYZER_DB, else bounces.db here)", "FILE" },
        { NULL }
    };
    g_option_context_add_main_entries (ctx, entries, NULL);
}

void
host_option_add (GOptionContext *ctx, char **host, gboolean ingesting)
{
    GOptionEntry query[] = {
        { "host", 0, 0, G_OPTION_ARG_STRING, host,
          "only messages that host NAME ingested (see ingest --host-name)", "NAME" },
        { NULL }
    };
    GOptionEntry ingest[] = {
        { "host-name", 0, 0, G_OPTION_ARG_STRING, host,
          "the host recorded as ingesting the messages (default: this machine's name)", "NAME" },
        { NULL }
    };
    g_option_context_add_main_entries (ctx, ingesting ? ingest : query, NULL);
}

gboolean
check_host_name (const char *command, const char *option, const char *host)
{
    gboolean good = host && *host && strlen (host) <= 253 && g_utf8_validate (host, -1, NULL);
    for (const char *p = host; good && *p; p = g_utf8_next_char (p)) {
        gunichar c = g_utf8_get_char (p);
        good = !g_unichar_isspace (c) && !g_unichar_iscntrl (c) && !ba_unichar_is_hidden (c);
    }
    if (!host || good)
        return TRUE;
    warn ("%s: %s needs a host name: up to 253 characters, without spaces or control characters",
          command, option);
    return FALSE;
}

ba_store *
open_store (const char *command, const char *db, gboolean create)
{
    GError *err = NULL;
    ba_store *st = ba_store_open (db_path (db), create, &err);
    if (!st) {
        warn ("%s: %s", command, err->message);
        g_error_free (err);
    }
    return st;
}

ba_store *
open_store_locked (const char *command, const char *db, gboolean create, int *status)
{
    ba_store *st;
    char *lock, *safe;
    gboolean made = FALSE;
    int fd;

    /* PostgreSQL: several ingests may write at once; the server's advisory
     * locks order their batches, and there is no file to lock beside it */
    if (ba_store_names_pg (db_path (db))) {
        st = open_store (command, db, create);
        if (!st)
            *status = EXIT_INPUT;
        return st;
    }
    /* the lock before the store: a second run opening a store the first is
     * still creating would wait on SQLite's lock instead of leaving at once */
    lock = g_strconcat (db_path (db), ".lock", NULL);
    safe = ba_safe_text (lock);
    /* read-only, and made with the store's mode: whoever may write a shared store can lock it */
    fd = open (lock, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0)
        made = TRUE;
    else if (errno == EEXIST)
        fd = open (lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int saved = errno;
        /* the store's own error (no directory, read-only) says more than the lock's */
        st = open_store (command, db, create);
        if (st)
            warn ("%s: cannot open the lock file %s: %s", command, safe, g_strerror (saved));
        g_clear_pointer (&st, ba_store_free);
        *status = EXIT_INPUT;
    } else if (flock (fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno == EWOULDBLOCK) {
            warn ("%s: another bounce-analyzer run is writing this database (it holds %s); "
                  "this run did nothing: try again when it has finished", command, safe);
            *status = EXIT_LOCKED;
        } else {
            warn ("%s: cannot lock %s: %s", command, safe, g_strerror (errno));
            *status = EXIT_INPUT;
        }
        close (fd);
        st = NULL;
    } else {
        st = open_store (command, db, create);
        if (!st) {
            close (fd);
            *status = EXIT_INPUT;
        } else if (made) {
            struct stat dbst;
            if (stat (ba_store_path (st), &dbst) == 0)
                (void) fchmod (fd, dbst.st_mode & 0666);
        }
        /* otherwise the descriptor stays open: the lock lasts until this process ends */
    }
    g_free (lock);
    g_free (safe);
    return st;
}

ba_store *
open_store_to_read (const char *command, const char *db)
{
    GError *err = NULL;
    ba_store *st = ba_store_open_readonly (db_path (db), &err);
    if (!st) {
        warn ("%s: %s", command, err->message);
        g_error_free (err);
    }
    return st;
}

gboolean
store_read_was_stable (const char *command, const ba_store *st)
{
    GError *err = NULL;
    if (!st || ba_store_unchanged (st, &err))
        return TRUE;
    warn ("%s: %s", command, err->message);
    g_error_free (err);
    return FALSE;
}

/* Has @s a letter or digit, and no control or format character? */
static gboolean
has_word (const char *s, const char *end)
{
    gboolean word = FALSE;
    for (const char *p = s; p < end && *p; p = g_utf8_next_char (p)) {
        gunichar c = g_utf8_get_char (p);
        if (ba_unichar_is_hidden (c))
            return FALSE;
        word |= g_unichar_isalnum (c);
    }
    return word;
}

gboolean
check_target (const char *command, const char *option, const char *s)
{
    const char *at;
    gboolean good;
    char *safe;

    if (!s)
        return TRUE;
    at = strrchr (s, '@');
    if (!g_utf8_validate (s, -1, NULL))
        good = FALSE;
    else if (at && at > s)
        good = has_word (s, at) && has_word (at + 1, at + 1 + strlen (at + 1));
    else
        good = has_word (at ? at + 1 : s, s + strlen (s));
    if (good)
        return TRUE;
    safe = ba_safe_text (s);
    if (!*safe)
        warn ("%s: %san empty address or domain matches nothing: give one like user@example.com "
              "or example.com", command, option ? option : "");
    else
        warn ("%s: %s'%s' is not an address or a domain: give one like user@example.com or example.com",
              command, option ? option : "", safe);
    g_free (safe);
    return FALSE;
}

gboolean
parse_period (const char *command, const char *since, const char *until, ba_query *q)
{
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    const char *bad = NULL;

    if (since) {
        q->has_since = ba_store_parse_time (since, now, FALSE, &q->since);
        if (!q->has_since)
            bad = since;
    }
    if (until && !bad) {
        q->has_until = ba_store_parse_time (until, now, TRUE, &q->until);
        if (!q->has_until)
            bad = until;
    }
    if (bad) {
        warn ("%s: '%s' is not a date: use 2008-03-25, 2008-03-25T09:00, or 7d, 24h, 2w, 30m back from now",
              command, bad);
        return FALSE;
    }
    return TRUE;
}

char *
local_time (gint64 t, const char *fmt)
{
    GDateTime *dt = g_date_time_new_from_unix_local (t);
    char *s;
    if (!dt)
        return g_strdup ("?");
    s = g_date_time_format (dt, fmt);
    g_date_time_unref (dt);
    return s;
}

void
csv_end (FILE *out, GString *line)
{
    g_string_append (line, "\r\n");
    fwrite (line->str, 1, line->len, out);
    g_string_truncate (line, 0);
}

char *
ba_unix_to_utc (gint64 t)
{
    GDateTime *dt = g_date_time_new_from_unix_utc (t);
    char *s;
    if (!dt)
        return NULL;
    s = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref (dt);
    return s;
}
