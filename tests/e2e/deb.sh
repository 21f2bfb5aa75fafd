#!/usr/bin/env bash
# The Debian package: built from a copy of the source with dpkg-buildpackage,
# lintian-clean at error level, holding what an admin looks for; when run as
# root on a machine without the package, installed with dpkg -i (the source
# copy gone), used (ingest, why), and purged again.  Slow: runs only with
# BA_TEST_DEB=1 (scripts/test sets it); exit 77 (skipped) otherwise or when
# the tools are missing.
# usage: deb.sh SOURCE_DIR
set -u
src=$(cd "$1" && pwd) || exit 1
[ "${BA_TEST_DEB:-}" = 1 ] || { echo "skip: set BA_TEST_DEB=1 to build the .deb"; exit 77; }
for t in dpkg-buildpackage dh fakeroot; do
    command -v $t > /dev/null 2>&1 || { echo "skip: $t is not installed"; exit 77; }
done
pass=0 fail=0
tmp=$(mktemp -d)
installed_here=
cleanup () {
    [ -n "$installed_here" ] && flock /tmp/apt.lock dpkg --purge bounce-analyzer > /dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
ok () { pass=$((pass + 1)); }
bad () { echo "FAIL $1"; fail=$((fail + 1)); }

# a copy of the source, without build trees
mkdir -p "$tmp/src"
tar -C "$src" --exclude='./build*' --exclude='./obj-*' --exclude=./.git -cf - . | tar -C "$tmp/src" -xf -
if (cd "$tmp/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) > "$tmp/build.log" 2>&1; then
    ok
else
    tail -40 "$tmp/build.log"
    bad "dpkg-buildpackage -us -uc -b failed"
    echo "deb: $pass passed, $fail failed"
    exit 1
fi
deb=$(ls "$tmp"/bounce-analyzer_*.deb 2>/dev/null | head -1)
[ -f "$deb" ] && ok || { bad "no .deb built"; exit 1; }

contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/bounce-analyzer ./usr/share/bounce-analyzer/rules/reasons.conf \
         ./usr/share/bounce-analyzer/rules/10-mta.formats ./etc/bounce-analyzer/config \
         ./usr/share/man/man1/bounce-analyzer.1.gz ./usr/share/man/man1/bounce-analyzer-ingest.1.gz \
         ./usr/share/man/man5/bounce-analyzer-config.5.gz ./usr/share/man/man5/bounce-analyzer-rules.5.gz \
         ./usr/share/bash-completion/completions/bounce-analyzer \
         ./lib/systemd/system/bounce-analyzer-ingest.service ./lib/systemd/system/bounce-analyzer-ingest.timer; do
    case "$contents" in *" $f"*) ok ;; *) bad "the .deb lacks $f" ;; esac
done
dpkg-deb -I "$deb" conffiles 2>/dev/null | grep -qx /etc/bounce-analyzer/config && ok || bad "/etc/bounce-analyzer/config is no conffile"

if command -v lintian > /dev/null 2>&1; then
    if lintian --fail-on error "$deb" > "$tmp/lintian.out" 2>&1; then ok; else bad "lintian errors: $(grep '^E:' "$tmp/lintian.out")"; fi
else
    echo "skip lintian: not installed"
fi

if [ "$(id -u)" = 0 ] && ! dpkg-query -W -f='${Status}' bounce-analyzer 2>/dev/null | grep -q "installed"; then
    rm -rf "$tmp/src"        # the installed package must not need the source
    if flock /tmp/apt.lock dpkg -i "$deb" > "$tmp/dpkg.log" 2>&1; then
        installed_here=1
        ok
        out=$(BOUNCE_ANALYZER_CONFIG=/dev/null /usr/bin/bounce-analyzer --version 2>&1)
        case "$out" in *"from /usr/share/bounce-analyzer/rules"*) ok ;; *) bad "installed --version: $out" ;; esac
        getent passwd bounce-analyzer > /dev/null && ok || bad "dpkg -i did not create the user bounce-analyzer"
        (cd "$tmp" && BOUNCE_ANALYZER_CONFIG=/dev/null /usr/bin/bounce-analyzer ingest -q --db "$tmp/deb.db" \
            "$src/samples/postfix-userunknown.eml") && ok || bad "installed ingest failed"
        out=$(BOUNCE_ANALYZER_CONFIG=/dev/null /usr/bin/bounce-analyzer why --db "$tmp/deb.db" j.doe@partner.example 2>&1)
        case "$out" in *"j.doe@partner.example"*) ok ;; *) bad "installed why: $out" ;; esac
        # the shipped config is every key commented out: it changes nothing
        out=$(env -u BOUNCE_ANALYZER_CONFIG XDG_CONFIG_HOME="$tmp/none" /usr/bin/bounce-analyzer config 2>&1)
        case "$out" in *"config file read: /etc/bounce-analyzer/config"*"db=bounces.db"*) ok ;;
            *) bad "installed config: $out" ;; esac
        MANPATH=/usr/share/man man -w bounce-analyzer-why > /dev/null 2>&1 && ok || bad "man bounce-analyzer-why: not found"
    else
        bad "dpkg -i: $(cat "$tmp/dpkg.log")"
    fi
else
    echo "skip dpkg -i: not root, or bounce-analyzer is installed already (left alone)"
fi

echo "deb: $pass passed, $fail failed"
[ "$fail" = 0 ]
