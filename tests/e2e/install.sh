#!/usr/bin/env bash
# End-to-end: bounce-analyzer as a system tool (issue 12) and misconfiguration
# that must exit 2 (issue 10): cmake --install (prefix and DESTDIR), the rules
# found next to the installed binary, --version, the config file and its
# layers, bash completion, man pages, the ingest lock, prune, the systemd
# units.  The real /etc is never read: every run names its config.
# usage: install.sh BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$1 build=$3
src=$(cd "$2" && pwd) || exit 1
cd "$src" || exit 1
pass=0 fail=0
tmp=$(mktemp -d)
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT
export BOUNCE_ANALYZER_CONFIG=/dev/null XDG_CONFIG_HOME=$tmp/xdg
unset BOUNCE_ANALYZER_DB BOUNCE_ANALYZER_RULES BOUNCE_ANALYZER_SITE_RULES BOUNCE_ANALYZER_FORMAT \
      BOUNCE_ANALYZER_TIMEZONE

ok () { pass=$((pass + 1)); }
bad () { echo "FAIL $1"; fail=$((fail + 1)); }
check () {     # check NAME EXPECTED_STATUS COMMAND...; output in $out, $err
    local name=$1 want=$2
    shift 2
    out=$("$@" 2>"$tmp/err"); status=$?
    err=$(cat "$tmp/err")
    [ "$status" = "$want" ] && ok || { bad "$name: exit $status, want $want; stderr: $err"; return 1; }
}
contains () { case "$2" in *"$3"*) ok ;; *) bad "$1: output lacks '$3'" ;; esac; }
lacks () { case "$2" in *"$3"*) bad "$1: output has '$3'" ;; *) ok ;; esac; }
sample=samples/postfix-userunknown.eml
rcpt=j.doe@partner.example

# ---- install: prefix and DESTDIR ---------------------------------------------
P=$tmp/prefix
check install 0 cmake --install "$build" --prefix "$P"
ib=$P/bin/bounce-analyzer
for f in bin/bounce-analyzer share/bounce-analyzer/rules/reasons.conf share/bounce-analyzer/rules/10-mta.formats \
         share/bash-completion/completions/bounce-analyzer share/doc/bounce-analyzer/examples/config \
         share/doc/bounce-analyzer/examples/bounce-analyzer-ingest.service \
         share/doc/bounce-analyzer/examples/bounce-analyzer-ingest.timer \
         share/doc/bounce-analyzer/examples/bounce-analyzer.cron; do
    [ -e "$P/$f" ] && ok || bad "install: $f missing"
done
check destdir 0 env DESTDIR="$tmp/dest" cmake --install "$build" --prefix /usr
[ -x "$tmp/dest/usr/bin/bounce-analyzer" ] && [ -f "$tmp/dest/usr/share/bounce-analyzer/rules/reasons.conf" ] \
    && ok || bad "destdir: files not under DESTDIR"

# the installed binary uses the installed rules, never this source tree's
check version-installed 0 "$ib" --version
contains version-installed "$out" "from $P/share/bounce-analyzer/rules"
contains version-libs "$out" "GMime "
contains version-libs "$out" "PCRE2 "
contains version-libs "$out" "SQLite "
contains version-ruleset "$out" "rule set "
lacks version-installed-not-source "$out" "$src/rules"
check version-build 0 "$bin" --version
contains version-build-tree "$out" "from $src/rules"
# a rule added to the installed set only: the installed binary sees it
printf '[zz-install-probe]\ndescription = test: the installed rule set is the one used\nreason = mailboxfull\npriority = 99\npattern = zzinstallprobe\n' \
    > "$P/share/bounce-analyzer/rules/99-zz-probe.rules"
