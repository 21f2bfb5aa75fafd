# Hostile shapes of the formats made indentation-independent (Exim's
# unindented address lines, a pasted DSN's unfolded Diagnostic-Code): each
# is read within a time limit, with a bounded recipient list and text
# (under the 1 MiB cap on the notice).
{
    printf 'From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: a@example.org\n'
    printf 'Subject: Mail delivery failed: returning message to sender\n\n'
    printf 'This message was created automatically by mail delivery software.\n\n'
    printf 'A message that you sent could not be delivered to one or more of its\n'
    printf 'recipients. This is a permanent error. The following address(es) failed:\n\n'
    for i in $(seq 1 20000); do printf 'user%d@example.net\nSMTP error from remote mail server after RCPT TO:<user%d@example.net>:\n' "$i" "$i"; done
} > "$tmp/exim-unindented.eml"
if within 60 "$bin" analyze --format ndjson "$tmp/exim-unindented.eml"; then
    n=$(printf '%s\n' "$out" | grep -c '"recipient"')
    [ "$n" -ge 1 ] && [ "$n" -le 10000 ] && ok || bad "exim unindented: $n recipients, want 1..10000"
else
    bad "exim unindented: hung"
fi
{
    printf 'From: MAILER-DAEMON@mx.example.org\nTo: a@example.org\nSubject: Undelivered Mail Returned to Sender\n\n'
    printf 'Final-Recipient: rfc822; b@example.net\nAction: failed\nStatus: 5.0.0\n'
    printf 'Diagnostic-Code: smtp; 550 first line\n'
    for i in $(seq 1 15000); do printf 'an unfolded reply line %d without a colon\n' "$i"; done
} > "$tmp/dsn-unfolded.eml"
if within 60 "$bin" analyze --format ndjson "$tmp/dsn-unfolded.eml"; then
    contains "dsn unfolded" "$out" '"recipient":"b@example.net"'
    [ "${#out}" -le 300000 ] && ok || bad "dsn unfolded: ${#out} bytes of output, want a bounded text"
else
    bad "dsn unfolded: hung"
fi
# The same recipient block repeated (a DSN pasted twice, or on purpose):
# kept once; blocks that differ are kept up to the cap, each looked up once.
{
    printf 'From: MAILER-DAEMON@mx.example.org\nTo: a@example.org\nSubject: Undelivered Mail Returned to Sender\n'
    printf 'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
    printf -- '--b\nContent-Type: text/plain\n\nfailed\n\n--b\nContent-Type: message/delivery-status\n\n'
    printf 'Reporting-MTA: dns; mx.example.org\n\n'
    for i in $(seq 1 20000); do printf 'Final-Recipient: rfc822; b@example.net\nAction: failed\nStatus: 5.1.1\n\n'; done
    for i in $(seq 1 12000); do printf 'Final-Recipient: rfc822; c@example.net\nAction: failed\nStatus: 5.0.%d\n\n' "$i"; done
    printf -- '--b--\n'
} > "$tmp/dsn-repeated.eml"
if within 60 "$bin" analyze --format ndjson "$tmp/dsn-repeated.eml"; then
    n=$(printf '%s\n' "$out" | grep -c '"recipient":"b@example.net"')
    [ "$n" = 1 ] && ok || bad "dsn repeated blocks: b@example.net $n times, want 1"
    n=$(printf '%s\n' "$out" | grep -c '"recipient":"c@example.net"')
    [ "$n" -ge 1 ] && [ "$n" -le 10000 ] && ok || bad "dsn differing blocks: $n, want 1..10000"
else
    bad "dsn repeated blocks: hung"
fi
# Exim's frozen-message notice with a long address list
{
    printf 'From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: postmaster@example.org\nSubject: Message frozen\n\n'
    printf 'Message 1abcde-000001-AB has been frozen by the system filter.\nThe sender is <a@example.org>.\n\n'
    printf 'The following address(es) have yet to be delivered:\n'
    for i in $(seq 1 20000); do printf '  user%d@example.net <list@example.net>: frozen\n' "$i"; done
} > "$tmp/exim-frozen.eml"
if within 60 "$bin" analyze --format ndjson "$tmp/exim-frozen.eml"; then
    n=$(printf '%s\n' "$out" | grep -c '"action":"delayed"')
    [ "$n" -ge 1 ] && [ "$n" -le 10000 ] && ok || bad "exim frozen: $n delayed recipients, want 1..10000"
else
    bad "exim frozen: hung"
fi
