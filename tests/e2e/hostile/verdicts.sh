# Hostile input to classify's own inputs: standard input, --date, --status.
# Sourced by tests/e2e/hostile.sh (helpers: within, contains, lacks, ok, bad).

# binary bytes, NULs and broken UTF-8 on standard input: a verdict, no crash
head -c 65536 /dev/urandom >"$tmp/classify-binary"
printf '550 5.1.1 \0\377\376 user unknown\n' >>"$tmp/classify-binary"
if within 20 "$bin" classify - <"$tmp/classify-binary" && [ "$status" = 0 ]; then ok; else bad "classify - on binary input: exit $status"; fi
contains "classify - on binary input" "$out" "reason:"
# standard input larger than its bound is refused at once, not read on
if within 20 sh -c 'head -c 50000000 /dev/zero | "$1" classify -' sh "$bin" && [ "$status" = 2 ]; then ok; else bad "classify - on 50 MB: exit $status"; fi
contains "classify - on 50 MB" "$err" "standard input"
# a 100 kB --date or --status is a usage error, quoted without flooding
long=$(head -c 100000 /dev/zero | tr '\0' 9)
if within 20 "$bin" classify --date "$long" "550 user unknown" && [ "$status" = 2 ]; then ok; else bad "classify --date of 100 kB: exit $status"; fi
if within 20 "$bin" classify --status "5.1.$long" "550 user unknown" && [ "$status" = 2 ]; then ok; else bad "classify --status of 100 kB: exit $status"; fi
if within 20 "$bin" classify --date "Wed, 01 Jun 2005 10:00:00 +0000$(printf '\033[2J')" "550 user unknown"; then ok; else bad "classify --date with a control character hung"; fi
lacks "classify --date with a control character" "$err" "$(printf '\033')"
