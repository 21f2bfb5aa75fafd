#!/usr/bin/env bash
# End-to-end: `analyze -j N` gives the same output, warnings and exit status
# as `-j 1` (issue 11), on mboxes big enough to be shared by chunks (with
# From_ lines GMime must resynchronise on, in every message of one, a CRLF copy, an unfinished last
# message), on directories, and on the labelled corpus when ../shared has it.
set -u
bin=$1 root=$2
cd "$root" || exit 1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 scripts/make-mbox 2500 "$tmp/big.mbox" samples >/dev/null || exit 1
python3 - "$tmp/big.mbox" "$tmp" <<'PY'
import sys
sys.path.insert(0, "tests/e2e/lib")
from hostile_mbox import hostile as make_hostile
src, tmp = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
msgs = data.split(b"\nFrom MAILER-DAEMON ")
open(tmp + "/resync.mbox", "wb").write(b"\nFrom MAILER-DAEMON ".join(
    m.replace(b"\n\n", b"\n\nFrom nobody Thu Jan  1 00:00:00 1970\nnot a header\n", 1) for m in msgs))
hostile = make_hostile(msgs)
open(tmp + "/hostile.mbox", "wb").write(hostile + b"From MAILER-DAEMON Thu Jan  1 00:00:00 2009\n")
open(tmp + "/crlf.mbox", "wb").write(hostile.replace(b"\n", b"\r\n"))
PY
mkdir -p "$tmp/maildir/cur" "$tmp/maildir/new" "$tmp/maildir/tmp"
cp samples/*.eml "$tmp/maildir/cur/"

# same ARGS...: the outputs of -j 1, -j 2 and -j 3 are byte for byte the same
same () {
    local j
    "$bin" analyze -j 1 "$@" >"$tmp/out1" 2>"$tmp/err1"; echo $? >"$tmp/rc1"
    for j in 2 3; do
        "$bin" analyze -j $j "$@" >"$tmp/out$j" 2>"$tmp/err$j"; echo $? >"$tmp/rc$j"
        if cmp -s "$tmp/out1" "$tmp/out$j" && cmp -s "$tmp/err1" "$tmp/err$j" && cmp -s "$tmp/rc1" "$tmp/rc$j"; then
            pass=$((pass + 1))
        else
            echo "FAIL -j $j differs from -j 1: analyze $*"
            diff "$tmp/out1" "$tmp/out$j" | head -5
            diff "$tmp/err1" "$tmp/err$j" | head -5
            fail=$((fail + 1))
        fi
    done
    [ -s "$tmp/out1" ] || { echo "FAIL no output: analyze $*"; fail=$((fail + 1)); }
}

same --format ndjson "$tmp/big.mbox"
same --format ndjson -v "$tmp/hostile.mbox"
same -v "$tmp/crlf.mbox"
same --format ndjson -v "$tmp/resync.mbox"
same --format json samples "$tmp/maildir" "$tmp/big.mbox"
# the fuzz regression files exhaust the per-message time budget on purpose,
# so under a sanitizer and load their verdict depends on the clock: left out
find tests -type f ! -path "tests/fuzz/regress*" -print0 | sort -z >"$tmp/tests.list"
same --format ndjson -v --files-from "$tmp/tests.list" -0
corpus=$root/../shared/corpus/sisimai
if [ -d "$corpus" ]; then
    same --format ndjson -v "$corpus"
else
    echo "skipped: no corpus at $corpus"
fi

# every output format, and the count attached to -j (-j2)
for f in text json ndjson csv; do
    same --format $f samples "$tmp/big.mbox"
done
"$bin" analyze -j2 --format ndjson "$tmp/big.mbox" >"$tmp/attached" 2>"$tmp/attached.err"
"$bin" analyze -j 1 --format ndjson "$tmp/big.mbox" >"$tmp/out1" 2>/dev/null
if cmp -s "$tmp/out1" "$tmp/attached"; then pass=$((pass + 1)); else
    echo "FAIL analyze -j2 (attached) differs from -j 1"; head -3 "$tmp/attached.err"; fail=$((fail + 1)); fi
"$bin" explain -j2 samples/activehunter-userunknown.eml >/dev/null 2>&1 \
    && pass=$((pass + 1)) || { echo "FAIL explain -j2 is refused"; fail=$((fail + 1)); }

# a broken message in the middle: the same error text, at its offset, at every -j
"$bin" analyze -j 1 --format ndjson "$tmp/resync.mbox" >/dev/null 2>"$tmp/resync1"
"$bin" analyze -j 2 --format ndjson "$tmp/resync.mbox" >/dev/null 2>"$tmp/resync2"
if grep -q ": offset [0-9]*: " "$tmp/resync1" && cmp -s "$tmp/resync1" "$tmp/resync2"; then
    pass=$((pass + 1))
else
    echo "FAIL a broken message's error differs between -j 1 and -j 2 (or is missing)"
    head -3 "$tmp/resync1" "$tmp/resync2"; fail=$((fail + 1))
fi

# a worker killed mid-run: an error naming the message, a failure status, no hang.
# The reader of the output stops after one line, so the caller blocks writing
# it and the workers block on their full pipes: the killed one had work left.
mkfifo "$tmp/fifo"
"$bin" analyze -j 2 --format ndjson "$tmp/big.mbox" >"$tmp/fifo" 2>"$tmp/killed.err" &
caller=$!
exec 3<"$tmp/fifo"
read -r first <&3
workers=$(cat /proc/$caller/task/*/children 2>/dev/null)
victim=$(echo $workers | awk '{print $NF}')
[ -n "$victim" ] && kill -9 $victim
timeout 120 cat <&3 >/dev/null
exec 3<&-
wait $caller; rc=$?
if [ -n "$victim" ] && [ $rc != 0 ] && [ $rc != 124 ] \
   && grep -q "offset [0-9]*: analysis stopped: worker process [12] of 2 was killed by signal 9" "$tmp/killed.err"; then
    pass=$((pass + 1))
else
    echo "FAIL a killed worker: status $rc, workers '$workers'"; head -3 "$tmp/killed.err"; fail=$((fail + 1))
fi

# the worker count is checked
"$bin" analyze -j -1 samples >/dev/null 2>&1
[ $? = 2 ] && pass=$((pass + 1)) || { echo "FAIL -j -1 is not a usage error"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
