#!/usr/bin/env bash
# End-to-end: verdicts and advice a helpdesk can trust (issue 10).  The
# real binary classifies a table of wordings, one per reason and per common
# cause; each row checks the reason, the fault, words the advice must say
# (the party that must act) and must not say, and that no fact is empty.
# Then the options of classify, the locale, and what analyze prints for
# delay warnings, automatic replies and reports.
set -u
bin=$1 root=$2
cd "$root" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok () { pass=$((pass + 1)); }
bad () { fail=$((fail + 1)); echo "FAIL $*"; }

# ---- the table: TEXT | classify options | reason | fault | advice says (;) | advice never says (;)
python3 - "$bin" <<'PY' || fail=$((fail + 1))
import json, re, shlex, subprocess, sys
binary = sys.argv[1]
table = r"""
Deferred: Connection refused by mailhub.lawfirm.example.||networkerror|receiving-system|refused the network connection;recipient's side|blacklist;our sending server
connect to mx.example.net[192.0.2.7]:25: Connection refused||networkerror|receiving-system|refused the network connection;recipient's side|blacklist
421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes||badreputation|sending-system|sending reputation;Our mail administrator|sender address and its domain exist
554 5.4.14 Hop count exceeded - possible mail loop||networkerror|receiving-system|loop;configuration problem|network or DNS problem
452 4.2.2 Mailbox full||mailboxfull|recipient|recipient's mailbox is full|mailbox of is
550 5.2.2 <kim@example.org>... Mailbox over quota||mailboxfull|recipient|mailbox;make room|
554 5.7.1 Message rejected because it contains a URL listed in dbl.spamhaus.org (https://www.spamhaus.org/)||spamdetected|sending-system|dbl.spamhaus.org|zen.spamhaus.org;Spamhaus ZEN
550 5.7.1 Sender domain bad.example is listed in dbl.spamhaus.org||blocked|sending-system|dbl.spamhaus.org;domain|zen.spamhaus.org;our sending server is listed
554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked, see http://www.spamcop.net/bl.shtml?192.0.2.1||blocked|sending-system|192.0.2.1 is listed on bl.spamcop.net;Our mail administrator|
554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using relays.ordb.org|--date 2009-06-01|blocked|receiving-system|shut down on 2006-12-18;since 2008-03-25;Nothing is wrong with our server|December;March
554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using relays.ordb.org|--date 'Wed, 01 Jun 2005 10:00:00 +0000'|blocked|sending-system|is listed on relays.ordb.org|
554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using relays.ordb.org|--date 2005-06-01T10:00|blocked|sending-system|is listed on relays.ordb.org|
550 5.7.1 Message rejected: RBL listing for 192.0.2.9||blocked|sending-system|listed on a DNS blacklist;Our mail administrator|without naming
554 5.7.1 Client host [192.0.2.9] blocked using rbl.example.net||blocked|sending-system|192.0.2.9 is listed on rbl.example.net|
550 Mail rejected: 192.0.2.1 is blacklisted||blocked|sending-system|without naming a blacklist;Our mail administrator|
550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table||userunknown|sender|address does not exist|
Host or domain name not found. Name service error for name=nx.example type=A: Host not found||hostunknown|sender|does not exist;spelling|
552 5.3.4 Message size exceeds fixed limit||mesgtoobig|sender|larger than|
552 5.2.3 Message exceeds the recipient's size limit||exceedlimit|sender|larger than the recipient's mailbox accepts|
550 5.7.1 Message rejected as spam by Content Filtering||spamdetected|sender|spam|
554 5.7.1 Virus found in message||virusdetected|sender|virus|
550 5.7.26 This mail has been blocked because the sender is unauthenticated||authfailure|sending-system|SPF;Our mail administrator|
550 5.7.25 The IP address sending this message does not have a PTR record setup||requireptr|sending-system|reverse DNS;Our mail administrator|
554 5.7.1 <x@example.org>: Relay access denied||norelaying|receiving-system|relaying denied;administrators|
550 5.2.1 The email account that you tried to reach is disabled||suspend|recipient|disabled or suspended|
Message expired after sitting in queue for 5 days||expired|unknown|time ran out|
This message was not delivered within 5 days||expired|unknown|time ran out|
Your message could not be delivered for 5 days||expired|unknown|time ran out|
451 4.3.0 Local configuration error||systemerror|receiving-system|internal error;recipient's side|
452 4.3.1 Insufficient system storage||systemfull|receiving-system|out of storage|
421 4.7.0 Too many connections from your IP||toomanyconn|sending-system|too many connections|
450 4.7.1 You are sending too fast; rate limited||speeding|sending-system|send more slowly|
452 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered||speeding|recipient|receives mail faster;Nothing is wrong with our server|send more slowly
553 5.1.8 <bad@nx.example>... Domain of sender address bad@nx.example does not exist||rejected|sending-system|sender's address;sender address and its domain exist|
The group you tried to contact (news) may not exist, or you may not have permission to post messages to the group.||rejected|sender|group;join|sender address and its domain exist
550 Envelope blocked - User Entry||rejected|recipient|does not accept mail from this sender|sender address and its domain exist
554 5.4.6 Message exceeded 50 hops, this may indicate a mail loop||networkerror|receiving-system|loop;configuration problem|network or DNS problem
530 5.7.0 Must issue a STARTTLS command first||failedstarttls|sending-system|TLS|
556 5.1.10 Recipient address has null MX||notaccept|receiving-system|does not accept mail|
550 5.7.1 Our system has detected that this message is likely suspicious due to the very low reputation of the sending domain||badreputation|sending-system|reputation;Our mail administrator|
550 5.1.6 Recipient has moved||hasmoved|sender|moved|
554 5.6.0 Message contains invalid header||contenterror|sender|content|
501 5.5.2 Syntax error in parameters or arguments||syntaxerror|sender|did not understand|
550 5.7.1 Message rejected by recipient's filter rules||filtered|recipient|filter|
554 5.7.0 Message rejected due to local policy: executable attachments are not allowed||policyviolation|sender|policy|
550 5.6.0 Mail delivery program exited with status 75 (procmail failed)||mailererror|receiving-system|delivery program|
530 5.7.0 Authentication required||securityerror|sending-system|security reason;Our mail administrator|
550 5.7.1 Message is not RFC 5322 compliant: duplicate Message-ID header||notcompliantrfc|sender|not standard-conforming|
421 4.3.2 Service not available||onhold|unknown|temporary error;retries|has not decided yet
zzz qqq||onhold|unknown|No rule recognises the server's words (zzz qqq)|has not decided yet
LOCAL module(account kim) reports: account is not found|--format communigate|userunknown|sender|does not exist|filter
kim (user not found)|--format groupwise|userunknown|sender|does not exist|filter
"""
# An empty fact leaves a word with nothing after it, a space before
# punctuation, empty brackets or a placeholder.
empty_fact = re.compile(r"\{|\}|\s[.,;:)]|\(\s*\)|\s's\b|\b(?:of|to|at|for|on|from|by|the) (?:is|are|was|has|\.|,|;)")
bad = 0
for line in table.strip().splitlines():
    text, opts, reason, fault, says, never = (line.split("|") + [""] * 6)[:6]
    cmd = [binary, "classify", "--json", *shlex.split(opts), "--", text]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        row = json.loads(out.stdout)
    except ValueError:
        print("FAIL %r: no JSON (exit %d) %s" % (text, out.returncode, out.stderr)); bad += 1; continue
    advice = row.get("advice") or ""
    problems = []
    if row.get("reason") != reason:
        problems.append("reason %s, want %s (rule %s)" % (row.get("reason"), reason, row.get("rule")))
    if row.get("fault") != fault:
        problems.append("fault %s, want %s" % (row.get("fault"), fault))
    problems += ["advice lacks %r" % w for w in says.split(";") if w and w not in advice]
    problems += ["advice says %r" % w for w in never.split(";") if w and w in advice]
    if not advice:
        problems.append("no advice")
    elif empty_fact.search(advice):
        problems.append("advice has an empty fact near %r" % empty_fact.search(advice).group(0))
    if problems:
        bad += 1
        print("FAIL %r: %s\n     advice: %s" % (text[:70], "; ".join(problems), advice))
