#!/usr/bin/env bash
# End-to-end: `ingest -j N` stores the same as `-j 1` (issue 11): the same
# export (but for the time of ingestion), warnings, summary and exit
# status, on mboxes with broken messages and overlong headers, a Maildir,
# a tree of mboxes and files, a second run that finds everything stored, an
# mbox that grew, and PostgreSQL when $BA_TEST_PG_URL names a server; a run
# killed with a batch open is completed by the next; a worker killed
# mid-run is an error.
set -u
bin=$1 root=$2
cd "$root" || exit 1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC
unset BOUNCE_ANALYZER_DB

python3 scripts/make-mbox 1500 "$tmp/big.mbox" samples >/dev/null || exit 1
python3 - "$tmp/big.mbox" "$tmp" <<'PY'
import sys
sys.path.insert(0, "tests/e2e/lib")
from hostile_mbox import hostile as make_hostile
src, tmp = sys.argv[1], sys.argv[2]
msgs = open(src, "rb").read().split(b"\nFrom MAILER-DAEMON ")
hostile = make_hostile(msgs)
open(tmp + "/hostile.mbox", "wb").write(hostile)
# line ends a worker must read the same way: CRLF, and bare CR (the reader's filter)
small = b"\nFrom MAILER-DAEMON ".join(msgs[:300])
open(tmp + "/crlf.mbox", "wb").write(small.replace(b"\n", b"\r\n"))
open(tmp + "/cr.mbox", "wb").write(small.replace(b"\n", b"\r"))
PY
mkdir -p "$tmp/maildir/cur" "$tmp/maildir/new" "$tmp/maildir/tmp"
cp samples/*.eml "$tmp/maildir/cur/"
# a tree of mboxes and message files: the workers read each mbox inside the walk
mkdir -p "$tmp/tree/sub"
cp "$tmp/crlf.mbox" "$tmp/tree/"
cp "$tmp/hostile.mbox" samples/*.eml "$tmp/tree/sub/"

# dump DB: what the store holds, the time of ingestion left out
dump () {
    "$bin" export --db "$1" | sed 's/"ingested_at":"[^"]*"//'
}
# run J DB ARGS...: ingest, its stdout (timing cut), stderr and status kept as $tmp/*.J
run () {
    local j=$1 db=$2; shift 2
    "$bin" ingest -j "$j" --db "$db" "$@" >"$tmp/out.$j" 2>"$tmp/err.$j"; echo $? >"$tmp/rc.$j"
    sed -i 's/ ([0-9.]* s)$//' "$tmp/out.$j"
}
# same LABEL DB1 DB2: the last two runs and their stores agree
same () {
    dump "$2" >"$tmp/dump1"; dump "$3" >"$tmp/dump2"
    sed -i "s|$2|DB|g" "$tmp/out.1"; sed -i "s|$3|DB|g" "$tmp/out.2"
    if cmp -s "$tmp/dump1" "$tmp/dump2" && cmp -s "$tmp/out.1" "$tmp/out.2" \
       && cmp -s "$tmp/err.1" "$tmp/err.2" && cmp -s "$tmp/rc.1" "$tmp/rc.2" && [ -s "$tmp/dump1" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL ingest -j 2 differs from -j 1: $1"
        diff "$tmp/dump1" "$tmp/dump2" | head -4 | cut -c1-200
        diff "$tmp/out.1" "$tmp/out.2" | head -4
        diff "$tmp/err.1" "$tmp/err.2" | head -4
        fail=$((fail + 1))
    fi
}

for input in "$tmp/big.mbox" "$tmp/hostile.mbox" "$tmp/crlf.mbox" "$tmp/cr.mbox" "$tmp/maildir" "$tmp/tree" samples; do
    rm -f "$tmp"/a.db* "$tmp"/b.db*
    run 1 "$tmp/a.db" "$input"; run 2 "$tmp/b.db" "$input"
    same "$input" "$tmp/a.db" "$tmp/b.db"
    # again: everything is found stored
    run 1 "$tmp/a.db" "$input"; run 2 "$tmp/b.db" "$input"
    same "$input, again" "$tmp/a.db" "$tmp/b.db"
done
# an mbox that grew since the last run: each run resumes where the last
# stopped, and the two stores still agree
rm -f "$tmp"/a.db* "$tmp"/b.db*
python3 - "$tmp/big.mbox" "$tmp/grown" <<'PY'
import sys
msgs = open(sys.argv[1], "rb").read().split(b"\nFrom MAILER-DAEMON ")
half = len(msgs) // 2
open(sys.argv[2] + ".head", "wb").write(b"\nFrom MAILER-DAEMON ".join(msgs[:half]) + b"\n")
open(sys.argv[2] + ".tail", "wb").write(b"From MAILER-DAEMON " + b"\nFrom MAILER-DAEMON ".join(msgs[half:]))
PY
for j in 1 2; do cp "$tmp/grown.head" "$tmp/grown$j.mbox"; done
run 1 "$tmp/a.db" "$tmp/grown1.mbox"; run 2 "$tmp/b.db" "$tmp/grown2.mbox"
for j in 1 2; do cat "$tmp/grown.tail" >>"$tmp/grown$j.mbox"; done
run 1 "$tmp/a.db" "$tmp/grown1.mbox"; run 2 "$tmp/b.db" "$tmp/grown2.mbox"
sed -i "s/grown[12]/grown/g; s|$tmp/[ab].db|DB|g" "$tmp/out.1" "$tmp/out.2" "$tmp/err.1" "$tmp/err.2"
if cmp -s <(dump "$tmp/a.db" | sed 's/grown1/grown/g') <(dump "$tmp/b.db" | sed 's/grown2/grown/g') \
   && cmp -s "$tmp/out.1" "$tmp/out.2" && cmp -s "$tmp/err.1" "$tmp/err.2" \
   && [ "$(dump "$tmp/a.db" | wc -l)" -gt 0 ]; then
    pass=$((pass + 1))
else
    echo "FAIL ingest -j 2 differs from -j 1 on a grown mbox"
    diff "$tmp/out.1" "$tmp/out.2" | head -4
    fail=$((fail + 1))
fi

rm -f "$tmp"/a.db* "$tmp"/b.db*
run 1 "$tmp/a.db" "$tmp/hostile.mbox" "$tmp/maildir"
grep -q ": offset [0-9]*: " "$tmp/err.1" && pass=$((pass + 1)) \
    || { echo "FAIL the hostile mbox gave no error at an offset"; fail=$((fail + 1)); }
run 2 "$tmp/b.db" -j2 "$tmp/hostile.mbox" "$tmp/maildir"
same "two paths, -j2 attached" "$tmp/a.db" "$tmp/b.db"

if [ -n "${BA_TEST_PG_URL:-}" ] && psql -X -q -At "$BA_TEST_PG_URL" -c "SELECT 1" >/dev/null 2>&1; then
    sep='?'; case $BA_TEST_PG_URL in *\?*) sep='&' ;; esac
    schemas=""
    for s in ba$$_j1 ba$$_j2; do
        psql -X -q "$BA_TEST_PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $s CASCADE; CREATE SCHEMA $s" >/dev/null
        schemas="$schemas $s"
    done
    trap 'for s in $schemas; do psql -X -q "$BA_TEST_PG_URL" -c "DROP SCHEMA IF EXISTS $s CASCADE" >/dev/null 2>&1; done; rm -rf "$tmp"' EXIT
    p1="$BA_TEST_PG_URL${sep}options=-csearch_path%3Dba$$_j1"
    p2="$BA_TEST_PG_URL${sep}options=-csearch_path%3Dba$$_j2"
    run 1 "$p1" "$tmp/hostile.mbox" "$tmp/maildir"; run 2 "$p2" "$tmp/hostile.mbox" "$tmp/maildir"
    same "PostgreSQL" "$p1" "$p2"
else
    echo "skipped: PostgreSQL (BA_TEST_PG_URL unset or unreachable)"
fi

# an ingest killed with a batch open leaves a consistent store, and the same
# ingest again completes it: the store is then that of one uninterrupted run.
# The paths come from a FIFO held open, so the run waits, its last batch
# written but not committed, until it is killed.
for j in 1 2; do
    rm -f "$tmp"/a.db* "$tmp"/c.db* "$tmp/paths"
    run 1 "$tmp/a.db" "$tmp/big.mbox"
    mkfifo "$tmp/paths"
    "$bin" ingest -q -j $j --batch 7 --db "$tmp/c.db" -T "$tmp/paths" >/dev/null 2>"$tmp/c.err" &
    caller=$!
    exec 3<>"$tmp/paths"
    echo "$tmp/big.mbox" >&3
    committed=$(( $(grep -c '^From ' "$tmp/big.mbox") / 7 * 7 ))
    n=0
    for _ in $(seq 1200); do
        n=$(sqlite3 "$tmp/c.db" "SELECT count(*) FROM messages" 2>/dev/null || echo 0)
        [ "${n:-0}" -ge $committed ] && break
        sleep 0.1
    done
    kill -9 $caller; wait $caller 2>/dev/null
    exec 3>&-
    check=$(sqlite3 "$tmp/c.db" "PRAGMA integrity_check; SELECT count(*) FROM messages;
        SELECT count(*) FROM recipients r LEFT JOIN messages m ON m.id = r.message_id WHERE m.id IS NULL" | tr '\n' ' ')
    run 1 "$tmp/c.db" "$tmp/big.mbox"
    if [ "$check" = "ok $committed 0 " ] && [ "$(cat "$tmp/rc.1")" = 0 ] && cmp -s <(dump "$tmp/a.db") <(dump "$tmp/c.db"); then
        pass=$((pass + 1))
    else
        echo "FAIL ingest -j $j killed with a batch open: store after the kill '$check' (want 'ok $committed 0 '), then:"
        diff <(dump "$tmp/a.db") <(dump "$tmp/c.db") | head -4 | cut -c1-200
        fail=$((fail + 1))
    fi
done
rm -f "$tmp/paths"

# a worker killed mid-run: an error naming the message, a failure status, no
# hang.  The paths come from a FIFO held open, so the run cannot end before
# the kill; the next path's messages then go to the dead worker.
mkfifo "$tmp/paths"
"$bin" ingest -q -j 2 --db "$tmp/k.db" -T "$tmp/paths" >"$tmp/killed.out" 2>"$tmp/killed.err" &
caller=$!
exec 3<>"$tmp/paths"
echo "$tmp/big.mbox" >&3
workers=
for _ in $(seq 600); do
    workers=$(cat /proc/$caller/task/*/children 2>/dev/null)
    [ $(echo $workers | wc -w) -ge 2 ] && break
    sleep 0.1
done
victim=$(echo $workers | awk '{print $NF}')
[ -n "$victim" ] && kill -9 $victim
echo "$tmp/hostile.mbox" >&3
exec 3>&-
# (a hang is killed after two minutes, and fails)
timeout 120 tail --pid=$caller -f /dev/null
kill -9 $caller 2>/dev/null
wait $caller; rc=$?
if [ -n "$victim" ] && [ $rc = 1 ] \
   && grep -q "offset [0-9]*: analysis stopped: worker process [12] of 2 was killed by signal 9" "$tmp/killed.err"; then
    pass=$((pass + 1))
else
    echo "FAIL a killed ingest worker: status $rc, workers '$workers'"; head -3 "$tmp/killed.err"; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
