# Start-up (issue 11): the shipped rule set is compiled on first use, every
# other pattern at load, so a broken one still stops the program before it
# reads anything; sourced by tests/e2e/hostile.sh.

# a site rule, a site format and a pattern in a copy of rules/ that do not
# compile: load fails with the file and line, exit 2, nothing analysed
printf '[broken-site]\ndescription = test: unbalanced group\nreason = userunknown\npattern = user (unknown\n' \
    > "$tmp/broken.rules"
within 20 "$bin" classify --site-rules "$tmp/broken.rules" "550 5.1.1 user unknown"
[ "$status" = 2 ] && ok || bad "startup-site-rule: exit $status, expected 2"
contains startup-site-rule-line "$err" "broken.rules:4: pattern: bad pattern at offset"
lacks startup-site-rule-nothing "$out" "userunknown"
within 20 "$bin" analyze --site-rules "$tmp/broken.rules" samples/postfix-userunknown.eml
[ "$status" = 2 ] && ok || bad "startup-site-rule-analyze: exit $status, expected 2"
contains startup-site-rule-analyze-line "$err" "broken.rules:4:"

printf '[broken-format]\ndescription = test: a recipient pattern without its group\ndetect = ^Undeliverable\nrecipient = ^To: (\\S+@\\S+)\n' \
    > "$tmp/broken.formats"
within 20 "$bin" explain --site-rules "$tmp/broken.formats" samples/postfix-userunknown.eml
[ "$status" = 2 ] && ok || bad "startup-site-format: exit $status, expected 2"
contains startup-site-format-line "$err" "broken.formats:4: a recipient pattern needs a (?<recipient>...) group"

mkdir "$tmp/rules-broken" && cp "$root"/rules/* "$tmp/rules-broken/"
printf '\n[broken-command]\ndescription = test: unbalanced class\ncommand = RCPT\npattern = recipient [rejected\n' \
    >> "$tmp/rules-broken/commands.conf"
within 20 "$bin" classify --rules "$tmp/rules-broken" "550 5.1.1 user unknown"
[ "$status" = 2 ] && ok || bad "startup-rules-copy: exit $status, expected 2"
contains startup-rules-copy-line "$err" "commands.conf:"
contains startup-rules-copy-why "$err" "missing terminating ] for character class"

# rules check compiles and checks every pattern: the broken one, a hazard
# in a site format, and none in the shipped set
"$bin" rules check --rules "$tmp/rules-broken" > "$tmp/startup-check.out" 2>&1; rc=$?
[ "$rc" = 1 ] && ok || bad "startup-check-broken: exit $rc, expected 1"
contains startup-check-broken-line "$(cat "$tmp/startup-check.out")" "missing terminating ] for character class"
printf '[hazard-format]\ndescription = test: nested quantifiers\ndetect = ^(?:x+)+y\nrecipient = ^To: (?<recipient>\\S+@\\S+)\n' \
    > "$tmp/hazard.formats"
"$bin" rules check "$tmp/hazard.formats" > "$tmp/startup-hazard.out" 2>&1; rc=$?
[ "$rc" = 1 ] && ok || bad "startup-check-hazard: exit $rc, expected 1"
contains startup-check-hazard-line "$(cat "$tmp/startup-hazard.out")" "hazard.formats:3: warning: detect:"

# a shipped pattern compiled on first use gives the verdict an eager load gives
within 20 "$bin" classify --format json "550 5.1.1 user unknown"
contains startup-lazy-verdict "$out" '"reason": "userunknown"'
mkdir "$tmp/rules-ok" && cp "$root"/rules/* "$tmp/rules-ok/"
for text in "550 5.1.1 user unknown" "452 4.2.2 mailbox full" "554 5.7.1 rejected: listed at zen.spamhaus.org"; do
    lazy=$("$bin" classify --format json "$text" 2>&1)
    eager=$("$bin" classify --format json --rules "$tmp/rules-ok" "$text" 2>&1)
    [ "$lazy" = "$eager" ] && ok || bad "startup-lazy-eager: '$text' differs: $lazy / $eager"
done
