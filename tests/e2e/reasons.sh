#!/usr/bin/env bash
# End-to-end: the reason, status and permanent-vs-temporary of a recipient
# (issue 8, capabilities 3, 5, 6, 7, 8).  The wording families added from
# Sisimai 5.1's phrase lists, RFC 3463 status precedence and the status
# derived from a reply code, hard/soft from the evidence in order, the
# providers' tables keyed by remote host, and the evidence rules (RCPT vs
# after DATA, a refusal at MAIL FROM or at the greeting).  Every text is
# written for this test from the family's source, not taken from a mail.
set -u
bin=$1 root=$2
cd "$root" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# field FIELD JSON: one top-level scalar of an ndjson line
field () {
    python3 -c 'import json,sys; v=json.loads(sys.argv[2]).get(sys.argv[1]); print("null" if v is None else str(v).lower() if isinstance(v,bool) else v)' "$1" "$2"
}

# expect REASON HARD STATUS [classify options...] TEXT (HARD, STATUS: "-" = not checked)
expect () {
    local want=$1 hard=$2 status=$3 got line
    shift 3
    line=$("$bin" classify --json "$@")
    got="$(field reason "$line") $(field hard_bounce "$line") $(field status "$line")"
    [ "$hard" = - ] && hard='*'
    [ "$status" = - ] && status='*'
    # shellcheck disable=SC2254 # the "-" columns are globs on purpose
    case "$got" in
        $want\ $hard\ $status) pass=$((pass + 1)) ;;
        *) echo "FAIL: want $want hard=$hard status=$status, got '$got' for: $*"; fail=$((fail + 1)) ;;
    esac
}

# dsn NAME ACTION STATUS REMOTE-MTA DIAGNOSTIC: a Postfix-style RFC 3464 report
dsn () {
    local name=$1 action=$2 status=$3 remote=$4 diag=$5
    {
        printf '%s\n' 'From: MAILER-DAEMON@relay.example (Mail Delivery System)' 'To: owner@relay.example' \
            'Subject: Undelivered Mail Returned to Sender' 'Date: Tue, 1 Dec 2026 09:00:00 +0000' \
            'MIME-Version: 1.0' 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"' '' \
            '--b' 'Content-Type: text/plain' '' 'This is the mail system at host relay.example.' '' \
            '--b' 'Content-Type: message/delivery-status' '' 'Reporting-MTA: dns; relay.example' '' \
            'Final-Recipient: rfc822; who@dest.example' "Action: $action"
        [ "$status" = - ] || printf 'Status: %s\n' "$status"
        [ "$remote" = - ] || printf 'Remote-MTA: dns; %s\n' "$remote"
        printf 'Diagnostic-Code: smtp; %s\n' "$diag"
        printf '%s\n' '' '--b' 'Content-Type: text/rfc822-headers' '' 'Subject: hello' '' '--b--'
    } > "$tmp/$name.eml"
}

# expect_file REASON HARD STATUS OUTCOME FILE
expect_file () {
    local line got hard=$2 status=$3 outcome=$4
    line=$("$bin" analyze --format ndjson "$5" | head -1)
    got="$(field reason "$line") $(field hard_bounce "$line") $(field status "$line") $(field outcome "$line")"
    [ "$hard" = - ] && hard='*'
    [ "$status" = - ] && status='*'
    [ "$outcome" = - ] && outcome='*'
    # shellcheck disable=SC2254
    case "$got" in
        $1\ $hard\ $status\ $outcome) pass=$((pass + 1)) ;;
        *) echo "FAIL: want $1 hard=$2 status=$3 outcome=$4, got '$got' for $(basename "$5"): $line"; fail=$((fail + 1)) ;;
    esac
}

# ---- 1. wording families from Sisimai 5.1's phrase lists (80-wording.rules)
expect userunknown - - "host mx.dest.example said: 550 Bad recipient <who@dest.example> (in reply to RCPT TO command)"
expect filtered - - "host mx.dest.example said: 550 Bad-recipient (in reply to end of DATA command)"
expect userunknown - - "host mx.dest.example said: 550 unknown local-part (in reply to RCPT TO command)"
expect filtered - - "550 The recipient refuses to accept your mail"
expect hostunknown - - "553 sub.dest.example does not exist"
expect notaccept - - "554 SMTP protocol returned a permanent error"
expect expired - - "Hosts have been failing for a long time and were last tried after this message arrived"
expect expired - - "The remote server did not respond in time"
expect blocked - - "550 Your server 192.0.2.7 is in an RBL on our list"
expect blocked - - "421 Service not available, closing transmission channel"
expect blocked - - "554 Bad sender IP address 192.0.2.7"
expect blocked - - "550 Mail from 192.0.2.7 refused: not welcome"
expect rejected - - "550 Bad sender address <me@relay.example>"
expect hostunknown true - "550 Mail domain mentioned in email address is unknown"
expect securityerror - - "554 Verification failure"
expect securityerror - - "550 Domain dest.example is a dead domain"
expect toomanyconn - - "421 We have already made numerous attempts to deliver this message"
expect mailererror - - "Command died: /usr/local/bin/maildrop exited 75"
# a specific rule still wins over a family: greylisting is held, not spam
expect onhold - - "450 Greylisted, please try again in 300 seconds"