check installed-rules 0 "$ib" classify "550 zzinstallprobe"
contains installed-rules "$out" "zz-install-probe"
check build-rules 0 "$bin" classify "550 zzinstallprobe"
lacks build-rules "$out" "zz-install-probe"
rm "$P/share/bounce-analyzer/rules/99-zz-probe.rules"
# a copy of the binary anywhere else uses ../share from where it is
mkdir -p "$tmp/moved/bin" "$tmp/moved/share/bounce-analyzer"
cp "$ib" "$tmp/moved/bin/" && cp -r "$P/share/bounce-analyzer/rules" "$tmp/moved/share/bounce-analyzer/"
check moved 0 "$tmp/moved/bin/bounce-analyzer" --version
contains moved "$out" "from $tmp/moved/share/bounce-analyzer/rules"
rm -rf "$tmp/moved/share"
check moved-no-rules 2 "$tmp/moved/bin/bounce-analyzer" classify "550 5.1.1 user unknown"
contains moved-no-rules "$err" "$tmp/moved/share/bounce-analyzer/rules"
# analyze, classify and ingest with the installed rules
check installed-analyze 0 "$ib" analyze --format ndjson "$sample"
contains installed-analyze "$out" '"reason":"userunknown"'
check installed-ingest 0 "$ib" ingest -q --db "$tmp/i.db" samples
check installed-why 0 "$ib" why --db "$tmp/i.db" "$rcpt"
contains installed-why "$out" "$rcpt"

# ---- config --------------------------------------------------------------------
cfg=$tmp/config
printf '# a test config\n[bounce-analyzer]\ndb=%s\n' "$tmp/i.db" > "$cfg"
check config-why 0 env BOUNCE_ANALYZER_CONFIG="$cfg" "$ib" why "$rcpt"
contains config-why "$out" "$rcpt"
check config-option 0 "$ib" --config "$cfg" why "$rcpt"
contains config-option "$out" "$rcpt"
check config-print 0 "$ib" --config "$cfg" config
contains config-print "$out" "db=$tmp/i.db"
contains config-print-origin "$out" "# ^ from $cfg"
contains config-print-rules "$out" "rules=$P/share/bounce-analyzer/rules"
check config-env-wins 0 env BOUNCE_ANALYZER_DB="$tmp/e.db" "$ib" --config "$cfg" config
contains config-env-wins "$out" "db=$tmp/e.db"
contains config-env-wins "$out" "from \$BOUNCE_ANALYZER_DB"
check config-option-wins 0 env BOUNCE_ANALYZER_DB="$tmp/e.db" "$ib" --config "$cfg" config --db "$tmp/o.db"
contains config-option-wins "$out" "db=$tmp/o.db"
contains config-option-wins "$out" "from --db"
# the user's config (XDG) when no config is named and /etc has none
if [ ! -e /etc/bounce-analyzer/config ]; then
    mkdir -p "$tmp/xdg/bounce-analyzer" && cp "$cfg" "$tmp/xdg/bounce-analyzer/config"
    check config-xdg 0 env -u BOUNCE_ANALYZER_CONFIG "$ib" why "$rcpt"
    contains config-xdg "$out" "$rcpt"
    rm -r "$tmp/xdg/bounce-analyzer"
fi
# format and timezone
printf '[bounce-analyzer]\nformat=json\ntimezone=UTC\n' > "$tmp/json.cfg"
check config-format 0 "$ib" --config "$tmp/json.cfg" analyze "$sample"
contains config-format "$out" '"reason": "userunknown"'
check config-format-option-wins 0 "$ib" --config "$tmp/json.cfg" analyze --format text "$sample"
lacks config-format-option-wins "$out" '"reason"'
utc=$("$ib" --config "$tmp/json.cfg" search --db "$tmp/i.db" --recipient "$rcpt" --format table)
printf '[bounce-analyzer]\ntimezone=+05:00\n' > "$tmp/tz.cfg"
plus5=$("$ib" --config "$tmp/tz.cfg" search --db "$tmp/i.db" --recipient "$rcpt")
[ -n "$utc" ] && [ "$utc" != "$plus5" ] && ok || bad "config-timezone: +05:00 and UTC print the same times"
# site rules from the config
printf '[zz-site]\ndescription = test: a site rule from the config\nreason = mailboxfull\npriority = 99\npattern = zzsiteprobe\n' > "$tmp/site.rules"
printf '[bounce-analyzer]\nsite-rules=%s;\n' "$tmp/site.rules" > "$tmp/site.cfg"
check config-site-rules 0 "$ib" --config "$tmp/site.cfg" classify "550 zzsiteprobe"
contains config-site-rules "$out" "zz-site"

