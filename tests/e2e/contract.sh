#!/usr/bin/env bash
# End-to-end: the output contract and Unix behaviour of every command
# (issue 10 "The command line"): the JSON of every command against one key
# list (contract.py), UTC dates, --, EPIPE, --files-from/-0, exit codes,
# help, terminal widths, progress, report's fault/calendar sections.
set -u
bin=$1 root=$2
cd "$root" || exit 1
. tests/e2e/lib/checks.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# run NAME WANT_STATUS CMD...: $out, $err
run () {
    local name=$1 want=$2
    shift 2
    out=$("$@" 2>"$tmp/err"); status=$?
    err=$(cat "$tmp/err")
    [ "$status" = "$want" ] && ok || bad "$name: exit $status, want $want; stderr: $err"
}
# valid NAME KIND COMMAND: the last $out against the contract
valid () {
    local r
    r=$(printf '%s\n' "$out" | python3 tests/e2e/contract.py "$2" "$3" 2>&1)
    [ "$r" = ok ] && ok || bad "$1: $r"
}
db=$tmp/c.db
"$bin" ingest -q --db "$db" samples > /dev/null 2>&1

# ---- 1. one contract: every command's JSON --------------------------------------
run analyze-json 0 "$bin" analyze --format json samples/postfix-userunknown.eml samples/arf-abuse.eml; valid analyze-json json analyze
run analyze-ndjson 0 "$bin" analyze --format ndjson samples; valid analyze-ndjson ndjson analyze
run analyze-csv 0 "$bin" analyze --format csv samples; valid analyze-csv csv analyze
run analyze-explain-json 0 "$bin" analyze --explain --format ndjson samples/story-ordb-2008.eml; valid analyze-explain ndjson analyze
contains "analyze --explain json carries the explanation" "$out" '"explanation":{"text":'
run explain-json 0 "$bin" explain --format json samples/story-ordb-2008.eml; valid explain-json json explain
contains "explain json: the winning rule" "$out" '"result": "won"'
run classify-json 0 "$bin" classify --format json "550 5.1.1 <a@example.org>: Recipient address rejected: User unknown"; valid classify-json json classify
run classify-alias 0 "$bin" classify --json --explain "554 5.7.1 blocked using relays.ordb.org"; valid classify--json ndjson classify
contains "classify has smtp_command" "$out" '"smtp_command":'
contains "classify --json --explain carries the explanation" "$out" '"explanation":{"text":'
run classify-csv 0 "$bin" classify --format csv "452 4.2.2 Mailbox full"; valid classify-csv csv classify
run search-json 0 "$bin" search --db "$db" --format json; valid search-json json search
run search-ndjson 0 "$bin" search --db "$db" --format ndjson; valid search-ndjson ndjson search
contains "search json has feedback_type" "$out" '"feedback_type":"abuse"'
run search-csv 0 "$bin" search --db "$db" --format csv; valid search-csv csv search
run why-json 0 "$bin" why --db "$db" --format json example.org; valid why-json json why
run why-ndjson 0 "$bin" why --db "$db" --format ndjson example.org; valid why-ndjson ndjson why
run report-json 0 "$bin" report --db "$db" --format json; valid report-json json report
run rules-json 0 "$bin" rules list --format json; valid rules-list-json json "rules list"
run reclassify-json 0 "$bin" reclassify --db "$db" --dry-run --format json; valid reclassify-json json reclassify
run bad-format 2 "$bin" why --db "$db" --format xml example.org
contains "a bad format names the command" "$err" "Try 'bounce-analyzer why --help'"

# ---- time: UTC with the bounce's own offset; text in local time with the zone ---
run date-utc 0 "$bin" analyze --format ndjson samples/postfix-userunknown.eml
contains "date in UTC" "$out" '"date":"2023-09-12T12:03:58Z","date_offset":"+02:00"'
out=$(TZ=Asia/Tokyo "$bin" analyze samples/postfix-userunknown.eml)
contains "text: local time with the zone" "$out" "date:        2023-09-12 21:03:58 +0900"
# a failure at 23:30 UTC is the next day in Tokyo: csv keeps the UTC day, text the local one
printf 'From: MAILER-DAEMON@mx.example.org\nTo: anna@shop.example\nDate: Sat, 01 Jun 2024 23:30:00 +0000\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; late@example.net\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n--b--\n' > "$tmp/late.eml"
"$bin" ingest -q --db "$tmp/late.db" "$tmp/late.eml"
out=$(TZ=Asia/Tokyo "$bin" report --db "$tmp/late.db" --format csv)
contains "report csv: UTC day" "$out" '"days","2024-06-01"'
out=$(TZ=Asia/Tokyo "$bin" report --db "$tmp/late.db")
contains "report text: local day" "$out" "2024-06-02       1"

