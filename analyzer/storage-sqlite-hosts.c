/* storage-sqlite-hosts.c - the SQLite schema step that records hosts:
 * which host ingested each message, and each host's own progress through
 * a source (two hosts may each have a /var/mail/bounces). */
#include "storage-sqlite.h"

/* Progress recorded before hosts were kept has host '': any host may take it
 * up once (ingest prefers its own row). */
const char ba_sqlite_schema_hosts[] =
    "ALTER TABLE messages ADD COLUMN host TEXT;\n"
    "CREATE INDEX messages_by_host ON messages (host) WHERE host IS NOT NULL;\n"

    "ALTER TABLE sources RENAME TO sources_v1;\n"
    "CREATE TABLE sources (\n"
    "  host TEXT NOT NULL DEFAULT '',\n"
    "  path TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  size INTEGER,\n"
    "  resume_offset INTEGER,\n"
    "  last_message_offset INTEGER,\n"
    "  head_length INTEGER,\n"
    "  head_hash TEXT,\n"
    "  tail_hash TEXT,\n"
    "  first_ingest TEXT NOT NULL,\n"
    "  last_ingest TEXT NOT NULL,\n"
    "  PRIMARY KEY (host, path)\n"
    ");\n"
    "INSERT INTO sources (host, path, kind, size, resume_offset, last_message_offset, head_length,\n"
    "  head_hash, tail_hash, first_ingest, last_ingest)\n"
    " SELECT '', path, kind, size, resume_offset, last_message_offset, head_length,\n"
    "  head_hash, tail_hash, first_ingest, last_ingest FROM sources_v1;\n"
    "DROP TABLE sources_v1;\n"

    /* the other views select from this one by name: they see host too */
    "DROP VIEW diagnoses;\n"
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
    "  m.original_subject, m.original_date, m.ingested_at, m.host\n"
    " FROM recipients r JOIN messages m ON m.id = r.message_id;\n";
