# Hostile input for the wording area: `rules probe` on huge, binary and
# unterminated lines, and `classify` on long runs of the words the wording
# families look for.  Sourced by tests/e2e/hostile.sh.

head -c 300000 /dev/zero | tr '\0' 'a' > "$tmp/probe-long"
printf '\nno such user\n' >> "$tmp/probe-long"
if within 20 "$bin" rules probe "$tmp/probe-long"; then
    [ "$status" = 0 ] && ok || bad "probe long line: exit $status"
    # the 300000-byte line is cut, its rest skipped: "no such user" is line 2
    contains "probe long line" "$out" "$(printf 'userunknown-no-such-user\t1\t2')"
else
    bad "probe long line: timed out"
fi

head -c 200000 /dev/urandom > "$tmp/probe-binary"
if within 20 "$bin" rules probe "$tmp/probe-binary"; then
    [ "$status" = 0 ] && ok || bad "probe binary: exit $status"
else
    bad "probe binary: timed out"
fi

printf 'mailbox full' > "$tmp/probe-unterminated"
within 10 "$bin" rules probe "$tmp/probe-unterminated" && contains "probe unterminated" "$out" "$(printf 'mailboxfull-mailbox-full\t1\t1')"

within 10 "$bin" rules probe "$tmp/no-such-file"
[ "$status" = 1 ] && ok || bad "probe missing file: exit $status"

words=$(for i in $(seq 1 2000); do printf 'not a valid user account is blocked by ip 192.0.2.1 '; done)
if within 20 "$bin" classify "$words"; then [ "$status" = 0 ] && ok || bad "classify long wording run: exit $status"; else bad "classify long wording run: timed out"; fi
