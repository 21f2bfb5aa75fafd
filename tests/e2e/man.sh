#!/usr/bin/env bash
# Every command's man page documents exactly the options its --help lists,
# and every command has a page, so the two cannot drift apart.
# usage: man.sh BINARY SOURCE_DIR
set -u
bin=$1
src=$2
fail=0
export BOUNCE_ANALYZER_CONFIG=/dev/null

# Long options of a --help text (GOption layout), one a line, without --help.
help_options() {
    grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' |
        grep -vx -- '--help' | sort -u
}
# Long options a page's OPTIONS section documents (*--name* at a line's start).
page_options() {
    sed -n '/^# OPTIONS/,/^# /p' "$1" | grep -oE '^(\*-[a-zA-Z]\*, )?\*--[a-z][a-z0-9-]*\*' |
        grep -oE -- '--[a-z][a-z0-9-]*' | grep -vx -- '--help' | sort -u
}

commands=$("$bin" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$commands" ] || { echo "FAIL: no commands in '$bin --help'"; exit 1; }
for cmd in $commands; do
    grep -q "^\*$cmd\*" "$src/docs/man/bounce-analyzer.1.scd" ||
        { echo "FAIL: command '$cmd' is missing from the COMMANDS of docs/man/bounce-analyzer.1.scd"; fail=$((fail + 1)); }
    page=$src/docs/man/bounce-analyzer-$cmd.1.scd
    if [ ! -f "$page" ]; then
        echo "FAIL: command '$cmd' has no man page: write docs/man/bounce-analyzer-$cmd.1.scd"
        fail=$((fail + 1))
        continue
    fi
    "$bin" "$cmd" --help | help_options > "${TMPDIR:-/tmp}/man-help.$$"
    page_options "$page" > "${TMPDIR:-/tmp}/man-page.$$"
    for o in $(comm -23 "${TMPDIR:-/tmp}/man-help.$$" "${TMPDIR:-/tmp}/man-page.$$"); do
        echo "FAIL: option $o of 'bounce-analyzer $cmd --help' is missing from docs/man/bounce-analyzer-$cmd.1.scd (OPTIONS section)"
        fail=$((fail + 1))
    done
    for o in $(comm -13 "${TMPDIR:-/tmp}/man-help.$$" "${TMPDIR:-/tmp}/man-page.$$"); do
        echo "FAIL: docs/man/bounce-analyzer-$cmd.1.scd documents $o, which 'bounce-analyzer $cmd --help' does not have"
        fail=$((fail + 1))
    done
    for section in "EXIT STATUS" "EXAMPLES"; do
        grep -q "^# $section" "$page" ||
            { echo "FAIL: docs/man/bounce-analyzer-$cmd.1.scd has no '# $section' section"; fail=$((fail + 1)); }
    done
done
rm -f "${TMPDIR:-/tmp}/man-help.$$" "${TMPDIR:-/tmp}/man-page.$$"
for page in "$src"/docs/man/bounce-analyzer-*.1.scd; do
    cmd=$(basename "$page" .1.scd)
    cmd=${cmd#bounce-analyzer-}
    echo "$commands" | grep -qx "$cmd" ||
        { echo "FAIL: docs/man/$(basename "$page") is for '$cmd', which is no command of '$bin --help'"; fail=$((fail + 1)); }
done
[ $fail = 0 ] && echo "man: every command's page matches its --help" || echo "man: $fail problem(s)"
[ $fail = 0 ]
