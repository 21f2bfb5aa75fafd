/* storage-sqlite-schema.c - the SQLite schema of the store and its
 * migrations (described in README.md), and the check that a file is ours. */
#include "storage-sqlite.h"

/* "boun": marks the file as ours for PRAGMA application_id. */
#define APPLICATION_ID 0x626f756e

/* Version 1.  Times are unix seconds (UTC); dates ISO 8601 as the
 * messages wrote them. */
static const char schema_v1[] =
    "CREATE TABLE messages (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  identity TEXT NOT NULL UNIQUE,\n"
    "  source TEXT NOT NULL,\n"
    "  mbox_offset INTEGER,\n"
    "  name TEXT,\n"
    "  size INTEGER,\n"
    "  content_hash TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  format TEXT,\n"
    "  bounce_date TEXT,\n"
    "  bounce_time INTEGER,\n"
    "  bounce_from TEXT,\n"
    "  bounce_subject TEXT,\n"
    "  reporting_mta TEXT,\n"
    "  original_message_id TEXT,\n"
    "  original_from TEXT,\n"
    "  original_sender TEXT,\n"
    "  original_to TEXT,\n"
    "  original_subject TEXT,\n"
    "  original_date TEXT,\n"
    "  ingested_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX messages_by_offset ON messages (mbox_offset) WHERE mbox_offset IS NOT NULL;\n"
    "CREATE INDEX messages_by_sender ON messages (original_sender);\n"
    "CREATE INDEX messages_by_time ON messages (bounce_time);\n"

    "CREATE TABLE recipients (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,\n"
    "  position INTEGER NOT NULL,\n"
    "  address TEXT NOT NULL,\n"
    "  domain TEXT,\n"
    "  original_recipient TEXT,\n"
    "  original_domain TEXT,\n"
    "  action TEXT,\n"
    "  status TEXT,\n"
    "  reported_status TEXT,\n"
    "  smtp_code INTEGER,\n"
    "  remote_mta TEXT,\n"
    "  command TEXT,\n"
    "  diagnostic TEXT,\n"
    "  last_attempt TEXT,\n"
    "  time INTEGER,\n"
    "  feedback_type TEXT,\n"
    "  reason TEXT NOT NULL,\n"
    "  hard INTEGER NOT NULL,\n"
    "  rule TEXT,\n"
    "  captures TEXT NOT NULL DEFAULT '{}',\n"
    "  dnsbl TEXT,\n"
    "  listed TEXT,\n"
    "  fault TEXT,\n"
    "  advice TEXT,\n"
    "  ruleset TEXT,\n"
    "  UNIQUE (message_id, position)\n"
    ");\n"
    "CREATE INDEX recipients_by_address ON recipients (address COLLATE NOCASE, time);\n"
    "CREATE INDEX recipients_by_domain ON recipients (domain, time);\n"
    "CREATE INDEX recipients_by_original ON recipients (original_recipient COLLATE NOCASE, time)\n"
    "  WHERE original_recipient IS NOT NULL;\n"
    "CREATE INDEX recipients_by_original_domain ON recipients (original_domain, time)\n"
    "  WHERE original_domain IS NOT NULL;\n"
    "CREATE INDEX recipients_by_reason ON recipients (reason, time);\n"
    "CREATE INDEX recipients_by_time ON recipients (time);\n"
    "CREATE INDEX recipients_by_dnsbl ON recipients (dnsbl, time) WHERE dnsbl IS NOT NULL;\n"

    /* full-text search over the servers' words.  Ingest adds each batch's
     * rows in one statement at commit (a row at a time costs FTS5 a flush
     * per row); triggers keep deletes and updates in step. */
    "CREATE VIRTUAL TABLE diagnostics_fts USING fts5 (\n"
    "  diagnostic, content = 'recipients', content_rowid = 'id',\n"
    "  tokenize = 'unicode61 remove_diacritics 2');\n"
    "CREATE TRIGGER recipients_fts_delete AFTER DELETE ON recipients BEGIN\n"
    "  INSERT INTO diagnostics_fts (diagnostics_fts, rowid, diagnostic)\n"
    "  VALUES ('delete', old.id, old.diagnostic);\n"
    " END;\n"
    "CREATE TRIGGER recipients_fts_update AFTER UPDATE OF diagnostic ON recipients BEGIN\n"
    "  INSERT INTO diagnostics_fts (diagnostics_fts, rowid, diagnostic)\n"
    "  VALUES ('delete', old.id, old.diagnostic);\n"
    "  INSERT INTO diagnostics_fts (rowid, diagnostic) VALUES (new.id, new.diagnostic);\n"
    " END;\n"

    "CREATE TABLE sources (\n"
    "  path TEXT PRIMARY KEY,\n"
    "  kind TEXT NOT NULL,\n"
    "  size INTEGER,\n"
    "  resume_offset INTEGER,\n"
    "  last_message_offset INTEGER,\n"
    "  head_length INTEGER,\n"
    "  head_hash TEXT,\n"
    "  tail_hash TEXT,\n"
    "  first_ingest TEXT NOT NULL,\n"
    "  last_ingest TEXT NOT NULL\n"
    ");\n"

    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);\n"

    "CREATE VIEW diagnoses AS SELECT\n"
    "  r.id, r.message_id, r.position, m.source, m.mbox_offset, m.name, m.content_hash, m.kind, m.format,\n"
    "  m.bounce_date, m.reporting_mta,\n"
    "  r.address AS recipient, r.domain, r.original_recipient, r.original_domain,\n"
    "  r.action, r.status, r.reported_status, r.smtp_code, r.remote_mta, r.command, r.diagnostic,\n"
    "  coalesce (r.last_attempt, m.bounce_date) AS date, r.time,\n"
    "  date (r.time, 'unixepoch') AS day,\n"
    "  r.reason, r.hard, r.rule, r.captures, r.dnsbl, r.listed, r.fault, r.advice, r.ruleset,\n"
    "  CASE WHEN r.reason = 'delivered' THEN 'delivered'\n"
    "       WHEN r.reason = 'vacation' OR m.kind = 'autoreply' THEN 'autoreply'\n"
    "       WHEN r.reason = 'feedback' OR m.kind = 'feedback' THEN 'feedback'\n"
    "       WHEN lower (r.action) = 'delayed' THEN 'delayed'\n"
    "       ELSE 'failed' END AS outcome,\n"
    "  m.original_message_id, m.original_from, m.original_sender, m.original_to,\n"
    "  m.original_subject, m.original_date, m.ingested_at\n"
    " FROM recipients r JOIN messages m ON m.id = r.message_id;\n"

    "CREATE VIEW failures AS SELECT * FROM diagnoses WHERE outcome = 'failed';\n"
    "CREATE VIEW failures_per_day AS\n"
    " SELECT day, domain, count(*) AS failures, sum (hard) AS hard\n"
    " FROM failures GROUP BY day, domain;\n"
    "CREATE VIEW failures_by_reason AS\n"
    " SELECT reason, count(*) AS failures, sum (hard) AS hard,\n"
    "  count (DISTINCT domain) AS domains,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', min (time), 'unixepoch') AS first_seen,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', max (time), 'unixepoch') AS last_seen\n"
    " FROM failures GROUP BY reason;\n"
    "CREATE VIEW failures_by_domain AS\n"
    " SELECT domain, count(*) AS failures, sum (hard) AS hard,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', min (time), 'unixepoch') AS first_seen,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', max (time), 'unixepoch') AS last_seen\n"
    " FROM failures GROUP BY domain;\n"
    "CREATE VIEW failures_by_remote_mta AS\n"
    " SELECT remote_mta, count(*) AS failures, count (DISTINCT domain) AS domains,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', min (time), 'unixepoch') AS first_seen,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', max (time), 'unixepoch') AS last_seen\n"
    " FROM failures WHERE remote_mta IS NOT NULL GROUP BY remote_mta;\n"
    "CREATE VIEW blacklists_cited AS\n"
    " SELECT dnsbl, count(*) AS citations, count (DISTINCT domain) AS domains,\n"
    "  count (DISTINCT listed) AS listed,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', min (time), 'unixepoch') AS first_seen,\n"
    "  strftime ('%Y-%m-%dT%H:%M:%SZ', max (time), 'unixepoch') AS last_seen\n"
    " FROM diagnoses WHERE dnsbl IS NOT NULL GROUP BY dnsbl;\n";

