#!/usr/bin/env bash
# End-to-end: issue 10's remaining examples (addresses as fields and notices
# wrap them, multi-line SMTP replies, progress on a terminal), and those of
# its examples no other e2e test covered.  Samples are written here
# (tests/e2e/issue10/mail.sh), with made-up addresses.
set -u
bin=$1 root=$2
cd "$root" || exit 1
. tests/e2e/lib/checks.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/e2e/issue10/mail.sh

# field FILE KEY: the values of KEY in analyze's ndjson of FILE, one a line
field () {
    "$bin" analyze --format ndjson "$1" 2>/dev/null |
        python3 -c 'import json,sys
for l in sys.stdin: print(json.loads(l).get(sys.argv[1]))' "$2"
}

# ---- 1. an address is the same however it is wrapped ------------------------------
want=jo.doe@receiver.example
for wrap in "<$want>" "<$want>>" "$want>" "\"$want\"" "<<$want>>" "mailto:$want" "<mailto:$want>" \
            "$want." "($want)" "[$want]" "$want,"; do
    for carrier in dsn_mail xfailed_mail exim_line_mail postfix_line_mail qmail_line_mail sendmail_line_mail sentence_mail; do
        "$carrier" "$wrap" > "$tmp/a.eml"
        got=$(field "$tmp/a.eml" recipient)
        [ "$got" = "$want" ] && ok || bad "address $carrier '$wrap': recipient '$got', want '$want'"
    done
    dsn_mail "$wrap" > "$tmp/a.eml"
    got=$(field "$tmp/a.eml" original_recipient)
    [ "$got" = "$want" ] && ok || bad "address Original-Recipient '$wrap': '$got', want '$want'"
done
# a quoted local part and a domain literal keep what is theirs
dsn_mail '<"jo doe"@receiver.example>' > "$tmp/a.eml"
got=$(field "$tmp/a.eml" recipient)
[ "$got" = '"jo doe"@receiver.example' ] && ok || bad "quoted local part: '$got'"
dsn_mail '<jo@[192.0.2.7]>' > "$tmp/a.eml"
got=$(field "$tmp/a.eml" recipient)
[ "$got" = 'jo@[192.0.2.7]' ] && ok || bad "domain literal: '$got'"

# ---- 2. a multi-line reply is kept whole, its repeated codes dropped ---------------
for carrier in gmail_postfix gmail_exim gmail_sendmail gmail_sendmail_dsn gmail_qmail gmail_dsn; do
    "$carrier" > "$tmp/g.eml"
    got=$(field "$tmp/g.eml" diagnostic)
    contains "multi-line reply ($carrier)" "$got" "$GMAIL_WHOLE"
    lacks "multi-line reply ($carrier): no repeated code" "$got" "550-5.1.1"
    got=$(field "$tmp/g.eml" reason)
    [ "$got" = userunknown ] && ok || bad "multi-line reply ($carrier): reason '$got'"
done