# ---- 2. Unix behaviour ---------------------------------------------------------
cp samples/postfix-userunknown.eml "$tmp/-x.eml"
run double-dash 0 sh -c "cd '$tmp' && '$bin' analyze --format ndjson -- -x.eml"
contains "-- then a PATH beginning with -" "$out" '"source":"-x.eml"'
{ "$bin" analyze samples 2>"$tmp/pipe.err"; echo $? > "$tmp/pipe.rc"; } | head -1 > /dev/null
[ "$(cat "$tmp/pipe.rc")" = 0 ] && ok || bad "analyze | head: exit $(cat "$tmp/pipe.rc")"
[ ! -s "$tmp/pipe.err" ] && ok || bad "analyze | head: stderr $(cat "$tmp/pipe.err")"
{ "$bin" search --db "$db" --format ndjson 2>"$tmp/pipe.err"; echo $? > "$tmp/pipe.rc"; } | head -c 10 > /dev/null
[ "$(cat "$tmp/pipe.rc")" = 0 ] && [ ! -s "$tmp/pipe.err" ] && ok || bad "search | head: exit $(cat "$tmp/pipe.rc") $(cat "$tmp/pipe.err")"
want=$("$bin" analyze --format ndjson samples | wc -l)
got=$(find samples -type f -print0 | "$bin" analyze --format ndjson --files-from - -0 | wc -l)
[ "$got" = "$want" ] && ok || bad "find -print0 | analyze --files-from - -0: $got diagnoses, want $want"
find samples -type f > "$tmp/list"
got=$("$bin" analyze --format ndjson --files-from "$tmp/list" | wc -l)
[ "$got" = "$want" ] && ok || bad "analyze --files-from FILE: $got diagnoses, want $want"
find samples -name '*.eml' | "$bin" ingest -q --db "$tmp/list.db" --files-from - && ok || bad "ingest --files-from -"
run files-from-missing 2 "$bin" analyze --files-from "$tmp/no-such-list"
run null-without-list 2 "$bin" analyze -0 samples
mkdir "$tmp/nightly"
cp samples/exim-userunknown.eml "$tmp/nightly/"
printf 'just some notes\n' > "$tmp/nightly/notes.txt"
run not-mail 0 "$bin" analyze --format ndjson "$tmp/nightly"
contains "a non-mail file is a warning" "$err" "notes.txt: warning:"
run not-mail-ingest 0 "$bin" ingest -q --db "$tmp/n.db" "$tmp/nightly"
run unreadable 1 "$bin" analyze "$tmp/nightly" "$tmp/no-such-file"
for c in analyze explain classify rules ingest why search report reclassify; do
    run "$c --help" 0 "$bin" "$c" --help
    contains "$c --help: usage names the command" "$out" "bounce-analyzer $c [OPTION"
    contains "$c --help: exit codes" "$out" "Exit status: 0 ok; 1"
done
out=$("$bin" explain --help)
contains "explain --help is explain's" "$out" "explain each verdict"
lacks "explain --help is not analyze's" "$out" "diagnose the bounces"

