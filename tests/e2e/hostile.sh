#!/usr/bin/env bash
# End-to-end: hostile inputs built on the fly (issue "Hostile input").
# Each tests/e2e/hostile/*.sh is one area (reader, parser, regexes, output,
# database); it is sourced with the helpers below and adds to pass/fail.
set -u
bin=$1 root=$2
cd "$root" || exit 1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

ok ()   { pass=$((pass + 1)); }
bad ()  { echo "FAIL $*"; fail=$((fail + 1)); }
# within SECONDS CMD...: run CMD with a time limit; $out, $err, $status as it left them
within () {
    local limit=$1
    shift
    out=$(timeout -k 2 "$limit" "$@" 2>"$tmp/err"); status=$?
    err=$(cat "$tmp/err")
    [ "$status" != 124 ] && [ "$status" != 137 ]
}
contains () { case "$2" in *"$3"*) ok ;; *) bad "$1: output lacks '$3'" ;; esac; }
lacks ()    { case "$2" in *"$3"*) bad "$1: output has '$3'" ;; *) ok ;; esac; }

for area in tests/e2e/hostile/*.sh; do
    [ -e "$area" ] || continue
    before=$fail
    . "$area"
    [ "$fail" = "$before" ] || echo "   ($(basename "$area"): $((fail - before)) failed)"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