# ---- 3. progress: a percentage for --files-from and standard input -----------------
ls samples/*.eml > "$tmp/list"
tr '\n' '\0' < "$tmp/list" > "$tmp/list0"
if command -v script > /dev/null; then
    # on_tty COMMAND: the terminal's bytes (stderr) of COMMAND run in a pseudo-terminal
    on_tty () { script -qec "$1" /dev/null | tr '\r' '\n'; }
    out=$(on_tty "'$bin' analyze --format ndjson --files-from '$tmp/list' > /dev/null")
    contains "progress: --files-from FILE has a percentage" "$out" "% "
    out=$(on_tty "'$bin' analyze --format ndjson --files-from - -0 < '$tmp/list0' > /dev/null")
    contains "progress: --files-from - -0 has a percentage" "$out" "% "
    out=$(on_tty "'$bin' ingest --db '$tmp/p.db' --files-from '$tmp/list' > /dev/null")
    contains "progress: ingest --files-from has a percentage" "$out" "% "
    out=$(on_tty "'$bin' analyze --format ndjson - < samples/postfix-userunknown.eml > /dev/null")
    contains "progress: a file on standard input has a percentage" "$out" "% "
    out=$(on_tty "cat samples/postfix-userunknown.eml | '$bin' analyze --format ndjson - > /dev/null")
    contains "progress: a pipe on standard input has a rate" "$out" "/s"
    lacks "progress: a pipe on standard input has no percentage" "$out" "%"
    out=$(on_tty "'$bin' analyze -q --format ndjson --files-from '$tmp/list' > /dev/null")
    lacks "progress: -q draws none" "$out" "%"
else
    bad "progress: 'script' (util-linux) is needed for the pseudo-terminal tests"
fi
# never when stderr is not a terminal
"$bin" analyze --format ndjson --files-from "$tmp/list" > /dev/null 2> "$tmp/err"
if grep -q -e $'\r' -e '%' "$tmp/err"; then bad "progress on a pipe (--files-from)"; else ok; fi
"$bin" analyze --format ndjson - < samples/postfix-userunknown.eml > /dev/null 2> "$tmp/err"
if grep -q -e $'\r' -e '%' "$tmp/err"; then bad "progress on a pipe (standard input)"; else ok; fi

# ---- 4. examples of the issue no other e2e test checked ------------------------------
# "reclassify with a missing site file rewrote stored verdicts back to the defaults"
printf '[our-filter]\ndescription = test: our gateway words\nreason = filtered\npriority = 1\npattern = user unknown\n' > "$tmp/site.rules"
"$bin" ingest -q --db "$tmp/site.db" --site-rules "$tmp/site.rules" samples/postfix-userunknown.eml
"$bin" reclassify --db "$tmp/site.db" --site-rules "$tmp/no-such.rules" > /dev/null 2>&1
[ $? = 2 ] && ok || bad "reclassify with a missing site file: not a usage error"
got=$("$bin" search --db "$tmp/site.db" --format ndjson | python3 -c 'import json,sys
print(" ".join(json.loads(l)["reason"] for l in sys.stdin))')
[ "$got" = filtered ] && ok || bad "reclassify with a missing site file changed the stored verdict to '$got'"

# "remote_mta is not normalised, so 'top remote MTAs' splits one host into several rows"
sed -e 's/^Remote-MTA: .*/Remote-MTA: dns; MX1.Partner.Example./' samples/postfix-userunknown.eml > "$tmp/mta1.eml"
sed -e 's/^Remote-MTA: .*/Remote-MTA: dns; mx1.partner.example (TCP|192.0.2.17|47323|198.51.100.2|25)/' \
    -e 's/^Message-I[Dd]: <\(.\)/Message-ID: <other-\1/' -e 's/j\.doe@/k.roe@/g' samples/postfix-userunknown.eml > "$tmp/mta2.eml"
"$bin" ingest -q --db "$tmp/mta.db" "$tmp/mta1.eml" "$tmp/mta2.eml"
got=$("$bin" report --db "$tmp/mta.db" --format json | python3 -c 'import json,sys
d = json.load(sys.stdin); print(" ".join("%s=%s" % (m["key"], m["failed"] if "failed" in m else m.get("count")) for m in d["remote_mtas"]))')
[ "$got" = "mx1.partner.example=2" ] && ok || bad "report: one remote MTA in several rows: '$got'"

# "The locale leaks into stored advice (18 Dezember 2006 … 25 März 2008 under de_DE)"
german=
if locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    german="env LC_ALL=de_DE.UTF-8 LANGUAGE=de"
elif command -v localedef > /dev/null && [ -e /usr/share/i18n/locales/de_DE ] && mkdir -p "$tmp/locale" \
     && localedef -i de_DE -f UTF-8 "$tmp/locale/de_DE.UTF-8" > /dev/null 2>&1; then
    german="env LOCPATH=$tmp/locale LC_ALL=de_DE.UTF-8 LANGUAGE=de"
fi
if [ -n "$german" ]; then
    LC_ALL=C "$bin" ingest -q --db "$tmp/c.db" samples/story-ordb-2008.eml
    $german "$bin" ingest -q --db "$tmp/de.db" samples/story-ordb-2008.eml
    c=$(LC_ALL=C "$bin" search --db "$tmp/c.db" --format ndjson | python3 -c 'import json,sys
print("|".join(json.loads(l)["advice"] for l in sys.stdin))')
    de=$(LC_ALL=C "$bin" search --db "$tmp/de.db" --format ndjson | python3 -c 'import json,sys
print("|".join(json.loads(l)["advice"] for l in sys.stdin))')
    [ -n "$c" ] && [ "$c" = "$de" ] && ok || bad "stored advice differs under de_DE: '$c' / '$de'"
    lacks "stored advice: no German month" "$de" "Dezember"
    lacks "stored advice: no German month" "$de" "März"
    contains "stored advice: ISO dates" "$de" "2006-12-18"
else
    bad "stored advice: no German locale could be made (locales or localedef needed)"
fi

# '"1 messages read", "message(s)"': the summaries count in words
"$bin" ingest --db "$tmp/words.db" samples/postfix-userunknown.eml > "$tmp/out" 2>&1
"$bin" analyze -v samples/postfix-userunknown.eml >> "$tmp/out" 2>&1
out=$(cat "$tmp/out")
lacks "no '(s)' plural" "$out" "(s)"
lacks "no '1 messages'" "$out" "1 messages"

echo "issue10: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
