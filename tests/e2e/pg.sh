#!/usr/bin/env bash
# pg.sh BINARY SAMPLES_DIR - the PostgreSQL backend against a real server:
# the storage commands on SQLite and on PostgreSQL with identical output
# (why, search --format json, report --format json, the views), hosts,
# export from SQLite and import into PostgreSQL, analyze | import, three
# concurrent ingests of overlapping mailboxes (one killed with SIGKILL and
# run again), and the schema checks.
#
# BA_TEST_PG_URL names a database the test may fill (scripts/pg-cluster
# starts one; scripts/test does).  Each part works in a schema of its own,
# made and dropped here.  Without a server the test says SKIP and why, and
# exits 77 (ctest shows it as skipped, never as passed).
# PG_KILL_MESSAGES sets the size of each mbox of the concurrency test.
set -u

BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SAMPLES=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
MAKE_MBOX=$HERE/../../scripts/make-mbox
KILL_MESSAGES=${PG_KILL_MESSAGES:-3000}

skip () { echo "SKIP: PostgreSQL tests: $1"; exit 77; }
if ! "$BIN" --version | grep -q "PostgreSQL (libpq"; then
    skip "this build has no PostgreSQL backend ($("$BIN" --version | tail -n 1))"
fi
[ -n "${BA_TEST_PG_URL:-}" ] || skip "BA_TEST_PG_URL is not set (scripts/test starts a private server: scripts/pg-cluster)"
command -v psql > /dev/null || skip "psql is not installed"
psql -X -q -At "$BA_TEST_PG_URL" -c "SELECT 1" > /dev/null 2>&1 \
    || skip "cannot connect to $BA_TEST_PG_URL: $(psql -X -At "$BA_TEST_PG_URL" -c 'SELECT 1' 2>&1 | head -n 1)"

# the schemas below share one unaccent, outside them (dropping one drops no other's)
psql -X -q "$BA_TEST_PG_URL" -c "CREATE EXTENSION IF NOT EXISTS unaccent" > /dev/null 2>&1

T=$(mktemp -d)
SCHEMAS=()
cleanup () {
    for s in "${SCHEMAS[@]}"; do
        psql -X -q "$BA_TEST_PG_URL" -c "DROP SCHEMA IF EXISTS $s CASCADE" > /dev/null 2>&1
    done
    rm -rf "$T"
}
trap cleanup EXIT
cd "$T"
export TZ=UTC
unset BOUNCE_ANALYZER_DB
cp -r "$HERE/../../rules" "$T/rules"
export BOUNCE_ANALYZER_RULES=$T/rules

pass=0
fail=0
ok () { pass=$((pass + 1)); echo "ok - $1"; }
not_ok () { fail=$((fail + 1)); echo "not ok - $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/    /'; }
check () {
    local name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# pgdb NAME: the URL of a fresh schema NAME (its own search_path)
tag=ba$$_
pgdb () {
    local s=$tag$1 sep='?'
    case $BA_TEST_PG_URL in *\?*) sep='&' ;; esac
    psql -X -q "$BA_TEST_PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $s CASCADE; CREATE SCHEMA $s" > /dev/null || exit 1
    SCHEMAS+=("$s")
    echo "$BA_TEST_PG_URL${sep}options=-csearch_path%3D$s"
}
# q DB QUERY: rows as a|b|c, NULL empty, from either engine
q () {
    case $1 in
    postgres*) psql -X -q -At -F'|' "$1" -c "$2" ;;
    *) sqlite3 -noheader -separator '|' "$1" "$2" ;;
    esac
}
# same NAME FILE1 FILE2: a check that two outputs are the same
same () {
    if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1" "$(diff "$2" "$3" | head -8 | cut -c1-240)"; fi
}
# both NAME ARGS...: run bounce-analyzer ARGS --db on SQLite ($S) and on
# PostgreSQL ($P); the outputs (the database's name made the same) must match
both () {
    local name=$1; shift
    "$BIN" "$@" --db "$S" > both.s 2>&1; echo "exit $?" >> both.s
    "$BIN" "$@" --db "$P" > both.p 2>&1; echo "exit $?" >> both.p
    sed -i "s|$S|DB|g" both.s
    python3 - "$P" both.p <<'EOF'
import sys
url, path = sys.argv[1], sys.argv[2]
shown = url.split("?")[0]
text = open(path, newline="").read().replace(url, "DB").replace(shown, "DB")
open(path, "w", newline="").write(text)
EOF
    same "$name" both.s both.p
}