# ---- 2. RFC 3463 status precedence; a status derived from the reply code
expect mailboxfull false 5.2.2 --status 5.2.2 "552 5.2.2 Message refused"
expect exceedlimit false 5.2.3 --status 5.2.3 "552 5.2.3 Message refused"
expect mailboxfull false 5.2.2 --status 5.2.2 "552 5.2.2 Message too big for this mailbox"
expect rejected false 5.7.1 --status 5.7.1 "550 5.7.1 Message refused"
expect norelaying false 5.7.1 --status 5.7.1 "550 5.7.1 Relaying denied"
expect blocked false 5.7.1 --status 5.7.1 "550 5.7.1 Client host rejected: blocked using zen.spamhaus.org"
expect systemerror false 5.3.0 --status 5.3.0 "554 5.3.0 Message refused"
expect systemerror false 4.3.0 --status 4.3.0 "451 4.3.0 Message refused"
expect userunknown true 5.1.0 --status 5.1.0 "550 5.1.0 Address rejected"
expect rejected false 5.1.0 --status 5.1.0 "550 5.1.0 Sender address rejected: Domain not found"
# the reported status is kept even where its words name another reason
expect mailboxfull false 5.1.1 --status 5.1.1 "550 5.1.1 Mailbox full"
# no status given: the reason's code in the class of the reply code, else the reply code's
expect mailboxfull false 5.2.2 "550 Mailbox full"
expect mailboxfull false 4.2.2 "452 Mailbox full"
expect onhold false 5.0.0 "550 Message refused"
expect onhold false 4.3.2 "421 Message refused"
# a reply code written "550 - text" (Apache James) or "ERROR_CODE :550," (Zoho) is a code
expect onhold false 5.0.0 "Error message below: 550 - Requested action not taken: message refused"
expect onhold false 4.3.0 "Delivery failed, ERROR_CODE :451, ERROR_CODE :Requested action aborted"
expect onhold - null "Refused after 550 - 600 attempts"
dsn nostatus failed - mx.dest.example "550 Requested action not taken: message refused"
expect_file onhold false 5.0.0 failed "$tmp/nostatus.eml"

# ---- 3. permanent vs temporary: Action and Status, reply code, words, reason
expect userunknown true 5.1.1 --status 5.1.1 "550 5.1.1 User unknown"
expect userunknown false 4.1.1 --status 4.1.1 "450 4.1.1 User unknown"
expect userunknown false - "450 User unknown (in reply to RCPT TO command)"
expect hostunknown true - "Host or domain name not found. Name service error for name=nx.example type=A: Host not found"
expect hostunknown false 4.1.2 --status 4.1.2 "450 4.1.2 Recipient domain not found"
expect notaccept true - "554 No MX for dest.example: this domain does not accept mail"
expect notaccept false - "450 This domain does not accept mail"
dsn delayed-userunknown delayed 4.1.1 mx.dest.example "450 4.1.1 <who@dest.example>: Recipient address rejected: User unknown"
expect_file userunknown false 4.1.1 delayed "$tmp/delayed-userunknown.eml"
dsn failed-userunknown failed 5.1.1 mx.dest.example "550 5.1.1 <who@dest.example>: Recipient address rejected: User unknown"
expect_file userunknown true 5.1.1 failed "$tmp/failed-userunknown.eml"
# a 4.x.x status reported by a report that gave up is still not a permanent fact
dsn gaveup-4xx failed 4.1.1 mx.dest.example "450 4.1.1 <who@dest.example>: Recipient address rejected: User unknown"
expect_file userunknown false 4.1.1 failed "$tmp/gaveup-4xx.eml"

