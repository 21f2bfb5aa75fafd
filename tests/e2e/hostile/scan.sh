# Hostile input, the literal prefilter's automaton (issue 11): texts dense
# with the rules' literals, many lines, and a site rule set too big for the
# automaton; sourced by tests/e2e/hostile.sh.

# A Postfix notice (its bounce(8) template) for someone@example.net whose
# error text is $1, in an mbox entry.
scan_notice () {
    printf 'From MAILER-DAEMON Thu Jan  1 00:00:00 2009\n'
    printf 'From: MAILER-DAEMON@mx.example (Mail Delivery System)\nTo: sender@example.org\n'
    printf 'Subject: Undelivered Mail Returned to Sender\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n\n'
    printf 'This is the mail system at host mx.example.\n\n'
    printf "I'm sorry to have to inform you that your message could not\n"
    printf 'be delivered to one or more recipients.\n\n'
    printf '                   The mail system\n\n'
    printf '<someone@example.net>: host mx.example.net[192.0.2.1] said: %s\n\n' "$1"
}

# enough messages that every family's automaton is built, then one whose
# error text is 1 MiB of words the rules look for
for i in 1 2 3 4 5 6 7 8 9 10; do scan_notice "550 5.1.1 user unknown"; done > "$tmp/scan.mbox"
scan_notice "550 $(yes 'mailbox full quota exceeded user unknown blocked using spamhaus relay denied' | head -c 1048576 | tr '\n' ' ')" >> "$tmp/scan.mbox"
if within 10 "$bin" analyze -j 1 "$tmp/scan.mbox"; then ok; else bad "scan-dense-1m: timed out"; fi
[ "$(printf '%s\n' "$out" | grep -c 'someone@example.net')" -ge 11 ] && ok || bad "scan-dense-1m: not every message read"
contains scan-dense-1m-unknown "$out" "userunknown"

# 1 MiB of line ends after the error line: a reading's facts are a byte a line
{ for i in 1 2 3 4 5 6 7 8 9 10; do scan_notice "550 5.1.1 user unknown"; done
  scan_notice "550 5.2.2 mailbox full$(head -c 1048576 /dev/zero | tr '\0' '\n')x"; } > "$tmp/scan-lines.mbox"
if within 10 "$bin" analyze -j 1 "$tmp/scan-lines.mbox"; then ok; else bad "scan-lines-1m: timed out"; fi
contains scan-lines-1m-full "$out" "mailboxfull"

# a site rule file whose literals are more than the automaton holds: the
# rules are still matched (their literals looked for one by one), and win
awk 'BEGIN { printf "[scan-many-literals]\ndescription = test: more literals than the automaton holds\nreason = mailboxfull\npriority = 99\n";
             for (i = 0; i < 3000; i++) printf "pattern = \\bcode%08d is a long literal\\b\n", i * 7919 }' > "$tmp/many.rules"
{ for i in 1 2 3 4 5 6 7 8 9 10; do scan_notice "550 5.1.1 user unknown"; done
  scan_notice "550 code$(printf '%08d' $((2999 * 7919))) is a long literal"; } > "$tmp/scan-many.mbox"
if within 30 "$bin" analyze -j 1 --site-rules "$tmp/many.rules" --format ndjson "$tmp/scan-many.mbox"; then ok; else bad "scan-many-literals: timed out"; fi
[ "$(printf '%s\n' "$out" | grep -c '"scan-many-literals"')" = 1 ] && ok || bad "scan-many-literals: the site rule did not decide the last message alone"
contains scan-many-literals-known "$out" "userunknown"
