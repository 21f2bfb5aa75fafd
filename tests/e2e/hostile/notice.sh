# Hostile inputs for the generic notice reader (analyzer/notice.c): a
# bounce-looking message whose notice is built to be expensive or to lure
# the reader into taking addresses it must not take.

hdr='From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: anna@shop.example
Subject: Undelivered Mail Returned to Sender
Date: Tue, 14 Mar 2023 09:12:40 +0100
'

# 50,000 addresses under one heading: bounded output, in bounded time
{
    printf '%s\nThe following addresses had permanent fatal errors\n' "$hdr"
    for i in $(seq 1 50000); do printf 'u%d@many.example\n' "$i"; done
} > "$tmp/notice-many.eml"
if within 20 "$bin" analyze --format ndjson "$tmp/notice-many.eml"; then
    n=$(printf '%s\n' "$out" | grep -c '"recipient"')
    [ "$n" -le 10000 ] && ok || bad "notice-many: $n recipients"
else bad "notice-many: timed out"; fi

# one 4 MB line of '@' and dots after a heading
{
    printf '%s\nDelivery to the following recipients failed:\n\n' "$hdr"
    head -c 4000000 /dev/zero | tr '\0' '@' | sed 's/@@@@/a@b./g'
    printf '\n'
} > "$tmp/notice-longline.eml"
within 20 "$bin" analyze --format ndjson "$tmp/notice-longline.eml" && ok || bad "notice-longline: timed out"

# 100,000 header-like lines and quote markers: no hang
{
    printf '%s\n' "$hdr"
    for i in $(seq 1 20000); do printf '>>>>>>>>>>>>>>>>>>>> X-%d: <a%d@b.example>\n\r\r' "$i" "$i"; done
} > "$tmp/notice-quotes.eml"
within 20 "$bin" analyze --format ndjson "$tmp/notice-quotes.eml" && ok || bad "notice-quotes: timed out"

# the returned message's To/Cc, the bounce's own addresses and postmaster are never failed
printf '%s\nThe following addresses had permanent fatal errors\n\n<kim@partner.example>\n    550 5.1.1 User unknown\n\nPlease contact postmaster@mx.example.net.\n550 5.1.8 <anna@shop.example>... Sender rejected\n\n--- Below this line is a copy of the message.\n\nReceived: from x by y\nTo: lee@partner.example\nCc: boss@partner.example\n' "$hdr" > "$tmp/notice-lure.eml"
within 10 "$bin" analyze --format ndjson "$tmp/notice-lure.eml"
contains notice-lure "$out" '"recipient":"kim@partner.example"'
for a in lee@partner.example boss@partner.example anna@shop.example postmaster@mx.example.net; do
    lacks notice-lure "$out" "\"recipient\":\"$a\""
done

# an ordinary mail with the same words is not a bounce
printf 'From: Anna <anna@shop.example>\nTo: bob@shop.example\nSubject: notes\n\nThe following addresses had permanent fatal errors\n\n<kim@partner.example>\n' > "$tmp/notice-person.eml"
within 10 "$bin" analyze --format ndjson "$tmp/notice-person.eml"
lacks notice-person "$out" '"recipient"'

# a bounce marked Auto-Submitted from a sender no format knows is still a bounce
printf 'From: Mail Delivery Service <noreply@mx.example.net>\nTo: anna@shop.example\nSubject: Undeliverable: Offer\nAuto-Submitted: auto-replied\n\nDelivery has failed to these recipients or groups:\n\nkim@partner.example\nThe email address you entered could not be found.\n' > "$tmp/notice-autosubmitted.eml"
within 10 "$bin" analyze --format ndjson "$tmp/notice-autosubmitted.eml"
contains notice-autosubmitted "$out" '"recipient":"kim@partner.example"'
contains notice-autosubmitted-failed "$out" '"action":"failed"'

# a DSN whose Final-Recipient is unusable: Original-Recipient, then
# X-Failed-Recipients, then the notice's own words
dsn () {  # $1 extra header, $2 recipient block
    printf 'From: MAILER-DAEMON@mx.example.net\nTo: anna@shop.example\nSubject: Delivery Status Notification (Failure)\n%sMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: text/plain\n\nDelivery to the following recipient failed permanently:\n\n     lee@partner.example\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n%sAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n\n--b--\n' "$1" "$2"
}
dsn '' 'Final-Recipient: rfc822; @mx.partner.example
Original-Recipient: rfc822; kim@partner.example
' > "$tmp/dsn-athost.eml"
within 10 "$bin" analyze --format ndjson "$tmp/dsn-athost.eml"
contains dsn-athost "$out" '"recipient":"kim@partner.example"'
dsn 'X-Failed-Recipients: ops@partner.example
' 'Final-Recipient: rfc822;
' > "$tmp/dsn-empty.eml"
within 10 "$bin" analyze --format ndjson "$tmp/dsn-empty.eml"
contains dsn-empty "$out" '"recipient":"ops@partner.example"'
dsn '' '' > "$tmp/dsn-missing.eml"
within 10 "$bin" analyze --format ndjson "$tmp/dsn-missing.eml"
contains dsn-missing "$out" '"recipient":"lee@partner.example"'

# rules list names the generic reader's groups of notice.conf with their kind
if within 20 "$bin" rules list; then ok; else bad "notice-rules-list: timed out"; fi
contains notice-rules-list-header "$out" "NOTICE GROUP"
contains notice-rules-list-group "$out" "heading-sendmail                         transient  Sendmail 8"
