# failed-sets.sh - sourced by the e2e scripts that check exact sets of
# failed and delayed addresses.  check_failed_sets BIN reads a table on
# standard input: each row names a sample and the addresses analyze must
# report as failed (=f) or delayed (=d), in lower case, sorted; "-" means
# no failure or delay; "?=f" stands for a bounce naming no address.
check_failed_sets () {
    local bin=$1 sample want got
    while IFS='|' read -r sample want; do
        case "$sample" in ''|'#'*) continue ;; esac
        got=$("$bin" analyze --format ndjson "samples/$sample" 2>/dev/null \
              | jq -r 'select(.outcome == "failed" or .outcome == "delayed")
                       | "\(if .recipient == "" then "?" else .recipient | ascii_downcase end)=\(.outcome[0:1])"' \
              | LC_ALL=C sort | paste -sd' ' -)
        [ -n "$got" ] || got=-
        if [ "$got" = "$want" ]; then
            pass=$((pass + 1))
        else
            echo "FAIL $sample: got '$got', want '$want'"
            fail=$((fail + 1))
        fi
    done
}
