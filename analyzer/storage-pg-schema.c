/* storage-pg-schema.c - the PostgreSQL store's schema: the same tables,
 * columns, indexes and views as SQLite's (storage-sqlite-schema.c), its
 * full-text column, and its migrations.  The version is kept in the meta
 * table ('schema_version'), beside 'application' = 'bounce-analyzer',
 * which marks the database as ours. */
#include "storage-pg.h"

#include <string.h>

/* The full-text configuration: simple (lower case, no stemming), through
 * unaccent first when the server has it. */
static const char words_config[] =
    "CREATE TEXT SEARCH CONFIGURATION bounce_words (COPY = pg_catalog.simple);\n";

/* The schema at BA_STORE_SCHEMA_VERSION: a new database gets it whole.
 * Times are unix seconds (UTC); dates ISO 8601 as the messages wrote them. */
static const char schema[] =
    /* Ids as SQLite gives them: one more than the largest (writers take
     * turns, so no two compute the same).  A sequence would skip one for
     * each insert that conflicts or rolls back, and ids are in the output.
     * A message is inserted alone, so the largest stored is enough; the
     * rows of one multi-row INSERT cannot see each other, so recipients
     * also count what this transaction gave. */
    "CREATE FUNCTION bounce_next_message_id () RETURNS BIGINT VOLATILE LANGUAGE plpgsql\n"
    " AS $$ BEGIN RETURN (SELECT coalesce (max (id), 0) + 1 FROM messages); END $$;\n"
    "CREATE FUNCTION bounce_next_recipient_id () RETURNS BIGINT VOLATILE LANGUAGE plpgsql AS $$\n"
    " DECLARE\n"
    "  given BIGINT := coalesce (nullif (current_setting ('bounce.last_recipient_id', true), '')::BIGINT, 0);\n"
    "  top BIGINT := (SELECT coalesce (max (id), 0) FROM recipients);\n"
    " BEGIN\n"
    "  top := greatest (top, given) + 1;\n"
    "  PERFORM set_config ('bounce.last_recipient_id', top::text, true);\n"
    "  RETURN top;\n"
    " END $$;\n"
    "CREATE TABLE messages (\n"
    "  id BIGINT PRIMARY KEY DEFAULT bounce_next_message_id (),\n"
    "  identity TEXT NOT NULL UNIQUE,\n"
    "  source TEXT NOT NULL,\n"
    "  mbox_offset BIGINT,\n"
    "  name TEXT,\n"
    "  size BIGINT,\n"
    "  content_hash TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  format TEXT,\n"
    "  bounce_date TEXT,\n"
    "  bounce_time BIGINT,\n"
    "  bounce_from TEXT,\n"
    "  bounce_subject TEXT,\n"
    "  reporting_mta TEXT,\n"
    "  original_message_id TEXT,\n"
    "  original_from TEXT,\n"
    "  original_sender TEXT,\n"
    "  original_to TEXT,\n"
    "  original_subject TEXT,\n"
    "  original_date TEXT,\n"
    "  ingested_at TEXT NOT NULL,\n"
    "  content_key TEXT UNIQUE,\n"
    "  host TEXT\n"
    ");\n"
    "CREATE INDEX messages_by_offset ON messages (mbox_offset) WHERE mbox_offset IS NOT NULL;\n"
    "CREATE INDEX messages_by_sender ON messages (original_sender);\n"
    "CREATE INDEX messages_by_time ON messages (bounce_time);\n"
    "CREATE INDEX messages_by_host ON messages (host) WHERE host IS NOT NULL;\n"

    "CREATE TABLE recipients (\n"
    "  id BIGINT PRIMARY KEY DEFAULT bounce_next_recipient_id (),\n"
    "  message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,\n"
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
    "  time BIGINT,\n"
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
    /* ASCII punctuation as spaces: the words FTS5's unicode61 would see */
    "  words TSVECTOR GENERATED ALWAYS AS (to_tsvector ('bounce_words',\n"
    "    regexp_replace (coalesce (diagnostic, ''), '[^0-9A-Za-z\\u0080-\\U0010ffff]+', ' ', 'g'))) STORED,\n"
    "  UNIQUE (message_id, position)\n"
    ");\n"
    "CREATE INDEX recipients_by_address ON recipients (lower (address), time);\n"
    "CREATE INDEX recipients_by_domain ON recipients (domain, time);\n"
    "CREATE INDEX recipients_by_original ON recipients (lower (original_recipient), time)\n"
    "  WHERE original_recipient IS NOT NULL;\n"
    "CREATE INDEX recipients_by_original_domain ON recipients (original_domain, time)\n"
    "  WHERE original_domain IS NOT NULL;\n"
    "CREATE INDEX recipients_by_reason ON recipients (reason, time);\n"
    "CREATE INDEX recipients_by_time ON recipients (time);\n"
    "CREATE INDEX recipients_by_dnsbl ON recipients (dnsbl, time) WHERE dnsbl IS NOT NULL;\n"
    "CREATE INDEX recipients_by_words ON recipients USING gin (words);\n"

    /* every place a message was found (see storage-sqlite-schema.c, version 2) */
    "CREATE TABLE locations (\n"
    "  key TEXT PRIMARY KEY,\n"
    "  message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,\n"
    "  source TEXT NOT NULL,\n"
    "  mbox_offset BIGINT,\n"
    "  name TEXT,\n"
    "  first_seen TEXT NOT NULL,\n"
    "  last_seen TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX locations_by_message ON locations (message_id);\n"

    "CREATE TABLE sources (\n"
    "  host TEXT NOT NULL DEFAULT '',\n"
    "  path TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  size BIGINT,\n"
    "  resume_offset BIGINT,\n"
    "  last_message_offset BIGINT,\n"
    "  head_length BIGINT,\n"
    "  head_hash TEXT,\n"
    "  tail_hash TEXT,\n"
    "  first_ingest TEXT NOT NULL,\n"
    "  last_ingest TEXT NOT NULL,\n"
    "  PRIMARY KEY (host, path)\n"
    ");\n"

    "CREATE VIEW diagnoses AS SELECT\n"
    "  r.id, r.message_id, r.position, m.source, m.mbox_offset, m.name, m.content_hash, m.kind, m.format,\n"
    "  m.bounce_date, m.reporting_mta,\n"
    "  r.address AS recipient, r.domain, r.original_recipient, r.original_domain,\n"
    "  r.action, r.status, r.reported_status, r.smtp_code, r.remote_mta, r.command, r.diagnostic,\n"
    "  coalesce (r.last_attempt, m.bounce_date) AS date, r.time,\n"
    "  to_char (to_timestamp (r.time) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,\n"
    "  r.reason, r.hard, r.rule, r.captures, r.dnsbl, r.listed, r.fault, r.advice, r.ruleset,\n"
    "  CASE WHEN r.reason = 'delivered' THEN 'delivered'\n"
    "       WHEN r.reason = 'vacation' OR m.kind = 'autoreply' THEN 'autoreply'\n"
    "       WHEN r.reason = 'feedback' OR m.kind = 'feedback' THEN 'feedback'\n"
    "       WHEN lower (r.action) = 'delayed' THEN 'delayed'\n"
    "       ELSE 'failed' END AS outcome,\n"
    "  m.original_message_id, m.original_from, m.original_sender, m.original_to,\n"
    "  m.original_subject, m.original_date, m.ingested_at, m.host\n"
    " FROM recipients r JOIN messages m ON m.id = r.message_id;\n"

    "CREATE VIEW failures AS SELECT * FROM diagnoses WHERE outcome = 'failed';\n"
    "CREATE VIEW failures_per_day AS\n"
    " SELECT day, domain, count(*) AS failures, sum (hard) AS hard\n"
    " FROM failures GROUP BY day, domain;\n"
    "CREATE FUNCTION bounce_iso_time (t BIGINT) RETURNS TEXT IMMUTABLE LANGUAGE sql\n"
    " AS $$ SELECT to_char (to_timestamp (t) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') $$;\n"
    "CREATE VIEW failures_by_reason AS\n"
    " SELECT reason, count(*) AS failures, sum (hard) AS hard,\n"
    "  count (DISTINCT domain) AS domains,\n"
    "  bounce_iso_time (min (time)) AS first_seen, bounce_iso_time (max (time)) AS last_seen\n"
    " FROM failures GROUP BY reason;\n"
    "CREATE VIEW failures_by_domain AS\n"
    " SELECT domain, count(*) AS failures, sum (hard) AS hard,\n"
    "  bounce_iso_time (min (time)) AS first_seen, bounce_iso_time (max (time)) AS last_seen\n"
    " FROM failures GROUP BY domain;\n"
    "CREATE VIEW failures_by_remote_mta AS\n"
    " SELECT remote_mta, count(*) AS failures, count (DISTINCT domain) AS domains,\n"
    "  bounce_iso_time (min (time)) AS first_seen, bounce_iso_time (max (time)) AS last_seen\n"
    " FROM failures WHERE remote_mta IS NOT NULL GROUP BY remote_mta;\n"
    "CREATE VIEW blacklists_cited AS\n"
    " SELECT dnsbl, count(*) AS citations, count (DISTINCT domain) AS domains,\n"
    "  count (DISTINCT listed) AS listed,\n"
    "  bounce_iso_time (min (time)) AS first_seen, bounce_iso_time (max (time)) AS last_seen\n"
    " FROM diagnoses WHERE dnsbl IS NOT NULL GROUP BY dnsbl;\n";

