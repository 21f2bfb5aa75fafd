# Hostile input, reclassify (issue 9: the same per-message matching budget as
# analyze); sourced by tests/e2e/hostile.sh.

# a stored diagnostic that makes a site rule backtrack: reclassify reports the
# PCRE2 limit as a warning naming the diagnosis, and still finishes
{
    printf 'From: Mail Delivery System <Mailer-Daemon@mx.example>\n'
    printf 'To: sender@example.org\nSubject: Mail delivery failed: returning message to sender\n'
    printf 'Date: Tue, 01 Dec 2026 10:00:00 +0000\n\n'
    printf 'This message was created automatically by mail delivery software.\n\n'
    printf 'A message that you sent could not be delivered to one or more of its\n'
    printf 'recipients. This is a permanent error. The following address(es) failed:\n\n'
    printf '  someone@example.net\n    host mx.example.net [192.0.2.1]: 550 5.1.1 %s!b\n\n' \
        "$(head -c 40 /dev/zero | tr '\0' a)"
} > "$tmp/reclassify-nested.eml"
"$bin" ingest -q --db "$tmp/reclassify.db" "$tmp/reclassify-nested.eml" > /dev/null 2>&1
printf '[nested-runs]\ndescription = test: nested quantifiers\nreason = userunknown\npattern = (?:a+)+b\n' \
    > "$tmp/reclassify-nested.rules"
if within 20 "$bin" reclassify --db "$tmp/reclassify.db" --site-rules "$tmp/reclassify-nested.rules"; then ok
else bad "reclassify-limit: timed out"; fi
[ "$status" = 0 ] && ok || bad "reclassify-limit: exit $status"
contains reclassify-limit-warning "$err" "reclassify: warning: diagnosis 1 (someone@example.net): pattern at"
contains reclassify-limit-which "$err" "reclassify-nested.rules:4 hit the PCRE2 match limit"
contains reclassify-limit-summary "$out" "1 diagnoses examined"

# the default rules on the same store: no limit hit
if within 20 "$bin" reclassify --db "$tmp/reclassify.db"; then ok; else bad "reclassify-plain: timed out"; fi
lacks reclassify-plain-no-warning "$err" "warning"