print("verdict table: %d rows, %d failed" % (len(table.strip().splitlines()), bad))
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] && ok

# a delayed refusal of the connection or for volume says both: a delay, and who acts
for spec in "4.4.1|Deferred: Connection refused by mx.example.net.|refused the network connection" \
            "4.7.0|421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints|sending reputation"; do
    st=${spec%%|*} rest=${spec#*|}
    text=${rest%%|*} want=${rest#*|}
    printf 'Reporting-MTA: dns; mx.shop.example\n\nFinal-Recipient: rfc822; kim@example.net\nAction: delayed\nStatus: %s\nDiagnostic-Code: smtp; %s\n' "$st" "$text" >"$tmp/status"
    { printf 'From: MAILER-DAEMON@shop.example\nTo: anna@shop.example\nSubject: Delayed Mail\nDate: Tue, 01 Dec 2026 10:00:00 +0000\nMIME-Version: 1.0\n'
      printf 'Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: text/plain\n\nDelayed.\n\n--b\n'
      printf 'Content-Type: message/delivery-status\n\n'; cat "$tmp/status"; printf '\n--b--\n'; } >"$tmp/delay.eml"
    a=$("$bin" analyze --format json "$tmp/delay.eml" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["advice"])')
    case "$a" in *"delay warning, not a failure"*"$want"*) ok ;; *) bad "delayed '$text': advice '$a'" ;; esac