S=$T/s.db
P=$(pgdb main)

# ---- the storage suite on both backends ------------------------------------
for db in "$S" "$P"; do "$BIN" ingest -q --db "$db" --host-name mx1 "$SAMPLES"; done
check "ingest into PostgreSQL: every diagnosis analyze prints" \
    test "$(q "$P" 'SELECT count(*) FROM diagnoses')" = "$("$BIN" analyze --format ndjson "$SAMPLES" | grep -c .)"
"$BIN" ingest --db "$P" --host-name mx1 "$SAMPLES" > again.out 2>&1
check "... a second ingest adds nothing" grep -q " 0 diagnoses stored, " again.out
both "report --format json: the same on both" report --format json
both "report (text): the same on both" report
both "report --since/--until: the same on both" report --format json --since 2008-03-01 --until 2008-03-31
for words in 'relays.ordb.org' '5.7.1' '"relay access denied"' 'quota OR "over quota"' 'mailbox*' 'user unknown' 'Überfüllt'; do
    both "search --format json '$words': the same on both" search --format json "$words"
done
both "search --reason --format json: the same on both" search --format json --reason userunknown
both "search --domain --sender: the same on both" search --format json --domain retail.example --sender anna@shop.example
both "search --sender DOMAIN: the same on both" search --format json --sender shop.example
both "search --format csv: the same on both" search --format csv --since 2008-03-01 --until 2008-03-31
both "search '---' (no word): the same refusal on both" search -- '---'
both "why DOMAIN: the same on both" why retail.example
both "why ADDRESS in another case: the same on both" why ORDERS@Retail.Example
both "why --since: the same on both" why --since 2008-03-26T00:00 retail.example
for view in failures_by_reason failures_by_domain failures_by_remote_mta blacklists_cited failures_per_day; do
    q "$S" "SELECT * FROM $view" | sort > view.s
    q "$P" "SELECT * FROM $view" | sort > view.p
    same "view $view: the same rows on both ($(wc -l < view.s) rows)" view.s view.p
done
cols="position, source, mbox_offset, name, content_hash, kind, format, bounce_date, reporting_mta, recipient, domain,
 original_recipient, original_domain, action, status, reported_status, smtp_code, remote_mta, command, diagnostic,
 date, time, day, reason, hard, rule, captures, dnsbl, listed, fault, advice, ruleset, outcome, original_message_id,
 original_from, original_sender, original_to, original_subject, original_date, host"
q "$S" "SELECT $cols FROM diagnoses" | sort > diag.s
q "$P" "SELECT $cols FROM diagnoses" | sort > diag.p
same "view diagnoses: the same rows on both" diag.s diag.p

cat > site.rules <<'EOF'
[site-test-userunknown-is-filtered]
description = a site rule for the test: every "User unknown" counts as filtered
reason = filtered
priority = 1000
pattern = User unknown
EOF
both "reclassify --dry-run: the same on both" reclassify --dry-run --site-rules site.rules
both "reclassify: the same on both" reclassify --site-rules site.rules
both "... then search: the same on both" search --format json --reason filtered
both "reclassify back: the same on both" reclassify

# an mbox that grows between ingests
python3 "$MAKE_MBOX" 60 grow.mbox "$SAMPLES"
head -c "$(( $(wc -c < grow.mbox) / 2 ))" grow.mbox | sed '$d' > half.mbox
cp half.mbox live.mbox
for db in "$S" "$P"; do "$BIN" ingest -q --db "$db" live.mbox; done
cp grow.mbox live.mbox
"$BIN" ingest --db "$S" live.mbox 2>&1 | head -n 1 | sed 's/ ([0-9.]* s)$//' > grow.s
"$BIN" ingest --db "$P" live.mbox 2>&1 | head -n 1 | sed 's/ ([0-9.]* s)$//' > grow.p
same "an mbox that grew: the same new messages on both ($(cat grow.s))" grow.s grow.p
both "... and the same report" report --format json