# ---- 4. providers' tables (38-provider-tables.rules), keyed by host where needed
expect mailboxfull - - "550 Mailbox of who@i.ua refused, see https://mail.i.ua/err/4/"
expect suspend - - "550 Refused, see https://mail.i.ua/err/3/"
expect filtered - - "550 Refused, see https://mail.i.ua/err/10/"
expect spamdetected - - "550 5.7.1 Mail rejete. Mail rejected. OFR004_506 [506]"
# Cox's IPBLnnnn codes are Cox's, not Spectrum's AUP#<I|O>nnnn
expect blocked - - "554 Rejected AUP#IPBL1010"
expect blocked - - "554 Rejected AUP#IPBL1100"
expect rejected - - "554 Rejected AUP#O-1010"
dsn yahoo-tss failed 4.7.0 mta7.am0.yahoodns.net "421 4.7.0 [TSS04] Messages from 192.0.2.7 temporarily deferred due to unexpected volume or user complaints"
expect_file rejected false 4.7.0 failed "$tmp/yahoo-tss.eml"
dsn other-tss failed 4.7.0 mx.other.example "421 4.7.0 Messages from 192.0.2.7 temporarily deferred due to unexpected volume or user complaints"
expect_file badreputation false 4.7.0 failed "$tmp/other-tss.eml"
dsn qq-frequency failed 5.0.0 mx3.qq.com "550 Ip frequency limited"
expect_file toomanyconn false - failed "$tmp/qq-frequency.eml"
dsn cox-threshold failed 5.0.0 cxr.mx.a.cox.net "452 Message threshold exceeded"
expect_file toomanyconn false - failed "$tmp/cox-threshold.eml"
dsn godaddy-storage failed 5.0.0 p3plibsmtp01.prod.phx3.secureserver.net "552 Account storage limit"
expect_file mailboxfull false - failed "$tmp/godaddy-storage.eml"

# ---- 5. evidence: the command refused decides what the words are a fact about
# Outlook's "mailbox unavailable": the address at RCPT, a filter after DATA
dsn outlook-rcpt failed 5.5.0 dest-example.mail.protection.outlook.com \
    "550 5.5.0 Requested action not taken: mailbox unavailable (in reply to RCPT TO command)"
expect_file userunknown true 5.5.0 failed "$tmp/outlook-rcpt.eml"
dsn outlook-data failed 5.5.0 dest-example.mail.protection.outlook.com \
    "550 5.5.0 Requested action not taken: mailbox unavailable (in reply to end of DATA command)"
expect_file filtered false 5.5.0 failed "$tmp/outlook-data.eml"
# Microsoft's MX says it at RCPT only: no command shown is still the address's fact
dsn outlook-nocommand failed 5.5.0 dest-example.mail.protection.outlook.com \
    "550 5.5.0 Requested action not taken: mailbox unavailable"
expect_file userunknown true 5.5.0 failed "$tmp/outlook-nocommand.eml"
dsn other-nocommand failed 5.5.0 mx.dest.example "550 5.5.0 Requested action not taken: mailbox unavailable"
expect_file filtered false 5.5.0 failed "$tmp/other-nocommand.eml"
# a refusal at MAIL FROM whose words no rule reads is about the sender
expect rejected false 5.0.0 "SMTP error from remote mail server after MAIL FROM:<me@relay.example> SIZE=1234: 550 Not today"
expect rejected false 5.0.0 "host mx.dest.example said: 550 Not today (in reply to MAIL FROM command)"
# ... but a 4xx there is only a deferral
expect onhold false 4.3.0 "host mx.dest.example said: 451 Not today (in reply to MAIL FROM command)"
# a 5xx at the greeting refuses the sending host
expect blocked false 5.0.0 "SMTP error from remote mail server after initial connection: 554 Not today"
# text with no ASCII letters still gets the unrecognised-text verdict
expect onhold - - "５５０　受信拒否"
expect onhold - - "☃ ☃ ☃"

# the X2 (qmail-derived "Unable to deliver message") notice: no command is
# shown, so an unknown-user wording is a filter's (Sisimai's Filtered);
# with the [RCPT_TO] mark, the address's own fact
x2 () {
    printf '%s\n' 'From: MAILER-DAEMON@mx.dest.example' 'To: owner@relay.example' 'Subject: failure delivery' \
        'Date: Tue, 1 Dec 2026 09:00:00 +0000' 'MIME-Version: 1.0' 'Content-Type: text/plain' '' \
        'Message from dest.example.' 'Unable to deliver message to the following address(es).' '' \
        '<who@dest.example>:' "$1" '' '--- Original message follows.' '' 'Subject: hello' > "$tmp/$2.eml"
}
x2 "This user doesn't have a dest.example account (who@dest.example) [0]" x2-filtered
expect_file filtered false - failed "$tmp/x2-filtered.eml"
x2 "Remote host said: 550 5.1.1 <who@dest.example>... User Unknown [RCPT_TO]" x2-rcpt
expect_file userunknown true 5.1.1 failed "$tmp/x2-rcpt.eml"
x2 "Remote host said: 552 Mailbox full [BODY]" x2-full
expect_file mailboxfull false 5.2.2 failed "$tmp/x2-full.eml"

echo "pass=$pass fail=$fail"
[ "$fail" -eq 0 ]
