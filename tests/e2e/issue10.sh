#!/usr/bin/env bash
# End-to-end: issue 10's remaining examples (addresses as fields and notices
# wrap them, multi-line SMTP replies, progress on a terminal), and those of
# its examples no other e2e test covered.  Samples are written here
# (tests/e2e/issue10/mail.sh), with made-up addresses.
set -u
bin=$1 root=$2
cd "$root" || exit 1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok ()  { pass=$((pass + 1)); }
bad () { echo "FAIL $*"; fail=$((fail + 1)); }
contains () { case "$2" in *"$3"*) ok ;; *) bad "$1: output lacks '$3'" ;; esac; }
lacks ()    { case "$2" in *"$3"*) bad "$1: output has '$3'" ;; *) ok ;; esac; }
. tests/e2e/issue10/mail.sh

# field FILE KEY: the values of KEY in analyze's ndjson of FILE, one a line
field () {
    "$bin" analyze --format ndjson "$1" 2>/dev/null |
        python3 -c 'import json,sys
for l in sys.stdin: print(json.loads(l).get(sys.argv[1]))' "$2"
}

# ---- 1. an address is the same however it is wrapped ------------------------------
want=jo.doe@receiver.example
for wrap in "<$want>" "<$want>>" "$want>" "\"$want\"" "<<$want>>" "mailto:$want" "<mailto:$want>" \
            "$want." "($want)" "[$want]" "$want,"; do
    for carrier in dsn_mail xfailed_mail exim_line_mail sentence_mail; do
        "$carrier" "$wrap" > "$tmp/a.eml"
        got=$(field "$tmp/a.eml" recipient)
        [ "$got" = "$want" ] && ok || bad "address $carrier '$wrap': recipient '$got', want '$want'"
    done
    dsn_mail "$wrap" > "$tmp/a.eml"
    got=$(field "$tmp/a.eml" original_recipient)
    [ "$got" = "$want" ] && ok || bad "address Original-Recipient '$wrap': '$got', want '$want'"
done
# a quoted local part and a domain literal keep what is theirs
dsn_mail '<"jo doe"@receiver.example>' > "$tmp/a.eml"
got=$(field "$tmp/a.eml" recipient)
[ "$got" = '"jo doe"@receiver.example' ] && ok || bad "quoted local part: '$got'"
dsn_mail '<jo@[192.0.2.7]>' > "$tmp/a.eml"
got=$(field "$tmp/a.eml" recipient)
[ "$got" = 'jo@[192.0.2.7]' ] && ok || bad "domain literal: '$got'"

# ---- 2. a multi-line reply is kept whole, its repeated codes dropped ---------------
for carrier in gmail_postfix gmail_exim gmail_sendmail gmail_sendmail_dsn gmail_qmail gmail_dsn; do
    "$carrier" > "$tmp/g.eml"
    got=$(field "$tmp/g.eml" diagnostic)
    contains "multi-line reply ($carrier)" "$got" "$GMAIL_WHOLE"
    lacks "multi-line reply ($carrier): no repeated code" "$got" "550-5.1.1"
    got=$(field "$tmp/g.eml" reason)
    [ "$got" = userunknown ] && ok || bad "multi-line reply ($carrier): reason '$got'"
done

# ---- 3. progress: a percentage for --files-from and standard input -----------------
ls samples/*.eml > "$tmp/list"
tr '\n' '\0' < "$tmp/list" > "$tmp/list0"
if command -v script > /dev/null; then
    # on_tty COMMAND: the terminal's bytes (stderr) of COMMAND run in a pseudo-terminal
    on_tty () { script -qec "$1" /dev/null | tr '\r' '\n'; }
    out=$(on_tty "'$bin' analyze --format ndjson --files-from '$tmp/list' > /dev/null")
    contains "progress: --files-from FILE has a percentage" "$out" "% "
    out=$(on_tty "'$bin' analyze --format ndjson --files-from - -0 < '$tmp/list0' > /dev/null")
    contains "progress: --files-from - -0 has a percentage" "$out" "% "
    out=$(on_tty "'$bin' ingest --db '$tmp/p.db' --files-from '$tmp/list' > /dev/null")
    contains "progress: ingest --files-from has a percentage" "$out" "% "
    out=$(on_tty "'$bin' analyze --format ndjson - < samples/postfix-userunknown.eml > /dev/null")
    contains "progress: a file on standard input has a percentage" "$out" "% "
    out=$(on_tty "cat samples/postfix-userunknown.eml | '$bin' analyze --format ndjson - > /dev/null")
    contains "progress: a pipe on standard input has a rate" "$out" "/s"
    lacks "progress: a pipe on standard input has no percentage" "$out" "%"
    out=$(on_tty "'$bin' analyze -q --format ndjson --files-from '$tmp/list' > /dev/null")
    lacks "progress: -q draws none" "$out" "%"
else
    bad "progress: 'script' (util-linux) is needed for the pseudo-terminal tests"
fi
# never when stderr is not a terminal
"$bin" analyze --format ndjson --files-from "$tmp/list" > /dev/null 2> "$tmp/err"
if grep -q -e $'\r' -e '%' "$tmp/err"; then bad "progress on a pipe (--files-from)"; else ok; fi
"$bin" analyze --format ndjson - < samples/postfix-userunknown.eml > /dev/null 2> "$tmp/err"
if grep -q -e $'\r' -e '%' "$tmp/err"; then bad "progress on a pipe (standard input)"; else ok; fi

echo "issue10: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