# ---- hosts ---------------------------------------------------------------------
for db in "$S" "$P"; do "$BIN" ingest -q --db "$db" --host-name mx2 grow.mbox "$SAMPLES/postfix-userunknown.eml"; done
both "report --host: the same on both" report --format json --host mx1
both "search --host: the same on both" search --format json --host mx2
check "every message has its host" test "$(q "$P" "SELECT count(*) FROM messages WHERE host IS NULL")" = 0
check "progress is kept per host and path" \
    test "$(q "$P" "SELECT host FROM sources WHERE path LIKE '%/grow.mbox'")" = mx2
check "a bad host name is a usage error" sh -c "'$BIN' ingest --db '$P' --host-name 'a b' x 2>/dev/null; test \$? = 2"

# ---- export and import ---------------------------------------------------------
"$BIN" export --db "$S" > s.ndjson
check "export: one JSON object per line" python3 -c "
import json
rows = [json.loads(l) for l in open('s.ndjson')]
assert rows and all('stored' in r and 'reason' in r for r in rows)
"
P2=$(pgdb imported)
"$BIN" import --db "$P2" s.ndjson > import.out 2>&1
check "import from SQLite's export into PostgreSQL" grep -q " 0 lines left out" import.out
"$BIN" report --format json --db "$S" | grep -v '"database"' > r.s
"$BIN" report --format json --db "$P2" | grep -v '"database"' > r.p
same "... gives the same report --format json" r.s r.p
"$BIN" export --db "$P2" > p2.ndjson
same "... and the same export" s.ndjson p2.ndjson
"$BIN" import --db "$P2" < s.ndjson > import2.out 2>&1
check "... a second import stores nothing" grep -q " 0 new (0 diagnoses)" import2.out
"$BIN" import --db back.db p2.ndjson > /dev/null 2>&1
"$BIN" export --db back.db > back.ndjson
same "and back from PostgreSQL into SQLite: the same export" s.ndjson back.ndjson
P3=$(pgdb piped)
"$BIN" analyze --format ndjson "$SAMPLES" 2>/dev/null | "$BIN" import --db "$P3" --host-name edge > pipe.out 2>&1
check "analyze --format ndjson | import --db postgresql://...: every diagnosis" \
    test "$(q "$P3" "SELECT count(*) FROM diagnoses WHERE host = 'edge'")" = "$("$BIN" analyze --format ndjson "$SAMPLES" | grep -c .)"
"$BIN" analyze --format ndjson "$SAMPLES" 2>/dev/null | "$BIN" import --db "$P3" > pipe2.out 2>&1
check "... twice: stored once" grep -q " 0 new (0 diagnoses)" pipe2.out
printf '%s\n' '{"source":"x","offset":null,"kind":"bounce","recipient":"a@b.example","reason":"userunknown","hard_bounce":true,"format_version":9,"later":{"key":[1]}}' 'not json' \
    | "$BIN" import --db "$P3" > bad.out 2>&1
check "import ignores unknown keys, counts a bad line and says so" \
    sh -c "grep -q '1 new (1 diagnoses)' bad.out && grep -q 'line 2: not a JSON object' bad.out && grep -q '1 lines left out' bad.out"

# ---- three concurrent ingests of overlapping mailboxes, one killed ---------------
# three mboxes of different messages (the same bytes in two would be one message)
python3 "$MAKE_MBOX" "$((3 * KILL_MESSAGES))" all.mbox "$SAMPLES"
python3 - all.mbox "$KILL_MESSAGES" <<'EOF'
import re, sys
data, n = open(sys.argv[1], "rb").read(), int(sys.argv[2])
starts = [m.start() for m in re.finditer(rb"^From ", data, re.M)] + [len(data)]
for k, name in enumerate("abc"):
    open(name + ".mbox", "wb").write(data[starts[k * n]:starts[(k + 1) * n]])