/* The first version a PostgreSQL store was made at: older SQLite
 * versions never existed here. */
#define PG_FIRST_VERSION 3

/* Step i takes the schema from version PG_FIRST_VERSION + i to the next.
 * Append a step for each schema change; never edit one that has shipped. */
static const char *const migrations[] = {
    NULL,                       /* none yet: C has no empty array */
};

G_STATIC_ASSERT (PG_FIRST_VERSION + G_N_ELEMENTS (migrations) - 1 == BA_STORE_SCHEMA_VERSION);

/* The single text value of @sql (one parameter @param or none), NULL
 * when there is no row; FALSE on failure. */
static gboolean
query_value (ba_store *st, const char *sql, const char *param, char **out, GError **error)
{
    const char *params[1] = { param };
    PGresult *res = ba_pg_query (st, sql, param ? 1 : 0, params, error);
    if (!res)
        return FALSE;
    *out = PQntuples (res) > 0 && !PQgetisnull (res, 0, 0) ? g_strdup (PQgetvalue (res, 0, 0)) : NULL;
    PQclear (res);
    return TRUE;
}

static gboolean
run (ba_store *st, const char *sql, GError **error)
{
    return st->be->exec (st, sql, error);
}

/* The version of our schema in @st: 0 for a database without it. */
static gboolean
schema_version (ba_store *st, gint64 *version, GError **error)
{
    char *meta = NULL, *app = NULL, *v = NULL;

    *version = 0;
    if (!query_value (st, "SELECT to_regclass ('meta')::text", NULL, &meta, error))
        return FALSE;
    if (!meta)
        return TRUE;
    g_free (meta);
    if (!query_value (st, "SELECT value FROM meta WHERE key = $1", "application", &app, error)
        || !query_value (st, "SELECT value FROM meta WHERE key = $1", "schema_version", &v, error)) {
        g_free (app);
        return FALSE;
    }
    if (g_strcmp0 (app, "bounce-analyzer") != 0) {
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_NOT_OURS,
                     "%s has a table 'meta' of another program: give bounce-analyzer a database "
                     "(or a schema, through search_path) of its own", st->path);
        g_free (app);
        g_free (v);
        return FALSE;
    }
    *version = v ? g_ascii_strtoll (v, NULL, 10) : 0;
    g_free (app);
    g_free (v);
    if (*version > BA_STORE_SCHEMA_VERSION) {
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_TOO_NEW,
                     "%s has schema version %" G_GINT64_FORMAT ", newer than this bounce-analyzer "
                     "(%s) knows (up to %d): use a newer bounce-analyzer",
                     st->path, *version, BA_VERSION, BA_STORE_SCHEMA_VERSION);
        return FALSE;
    }
    return TRUE;
}

