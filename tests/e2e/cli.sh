#!/usr/bin/env bash
# End-to-end: the command-line contract (help, errors, exit codes, inputs).
set -u
bin=$1 root=$2
cd "$root" || exit 1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check () {   # check NAME EXPECTED_STATUS COMMAND...; output in $out
    local name=$1 want=$2
    shift 2
    out=$("$@" 2>"$tmp/err"); status=$?
    err=$(cat "$tmp/err")
    if [ "$status" != "$want" ]; then
        echo "FAIL $name: exit $status, want $want; stderr: $err"
        fail=$((fail + 1))
        return 1
    fi
    pass=$((pass + 1))
}
contains () {  # contains NAME HAYSTACK NEEDLE
    case "$2" in
        *"$3"*) pass=$((pass + 1)) ;;
        *) echo "FAIL $1: output lacks '$3'"; fail=$((fail + 1)) ;;
    esac
}

check help 0 "$bin" --help && contains help "$out" "analyze"
check version 0 "$bin" --version && contains version "$out" "bounce-analyzer"
check analyze-help 0 "$bin" analyze --help && contains analyze-help "$out" "--format"
check unknown-option 2 "$bin" analyze --bogus samples && contains unknown-option "$err" "Try 'bounce-analyzer analyze --help'"
[ "$(printf '%s\n' "$err" | grep -c .)" -le 2 ] && pass=$((pass + 1)) || { echo "FAIL unknown-option: more than a line and a hint"; fail=$((fail + 1)); }
check unknown-command 2 "$bin" frobnicate
check bad-format 2 "$bin" analyze --format xml samples
check no-path 2 "$bin" analyze

# remote_mta is the host name alone, in lower case (issue 10: one host, one row in a report)
sed -e 's/^Remote-MTA: .*/Remote-MTA: dns; MX1.Supplier.Example. (TCP|192.0.2.17|47323|198.51.100.2|25)/' \
    samples/postfix-userunknown.eml > "$tmp/remote-mta.eml"
if grep -q '^Remote-MTA: dns; MX1' "$tmp/remote-mta.eml"; then
    check remote-mta-host 0 "$bin" analyze --format ndjson "$tmp/remote-mta.eml" &&
        contains remote-mta-host "$out" '"remote_mta":"mx1.supplier.example"'
else
    echo "FAIL remote-mta-host: the sample has no Remote-MTA field to vary"; fail=$((fail + 1))
fi

# a Subject folded into two base64 words, the first ending in '=' padding, is read
# whole (GMime 3.2.13 decodes adjacent words together and drops the second; issue 10)
awk 'BEGIN { n = 0 } /^Subject: / && ++n == 2 {
         print "Subject: =?UTF-8?B?UsOpdW5pb24gZGUgcHLDqXBhcmF0aW9uIGR1IGJ1ZGdldCA=?="
         print " =?UTF-8?B?YW5udWVsIHBvdXIgbCdhbm7DqWUgcHJvY2hhaW5l?="; next } { print }' \
    samples/postfix-userunknown.eml > "$tmp/subject.eml"
check subject-two-words 0 "$bin" analyze --format ndjson "$tmp/subject.eml" &&
    contains subject-two-words "$out" '"subject":"Réunion de préparation du budget annuel pour l'"'"'année prochaine"'

# exit 1 when an input cannot be read, the rest still processed
check missing-input 1 "$bin" analyze --format ndjson samples/no-such-file samples/postfix-userunknown.eml
contains missing-input "$err" "samples/no-such-file"
contains missing-input-rest "$out" '"reason":"userunknown"'

# standard input: one message, or an mbox with offsets
check stdin-message 0 sh -c "\"$bin\" analyze --format ndjson - < samples/qmail-userunknown.eml"
contains stdin-message "$out" '"source":"-"'
check stdin-mbox 0 sh -c "\"$bin\" analyze --format ndjson - < samples/mbox/bounces.mbox"
contains stdin-mbox "$out" '"offset":0'

# a message that is not a bounce prints nothing in ndjson; -v says so
check not-bounce 0 "$bin" analyze --format ndjson -v samples/not-bounce.eml
[ -z "$out" ] && pass=$((pass + 1)) || { echo "FAIL not-bounce printed: $out"; fail=$((fail + 1)); }
contains not-bounce-v "$err" "not a bounce"

