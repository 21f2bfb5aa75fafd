#!/usr/bin/env bash
# storage.sh BINARY SAMPLES_DIR - end-to-end tests of the database commands:
# ingest (idempotent, resumable, safe against kill -9), why, search, report,
# reclassify, and the schema version check.  Runs from any directory.
#
# STORAGE_KILL_MESSAGES sets the size of the mbox of the kill -9 test
# (default 20000); STORAGE_KILLS how many times it is killed (default 3).
set -u

BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SAMPLES=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
MAKE_MBOX=$HERE/../../scripts/make-mbox
KILL_MESSAGES=${STORAGE_KILL_MESSAGES:-20000}
KILLS=${STORAGE_KILLS:-3}

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export TZ=UTC
unset BOUNCE_ANALYZER_DB
# one rule set for the whole test, even while rules/ is being edited
cp -r "$HERE/../../rules" "$T/rules"
export BOUNCE_ANALYZER_RULES=$T/rules

pass=0
fail=0
ok () { pass=$((pass + 1)); echo "ok - $1"; }
not_ok () { fail=$((fail + 1)); echo "not ok - $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/    /'; }
check () {                      # check NAME COMMAND...
    local name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}
sql () {                        # sql DB QUERY: one value per line, fields joined by |
    python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
for row in con.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
}
# Everything stored, without ids and ingest times, in a fixed order; dump
# DB FILE writes FILE's path as MBOX, to compare databases of two copies.
dump () {
    python3 - "$1" "${2:-}" <<'EOF'
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
path = os.path.realpath(sys.argv[2]) if sys.argv[2] else None
def rows(q):
    cur = con.execute(q)
    names = [d[0] for d in cur.description]
    keep = [i for i, n in enumerate(names) if n not in ("id", "message_id", "ingested_at")]
    fix = lambda v: v.replace(path, "MBOX") if path and isinstance(v, str) else v
    return [tuple(fix(r[i]) for i in keep) for r in cur]
for r in sorted(rows("SELECT * FROM messages"), key=repr):
    print("M", r)
for r in sorted(rows("SELECT * FROM diagnoses"), key=repr):
    print("D", r)
for r in rows("SELECT path, kind, size, resume_offset, last_message_offset, head_length,"
              " head_hash, tail_hash FROM sources ORDER BY path"):
    print("S", r)
print("FTS", con.execute("SELECT count(*) FROM diagnostics_fts WHERE diagnostics_fts MATCH 'the'").fetchone())
print("INTEGRITY", con.execute("PRAGMA integrity_check").fetchone())
con.execute("INSERT INTO diagnostics_fts (diagnostics_fts) VALUES ('integrity-check')")
print("FTS-INTEGRITY ok")
EOF
}
count () { sql "$1" "SELECT count(*) FROM diagnoses"; }
# Diagnoses counted once for every place their message was found.
per_location () {
    sql "$1" "SELECT coalesce (sum (r.n * l.n), 0) FROM
              (SELECT message_id, count(*) AS n FROM recipients GROUP BY 1) r
              JOIN (SELECT message_id, count(*) AS n FROM locations GROUP BY 1) l USING (message_id)"
}
# Append message FILE (LF line ends) to MBOX with a From_ line.
append_message () {
    { printf 'From MAILER-DAEMON Thu Mar 27 10:%02d:00 2008\n' "$3"
      tr -d '\r' < "$1" | sed 's/^From />From /'
      printf '\n'; } >> "$2"
}

"$BIN" analyze --format ndjson "$SAMPLES" > analyze.ndjson 2>/dev/null
EXPECTED=$(wc -l < analyze.ndjson)

# ---- ingest is idempotent --------------------------------------------------
state () { find "$SAMPLES" -type f -printf '%p %s %T@\n' | sort; }
state > samples.before
"$BIN" ingest --db s.db "$SAMPLES" > ingest1.out 2> ingest1.err
state > samples.after
check "ingest samples stores one diagnosis per recipient analyze prints ($EXPECTED)" \
    test "$(count s.db)" = "$EXPECTED"
check "the summary counts them" grep -q "$EXPECTED diagnoses stored" ingest1.out
check "ingest does not write to the samples" cmp -s samples.before samples.after
"$BIN" ingest --db s.db "$SAMPLES" > ingest2.out 2>/dev/null
check "a second ingest adds nothing" test "$(count s.db)" = "$EXPECTED"
check "a second ingest reads no message again" grep -q "^ingest: 0 messages read, 0 bounces, 0 diagnoses stored" ingest2.out
check "the default database is ./bounces.db" \
    sh -c "'$BIN' ingest -q '$SAMPLES/postfix-userunknown.eml' && test -s bounces.db"
mkdir -p envdb
BOUNCE_ANALYZER_DB=envdb/x.db "$BIN" ingest -q "$SAMPLES/postfix-userunknown.eml"
check "\$BOUNCE_ANALYZER_DB names the default" test -s envdb/x.db
check "-q prints nothing" test -z "$("$BIN" ingest -q --db s.db "$SAMPLES" 2>/dev/null)"

# ---- the same message from another path, a Maildir message moved -----------
mkdir -p md/cur md/new md/tmp
cp "$SAMPLES/postfix-userunknown.eml" md/new/1206000000.M1P1.host
cp "$SAMPLES/exim-mailboxfull.eml" md/new/1206000001.M2P2.host
"$BIN" ingest -q --db md.db md
before=$(count md.db)
mv md/new/1206000000.M1P1.host md/cur/1206000000.M1P1.host:2,S
"$BIN" ingest --db md.db md > md.out
check "a Maildir message moved to cur/ and flagged is not stored again" test "$(count md.db)" = "$before"
check "... its new file name is recorded" \
    test "$(sql md.db "SELECT count(*) FROM messages WHERE name = '1206000000.M1P1.host:2,S'")" = 1
cp "$SAMPLES/gmail-mailboxfull.eml" md/new/1206000002.M3P3.host
"$BIN" ingest -q --db md.db md
check "a new Maildir message is picked up" test "$(count md.db)" = $((before + 1))

# ---- a message is the same message wherever it is filed --------------------
mkdir -p mf/Inbox/cur mf/Inbox/new mf/Inbox/tmp mf/Archive/cur mf/Archive/new mf/Archive/tmp
cp "$SAMPLES/postfix-userunknown.eml" mf/Inbox/new/1206000100.M1P1.host
cp "$SAMPLES/exim-mailboxfull.eml" mf/Inbox/new/1206000101.M2P2.host
"$BIN" ingest -q --db mf.db mf/Inbox
before=$(count mf.db)
target=$(sql mf.db "SELECT address FROM recipients r JOIN messages m ON m.id = r.message_id
                    WHERE m.name = '1206000100.M1P1.host'")
# a mail client refiles it into another folder and flags it (seen)
mv mf/Inbox/new/1206000100.M1P1.host mf/Archive/cur/1206000100.M1P1.host:2,S
"$BIN" ingest --db mf.db mf/Inbox mf/Archive > mf.out
check "a Maildir message refiled into another folder's cur/ is not stored again" test "$(count mf.db)" = "$before"
check "... the summary says it was found in a new place" grep -q "^ingest: 1 of the skipped found in a new place" mf.out
check "... its new place is recorded" \
    test "$(sql mf.db "SELECT count(*) FROM locations WHERE source LIKE '%/mf/Archive/cur/1206000100.M1P1.host:2,S'")" = 1
check "... and shown as its source" \
    test "$(sql mf.db "SELECT count(*) FROM messages WHERE source LIKE '%/mf/Archive/cur/%' AND name = '1206000100.M1P1.host:2,S'")" = 1
"$BIN" why --db mf.db "$target" > mf-why.out
check "... why shows it once (1 of 1), from its new place" \
    sh -c "test \$(grep -c '^[0-9]\{4\}-' mf-why.out) = 1 && ! grep -q ' of 2 ' mf-why.out && grep -q 'bounce: .*/mf/Archive/cur/' mf-why.out"
# the same bytes under another unique name (copied, not moved)
cp "$SAMPLES/exim-mailboxfull.eml" mf/Archive/new/1206000200.M7P7.other
"$BIN" ingest -q --db mf.db mf
check "a copy of a stored message under another file name is not stored again" test "$(count mf.db)" = "$before"
# the same Message-ID and body, headers added on the way (a Maildir filter)
{ printf 'X-Spam-Status: No\r\n'; cat "$SAMPLES/gmail-mailboxfull.eml"; } > mf/Archive/new/1206000300.M8P8.host
cp "$SAMPLES/gmail-mailboxfull.eml" mf/Inbox/new/1206000301.M9P9.host
"$BIN" ingest -q --db mf.db mf
check "the same Message-ID and body with another header is the same message" \
    test "$(count mf.db)" = $((before + $("$BIN" analyze --format ndjson "$SAMPLES/gmail-mailboxfull.eml" | wc -l)))

# rotation: postmaster -> postmaster.1, a new postmaster; both ingested
cp "$SAMPLES/mbox/bounces.mbox" postmaster
"$BIN" ingest -q --db rot.db postmaster
n_rot=$(count rot.db)
mv postmaster postmaster.1
: > postmaster
append_message "$SAMPLES/qmail-hostunknown.eml" postmaster 5
"$BIN" ingest --db rot.db postmaster postmaster.1 > rot.out
check "a rotated mbox (postmaster -> postmaster.1) ingested again doubles nothing" \
    test "$(count rot.db)" = $((n_rot + $("$BIN" analyze --format ndjson "$SAMPLES/qmail-hostunknown.eml" | wc -l)))
check "... each of its messages found in its new place" \
    test "$(sql rot.db "SELECT count(*) FROM messages WHERE source LIKE '%/postmaster.1'")" = "$(grep -c '^From ' postmaster.1)"
"$BIN" ingest --db rot.db postmaster postmaster.1 > rot2.out
check "... and a further run reads nothing again" grep -q "^ingest: 0 messages read" rot2.out
# a message appended to another mbox, with a From_ line of its own
python3 - postmaster.1 other.mbox <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
msgs = [m for m in re.split(rb"(?m)^(?=From )", data) if m]
body = msgs[1].split(b"\n", 1)[1]
open(sys.argv[2], "wb").write(b"From someone@example.org Sat Mar 29 08:00:00 2008\n" + body)
PY
"$BIN" ingest --db rot.db other.mbox > other.out
check "a message appended to another mbox (its own From_ line) is the same message" \
    sh -c "grep -q '^ingest: 1 messages read, 0 bounces' other.out && test $(count rot.db) = $((n_rot + 1))"

# a Maildir file that begins with a From_ line (some MDAs write one)
mkdir -p fm/cur fm/new fm/tmp
{ echo "From MAILER-DAEMON Thu Mar 27 10:00:00 2008"; tr -d '\r' < "$SAMPLES/exim-mailboxfull.eml"; } \
    > fm/new/1206000400.M1P1.host
"$BIN" ingest --db fm.db fm > fm.out
check "a Maildir file beginning with From_ is read as one message" \
    test "$(count fm.db)" = "$("$BIN" analyze --format ndjson "$SAMPLES/exim-mailboxfull.eml" | wc -l)"
check "... a Maildir message, not an mbox" \
    test "$(sql fm.db "SELECT count(*) FROM messages WHERE mbox_offset IS NULL AND name = '1206000400.M1P1.host'")" = 1
check "... and the same message as its copy without the From_ line" \
    sh -c "'$BIN' ingest --db fm.db '$SAMPLES/exim-mailboxfull.eml' | grep -q 'found in a new place'"

# ---- appending to an mbox ---------------------------------------------------
cp "$SAMPLES/mbox/bounces.mbox" a.mbox
"$BIN" ingest -q --db a.db a.mbox
n0=$(count a.db)
append_message "$SAMPLES/postfix-userunknown.eml" a.mbox 1
append_message "$SAMPLES/exim-userunknown.eml" a.mbox 2
"$BIN" ingest --db a.db a.mbox > a.out
added=$(( $("$BIN" analyze --format ndjson "$SAMPLES/postfix-userunknown.eml" | wc -l)
          + $("$BIN" analyze --format ndjson "$SAMPLES/exim-userunknown.eml" | wc -l) ))
check "appending 2 messages to an mbox adds exactly their $added diagnoses" \
    test "$(count a.db)" = $((n0 + added))
check "... reading only the 2 new messages" grep -q "^ingest: 2 messages read" a.out
"$BIN" ingest -q --db fresh.db a.mbox
check "... the same as ingesting the whole mbox at once" \
    test "$(dump a.db | grep -v '^S')" = "$(dump fresh.db | grep -v '^S')"

# ---- a rewritten or truncated mbox -----------------------------------------
python3 - a.mbox b.mbox <<'EOF'
import re, sys
data = open(sys.argv[1], "rb").read()
msgs = re.split(rb"(?m)^(?=From )", data)
msgs = [m for m in msgs if m]
# a mail client deleted the second message
open(sys.argv[2], "wb").write(b"".join(msgs[:1] + msgs[2:]))
EOF
cp b.mbox a.mbox
"$BIN" ingest --db a.db a.mbox > rw.out
check "a rewritten mbox (a message deleted) is noticed" grep -q "rewritten or truncated" rw.out
check "... and read again without a duplicate" test "$(count a.db)" = $((n0 + added))
check "... no message is stored twice" \
    test "$(sql a.db "SELECT count(*) FROM (SELECT content_hash FROM messages GROUP BY source, content_hash HAVING count(*) > 1)")" = 0
check "... the moved messages' offsets are updated" \
    test "$(sql a.db "SELECT count(*) FROM messages WHERE source LIKE '%/a.mbox' AND mbox_offset >= $(wc -c < a.mbox)")" = 0
head -c "$(grep -b '^From ' a.mbox | sed -n 3p | cut -d: -f1)" a.mbox > t.mbox
cp t.mbox a.mbox
"$BIN" ingest --db a.db a.mbox > tr.out
check "a truncated mbox is noticed and adds nothing" \
    sh -c "grep -q 'rewritten or truncated' tr.out && test $(count a.db) = $((n0 + added))"
append_message "$SAMPLES/qmail-hostunknown.eml" a.mbox 3
"$BIN" ingest -q --db a.db a.mbox
check "... and mail appended after it is picked up" \
    test "$(count a.db)" = $((n0 + added + $("$BIN" analyze --format ndjson "$SAMPLES/qmail-hostunknown.eml" | wc -l)))

# ---- a message being appended while ingest reads --------------------------
cp "$SAMPLES/mbox/bounces.mbox" g.mbox
append_message "$SAMPLES/postfix-mailboxfull-multi.eml" g.mbox 4
full=$(wc -c < g.mbox)
last=$(grep -b '^From ' g.mbox | tail -1 | cut -d: -f1)
# half of the last message, cut at a line end: looks complete, is not
cut_at=$(python3 -c "
d=open('g.mbox','rb').read(); i=d.index(b'\n', $last + ($full - $last)//2); print(i+1)")
head -c "$cut_at" g.mbox > h.mbox
"$BIN" ingest -q --db h.db h.mbox
cp g.mbox h.mbox
"$BIN" ingest --db h.db h.mbox > h.out
"$BIN" ingest -q --db g.db g.mbox
check "a message stored half-written is replaced by the whole one" grep -q "replaced by the whole message" h.out
check "... leaving what a single ingest of the whole mbox stores" \
    test "$(dump h.db h.mbox | grep -v '^S')" = "$(dump g.db g.mbox | grep -v '^S')"
head -c $(( cut_at - 7 )) g.mbox > p.mbox
"$BIN" ingest --db p.db p.mbox > p.out
check "a last message cut mid-line, just written, is left for the next run" grep -q "still being written" p.out
cp g.mbox p.mbox
"$BIN" ingest -q --db p.db p.mbox
check "... and taken whole by the next run" test "$(count p.db)" = "$(count g.db)"

# ---- why ---------------------------------------------------------------------
"$BIN" why --db s.db retail.example > why.out 2>why.err
check "why DOMAIN: exit 0" test -s why.out
check "why retail.example cites relays.ordb.org" grep -q "relays.ordb.org" why.out
check "... shows the remote server's words" grep -q "server said: 554 5.7.1 Service unavailable; Client host \[203.0.113.25\] blocked using relays.ordb.org" why.out
check "... the verdict in plain words" grep -q "verdict: *the sending server's IP address is blocked or blacklisted" why.out
check "... the original subject" grep -q "subject: *Re: Order R-2008-0311" why.out
check "... whose fault and the advice" sh -c "grep -q 'fault: *the receiving system' why.out && grep -q 'advice: .*relays.ordb.org' why.out"
check "... includes mail forwarded from orders@retail.example" grep -q "sent to: *orders@retail.example" why.out
check "... a one-line summary first" grep -Eq "^[0-9]+ of [0-9]+ messages to retail.example since [0-9-]+ [0-9:]+ were refused, .*citing relays.ordb.org\.$" why.out
check "... the latest first" \
    test "$(grep -E '^[0-9]{4}-' why.out | cut -c1-16)" = "$(grep -E '^[0-9]{4}-' why.out | cut -c1-16 | sort -r)"
"$BIN" why --db s.db orders@retail.example > why2.out
check "why ADDRESS" grep -q "^2008-03-26 08:14  orders@retail.example: refused" why2.out
check "why ADDRESS matches any case" test "$("$BIN" why --db s.db ORDERS@Retail.Example)" = "$(cat why2.out)"
"$BIN" why --db s.db --until 2008-03-25 retail.example > why3.out
check "why --until" sh -c "! grep -q '2008-03-26' why3.out && grep -q '2008-03-20' why3.out"
"$BIN" why --db s.db --since 2008-03-26T00:00 retail.example > why4.out
check "why --since" sh -c "grep -q '2008-03-26' why4.out && ! grep -q '2008-03-20' why4.out"
check "why --since 7d (nothing that recent)" grep -q "^No bounce for retail.example is stored in s.db for that period" <("$BIN" why --db s.db --since 7d retail.example)
check "why on a missing database says how to make one" \
    sh -c "'$BIN' why --db none.db x.example 2>&1 | grep -q \"no database at none.db: 'bounce-analyzer ingest PATH...' creates it\""
check "why with a bad date is a usage error" sh -c "'$BIN' why --db s.db --since yesterday x.example 2>/dev/null; test \$? = 2"

# ---- search ------------------------------------------------------------------
"$BIN" search --db s.db --reason userunknown --format csv > uu.csv
want=$(grep -c '"reason":"userunknown"' analyze.ndjson)
python3 - uu.csv "$want" > uu.check <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, body = rows[0], rows[1:]
problems = []
if open(sys.argv[1], "rb").read().count(b"\r\n") != len(rows):
    problems.append("records do not end in CRLF")
if head[:4] != ["id", "date", "recipient", "domain"]:
    problems.append("header %r" % head[:4])
if len(body) != int(sys.argv[2]):
    problems.append("%d rows, want %s" % (len(body), sys.argv[2]))
for r in body:
    if len(r) != len(head):
        problems.append("row of %d fields" % len(r))
    elif r[head.index("reason")] != "userunknown":
        problems.append("reason %s" % r[head.index("reason")])
print("\n".join(problems) or "ok")
EOF
check "search --reason userunknown --format csv: every userunknown, RFC 4180" test "$(cat uu.check)" = ok
grep -q "j.doe@partner.example" uu.csv && ok "... including j.doe@partner.example" || not_ok "... including j.doe@partner.example"
"$BIN" search --db s.db relays.ordb.org --format json > ordb.json
check "search WORDS --format json: valid, each row cites the words" python3 -c "
import json, sys
rows = json.load(open('ordb.json'))
assert len(rows) >= 2, rows
assert all('relays.ordb.org' in r['diagnostic'].lower() for r in rows)
assert all(r['dnsbl'] == 'relays.ordb.org' for r in rows)
"
check "search a phrase" test "$("$BIN" search --db s.db --format csv '"relay access denied"' | tail -n +2 | wc -l)" -ge 1
check "search OR" test "$("$BIN" search --db s.db --format csv 'quota OR "over quota"' | tail -n +2 | wc -l)" -ge 1
check "search --domain and --sender" \
    test "$("$BIN" search --db s.db --domain retail.example --sender anna@shop.example --format csv | tail -n +2 | wc -l)" \
       = "$(sql s.db "SELECT count(*) FROM diagnoses WHERE (domain = 'retail.example' OR original_domain = 'retail.example') AND original_sender = 'anna@shop.example'")"
check "search --sender DOMAIN" \
    test "$("$BIN" search --db s.db --sender shop.example --format csv | tail -n +2 | wc -l)" -ge 10
check "search --since/--until" \
    test "$("$BIN" search --db s.db --since 2008-03-01 --until 2008-03-31 --format csv | tail -n +2 | wc -l)" -ge 3
check "search table output has a header" grep -q "^DATE  *RECIPIENT  *REASON" <("$BIN" search --db s.db --reason blocked)
check "search with an unknown reason is a usage error" sh -c "'$BIN' search --db s.db --reason nosuch 2>/dev/null; test \$? = 2"
check "search text that is only punctuation is a usage error" sh -c "'$BIN' search --db s.db -- '---' 2>/dev/null; test \$? = 2"

# ---- report ------------------------------------------------------------------
"$BIN" report --db s.db > report.txt 2>/dev/null
check "report: totals by reason" grep -q "^  userunknown  *[0-9]" report.txt
check "report: top recipient domains" grep -q "^Top recipient domains" report.txt
check "report: top remote MTAs" grep -q "^Top remote MTAs" report.txt
check "report: blacklists cited, with first and last seen" \
    grep -Eq "^  relays.ordb.org +[0-9]+ +[0-9]+  2005-06-14 [0-9:]+  2008-03-26 08:14" report.txt
check "report: failures per day" grep -Eq "^  2008-03-26 +[0-9]+  #+$" <("$BIN" report --db s.db --since 2008-03-01 --until 2008-03-31 2>/dev/null)
"$BIN" report --db s.db --format json > report.json
check "report --format json: totals agree with the database" python3 -c "
import json
r = json.load(open('report.json'))
assert r['totals']['diagnoses'] == $EXPECTED, r['totals']
assert sum(x['total'] for x in r['reasons']) == $EXPECTED
assert any(b['key'] == 'relays.ordb.org' for b in r['blacklists'])
"
"$BIN" report --db s.db --format csv > report.csv
check "report --format csv parses" python3 -c "
import csv
rows = list(csv.DictReader(open('report.csv', newline='')))
assert {r['section'] for r in rows} >= {'totals', 'reasons', 'domains', 'remote_mtas', 'blacklists', 'days'}
"
check "report --since narrows" grep -q " 0 diagnoses" <("$BIN" report --db s.db --since 1d)
check "the views answer in one SELECT" \
    test "$(sql s.db "SELECT citations FROM blacklists_cited WHERE dnsbl = 'relays.ordb.org'")" -ge 2

# ---- reclassify ----------------------------------------------------------------
"$BIN" reclassify --db s.db > rc.out 2>/dev/null
check "reclassify right after ingest changes nothing" grep -q "$EXPECTED diagnoses examined with rule set [0-9a-f]*: 0 verdicts changed" rc.out
cat > site.rules <<'EOF'
[site-test-userunknown-is-filtered]
description = a site rule for the test: every "User unknown" counts as filtered
reason = filtered
priority = 1000
pattern = User unknown
EOF
"$BIN" reclassify --db s.db --site-rules site.rules --dry-run > rc1.out 2>/dev/null
check "reclassify --dry-run counts the changes" grep -q "userunknown  *-> filtered" rc1.out
check "... and changes nothing" \
    test "$(sql s.db "SELECT count(*) FROM diagnoses WHERE rule LIKE 'site-test%'")" = 0
"$BIN" reclassify --db s.db --site-rules site.rules > rc2.out 2>/dev/null
changed=$(sed -n 's/.*: \([0-9]*\) verdicts\{0,1\} changed/\1/p' rc2.out)
check "reclassify with a new rule reports the verdicts that changed" test "${changed:-0}" -gt 0
check "... stores them, with the new rule set's id" \
    test "$(sql s.db "SELECT count(*) FROM diagnoses WHERE rule = 'site-test-userunknown-is-filtered' AND ruleset = '$(sed -n 's/.*rule set \([0-9a-f]*\).*/\1/p' rc2.out)'")" -ge "$changed"
check "... and every verdict records that rule set" \
    test "$(sql s.db "SELECT count(DISTINCT ruleset) FROM recipients")" = 1
"$BIN" reclassify --db s.db > rc3.out 2>/dev/null
check "reclassify with the default rules again restores the verdicts" grep -q "verdicts\{0,1\} changed" rc3.out
"$BIN" ingest -q --db s2.db "$SAMPLES" 2>/dev/null
check "... the same as a fresh ingest" test "$(dump s.db)" = "$(dump s2.db)"

# ---- schema version -----------------------------------------------------------
cp s.db new.db
sql new.db "PRAGMA user_version = 99" > /dev/null
"$BIN" why --db new.db x.example > /dev/null 2> new.err
check "an older binary refuses a newer database, clearly" \
    grep -q "new.db has schema version 99, newer than this bounce-analyzer" new.err
"$BIN" ingest -q --db new.db "$SAMPLES/postfix-userunknown.eml" 2>/dev/null
check "... and does not write to it" test "$(sql new.db 'PRAGMA user_version')" = 99
sql other.db "CREATE TABLE t (x)" > /dev/null
check "a database of another program is refused" \
    sh -c "'$BIN' report --db other.db 2>&1 | grep -q 'of another program'"
echo "not a database at all, just text, long enough to be read as a header......." > text.db
check "a file that is not a database is refused" \
    sh -c "'$BIN' report --db text.db 2>&1 | grep -q 'not an SQLite database'"

# ---- schema 1 -> 2 ---------------------------------------------------------------
# A database as schema 1 wrote it: what schema 2 added taken away, and a
# message refiled before the upgrade stored twice, as schema 1 did.
mkdir -p v1/Inbox/cur v1/Inbox/new v1/Inbox/tmp v1/Archive/cur v1/Archive/new v1/Archive/tmp
cp "$SAMPLES/postfix-userunknown.eml" v1/Inbox/new/1206000500.M1P1.host
cp "$SAMPLES/exim-mailboxfull.eml" v1/Inbox/new/1206000501.M2P2.host
cp "$SAMPLES/mbox/bounces.mbox" v1.mbox
"$BIN" ingest -q --db v1.db v1/Inbox v1.mbox
n_v1=$(count v1.db)
cp v1/Inbox/new/1206000500.M1P1.host v1/Archive/cur/1206000500.M1P1.host:2,S
python3 - v1.db "$T/v1/Archive/cur/1206000500.M1P1.host:2,S" <<'PY'
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
path = os.path.realpath(sys.argv[2])
folder = os.path.dirname(os.path.dirname(path))
old = con.execute("SELECT id FROM messages WHERE name = '1206000500.M1P1.host'").fetchone()[0]
cols = [r[1] for r in con.execute("PRAGMA table_info(messages)") if r[1] not in ("id", "identity", "source", "name", "content_key")]
con.execute("INSERT INTO messages (identity, source, name, %s) SELECT ?, ?, ?, %s FROM messages WHERE id = ?"
            % (", ".join(cols), ", ".join(cols)), ("maildir:%s/1206000500.M1P1.host" % folder, path, os.path.basename(path), old))
new = con.execute("SELECT max(id) FROM messages").fetchone()[0]
rcols = [r[1] for r in con.execute("PRAGMA table_info(recipients)") if r[1] not in ("id", "message_id")]
con.execute("INSERT INTO recipients (message_id, %s) SELECT ?, %s FROM recipients WHERE message_id = ?"
            % (", ".join(rcols), ", ".join(rcols)), (new, old))
con.execute("INSERT INTO diagnostics_fts (rowid, diagnostic) SELECT id, diagnostic FROM recipients WHERE message_id = ?", (new,))
con.execute("DROP TABLE locations")
con.execute("DROP INDEX messages_by_content_key")
con.execute("ALTER TABLE messages DROP COLUMN content_key")
con.execute("PRAGMA user_version = 1")
con.commit()
PY
target=$(sql v1.db "SELECT address FROM recipients r JOIN messages m ON m.id = r.message_id
                    WHERE m.name = '1206000500.M1P1.host'")
check "a schema 1 database: the refiled message counted twice, as schema 1 did" \
    test "$(count v1.db)" = $((n_v1 + 1))
"$BIN" why --db v1.db "$target" > /dev/null 2> v1-why.err
check "... a query does not upgrade it, and says so" grep -q "schema version 1 and a query does not upgrade it" v1-why.err
"$BIN" ingest --db v1.db v1/Inbox v1/Archive v1.mbox > v1.out 2> v1.err
check "ingest upgrades it to schema 2" test "$(sql v1.db 'PRAGMA user_version')" = 2
check "... the message stored twice by schema 1 is one message again, in two places" \
    sh -c "test $(count v1.db) = $n_v1 && test \$('$BIN' why --db v1.db '$target' | grep -c '^[0-9]\{4\}-') = 1"
"$BIN" ingest -q --db fresh-v1.db v1/Inbox v1/Archive v1.mbox
check "... the same messages as a new database of the same mail" \
    test "$(dump v1.db | grep '^D' | sort)" = "$(dump fresh-v1.db | grep '^D' | sort)"
check "... every message has its content key" \
    test "$(sql v1.db "SELECT count(*) FROM messages WHERE content_key IS NULL")" = 0
check "... no mbox reported as rewritten" sh -c "! grep -q 'rewritten' v1.out"
dump v1.db > v1.dump 2>&1
check "... the database and its full-text index are intact" \
    sh -c "grep -q \"INTEGRITY ('ok',)\" v1.dump && grep -q 'FTS-INTEGRITY ok' v1.dump"
mv v1/Inbox/new/1206000501.M2P2.host v1/Archive/cur/1206000501.M2P2.host:2,S
"$BIN" ingest -q --db v1.db v1
check "... and a message of schema 1 refiled after the upgrade is not stored again" \
    test "$(count v1.db)" = "$n_v1"

# ---- a database that several users share ------------------------------------
# README "Sharing the database": a bounces group, its directory setgid
# (chmod 2775); the postmaster ingests, helpdesk users of the group query.
mkdir -p umask-dir
(umask 002; "$BIN" ingest -q --db umask-dir/u.db "$SAMPLES/postfix-userunknown.eml")
check "a store ingest creates is group-writable when the umask allows (002)" \
    test "$(stat -c %a umask-dir/u.db)" = 664
(umask 022; "$BIN" ingest -q --db umask-dir/v.db "$SAMPLES/postfix-userunknown.eml")
check "... and only as the umask allows (022)" test "$(stat -c %a umask-dir/v.db)" = 644
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
    group=100                       # any group: the test's "bounces"
    postmaster="setpriv --reuid=60001 --regid=60001 --groups=$group"
    helpdesk="setpriv --reuid=60002 --regid=60002 --groups=$group"
    outsider="setpriv --reuid=60003 --regid=60003 --clear-groups"
    chmod 755 "$T"
    mkdir -p shared-in shared
    cp "$SAMPLES/postfix-userunknown.eml" "$SAMPLES/exim-mailboxfull.eml" \
       "$SAMPLES/gmail-mailboxfull.eml" shared-in/
    chmod 755 shared-in && chmod 644 shared-in/*
    chgrp "$group" shared && chmod 2775 shared
    $postmaster sh -c "umask 022; '$BIN' ingest -q --db '$T/shared/b.db' '$T/shared-in/postfix-userunknown.eml'"
    check "shared: in a setgid directory, ingest creates the store group-writable (umask 022 too)" \
        test "$(stat -c '%a %g' shared/b.db)" = "664 $group"
    # a writer killed with its -wal and -shm left (the postmaster's, mid-ingest)
    $postmaster /usr/bin/python3 -c 'import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("left", "behind")); c.commit(); os._exit(0)' "$T/shared/b.db"
    check "shared: the -wal and -shm get the store's mode and group" \
        test "$(stat -c '%a %g' shared/b.db-wal shared/b.db-shm | sort -u)" = "664 $group"
    $helpdesk "$BIN" why --db "$T/shared/b.db" partner.example > shared-why.out 2>&1
    check "shared: a helpdesk user of the group queries it while the -wal is there" \
        grep -q "partner.example" shared-why.out
    rm -f shared/b.db-shm
    $helpdesk "$BIN" why --db "$T/shared/b.db" partner.example > shared-why2.out 2>&1
    check "shared: ... and when the helpdesk is the first to open the -wal" grep -q "partner.example" shared-why2.out
    check "shared: ... what it leaves the postmaster may write" \
        sh -c "for f in shared/b.db*; do test \"\$(stat -c '%a %g' \$f)\" = '664 $group' || exit 1; done"
    $postmaster "$BIN" ingest --db "$T/shared/b.db" "$T/shared-in/exim-mailboxfull.eml" > shared-ingest.out 2>&1
    check "shared: the postmaster's next ingest writes it" grep -q "^ingest: 1 messages read, 1 bounces" shared-ingest.out
    $outsider "$BIN" why --db "$T/shared/b.db" partner.example > shared-why3.out 2>&1
    check "shared: a user outside the group, who may not write it, queries it too" \
        grep -q "partner.example" shared-why3.out
    $helpdesk "$BIN" ingest -q --db "$T/shared/b.db" "$T/shared-in/gmail-mailboxfull.eml" 2>/dev/null
    $postmaster "$BIN" ingest --db "$T/shared/b.db" "$T/shared-in/gmail-mailboxfull.eml" > shared-ingest2.out 2>&1
    check "shared: after an ingest by another member of the group, the postmaster's still works" \
        grep -q "^ingest: " shared-ingest2.out
    # a directory anyone may write (like /tmp), a store only its owner may write
    mkdir -p open-dir && chmod 1777 open-dir
    $postmaster sh -c "umask 022; '$BIN' ingest -q --db '$T/open-dir/o.db' '$T/shared-in/postfix-userunknown.eml'"
    $postmaster /usr/bin/python3 -c 'import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("left", "behind")); c.commit(); os._exit(0)' "$T/open-dir/o.db"
    rm -f open-dir/o.db-shm
    $outsider "$BIN" why --db "$T/open-dir/o.db" partner.example > open-why.out 2>&1
    check "shared: a query by another user never creates a -shm the owner could not write" \
        sh -c "test ! -e open-dir/o.db-shm && grep -q 'shm file is missing' open-why.out"
    $postmaster "$BIN" ingest --db "$T/open-dir/o.db" "$T/shared-in/exim-mailboxfull.eml" > open-ingest.out 2>&1
    check "shared: ... so the owner's next ingest works" grep -q "^ingest: 1 messages read, 1 bounces" open-ingest.out
    chmod 700 "$T"
else
    echo "# skipped: the shared-database tests need root and setpriv (a second uid)"
fi

# ---- kill -9 ---------------------------------------------------------------
python3 "$MAKE_MBOX" "$KILL_MESSAGES" big.mbox "$SAMPLES"
start=$(date +%s.%N)
"$BIN" ingest -q --db whole.db big.mbox 2>/dev/null
took=$(python3 -c "print($(date +%s.%N) - $start)")
for i in $(seq "$KILLS"); do
    "$BIN" ingest -q --db killed.db big.mbox 2>/dev/null &
    pid=$!
    # somewhere in the first two thirds of a run
    sleep "$(python3 -c "import random; print(round(random.uniform(0.05, 0.66) * $took, 2))")"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "    killed after $(count killed.db) diagnoses"
done
"$BIN" ingest --db killed.db big.mbox > killed.out 2>/dev/null
dump whole.db > whole.dump
dump killed.db > killed.dump
if cmp -s whole.dump killed.dump; then
    ok "ingest killed (SIGKILL) $KILLS times then run again: the same database as one run"
else
    not_ok "ingest killed (SIGKILL) $KILLS times then run again: the same database as one run" \
        "$(diff whole.dump killed.dump | head -6 | cut -c1-300)"
fi
check "... all $KILL_MESSAGES messages stored" test "$(sql killed.db 'SELECT count(*) FROM messages')" = "$KILL_MESSAGES"
check "... the database is intact" grep -q "INTEGRITY ('ok',)" killed.dump
check "... the last run read only what was left" \
    sh -c "grep -q '^ingest: [0-9]* messages read' killed.out && test \$(sed -n 's/^ingest: \([0-9]*\) messages read.*/\1/p' killed.out) -lt $KILL_MESSAGES"

# ---- the labelled corpus, when ../shared is there ------------------------------
CORPUS=$HERE/../../../shared/corpus/sisimai/eml
if [ -d "$CORPUS" ]; then
    "$BIN" ingest -q --db corpus.db "$CORPUS"
    want=$("$BIN" analyze --format ndjson "$CORPUS" | grep -c .)
    # the corpus holds some messages twice under two names: stored once, in two places
    check "corpus: each diagnosis analyze prints ($want) is stored once per message, each copy a location" \
        test "$(per_location corpus.db)" = "$want"
    stored=$(count corpus.db)
    "$BIN" ingest -q --db corpus.db "$CORPUS"
    check "corpus: a second ingest adds nothing" test "$(count corpus.db)" = "$stored"
else
    echo "skip: corpus checks ($CORPUS absent)"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