/* Version 2: a message is the same message wherever it is filed.  Its
 * content_key (storage-hash.c) is unique; every place it was found is a
 * location, keyed by what was the message's identity in version 1, and
 * the message's source, offset and name are where it was last found.
 * Messages of version 1 have no content key until the next ingest reads
 * them again: their mboxes are read once more from the start (head_hash
 * NULL), their files are opened once more. */
static const char schema_v2[] =
    "ALTER TABLE messages ADD COLUMN content_key TEXT;\n"
    "CREATE UNIQUE INDEX messages_by_content_key ON messages (content_key);\n"
    "CREATE TABLE locations (\n"
    "  key TEXT PRIMARY KEY,\n"
    "  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,\n"
    "  source TEXT NOT NULL,\n"
    "  mbox_offset INTEGER,\n"
    "  name TEXT,\n"
    "  first_seen TEXT NOT NULL,\n"
    "  last_seen TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX locations_by_message ON locations (message_id);\n"
    "INSERT INTO locations (key, message_id, source, mbox_offset, name, first_seen, last_seen)\n"
    "  SELECT identity, id, source, mbox_offset, name, ingested_at, ingested_at FROM messages;\n"
    "UPDATE sources SET head_hash = NULL WHERE kind = 'mbox';\n";

/* Step i takes the schema from version i to i + 1.  Append a step for
 * each schema change; never edit one that has shipped. */
