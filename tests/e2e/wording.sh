#!/usr/bin/env bash
# End-to-end: the wording families of rules/80-wording.rules read wordings
# of a family that no sample carries (other spacing, addresses, numbers),
# and never override a specific status; `format =` limits a rule to its
# format.  Texts are written for this test from the families' sources.
set -u
bin=$1 root=$2
cd "$root" || exit 1
pass=0 fail=0

expect () {  # expect REASON [classify options...] TEXT
    local want=$1
    shift
    local got
    got=$("$bin" classify --json "$@" | sed -n 's/.*"reason":"\([a-z]*\)".*/\1/p')
    if [ "$got" = "$want" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL: want $want, got '${got}' for: $*"
        fail=$((fail + 1))
    fi
}

# userunknown words: the address's fact at RCPT, a filter's after DATA
expect userunknown "SMTP error from remote mail server after RCPT TO:<ann@example.org>: 550 Mailbox invalid"
expect userunknown "host mx.example.org said: 550 <bo@example.org> is not a valid mailbox (in reply to RCPT TO command)"
expect userunknown "RCPT TO:<cy@example.org> 550 Non-existent user here"
expect filtered "host mx.example.org said: 550 <bo@example.org>: Mailbox invalid (in reply to end of DATA command)"
expect userunknown --status 5.1.1 "550 Recipient not ok"
expect rejected "SMTP error from remote mail server after MAIL FROM:<me@example.net>: 553 Sender address invalid"

# families, no status
expect mailboxfull "maildir delivery failed: userdisk quota exceeded (#5.2.2)"
expect mailboxfull "552 Mailbox of someone@example.org has exceeded its storage limit"
expect suspend "550 This account has been temporarily suspended"
expect expired "Message could not be delivered for 5 days - giving up"
expect expired "Routing: Could not find a gateway for dee@example.net"
expect blocked "554 Access from IP address 192.0.2.7 is blocked by the administrator"
expect blocked "550 Refused - see https://example.net/blocked?ip=192.0.2.7"
expect blocked "421 Server IP 192.0.2.7 listed as abusive"
expect requireptr "550 Reverse DNS lookup for host 192.0.2.7 failed"
expect norelaying "553 sorry, that domain isn't in my list of allowed rcpthost (#5.7.1)"
expect rejected "553 Fully qualified e-mail address required"
expect spamdetected "554 Your message appears to be unsolicited"
expect systemerror "451 Encountered an internal error while processing"
expect policyviolation "550 Closed mailing-list: only members may post"
expect mailererror "Command output: /usr/bin/deliver: cannot open file"

# a specific status decides over a family's words; a vague one does not
expect mailboxfull --status 5.2.2 "550 temporarily locked"
expect suspend --status 5.7.1 "550 temporarily locked"

# RFC 5321's stock 552 text yields to a more specific status
expect mailboxfull "552 Requested mail action aborted: exceeded storage allocation"
expect mesgtoobig --status 5.3.4 "552 5.3.4 Requested mail action aborted: exceeded storage allocation"
expect exceedlimit "552 Message exceeds the maximum size allowed by the recipient"
expect systemerror --status 5.3.0 "554 5.3.0 Other mail system problem"
expect mailboxfull --status 5.2.2 "550 5.2.2 <al@example.org>... User unknown"
expect mesgtoobig --status 5.3.4 "552 5.3.4 Sorry, no such user"
expect mailboxfull --status 5.3.4 "552 5.3.4 Mailbox full"
expect exceedlimit --status 5.2.3 "552 5.2.3 Policy rejection"

# text with no ASCII letters still gets the unrecognised-text verdict
expect onhold "メールボックスのエラーです"
# format = : an MTA's own message table holds only in that MTA's notices
expect userunknown --format imail "Unknown user: pat"
expect filtered "Unknown user: pat"
expect hostunknown --format dragonfly "DNS lookup failure: host mx.nowhere.example not found"
expect networkerror "DNS lookup failure: host mx.nowhere.example not found"
expect hostunknown --format forwarded+dragonfly "DNS lookup failure: host mx.nowhere.example not found"
expect mailererror --format dsn+sendmail "X-Unix; 71"
expect onhold --format exim "71"

# providers' code tables
expect speeding "550 192.0.2.7 has sent too many messages this hour. IB504"
expect mailboxfull "552 5.1.1 Boite du destinataire pleine. Recipient mailbox full. OFR000_417 [417]"
expect requireptr "554 no rDNS for 192.0.2.7 AUP#CXDNS"
expect rejected --status 5.7.124 "550 5.7.124 Sender not in allowed-senders list"
expect rejected --status 5.7.12 "550 5.7.12 Sender was not authenticated by organization"

# a refusal at the greeting, read from a Sendmail transcript: no command
# was sent before the server's "<<< 554", so the sending host was refused
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' 'From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example>' \
    'To: owner@relay.example' 'Subject: Returned mail: see transcript for details' \
    'Date: Tue, 1 Dec 2026 09:00:00 +0000' 'MIME-Version: 1.0' 'Content-Type: text/plain' '' \
    '   ----- The following addresses had permanent fatal errors -----' '<who@dest.example>' \
    '    (reason: 554 mx.dest.example closing the door)' '' \
    '   ----- Transcript of session follows -----' '... while talking to mx.dest.example.:' \
    '<<< 554 mx.dest.example closing the door' '554 5.0.0 Service unavailable' > "$tmp/greeting.eml"
got=$("$bin" analyze --format ndjson "$tmp/greeting.eml")
case "$got" in
    *'"smtp_command":"CONN"'*'"reason":"blocked"'*) pass=$((pass + 1)) ;;
    *) echo "FAIL: greeting refusal in a transcript: $got"; fail=$((fail + 1)) ;;
esac

# reclassify reads each stored report's format: a site rule limited to
# IMail's notices moves the IMail sample only when its format is imail
cat > "$tmp/imail.rules" <<'RULES'
[site-imail-only]
description = test: IMail's size wording, in IMail notices only
reason = systemfull
format = imail
pattern = user mailbox exceeds allowed size
priority = 1000
RULES
sed 's/^format = imail$/format = exim/' "$tmp/imail.rules" > "$tmp/exim.rules"
"$bin" ingest -q --db "$tmp/w.db" samples/imail-mailboxfull.eml 2>/dev/null
for site in exim imail; do
    "$bin" reclassify --db "$tmp/w.db" --site-rules "$tmp/$site.rules" --dry-run > "$tmp/rc-$site.out" 2>&1
done
if grep -q "mailboxfull *-> systemfull" "$tmp/rc-imail.out" && ! grep -q "mailboxfull *-> systemfull" "$tmp/rc-exim.out"; then
    pass=$((pass + 1))
else
    echo "FAIL: reclassify with format = imail: $(cat "$tmp/rc-imail.out") / format = exim: $(cat "$tmp/rc-exim.out")"
    fail=$((fail + 1))
fi

echo "pass=$pass fail=$fail"
[ "$fail" -eq 0 ]