/* Map words through unaccent, wherever its extension is installed. */
static gboolean
use_unaccent (ba_store *st, GError **error)
{
    char *alter = NULL;
    gboolean ok;
    /* the server quotes the schema's name (%I) */
    if (!query_value (st, "SELECT format ('ALTER TEXT SEARCH CONFIGURATION bounce_words"
                          " ALTER MAPPING FOR hword, hword_part, word WITH %I.unaccent, simple', n.nspname)"
                          " FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                          " WHERE e.extname = $1", "unaccent", &alter, error))
        return FALSE;
    ok = !alter || run (st, alter, error);
    g_free (alter);
    return ok;
}

static gboolean
create_schema (ba_store *st, GError **error)
{
    char *have = NULL, *set;
    gboolean ok;

    /* unaccent is a trusted extension: a database owner may add it */
    if (!run (st, "SAVEPOINT unaccent", error))
        return FALSE;
    if (run (st, "CREATE EXTENSION IF NOT EXISTS unaccent", NULL))
        run (st, "RELEASE SAVEPOINT unaccent", NULL);
    else
        run (st, "ROLLBACK TO SAVEPOINT unaccent", NULL);
    ok = run (st, words_config, error) && use_unaccent (st, error)
         && query_value (st, "SELECT 'yes' FROM pg_extension WHERE extname = $1", "unaccent", &have, error)
         && run (st, schema, error)
         && run (st, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)", error);
    set = g_strdup_printf ("INSERT INTO meta (key, value) VALUES ('application', 'bounce-analyzer'),"
                           " ('schema_version', '%d'), ('unaccent', '%s')",
                           BA_STORE_SCHEMA_VERSION, have ? "yes" : "no");
    ok = ok && run (st, set, error);
    g_free (set);
    g_free (have);
    return ok;
}

gboolean
ba_pg_prepare_schema (ba_store *st, gboolean create, gboolean read_only, GError **error)
{
    gint64 version;

    if (read_only) {
        if (!schema_version (st, &version, error))
            return FALSE;
        if (version == 0)
            g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_MISSING,
                         "%s has no bounce-analyzer tables: 'bounce-analyzer ingest --db %s PATH...' "
                         "creates them", st->path, st->path);
        else if (version < BA_STORE_SCHEMA_VERSION)
            g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_TOO_NEW,
                         "%s has schema version %" G_GINT64_FORMAT " and a query does not upgrade it: "
                         "run 'bounce-analyzer ingest' on it once", st->path, version);
        return version == BA_STORE_SCHEMA_VERSION;
    }
    /* One process creates or migrates; the others wait, then see it
     * done.  The lock comes before the first look: a look before it
     * would leave the server's catalog cache saying "no table" after. */
    if (!run (st, st->be->begin_write, error))
        return FALSE;
    if (!schema_version (st, &version, error))
        goto fail;
    if (version == 0 && !create) {
        g_set_error (error, BA_STORE_ERROR, BA_STORE_ERROR_MISSING,
                     "%s has no bounce-analyzer tables: 'bounce-analyzer ingest --db %s PATH...' "
                     "creates them", st->path, st->path);
        goto fail;
    }
    if (version == 0 && !create_schema (st, error))
        goto fail;
    for (gint64 v = MAX (version, PG_FIRST_VERSION); version && v < BA_STORE_SCHEMA_VERSION; v++) {
        const char *step = migrations[v - PG_FIRST_VERSION];
        char vs[24];
        const char *params[1] = { vs };
        PGresult *res;
        g_snprintf (vs, sizeof vs, "%" G_GINT64_FORMAT, v + 1);
        if (!step || !run (st, step, error))
            goto fail;
        res = ba_pg_query (st, "UPDATE meta SET value = $1 WHERE key = 'schema_version'", 1, params, error);
        if (!res)
            goto fail;
        PQclear (res);
    }
    if (!run (st, "COMMIT", error))
        goto fail;
    return TRUE;
fail:
    run (st, "ROLLBACK", NULL);
    if (version != 0 || create)
        g_prefix_error (error, "preparing the schema: ");
    return FALSE;
}