# ---- 3. terminal ----------------------------------------------------------------
width_ok () {   # width_ok COLUMNS: every line of stdin fits
    python3 -c '
import sys, unicodedata
cols = int(sys.argv[1])
for line in sys.stdin.read().splitlines():
    w = sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    if w > cols:
        print("%d columns: %s" % (w, line)); sys.exit(1)' "$1"
}
COLUMNS=70 "$bin" search --db "$db" | width_ok 70 && ok || bad "search: wider than COLUMNS=70"
COLUMNS=80 "$bin" report --db "$db" | width_ok 80 && ok || bad "report: wider than COLUMNS=80"
out=$(TZ=Asia/Tokyo "$bin" report --db "$db")
contains "report: a table's times name their zone" "$out" "FIRST SEEN (+0900)"
long=a.very.long.recipient.name.for.testing@subsidiary.example.org
sed "s/j.doe@partner.example/$long/g" samples/postfix-userunknown.eml > "$tmp/long.eml"
"$bin" ingest -q --db "$tmp/long.db" "$tmp/long.eml"
out=$(COLUMNS=160 "$bin" search --db "$tmp/long.db")
contains "a 57-character recipient is not cut when there is room" "$out" "$long "
# CJK: cut by display width, never inside a character, with an ellipsis
sed 's/User unknown in virtual mailbox table/宛先のメールアドレスは存在しません。ご確認ください。宛先のメールアドレスは存在しません/' samples/postfix-userunknown.eml > "$tmp/cjk.eml"
"$bin" ingest -q --db "$tmp/cjk.db" "$tmp/cjk.eml"
out=$(COLUMNS=100 "$bin" search --db "$tmp/cjk.db")
printf '%s\n' "$out" | width_ok 100 && ok || bad "CJK: wider than 100 columns"
printf '%s\n' "$out" | iconv -f UTF-8 -t UTF-8 > /dev/null && ok || bad "CJK: cut inside a character"
contains "CJK cut with an ellipsis" "$out" "…"
run plural 0 "$bin" analyze -v samples/postfix-userunknown.eml
contains "1 message read" "$err" "1 message read"
# progress: never when stderr is not a terminal; on a terminal, a percentage
mkdir -p "$tmp/many/cur" "$tmp/many/new" "$tmp/many/tmp"
for i in $(seq 1 1500); do cp samples/postfix-userunknown.eml "$tmp/many/cur/$i.eml"; done
"$bin" analyze "$tmp/many" > /dev/null 2> "$tmp/progress.err"
if grep -q $'\r' "$tmp/progress.err" || grep -q "%" "$tmp/progress.err"; then bad "progress bytes in a captured stderr"; else ok; fi
if command -v script > /dev/null; then
    out=$(script -qec "'$bin' analyze --format ndjson '$tmp/many' > /dev/null" /dev/null)
    contains "progress on a terminal: percentage" "$out" "% "
    contains "progress on a terminal: rate" "$out" "/s"
    out=$(script -qec "'$bin' ingest --db '$tmp/many.db' '$tmp/many' > /dev/null" /dev/null)
    contains "ingest progress on a terminal: percentage" "$out" "% "
fi
"$bin" ingest --db "$tmp/many2.db" "$tmp/many" > /dev/null 2> "$tmp/progress.err"
if grep -q $'\r' "$tmp/progress.err" || grep -q "%" "$tmp/progress.err"; then bad "ingest: progress bytes in a captured stderr"; else ok; fi

# ---- 4. report: fault first, a calendar with zeros, reasons per day -----------
sed 's/^Date: .*/Date: Mon, 03 Jun 2024 10:00:00 +0000/' "$tmp/late.eml" > "$tmp/later.eml"
"$bin" ingest -q --db "$tmp/late.db" "$tmp/later.eml"
out=$(TZ=UTC "$bin" report --db "$tmp/late.db")
contains "report: by fault" "$out" "By fault (failures: whose move it is)"
[ "$(printf '%s\n' "$out" | grep -n 'By fault' | cut -d: -f1)" -lt "$(printf '%s\n' "$out" | grep -n 'By reason' | cut -d: -f1)" ] \
    && ok || bad "report: fault is not the first section"
contains "report: a day without failures is shown" "$out" "  2024-06-02       0"
contains "report: the reasons of a day" "$out" "userunknown 1"
out=$("$bin" report --db "$tmp/late.db" --format json)
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert [x["day"] for x in d["days"]] == ["2024-06-01", "2024-06-02", "2024-06-03"], d["days"]
assert [x["failed"] for x in d["days"]] == [1, 0, 1]
assert d["faults"][0]["key"] == "sender"' "$out" && ok || bad "report json: calendar or faults"

# ---- 5. the README's examples: the check fails when one differs from the output --
mkdir "$tmp/readme"
ln -s "$PWD/samples" "$tmp/readme/samples"
sed 's/^  orders@retail.example$/  someone.else@retail.example/' README.md > "$tmp/readme/README.md"
if cmp -s README.md "$tmp/readme/README.md"; then bad "readme: the story example was not found to alter"; fi
python3 scripts/readme-examples --check --binary "$bin" "$tmp/readme/README.md" > "$tmp/readme.out" 2>&1
[ $? = 1 ] && grep -q "differs from the real output" "$tmp/readme.out" && ok || bad "readme-examples --check: a changed example not found"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