EOF
mkdir -p md/cur md/new md/tmp
cp "$SAMPLES"/*.eml md/new/
PC=$(pgdb concurrent)
"$BIN" ingest -q --db "$PC" --host-name h1 a.mbox b.mbox md 2>/dev/null & p1=$!
"$BIN" ingest -q --db "$PC" --host-name h2 b.mbox c.mbox md 2>/dev/null & p2=$!
"$BIN" ingest -q --db "$PC" --host-name h3 c.mbox a.mbox md 2>/dev/null & p3=$!
# h1 is killed once its first batches are committed
for _ in $(seq 300); do
    [ "$(q "$PC" "SELECT count(*) FROM messages WHERE host = 'h1'" 2>/dev/null)" -gt 0 ] 2>/dev/null && break
    sleep 0.1
done
kill -9 "$p1" 2>/dev/null
wait "$p1" 2>/dev/null
echo "    h1 killed after $(q "$PC" "SELECT count(*) FROM messages WHERE host = 'h1'") of its messages"
wait "$p2"; s2=$?
wait "$p3"; s3=$?
check "... the other two ingests finished" test "$s2:$s3" = "0:0"
"$BIN" ingest -q --db "$PC" --host-name h1 a.mbox b.mbox md 2>/dev/null
check "... h1 run again finished" test $? = 0
# (copies of one sample are one message: the same Message-ID and body)
"$BIN" ingest -q --db alone.db a.mbox b.mbox c.mbox md
want=$(q alone.db "SELECT count(*) FROM messages")
check "... every message exactly once ($want, as in one ingest of it all into SQLite)" \
    test "$(q "$PC" "SELECT count(*), count(DISTINCT identity) FROM messages")" = "$want|$want"
check "... each with one of the three hosts" \
    test "$(q "$PC" "SELECT count(*) FROM messages WHERE host IN ('h1', 'h2', 'h3')")" = "$want"
q alone.db "SELECT content_key, kind FROM messages" | sort > alone.ids
q "$PC" "SELECT content_key, kind FROM messages" | sort > conc.ids
same "... the same messages as one ingest of them all into SQLite" alone.ids conc.ids
"$BIN" report --format json --db alone.db | grep -v '"database"' > r.alone
"$BIN" report --format json --db "$PC" | grep -v '"database"' > r.conc
same "... and the same report --format json" r.alone r.conc
check "... each host's progress through each of its mboxes" \
    test "$(q "$PC" "SELECT count(*) FROM sources WHERE kind = 'mbox'")" = 6
check "... and every place each message was found" \
    test "$(q "$PC" "SELECT count(*) FROM locations")" = "$(q alone.db "SELECT count(*) FROM locations")"

# ---- schema and connection checks -----------------------------------------------
python3 - "$BA_TEST_PG_URL" "${tag}main" > pg_service.conf <<'EOF'
import sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
print("[bounces]\nhost=%s\nport=%s\nuser=%s\ndbname=%s\noptions=-csearch_path=%s"
      % (u.hostname, u.port or 5432, u.username, u.path.lstrip("/"), sys.argv[2]))
EOF
PGSERVICEFILE=$T/pg_service.conf "$BIN" report --format json --db service=bounces 2>&1 | grep -v '"database"' > r.service
"$BIN" report --format json --db "$P" 2>&1 | grep -v '"database"' > r.url
grep -q '"totals"' r.service && same "--db service=NAME reads libpq's service file: the same store" r.url r.service \
    || not_ok "--db service=NAME: no report" "$(head -n 3 r.service)"
PE=$(pgdb empty)
"$BIN" why --db "$PE" x.example > empty.out 2>&1
check "a query on a database without our tables says how to fill it" grep -q "no bounce-analyzer tables" empty.out
PO=$(pgdb other)
q "$PO" "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)" > /dev/null
"$BIN" ingest --db "$PO" "$SAMPLES/postfix-userunknown.eml" > other.out 2>&1
check "a database with another program's meta table is refused" grep -q "of another program" other.out
q "$P" "UPDATE meta SET value = '99' WHERE key = 'schema_version'" > /dev/null
"$BIN" report --db "$P" > new.out 2>&1
check "a newer schema is refused, clearly" grep -q "has schema version 99, newer than this bounce-analyzer" new.out
bad_url=$(echo "$BA_TEST_PG_URL" | sed 's|://\([^@]*\)@|://\1:wrongsecret@|')
"$BIN" report --db "$bad_url" > pw.out 2>&1
check "a failed login is said, without the password" sh -c "grep -q 'cannot connect to the PostgreSQL database' pw.out && ! grep -q wrongsecret pw.out"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