# a broken config stops every command with exit 2, naming the file
printf '[bounce-analyzer\ndb=x\n' > "$tmp/syntax.cfg"
printf '[bounce-analyzer]\ndatabase=/x.db\n' > "$tmp/key.cfg"
printf '[other]\ndb=/x.db\n' > "$tmp/group.cfg"
printf '[bounce-analyzer]\nformat=xml\n' > "$tmp/format.cfg"
printf '[bounce-analyzer]\ntimezone=Mars/Olympus\n' > "$tmp/tzbad.cfg"
printf '[bounce-analyzer]\ndb=relative.db\n' > "$tmp/relative.cfg"
printf '[bounce-analyzer]\nrules=%s/none\n' "$tmp" > "$tmp/rules.cfg"
printf '[bounce-analyzer]\nsite-rules=%s/none.rules\n' "$tmp" > "$tmp/nosite.cfg"
for c in syntax key group format tzbad relative rules; do
    for cmd in "analyze $sample" "classify 550" "why $rcpt" "ingest $sample" "search" "report" "reclassify" \
               "rules list" "prune --before 1d" "config" "--version"; do
        # shellcheck disable=SC2086
        if check "broken-config-$c: $cmd" 2 "$ib" --config "$tmp/$c.cfg" $cmd; then
            contains "broken-config-$c: $cmd" "$err" "$tmp/$c.cfg"
        fi
    done
done
check broken-config-missing 2 "$ib" --config "$tmp/no-such.cfg" config
contains broken-config-missing "$err" "no-such.cfg"
check broken-config-env 2 env BOUNCE_ANALYZER_CONFIG="$tmp/key.cfg" "$ib" classify 550
contains broken-config-env "$err" "unknown key 'database'"
check broken-env-value 2 env BOUNCE_ANALYZER_FORMAT=xml "$ib" classify 550
contains broken-env-value "$err" "BOUNCE_ANALYZER_FORMAT"
[ ! -e "$tmp/x.db" ] && [ ! -e relative.db ] && ok || bad "broken config: a database was created"

# a PostgreSQL connection string is a database, not a relative path (issue 14)
printf '[bounce-analyzer]\ndb=postgresql://bounce@127.0.0.1:1/bounces\n' > "$tmp/pg.cfg"
if check config-db-postgresql 0 "$ib" --config "$tmp/pg.cfg" config; then
    contains config-db-postgresql "$out" "db=postgresql://bounce@127.0.0.1:1/bounces"
fi

# ---- misconfigured rules (issue 10): exit 2, nothing done --------------------------
printf '[broken]\ndescription = test: a broken rule\nreason = nosuch\npattern = (\n' > "$tmp/broken.rules"
mkdir -p "$tmp/empty-rules"
for opt in "--site-rules /nonexistent/site.rules" "--site-rules $tmp/broken.rules" "--rules $tmp/empty-rules" \
           "--rules /nonexistent"; do
    for cmd in "analyze $sample" "explain $sample" "classify 550" "why --db $tmp/i.db $rcpt" \
               "ingest --db $tmp/i.db $sample" "report --db $tmp/i.db" "reclassify --db $tmp/i.db" "rules list"; do
        # shellcheck disable=SC2086
        check "misconfigured $opt: $cmd" 2 "$ib" $cmd $opt
    done
done
check nosite-config 2 "$ib" --config "$tmp/nosite.cfg" analyze "$sample"
contains nosite-config "$err" "none.rules"
check rules-check-missing 1 "$ib" rules check --site-rules /nonexistent/site.rules
contains rules-check-missing "$out" "/nonexistent/site.rules: "
check rules-check-empty 1 "$ib" rules check --rules "$tmp/empty-rules"
contains rules-check-empty "$out" "no rule files"
check rules-check-broken 1 "$ib" rules check "$tmp/broken.rules"
contains rules-check-broken "$out" "unknown reason 'nosuch'"
# reclassify with a missing site file never rewrites the stored verdicts
before=$(sqlite3 "$tmp/i.db" "SELECT group_concat(reason || ruleset, ',') FROM recipients")
check reclassify-missing-site 2 "$ib" reclassify --db "$tmp/i.db" --site-rules /nonexistent/site.rules
after=$(sqlite3 "$tmp/i.db" "SELECT group_concat(reason || ruleset, ',') FROM recipients")
[ "$before" = "$after" ] && ok || bad "reclassify with a missing site file changed stored verdicts"