static const char *const migrations[] = {
    schema_v1,
    schema_v2,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == BA_STORE_SCHEMA_VERSION);

gboolean
ba_sqlite_migrate (ba_store *st, int from, GError **error)
{
    for (int v = from; v < BA_STORE_SCHEMA_VERSION; v++) {
        char pragma[64];
        if (!ba_sql_exec (st, "BEGIN IMMEDIATE", error))
            return FALSE;
        /* another process may have migrated while we waited for the lock */
        if (ba_sqlite_int (st, "PRAGMA user_version", NULL) > v) {
            ba_sql_exec (st, "COMMIT", NULL);
            continue;
        }
        g_snprintf (pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (!ba_sql_exec (st, migrations[v], error) || !ba_sql_exec (st, pragma, error)) {
            ba_sql_exec (st, "ROLLBACK", NULL);
            g_prefix_error (error, "upgrading the database to schema version %d: ", v + 1);
            return FALSE;
        }
        if (v == 0) {
            g_snprintf (pragma, sizeof pragma, "PRAGMA application_id = %d", APPLICATION_ID);
            if (!ba_sql_exec (st, pragma, error)) {
                ba_sql_exec (st, "ROLLBACK", NULL);
                return FALSE;
            }
        }
        if (!ba_sql_exec (st, "COMMIT", error)) {
            ba_sql_exec (st, "ROLLBACK", NULL);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
ba_sqlite_check_identity (ba_store *st, gint64 *version, GError **error)
{
    gint64 app, tables = -1;

    app = ba_sqlite_int (st, "PRAGMA application_id", error);
    *version = app < 0 ? -1 : ba_sqlite_int (st, "PRAGMA user_version", error);
    if (*version >= 0)
        tables = ba_sqlite_int (st, "SELECT count(*) FROM sqlite_schema", error);
    if (tables < 0)
        return FALSE;
    if ((app != 0 && app != APPLICATION_ID) || (app == 0 && *version == 0 && tables > 0)) {
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_NOT_OURS,
                     "%s is an SQLite database of another program, not of bounce-analyzer", st->path);
        return FALSE;
    }
    if (*version > BA_STORE_SCHEMA_VERSION) {
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_TOO_NEW,
                     "%s has schema version %" G_GINT64_FORMAT ", newer than this bounce-analyzer "
                     "(%s) knows (up to %d): use a newer bounce-analyzer",
                     st->path, *version, BA_VERSION, BA_STORE_SCHEMA_VERSION);
        return FALSE;
    }
    return TRUE;
}

