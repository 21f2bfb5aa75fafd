# The returned message (message/rfc822 and its kin), which the reader leaves
# unparsed and message-original.c reads by GMime's own rules (sourced by
# tests/e2e/hostile.sh): its fields as GMime's message part held them, a
# forwarded bounce still analysed whole, and hostile header blocks bounded.
rt=$tmp/returned
mkdir -p "$rt"

# returned_dsn TYPE [EXTRA-HEADER]: a DSN whose third part, of TYPE, is standard input
returned_dsn () {
    printf 'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\nTo: sender@example.org\n'
    printf 'Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n'
    printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
    printf -- '--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n'
    printf 'Final-Recipient: rfc822; gone@example.net\nAction: failed\nStatus: 5.1.1\n\n'
    printf -- '--b\nContent-Type: %s\n%s\n' "$1" "${2:+$2
}"
    cat
    printf -- '\n--b--\n'
}

# -- 1. GMime's message semantics: a line before the first field is skipped,
#       every To field counts, the last Message-ID and Date, the first Subject
#       (the last Date is no date: the first one's value is read leniently)
printf 'not a header line\nMessage-ID: <first@example.org>\nMessage-ID: <last@example.org>\nTo: one@example.net\nTo: two@example.net\nSubject: first\nSubject: second\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nDate: not a date\nFrom: Sender <sender@example.org>\n\nbody\n' \
    | returned_dsn message/rfc822 >"$rt/fields.eml"
within 10 "$bin" analyze --format ndjson "$rt/fields.eml"
contains "returned: message-id" "$out" '"message_id":"last@example.org"'
contains "returned: every To" "$out" '"to":"one@example.net, two@example.net"'
contains "returned: first Subject" "$out" '"subject":"first"'
contains "returned: From after a preheader line" "$out" '"from":"Sender <sender@example.org>"'
contains "returned: Date" "$out" '"subject":"first","date":"2024-01-02T10:00:00Z"'

# -- 2. CRLF, folded and encoded fields; message/global as message/rfc822
printf 'From: =?UTF-8?B?w4lsaXNl?=\r\n <elise@example.org>\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\n  au lait\r\n\r\nbody\r\n' \
    | returned_dsn message/global >"$rt/global.eml"
within 10 "$bin" analyze --format ndjson "$rt/global.eml"
contains "returned: encoded From" "$out" '"from":"Élise <elise@example.org>"'
contains "returned: folded Subject" "$out" '"subject":"café au lait"'

# -- 3. a base64 message/rfc822 stays a plain part (as GMime leaves it): its decoded text holds the headers
printf 'From: b64@example.org\nSubject: encoded\n\nbody\n' | base64 | returned_dsn message/rfc822 'Content-Transfer-Encoding: base64' >"$rt/b64.eml"
within 10 "$bin" analyze --format ndjson "$rt/b64.eml"
contains "returned: base64 part" "$out" '"from":"b64@example.org"'

# -- 4. a bounce forwarded to us as message/rfc822 is still analysed whole
{
    printf 'From: postmaster@example.com\nTo: admin@example.com\nSubject: Fwd: a bounce\nMIME-Version: 1.0\n'
    printf 'Content-Type: multipart/mixed; boundary="o"\n\n--o\nContent-Type: text/plain\n\nsee the attached bounce\n\n'
    printf -- '--o\nContent-Type: message/rfc822\n\n'
    printf 'From: inner@example.org\nSubject: inner\n\nbody\n' | returned_dsn message/rfc822
    printf -- '\n--o--\n'
} >"$rt/forwarded.eml"
within 10 "$bin" analyze --format ndjson "$rt/forwarded.eml"
contains "returned: forwarded bounce" "$out" '"format":"forwarded+dsn+postfix"'
contains "returned: forwarded recipient" "$out" '"recipient":"gone@example.net"'
contains "returned: forwarded original" "$out" '"from":"inner@example.org"'

# -- 5. hostile header blocks: 3 MiB of fields, 200,000 one-byte lines, NULs and bare CRs
python3 -c '
import sys
sys.stdout.write("".join("X-Field-%d: %s\n" % (i, "v" * 60) for i in range(50000)) + "From: late@example.org\n\nbody\n")' \
    | returned_dsn message/rfc822 >"$rt/huge.eml"
if within 20 "$bin" analyze --format ndjson "$rt/huge.eml"; then ok; else bad "returned: 3 MiB header block did not end in 20 s"; fi
contains "returned: huge block still a DSN" "$out" '"recipient":"gone@example.net"'
python3 -c 'import sys; sys.stdout.write("From: a@example.org\n" + " x\n" * 200000 + "\nbody\n")' \
    | returned_dsn message/rfc822 >"$rt/lines.eml"
if within 20 "$bin" analyze --format ndjson "$rt/lines.eml"; then ok; else bad "returned: 200,000 folded lines did not end in 20 s"; fi
contains "returned: folded lines still a DSN" "$out" '"recipient":"gone@example.net"'
printf 'From: nul\000@example.org\rSubject: cr\r\000\n\000: x\n:\n\n' | returned_dsn message/rfc822 >"$rt/nul.eml"
if within 10 "$bin" analyze --format ndjson "$rt/nul.eml"; then ok; else bad "returned: NUL bytes hung"; fi
[ "$status" = 0 ] && ok || bad "returned: NUL bytes exit $status"
printf '' | returned_dsn message/rfc822 >"$rt/empty.eml"
if within 10 "$bin" analyze --format ndjson "$rt/empty.eml"; then ok; else bad "returned: an empty part hung"; fi
contains "returned: an empty part, no original" "$out" '"original":{"message_id":null,"from":null,"to":null'
