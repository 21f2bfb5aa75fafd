# Made-up bounces for tests/e2e/issue10.sh, written from each MTA's template
# (example.* domains, invented addresses).  Each function prints one message.

mail_head () {   # mail_head FROM SUBJECT [EXTRA-HEADER]
    printf 'Return-Path: <>\nDate: Tue, 12 Sep 2023 14:03:58 +0200\nFrom: %s\nSubject: %s\n' "$1" "$2"
    printf 'To: anna@sender.example\nAuto-Submitted: auto-replied\n'
    [ -n "${3:-}" ] && printf '%s\n' "$3"
    return 0
}

# RFC 3464 DSN whose Final-Recipient and Original-Recipient are $1; $2 the Diagnostic-Code
dsn_mail () {
    mail_head "MAILER-DAEMON@mail.sender.example (Mail Delivery System)" "Undelivered Mail Returned to Sender"
    cat <<M
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered to one or more recipients.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.sender.example

Final-Recipient: rfc822; $1
Original-Recipient: rfc822; $1
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; ${2:-550 5.1.1 User unknown}

--B1--
M
}

# Exim deliver.c bounce naming the recipient only in X-Failed-Recipients: $1
xfailed_mail () {
    mail_head "Mail Delivery System <Mailer-Daemon@mail.sender.example>" \
        "Mail delivery failed: returning message to sender" "X-Failed-Recipients: $1"
    cat <<M

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error.

  SMTP error from remote mail server after RCPT TO:
    host mx.receiver.example [192.0.2.1]: 550 5.1.1 User unknown
M
}

# Exim deliver.c bounce whose address line is $1
exim_line_mail () {
    mail_head "Mail Delivery System <Mailer-Daemon@mail.sender.example>" "Mail delivery failed: returning message to sender"
    cat <<M

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  $1
    host mx.receiver.example [192.0.2.1]
    SMTP error from remote mail server after RCPT TO: 550 5.1.1 User unknown
M
}

# Postfix bounce_template.c notice whose recipient line starts with $1
postfix_line_mail () {
    mail_head "MAILER-DAEMON@mail.sender.example (Mail Delivery System)" "Undelivered Mail Returned to Sender"
    cat <<M

This is the mail system at host mail.sender.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

$1: host mx.receiver.example[192.0.2.1] said: 550 5.1.1
    User unknown (in reply to RCPT TO command)
M
}

# qmail-send bounce whose address line is $1 followed by ":"
qmail_line_mail () {
    mail_head "MAILER-DAEMON@mail.sender.example" "failure notice"
    cat <<M

Hi. This is the qmail-send program at mail.sender.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

$1:
192.0.2.1 does not like recipient.
Remote host said: 550 5.1.1 User unknown
Giving up on 192.0.2.1.
M
}

# Sendmail 8 savemail.c errbody() whose address line is $1
sendmail_line_mail () {
    mail_head "Mail Delivery Subsystem <MAILER-DAEMON@mail.sender.example>" "Returned mail: see transcript for details"
    cat <<M

   ----- The following addresses had permanent fatal errors -----
$1
    (reason: 550 5.1.1 User unknown)

   ----- Transcript of session follows -----
... while talking to mx.receiver.example.:
>>> RCPT To:<jo.doe@receiver.example>
<<< 550 5.1.1 User unknown
M
}

# a notice sentence ending with the address $1
sentence_mail () {
    mail_head "postmaster@mail.sender.example" "Delivery failure"
    printf '\nYour message could not be delivered to %s\nThe server replied: 550 5.1.1 User unknown\n' "$1"
}

# Gmail's four-line 550-5.1.1 reply (RFC 5321 multi-line reply)
G1="550-5.1.1 The email account that you tried to reach does not exist. Please try"
G2="550-5.1.1 double-checking the recipient's email address for typos or"
G3="550-5.1.1 unnecessary spaces. Learn more at"
G4="550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1b2c3d4e5 - gsmtp"
GMAIL_WHOLE="550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. Learn more at https://support.google.com/mail/?p=NoSuchUser a1b2c3d4e5 - gsmtp"

# Postfix bounce_template.c: "said:" joins the reply lines, re-wrapped
gmail_postfix () {
    mail_head "MAILER-DAEMON@mail.sender.example (Mail Delivery System)" "Undelivered Mail Returned to Sender"
    cat <<M

This is the mail system at host mail.sender.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<jo.doe@gmail.example>: host gmail-smtp-in.l.google.com[192.0.2.27] said:
    $G1 $G2
    $G3 $G4 (in
    reply to RCPT TO command)
M
}

# Exim deliver.c: "SMTP error from remote mail server after RCPT TO:", one line each
gmail_exim () {
    mail_head "Mail Delivery System <Mailer-Daemon@mail.sender.example>" \
        "Mail delivery failed: returning message to sender" "X-Failed-Recipients: jo.doe@gmail.example"
    cat <<M

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  jo.doe@gmail.example
    host gmail-smtp-in.l.google.com [192.0.2.27]
    SMTP error from remote mail server after RCPT TO:<jo.doe@gmail.example>:
    $G1
    $G2
    $G3
    $G4
M
}

# Sendmail 8 savemail.c errbody(): "(reason: <first line>)", the whole reply in the transcript
gmail_sendmail_notice () {
    cat <<M

The original message was received at Tue, 12 Sep 2023 14:03:50 +0200
from localhost [127.0.0.1]

   ----- The following addresses had permanent fatal errors -----
<jo.doe@gmail.example>
    (reason: $G1)

   ----- Transcript of session follows -----
... while talking to gmail-smtp-in.l.google.com.:
>>> RCPT To:<jo.doe@gmail.example>
<<< $G1
<<< $G2
<<< $G3
<<< $G4
550 5.1.1 <jo.doe@gmail.example>... User unknown
M
}
gmail_sendmail () {
    mail_head "Mail Delivery Subsystem <MAILER-DAEMON@mail.sender.example>" "Returned mail: see transcript for details"
    gmail_sendmail_notice
}
# the same as a Sendmail DSN, whose Diagnostic-Code has only the first line
gmail_sendmail_dsn () {
    mail_head "Mail Delivery Subsystem <MAILER-DAEMON@mail.sender.example>" "Returned mail: see transcript for details"
    printf 'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B2"\n\n--B2\n'
    gmail_sendmail_notice
    cat <<M

--B2
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.sender.example

Final-Recipient: RFC822; jo.doe@gmail.example
Action: failed
Status: 5.1.1
Remote-MTA: DNS; gmail-smtp-in.l.google.com
Diagnostic-Code: SMTP; $G1

--B2--
M
}

# qmail-send bounce: "Remote host said:" then the reply's lines
gmail_qmail () {
    mail_head "MAILER-DAEMON@mail.sender.example" "failure notice"
    cat <<M

Hi. This is the qmail-send program at mail.sender.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<jo.doe@gmail.example>:
192.0.2.27 does not like recipient.
Remote host said: $G1
$G2
$G3
$G4
Giving up on 192.0.2.27.

--- Below this line is a copy of the message.
M
}

# a DSN whose Diagnostic-Code continues on folded lines, one reply line each
gmail_dsn () {
    dsn_mail jo.doe@gmail.example "$G1
 $G2
 $G3
 $G4"
}
