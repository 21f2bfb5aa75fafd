# Hostile input for the reasons area (issue 8): long runs of what the
# reply-code finder, the temporary-words check and the families added from
# Sisimai 5.1's phrase lists look for.  Sourced by tests/e2e/hostile.sh.

reasons_case () {  # reasons_case NAME TEXT: classify from standard input, bounded in time
    printf '%s' "$2" > "$tmp/reasons-$1"
    if within 20 "$bin" classify --json - < "$tmp/reasons-$1"; then
        [ "$status" = 0 ] && ok || bad "reasons $1: exit $status"
        contains "reasons $1" "$out" '"reason":"'
    else
        bad "reasons $1: timed out"
    fi
}

reasons_case dash-codes "$(for i in $(seq 1 20000); do printf ': 550 - '; done)"
reasons_case labelled-codes "$(for i in $(seq 1 20000); do printf 'ERROR_CODE :550,'; done)"
reasons_case temporary-words "$(for i in $(seq 1 20000); do printf 'temporar will retr transien '; done)"
reasons_case bad-sender "$(for i in $(seq 1 20000); do printf 'bad sender bad sending '; done)"
reasons_case mail-from-ip "$(for i in $(seq 1 20000); do printf 'mail from [1.2.3.4 mail from ::: '; done)"
reasons_case iua-urls "$(for i in $(seq 1 20000); do printf 'i.ua/err/ i.ua/err/1'; done)x"
reasons_case domain-553 "553 $(head -c 200000 /dev/zero | tr '\0' 'a.')"
reasons_case rbl-runs "$(for i in $(seq 1 20000); do printf 'is in an is in a '; done)"
