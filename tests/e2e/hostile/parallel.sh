# Hostile inputs for the worker processes of -j (sourced by tests/e2e/hostile.sh):
# a mailbox that is one huge message, ingest -j of an mbox, a FIFO and a
# device among the paths, -j values out of range.
pj=$tmp/parallel
mkdir -p "$pj"

pj_dsn () {                     # pj_dsn ADDRESS: a small DSN
    printf 'From MAILER-DAEMON Thu Jan  1 00:00:00 2009\n'
    printf 'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\nTo: sender@example.org\n'
    printf 'Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n'
    printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
    printf -- '--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n'
    printf 'Final-Recipient: rfc822; %s\nAction: failed\nStatus: 5.1.1\n\n--b--\n\n' "$1"
}

# -- 1. an mbox of one message of 8 MB of one header line: the reader's caps hold at -j 2 as at -j 1
{ pj_dsn a@example.net | head -3; head -c 8000000 /dev/zero | tr '\0' 'x'; printf '\n'; pj_dsn b@example.net | tail -n +4; } >"$pj/huge.mbox"
for j in 1 2; do
    if within 60 "$bin" analyze -j $j --format ndjson "$pj/huge.mbox"; then ok; else bad "parallel huge: -j $j did not end in 60 s"; fi
    eval "huge$j=\$out herr$j=\$err"
done
[ "$huge1" = "$huge2" ] && [ "$herr1" = "$herr2" ] && ok || bad "parallel huge: -j 2 differs from -j 1"

# -- 2. ingest -j of an mbox ends, and well
for i in $(seq 200); do pj_dsn "u$i@example.net"; done >"$pj/grow.mbox"
if within 60 "$bin" ingest -q -j 2 --db "$pj/a.db" "$pj/grow.mbox"; then ok; else bad "parallel ingest: did not end in 60 s"; fi
[ "$status" = 0 ] && ok || bad "parallel ingest: exit $status: $err"

# -- 3. a FIFO and a device among the paths: skipped with the same warnings at every -j
mkfifo "$pj/fifo"
for j in 1 2; do
    if within 10 "$bin" analyze -j $j "$pj/fifo" /dev/null "$pj/grow.mbox"; then ok; else bad "parallel fifo: -j $j blocked"; fi
    eval "ferr$j=\$err fst$j=\$status"
done
[ "$ferr1" = "$ferr2" ] && [ "$fst1" = "$fst2" ] && ok || bad "parallel fifo: -j 2 warnings differ: $ferr2"
contains "parallel fifo" "$ferr2" "a FIFO"

# -- 4. -j out of range, attached or not, is a usage error
for arg in "-j -1" "-j 257" "-j999" "--jobs=x"; do
    within 5 "$bin" analyze $arg "$pj/grow.mbox"
    [ "$status" = 2 ] && ok || bad "parallel: analyze $arg: exit $status"
    within 5 "$bin" ingest --db "$pj/b.db" $arg "$pj/grow.mbox"
    [ "$status" = 2 ] && ok || bad "parallel: ingest $arg: exit $status"
done
