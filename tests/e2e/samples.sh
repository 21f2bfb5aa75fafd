#!/usr/bin/env bash
# End-to-end: run the real binary on every sample and compare its ndjson
# output with tests/e2e/expected/.  UPDATE=1 rewrites the expected files
# (review the diff before committing them).
set -u
bin=$1 root=$2
cd "$root" || exit 1
expected=tests/e2e/expected
fail=0 n=0
for f in samples/*.eml samples/mbox/*.mbox; do
    name=$(basename "$f")
    want="$expected/$name.ndjson"
    # the rule set's id changes with every rule edit; the verdicts are what is compared
    got=$("$bin" analyze --format ndjson "$f" 2>&1 | sed 's/"ruleset":"[0-9a-f]*"/"ruleset":"ID"/g')
    n=$((n + 1))
    if [ "${UPDATE:-}" = 1 ]; then
        printf '%s\n' "$got" > "$want"
        continue
    fi
    if [ ! -f "$want" ]; then
        echo "FAIL $f: no expected output $want (run with UPDATE=1)"
        fail=$((fail + 1))
    elif ! diff -u "$want" <(printf '%s\n' "$got") > /tmp/ba-e2e-diff.$$; then
        echo "FAIL $f: output differs from $want"
        head -40 /tmp/ba-e2e-diff.$$
        fail=$((fail + 1))
    fi
done
rm -f /tmp/ba-e2e-diff.$$

# The text format on the story case leads with the fault and advice.
text=$("$bin" analyze samples/story-ordb-2008.eml)
for want in "fault:" "advice:" "relays.ordb.org" "Re: Order"; do
    case "$text" in
        *"$want"*) ;;
        *) echo "FAIL text output of story-ordb-2008 lacks '$want'"; fail=$((fail + 1)) ;;
    esac
done
first=$(printf '%s\n' "$text" | sed -n 3p)
case "$first" in
    *fault:*) ;;
    *) echo "FAIL text output does not lead with the fault: '$first'"; fail=$((fail + 1)) ;;
esac
echo "$((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