done

# ---- the advice data: an alternative with an empty fact is skipped; a
# placeholder naming no fact, or a cause with no advice group, is a load error
mkdir "$tmp/rules"
cp rules/* "$tmp/rules/"
cat >>"$tmp/rules/advice.conf" <<'EOF'

[suspend.test-cause]
template = FIRST {listed} never printed without a listed address.
template = SECOND for {recipient|the recipient}.
EOF
cat >>"$tmp/rules/80-wording.rules" <<'EOF'

[test-cause-rule]
description = a test rule for the advice alternatives
reason = suspend
pattern = \bxyzzy mailbox frozen\b
priority = 99
cause = test-cause
EOF
a=$("$bin" classify --rules "$tmp/rules" --json "550 xyzzy mailbox frozen" | python3 -c 'import json,sys; print(json.load(sys.stdin)["advice"])')
[ "$a" = "SECOND for the recipient." ] && ok || bad "advice alternatives: '$a'"
"$bin" rules check --rules "$tmp/rules" >/dev/null 2>&1 && ok || bad "rules check fails on a valid advice group"
printf '\n[suspend.typo]\ntemplate = The {recipeint} box.\n' >>"$tmp/rules/advice.conf"
"$bin" rules check --rules "$tmp/rules" >"$tmp/out" 2>&1
[ $? -ne 0 ] && grep -q 'recipeint' "$tmp/out" && ok || bad "a placeholder naming no fact passes rules check: $(cat "$tmp/out")"
sed -i 's/^cause = test-cause$/cause = no-such-cause/' "$tmp/rules/80-wording.rules"
"$bin" rules check --rules "$tmp/rules" >"$tmp/out" 2>&1
[ $? -ne 0 ] && grep -q 'no-such-cause' "$tmp/out" && ok || bad "a cause without advice passes rules check: $(cat "$tmp/out")"

# ---- classify's options: a date or status it cannot read is a usage error
usage () {  # usage WHAT ARGS... : exit 2 and a message naming the option
    local what=$1; shift
    "$bin" classify "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$what" "$tmp/err"; then ok; else bad "classify $* (exit $rc): $(cat "$tmp/err")"; fi
}
usage --date --date 2008-13-45 "550 5.1.1 user unknown"
usage --date --date yesterday "550 5.1.1 user unknown"
usage --date --date 2005-06-01T25:00 "550 5.1.1 user unknown"
usage TEXT " "
usage --status --status abc "550 5.1.1 user unknown"
usage --status --status 6.1.1 "550 5.1.1 user unknown"
usage --status --status 5.1 "550 5.1.1 user unknown"
usage --status --status 5.1000.1 "550 5.1.1 user unknown"
for d in 2005-06-01 2005-06-01T10:00 2005-06-01T10:00:00Z '2005-06-01 10:00:00+02:00' 'Wed, 01 Jun 2005 10:00:00 +0000'; do
    if "$bin" classify --date "$d" "550 5.1.1 user unknown" >/dev/null 2>&1; then ok; else bad "classify --date '$d' refused"; fi
done
if "$bin" classify --status 4.7.0 "421 deferred" >/dev/null 2>&1; then ok; else bad "classify --status 4.7.0 refused"; fi

# classify - reads the text from standard input, bounded
got=$(printf '452 4.2.2 Mailbox full\n' | "$bin" classify --json - | python3 -c 'import json,sys; print(json.load(sys.stdin)["reason"])')
[ "$got" = mailboxfull ] && ok || bad "classify - read '$got'"
printf '' | "$bin" classify - >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "classify - with empty input is not a usage error"
head -c 2000000 /dev/zero | tr '\0' x | "$bin" classify - >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'standard input' "$tmp/err" && ok || bad "classify - read more than its bound"

# ---- the locale never reaches the advice: byte-identical output
# de_DE.UTF-8 if installed, else compiled here from the system's locale
# sources (localedef), else C.UTF-8 with LANGUAGE=de
loc=C.UTF-8 locpath=
if locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    loc=de_DE.UTF-8
elif command -v localedef >/dev/null && [ -e /usr/share/i18n/locales/de_DE ] \
     && mkdir -p "$tmp/locale" && localedef -i de_DE -f UTF-8 "$tmp/locale/de_DE.UTF-8" >/dev/null 2>&1; then
    loc=de_DE.UTF-8 locpath=$tmp/locale
fi
in_german () {  # in_german CMD...: run CMD under the German locale chosen above
    if [ -n "$locpath" ]; then LOCPATH=$locpath LC_ALL=$loc LANGUAGE=de "$@"; else LC_ALL=$loc LANGUAGE=de "$@"; fi
}
[ "$loc" = C.UTF-8 ] || [ "$(in_german date -d 2006-12-18 +%B 2>/dev/null)" = Dezember ] \
    || bad "locale $loc does not give German month names"
for args in "--date 2009-06-01" "--date 2004-06-01"; do
    text="554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using relays.ordb.org"
    LC_ALL=C "$bin" classify --json $args "$text" >"$tmp/c" 2>&1
    in_german "$bin" classify --json $args "$text" >"$tmp/de" 2>&1
    cmp -s "$tmp/c" "$tmp/de" && ok || bad "classify $args differs under LC_ALL=$loc"
done
LC_ALL=C "$bin" analyze --format ndjson samples >"$tmp/c" 2>/dev/null
in_german "$bin" analyze --format ndjson samples >"$tmp/de" 2>/dev/null
cmp -s "$tmp/c" "$tmp/de" && ok || bad "analyze samples differs under LC_ALL=$loc"
grep -q -i 'Dezember\|December\|März' "$tmp/c" && bad "a month name in advice" || ok

# ---- analyze: delay warnings, automatic replies, reports
field () {  # field FILE LABEL: the text after "LABEL" in analyze's output
    "$bin" analyze "samples/$1" 2>/dev/null | sed -n "s/^  $2 *//p" | head -1
}
for f in delay-sendmail-warning.eml postfix-text-delay.eml sendmail-text-delay.eml delay-exim-warning.eml; do
    v=$(field "$f" verdict:) a=$(field "$f" advice:)
    case "$v" in "delay warning"*) ok ;; *) bad "$f: verdict '$v' does not say it is a delay" ;; esac
    case "$a" in *"delay warning, not a failure"*) ok ;; *) bad "$f: advice '$a'" ;; esac
    # Sendmail's and Postfix's own warnings name the last attempt's problem
    case "$f:$v" in delay-exim*) ;; *expired*|*blocked*) bad "$f: a delay warning is $v" ;; *) ok ;; esac
done
for f in autoreply-vacation.eml arf-abuse.eml opensmtpd-relayed.eml; do
    r=$(field "$f" rule:) fa=$(field "$f" fault:)
    case "$r" in *"status code"*) bad "$f: rule '$r'" ;; *) ok ;; esac
    case "$fa" in "nobody (not a failure)") ok ;; *) bad "$f: fault '$fa'" ;; esac
done
# issue 8's wrong verdicts
for spec in communigate-userunknown.eml=userunknown groupwise-userunknown.eml=userunknown \
            googlegroups-german-nogroup.eml=rejected googlegroups-nogroup.eml=rejected; do
    v=$(field "${spec%%=*}" verdict:)
    case "$v" in "${spec#*=},"*) ok ;; *) bad "${spec%%=*}: verdict '$v', want ${spec#*=}" ;; esac
done
a=$(field googlegroups-german-nogroup.eml advice:)
case "$a" in *"group"*) ok ;; *) bad "Google Groups advice '$a'" ;; esac

echo "verdicts: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
