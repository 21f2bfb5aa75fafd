# Hostile input, regexes (issue 9, item 1 and the matching budget); sourced
# by tests/e2e/hostile.sh.

# An Exim notice built from Exim's template wording; $1 is put after the
# error line.
exim_notice () {
    printf 'From: Mail Delivery System <Mailer-Daemon@mx.example>\n'
    printf 'To: sender@example.org\nSubject: Mail delivery failed: returning message to sender\n'
    printf 'Date: Tue, 01 Dec 2026 10:00:00 +0000\nX-Failed-Recipients: someone@example.net\n\n'
    printf 'This message was created automatically by mail delivery software.\n\n'
    printf 'A message that you sent could not be delivered to one or more of its\n'
    printf 'recipients. This is a permanent error. The following address(es) failed:\n\n'
    printf '  someone@example.net\n    host mx.example.net [192.0.2.1]: 550 5.1.1 %s' "$2"
    head -c "$1" /dev/zero | tr '\0' ' '
    printf 'x\n\n------ This is a copy of the message, including all the headers. ------\n'
}

# input 1 of the table: 300 KB of spaces after the error line (26 s before)
exim_notice 300000 "user unknown" > "$tmp/exim-ws.eml"
if within 10 "$bin" analyze "$tmp/exim-ws.eml"; then ok; else bad "regex-exim-300k: timed out"; fi
contains regex-exim-300k-recipient "$out" "someone@example.net"
contains regex-exim-300k-format "$out" "(exim)"
lacks regex-exim-300k-no-limit "$err" "limit"

# the same at the part cap, 1 MiB
exim_notice 1048576 "user unknown" > "$tmp/exim-ws1m.eml"
if within 10 "$bin" analyze "$tmp/exim-ws1m.eml"; then ok; else bad "regex-exim-1m: timed out"; fi
contains regex-exim-1m-recipient "$out" "someone@example.net"

# a site rule that backtracks exponentially: the limit hit is a warning
# on the report and a LIMIT line in explain, not a silent "no match"
printf '[nested-runs]\ndescription = test: nested quantifiers\nreason = userunknown\npattern = (?:a+)+b\n' \
    > "$tmp/nested.rules"
exim_notice 0 "$(head -c 40 /dev/zero | tr '\0' a)! b" > "$tmp/exim-nested.eml"
if within 20 "$bin" analyze --site-rules "$tmp/nested.rules" "$tmp/exim-nested.eml"; then ok; else bad "regex-limit: timed out"; fi
contains regex-limit-warning "$err" "nested.rules:4 hit the PCRE2 match limit"
if within 20 "$bin" explain --site-rules "$tmp/nested.rules" "$tmp/exim-nested.eml"; then ok; else bad "regex-limit-explain: timed out"; fi
contains regex-limit-explain "$out" "LIMIT nested-runs"
if within 20 "$bin" classify --explain --site-rules "$tmp/nested.rules" "$(head -c 40 /dev/zero | tr '\0' a)! b"; then ok; else bad "regex-limit-classify: timed out"; fi
contains regex-limit-classify "$out" "LIMIT nested-runs"

# the message's matching budget: 600 site patterns that each read a 1 MiB
# notice and fail (no literal prefilter can skip them) use up 512 MiB; the
# rest is skipped, and a warning says so
{
    printf '[slow-detects]\ndescription = test: patterns that read the whole notice and fail\n'
    for i in $(seq 600); do printf 'detect = [q0][z1][x2]\\d{%d}\n' $((i % 9 + 1)); done
    printf 'recipient = ^(?<recipient>[^\\s@]+@[^\\s@]+)$\n'
} > "$tmp/slow.formats"
{
    printf 'From: someone@example.org\nTo: other@example.net\nSubject: hello\n\n'
    head -c 1048000 /dev/zero | tr '\0' ' '
    printf '\nend\n'
} > "$tmp/plain1m.eml"
if within 30 "$bin" analyze --site-rules "$tmp/slow.formats" "$tmp/plain1m.eml"; then ok; else bad "regex-budget: timed out"; fi
contains regex-budget-warning "$err" "matching budget used up"
[ "$status" = 0 ] && ok || bad "regex-budget: exit $status"

# rules check names the shape, with file and line, and fails
"$bin" rules check "$tmp/nested.rules" > "$tmp/check.out" 2>&1; rc=$?
[ "$rc" = 1 ] && ok || bad "regex-check: exit $rc, expected 1"
contains regex-check-line "$(cat "$tmp/check.out")" "nested.rules:4: warning: pattern:"
"$bin" rules check > "$tmp/check-default.out" 2>&1; rc=$?
[ "$rc" = 0 ] && ok || bad "regex-check-default: exit $rc: $(grep warning "$tmp/check-default.out" | head -3)"
# the shipped set is trusted at load (this check is what vouches for it),
# any other rules directory is not: a hazard in a copy warns on every load
mkdir "$tmp/rules-copy" && cp "$root"/rules/* "$tmp/rules-copy/"
printf '\n[nested-runs-copy]\ndescription = test: nested quantifiers\nreason = userunknown\npattern = (?:a+)+b\n' \
    >> "$tmp/rules-copy/80-wording.rules"
"$bin" rules check --rules "$tmp/rules-copy" > "$tmp/check-copy.out" 2>&1; rc=$?
[ "$rc" = 1 ] && ok || bad "regex-check-copy: exit $rc, expected 1"
contains regex-check-copy-line "$(cat "$tmp/check-copy.out")" "80-wording.rules:"
"$bin" classify --rules "$tmp/rules-copy" "550 5.1.1 user unknown" > /dev/null 2> "$tmp/copy-load.err"
contains regex-copy-load-warns "$(cat "$tmp/copy-load.err")" "80-wording.rules:"

# every format and classify on 1 MiB bombs of whitespace and repetition,
# and a line of a@a@a@... (scripts/bomb alone runs four more kinds); the
# bound per message is generous here: a sanitizer build on a busy host
if within 1500 python3 scripts/bomb --binary "$bin" --limit 20 --only spaces-tabs,blank-lines,words,addresses,address-line; then
    ok
else
    bad "regex-bombs: $(echo "$out" | grep -E 'FAIL|runs' | head -5)"
fi