# json is one document: format_version, command, and the diagnoses (tests/e2e/contract.sh checks the keys)
check json 0 "$bin" analyze --format json samples/exim-userunknown.eml
python3 -c 'import json,sys; a=json.load(sys.stdin); assert a["format_version"]==1 and len(a["diagnoses"])==2' <<<"$out" \
    && pass=$((pass + 1)) || { echo "FAIL json is not a document of 2 diagnoses"; fail=$((fail + 1)); }

# ndjson keys
check ndjson-keys 0 "$bin" analyze --format ndjson samples/postfix-userunknown.eml
python3 - "$out" <<'PY' && pass=$((pass + 1)) || { echo "FAIL ndjson keys"; fail=$((fail + 1)); }
import json, sys
o = json.loads(sys.argv[1])
need = {"source", "offset", "kind", "recipient", "action", "status", "smtp_code", "remote_mta",
        "reporting_mta", "date", "reason", "hard_bounce", "rule", "captures", "diagnostic", "original",
        "dnsbl", "listed", "fault", "advice"}
assert need <= set(o), need - set(o)
assert set(o["original"]) == {"message_id", "from", "to", "subject", "date", "date_offset"}
assert o["smtp_code"] == 550 and o["hard_bounce"] is True and o["offset"] is None
PY

# terminal control characters never reach the screen
printf 'From: MAILER-DAEMON@example.org\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\nFinal-Recipient: rfc822; evil@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 \033[2J\033]0;owned\007 user unknown\n--b--\n' > "$tmp/esc.eml"
check escape 0 "$bin" analyze "$tmp/esc.eml"
if printf '%s' "$out" | grep -q $'\033'; then echo "FAIL escape sequence printed"; fail=$((fail + 1)); else pass=$((pass + 1)); fi

# hostile bytes: never crash or hang
for i in 1 2 3 4 5 6 7 8; do
    head -c $((i * 7919)) /dev/urandom > "$tmp/rand$i.eml"
    { printf 'From x Tue Mar 25 16:02:11 2008\n'; head -c 50000 /dev/urandom; printf '\nFrom y Tue Mar 25 16:02:11 2008\nSubject: ok\n\n'; } > "$tmp/rand$i.mbox"
done
timeout 60 "$bin" analyze --format ndjson "$tmp" > /dev/null 2>&1
st=$?
[ "$st" -le 1 ] && pass=$((pass + 1)) || { echo "FAIL random bytes: exit $st"; fail=$((fail + 1)); }

# the input is never modified
sum_before=$(cat samples/*.eml samples/mbox/* | sha256sum)
"$bin" analyze samples > /dev/null 2>&1
[ "$sum_before" = "$(cat samples/*.eml samples/mbox/* | sha256sum)" ] && pass=$((pass + 1)) || { echo "FAIL samples changed"; fail=$((fail + 1)); }

# rules: check reports file:line, list lists, site rules win
printf '[x]\ndescription = d\nreason = nosuch\npattern = (\n' > "$tmp/bad.rules"
check rules-check-bad 1 "$bin" rules check "$tmp/bad.rules"
contains rules-check-line "$out" "$tmp/bad.rules:3:"
contains rules-check-line4 "$out" "$tmp/bad.rules:4:"
check rules-list 0 "$bin" rules list && contains rules-list "$out" "REASON"
printf '[our-filter]\ndescription = our gateway words\nreason = filtered\npriority = 1\npattern = user unknown\n' > "$tmp/site.rules"
check site-rules 0 "$bin" analyze --format ndjson --site-rules "$tmp/site.rules" samples/postfix-userunknown.eml
contains site-rules "$out" '"rule":"our-filter"'
# a rule set with errors is refused, never half used (issue 10)
check rules-dir-broken 2 "$bin" analyze --format ndjson --rules "$tmp" samples/postfix-userunknown.eml
contains rules-dir-broken "$err" "nothing was done"

# classify and explain
check classify 0 "$bin" classify "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using relays.ordb.org"
contains classify "$out" "blocked"
check classify-json 0 "$bin" classify --json --date 2008-03-26 "554 5.7.1 Client host [192.0.2.1] blocked using relays.ordb.org"
contains classify-json-zone "$out" '"dnsbl":"relays.ordb.org"'
contains classify-json-fault "$out" '"fault":"receiving-system"'
check explain 0 "$bin" explain samples/postfix-userunknown.eml
contains explain "$out" "WON"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
