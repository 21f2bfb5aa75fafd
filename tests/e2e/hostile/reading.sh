# Hostile input for the notice readings (analyzer/reading.c): quoting,
# indentation and re-joined lines undone in bounded time, and a forward
# banner that forwards itself does not recurse without end.

# a notice of one megabyte of quoted lines, and of deeply quoted ones
{
    printf 'From: MAILER-DAEMON@host.example\nSubject: Undelivered Mail\n\n'
    for i in $(seq 1 40000); do printf '> > line %d of quoted text with words in it\n' "$i"; done
} > "$tmp/quoted.eml"
if within 20 "$bin" analyze "$tmp/quoted.eml"; then ok; else bad "notice-reading: 40000 quoted lines did not finish"; fi
[ "$status" -le 1 ] && ok || bad "notice-reading: quoted lines: exit $status"

# one line of a megabyte without a space, then thousands of short lines a
# composer could have broken (every one a candidate for re-joining)
{
    printf 'From: MAILER-DAEMON@host.example\nSubject: Undelivered Mail\n\n'
    head -c 1000000 /dev/zero | tr '\0' 'x'; printf '\n'
    for i in $(seq 1 30000); do printf 'word%d\n' "$i"; done
} > "$tmp/longline.eml"
if within 20 "$bin" analyze "$tmp/longline.eml"; then ok; else bad "notice-reading: long line did not finish"; fi
[ "$status" -le 1 ] && ok || bad "notice-reading: long line: exit $status"

# every line indented by a different mix of tabs and spaces
{
    printf 'From: MAILER-DAEMON@host.example\nSubject: Undelivered Mail\n\n'
    for i in $(seq 1 20000); do printf '\t \t  line %d of an indented notice, no address in it\n' "$i"; done
} > "$tmp/indent.eml"
if within 20 "$bin" analyze "$tmp/indent.eml"; then ok; else bad "notice-reading: mixed indentation did not finish"; fi
[ "$status" -le 1 ] && ok || bad "notice-reading: mixed indentation: exit $status"

# a forward banner whose forwarded message is a forward again, 200 deep
{
    printf 'From: helpdesk@example.com\nSubject: Fwd: Fwd: Undelivered Mail\n\n'
    for i in $(seq 1 200); do
        printf -- '-----Original Message-----\nFrom: MAILER-DAEMON@host.example\nSubject: Undelivered Mail\n\n'
    done
    printf '<user@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 no such user\n'
} > "$tmp/forwards.eml"
if within 20 "$bin" analyze "$tmp/forwards.eml"; then ok; else bad "notice-reading: nested forwards did not finish"; fi
[ "$status" -le 1 ] && ok || bad "notice-reading: nested forwards: exit $status"

# a DSN quoted with "> " inside a forward is read as the DSN it carries
cat > "$tmp/quoted-dsn.eml" <<'MAIL'
From: helpdesk@example.com
To: postmaster@example.com
Subject: Fwd: Delivery Status Notification (Failure)
Content-Type: text/plain; charset=us-ascii

see below

---------- Forwarded message ---------
From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
Date: Mon, 2 Mar 2020 10:00:00 +0000
Subject: Delivery Status Notification (Failure)
To: sender@example.com

> Reporting-MTA: dns; mx.example.org
>
> Final-Recipient: rfc822; gone@example.org
> Action: failed
> Status: 5.1.1
> Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: Recipient address
>  rejected: User unknown in virtual mailbox table
MAIL
within 10 "$bin" analyze --format ndjson "$tmp/quoted-dsn.eml"
contains "notice-reading: quoted DSN" "$out" '"recipient":"gone@example.org"'
contains "notice-reading: quoted DSN" "$out" '"status":"5.1.1"'
contains "notice-reading: quoted DSN" "$out" '"reason":"userunknown"'