# ---- the ingest lock --------------------------------------------------------------
db=$tmp/lock.db
check lock-first 0 "$ib" ingest -q --db "$db" "$sample"
# another run: a process that holds the lock (the sleep itself holds the descriptor)
(exec 9> "$db.lock" && flock -x 9 && touch "$tmp/held" && exec sleep 60) > /dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do [ -e "$tmp/held" ] && break; sleep 0.1; done
check lock-second 75 "$ib" ingest -q --db "$db" samples
contains lock-second "$err" "another bounce-analyzer run is writing this database"
check lock-prune 75 "$ib" prune --db "$db" --before 2100-01-01
check lock-readers 0 "$ib" why --db "$db" "$rcpt"
# a store not yet made: the lock is taken before the store is opened, so the
# second run leaves at once and creates nothing (it used to wait on SQLite)
(exec 9> "$tmp/lock-new.db.lock" && flock -x 9 && touch "$tmp/held-new" && exec sleep 60) > /dev/null 2>&1 &
holder_new=$!
for _ in $(seq 100); do [ -e "$tmp/held-new" ] && break; sleep 0.1; done
check lock-new-store 75 "$ib" ingest -q --db "$tmp/lock-new.db" samples
[ -e "$tmp/lock-new.db" ] && bad "lock-new-store: the store was created" || ok
kill "$holder_new" 2>/dev/null
wait "$holder_new" 2>/dev/null
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
holder=
check lock-released 0 "$ib" ingest -q --db "$db" samples

# ---- prune --------------------------------------------------------------------------
n=$(sqlite3 "$tmp/i.db" "SELECT count(*) FROM messages")
d=$(sqlite3 "$tmp/i.db" "SELECT count(*) FROM recipients")
check prune-none 0 "$ib" prune --db "$tmp/i.db" --before 1970-01-02
contains prune-none "$out" "Deleted 0 messages"
check prune-dry 0 "$ib" prune --db "$tmp/i.db" --before 2100-01-01 --dry-run
contains prune-dry "$out" "Would delete $n messages ($d diagnoses)"
[ "$(sqlite3 "$tmp/i.db" "SELECT count(*) FROM recipients")" = "$d" ] && ok || bad "prune --dry-run deleted"
check prune-usage 2 "$ib" prune --db "$tmp/i.db"
check prune-bad-date 2 "$ib" prune --db "$tmp/i.db" --before yesterday
check prune-words-before 0 "$ib" search --db "$tmp/i.db" unknown
[ -n "$out" ] && ok || bad "prune: search finds nothing before pruning"
check prune-all 0 "$ib" prune --db "$tmp/i.db" --before 2100-01-01
contains prune-all "$out" "Deleted $n messages ($d diagnoses)"
[ "$(sqlite3 "$tmp/i.db" "SELECT count(*) FROM messages")" = 0 ] && ok || bad "prune: messages left"
check prune-fts 0 sqlite3 "$tmp/i.db" "INSERT INTO diagnostics_fts (diagnostics_fts) VALUES ('integrity-check')"
check prune-search 0 "$ib" search --db "$tmp/i.db" --format csv unknown
[ "$(printf '%s\n' "$out" | grep -c .)" -le 1 ] && ok || bad "prune: search still finds pruned diagnoses"
# an mbox stays read up to where the last run stopped: pruned mail is not stored again
python3 "$src/scripts/make-mbox" 20 "$tmp/box.mbox" samples > /dev/null 2>&1
if head -c5 "$tmp/box.mbox" | grep -q '^From '; then
    "$ib" ingest -q --db "$tmp/m.db" "$tmp/box.mbox"
    "$ib" prune --db "$tmp/m.db" --before 2100-01-01 > /dev/null
    "$ib" ingest -q --db "$tmp/m.db" "$tmp/box.mbox"
    [ "$(sqlite3 "$tmp/m.db" "SELECT count(*) FROM messages")" = 0 ] && ok || bad "prune: an mbox's pruned mail was stored again"
fi

