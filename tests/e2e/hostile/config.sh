# Hostile config files and settings: each is refused (exit 2) at once,
# naming the file; none hangs, reads without bound or prints control bytes.
mkdir -p "$tmp/cfg"
mkfifo "$tmp/cfg/fifo"
head -c 300000 /dev/zero | tr '\0' '#' > "$tmp/cfg/huge"
printf '[bounce-analyzer]\ndb=/tmp/\001\033[31mx.db\n' > "$tmp/cfg/control"
printf '[bounce-analyzer]\ndb=/tmp/\xff\xfe.db\n' > "$tmp/cfg/latin1"
printf '[bounce-analyzer]\n\0db=/x\n' > "$tmp/cfg/nul"
printf '[bounce-analyzer]\ntimezone=%s\n' "$(head -c 5000 /dev/zero | tr '\0' A)" > "$tmp/cfg/longtz"
printf '[bounce-analyzer]\nsite-rules=%s\n' "$(head -c 100000 /dev/zero | tr '\0' ';')" > "$tmp/cfg/semicolons"
for c in fifo huge control latin1 nul longtz "" /dev/zero "$tmp/cfg"; do
    case "$c" in /*|"") f=$c ;; *) f=$tmp/cfg/$c ;; esac
    if within 10 env BOUNCE_ANALYZER_CONFIG=/dev/null "$bin" --config "$f" classify "550 5.1.1 user unknown"; then
        [ "$status" = 2 ] && ok || bad "config ${c:-empty name}: exit $status, want 2"
        case "$err" in *$'\033'*|*$'\001'*) bad "config $c: control bytes on stderr" ;; *) ok ;; esac
    else
        bad "config ${c:-empty name}: hung"
    fi
done
# an empty site-rules list (only separators) is no site file at all
if within 10 "$bin" --config "$tmp/cfg/semicolons" classify "550 5.1.1 user unknown"; then
    [ "$status" = 0 ] && ok || bad "config semicolons: exit $status, want 0: $err"
else
    bad "config semicolons: hung"
fi
if within 10 env BOUNCE_ANALYZER_SITE_RULES="$tmp/cfg/fifo" "$bin" classify "550 5.1.1 user unknown"; then
    [ "$status" = 2 ] && ok || bad "site rules from a FIFO: exit $status, want 2"
else
    bad "site rules from a FIFO: hung"
fi