# ---- bash completion --------------------------------------------------------------
comp=$P/share/bash-completion/completions/bounce-analyzer
complete_words () {   # complete_words WORD... : COMPREPLY for the last word
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _bounce_analyzer; echo "${COMPREPLY[*]}"' \
        _ "$comp" "$@"
}
out=$(bash -c '. "$1"; complete -p bounce-analyzer' _ "$comp")
contains completion-registered "$out" "-F _bounce_analyzer bounce-analyzer"
out=$(complete_words "$ib" "")
for c in analyze ingest why search report reclassify prune config --version; do contains "completion-commands" "$out" "$c"; done
[ "$(complete_words "$ib" ing)" = ingest ] && ok || bad "completion: 'ing' does not complete to ingest"
out=$(complete_words "$ib" ingest --)
contains completion-options "$out" "--db"
contains completion-options "$out" "--site-rules"
out=$(complete_words "$ib" search --reason user)
contains completion-reasons "$out" "userunknown"
out=$(complete_words "$ib" search --reason "")
contains completion-reasons-all "$out" "mailboxfull"
out=$(complete_words "$ib" search --fault "")
contains completion-faults "$out" "receiving-system"
contains completion-faults "$out" "sender"
out=$(complete_words "$ib" analyze --format "")
contains completion-format "$out" "ndjson"
out=$(complete_words "$ib" rules "")
contains completion-rules "$out" "check"

# ---- man pages ------------------------------------------------------------------------
if [ -d "$P/share/man/man1" ]; then
    for scd in docs/man/*.scd; do
        page=$(basename "$scd" .scd)
        sec=${page##*.}
        f=$P/share/man/man$sec/$page
        if [ -f "$f" ]; then
            out=$(MANWIDTH=80 man -l "$f" 2>"$tmp/man.err" | col -b)
            [ -n "$out" ] && [ ! -s "$tmp/man.err" ] && ok || bad "man -l $page: $(cat "$tmp/man.err")"
            for s in NAME SYNOPSIS DESCRIPTION; do contains "man $page" "$out" "$s"; done
        else
            bad "man: $page not installed"
        fi
    done
    out=$(MANPATH=$P/share/man man -w bounce-analyzer-ingest 2>&1)
    contains man-path "$out" "man1/bounce-analyzer-ingest.1"
else
    echo "skip man pages: scdoc was not found at configure time"
fi

# ---- the nightly job: systemd units and cron --------------------------------------
ex=$P/share/doc/bounce-analyzer/examples
grep -q '^ExecStart=/.*/bounce-analyzer ingest' "$ex/bounce-analyzer-ingest.service" && ok || bad "service: no ExecStart ingest"
grep -q '^User=bounce-analyzer' "$ex/bounce-analyzer-ingest.service" && ok || bad "service: no dedicated user"
grep -q '^SuccessExitStatus=75' "$ex/bounce-analyzer-ingest.service" && ok || bad "service: the lock status counts as failure"
grep -q '^OnCalendar=' "$ex/bounce-analyzer-ingest.timer" && ok || bad "timer: no OnCalendar"
grep -qE '^[0-9*]+ [0-9*]+ \* \* \* +bounce-analyzer +/.*bounce-analyzer ingest' "$ex/bounce-analyzer.cron" && ok ||
    bad "cron: no line running ingest as bounce-analyzer"
if command -v systemd-analyze > /dev/null 2>&1; then
    mkdir -p "$tmp/units"
    sed "s|^ExecStart=[^ ]*|ExecStart=$ib|" "$ex/bounce-analyzer-ingest.service" > "$tmp/units/bounce-analyzer-ingest.service"
    cp "$ex/bounce-analyzer-ingest.timer" "$tmp/units/"
    if MANPATH=$P/share/man systemd-analyze verify "$tmp/units/bounce-analyzer-ingest.service" \
           "$tmp/units/bounce-analyzer-ingest.timer" > "$tmp/verify.out" 2>&1; then
        ok
    else
        bad "systemd-analyze verify: $(cat "$tmp/verify.out")"
    fi
else
    echo "skip systemd-analyze verify: not installed"
fi

echo "install: $pass passed, $fail failed"
[ "$fail" = 0 ]
