# Hostile inputs for the recipient set (issue 8): the permanent and
# transient sections, display-name lists, sentences wrapped before an
# address and Sendmail status lines, built to be expensive or to lure the
# reader into taking an address it must not take.

rhdr='From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: anna@shop.example
Subject: Undelivered Mail Returned to Sender
Date: Tue, 14 Mar 2023 09:12:40 +0100
'

# 20,000 alternating permanent and transient headings, each with one address
{
    printf '%s\n' "$rhdr"
    for i in $(seq 1 10000); do
        printf 'The following addresses had permanent errors:\np%d@perm.example\n' "$i"
        printf 'The following addresses had temporary errors:\nt%d@temp.example\n' "$i"
    done
} > "$tmp/rcpt-sections.eml"
if within 30 "$bin" analyze --format ndjson "$tmp/rcpt-sections.eml"; then
    n=$(printf '%s\n' "$out" | grep -c '"recipient"')
    [ "$n" -le 10000 ] && ok || bad "rcpt-sections: $n recipients"
else bad "rcpt-sections: timed out"; fi

# 30,000 "Name <addr>" lines and "... mail from" lines before addresses
{
    printf '%s\nYour message could not be delivered to:\n\n' "$rhdr"
    for i in $(seq 1 15000); do printf 'Some Name %d <n%d@names.example>\n550 mail from\n<s%d@senders.example>\n' "$i" "$i" "$i"; done
} > "$tmp/rcpt-names.eml"
if within 30 "$bin" analyze --format ndjson "$tmp/rcpt-names.eml"; then
    lacks rcpt-names "$out" '"recipient":"s'
else bad "rcpt-names: timed out"; fi

# 50,000 Sendmail status lines
{
    printf '%s\n   ----- Transcript of session follows -----\n' "$rhdr"
    for i in $(seq 1 50000); do printf '<d%d@deferred.example>... Deferred: Connection timed out\n' "$i"; done
} > "$tmp/rcpt-status.eml"
within 30 "$bin" analyze --format ndjson "$tmp/rcpt-status.eml" && ok || bad "rcpt-status: timed out"

# a sender quoted in the error text, wrapped or not, is no recipient; the
# success lines of a transcript name no failure
printf '%s\nDelivery to the following recipients failed:\n\n  kim@partner.example\n    550 5.7.1 mail from\n<bulk@lists.example>\n    rejected\n\n<ok@partner.example>... Sent (ok 1234)\n550 5.7.1 Sender <other@lists.example> rejected\n' "$rhdr" > "$tmp/rcpt-lure.eml"
within 10 "$bin" analyze --format ndjson "$tmp/rcpt-lure.eml"
contains rcpt-lure "$out" '"recipient":"kim@partner.example"'
for a in bulk@lists.example ok@partner.example other@lists.example; do
    lacks rcpt-lure "$out" "\"recipient\":\"$a\""
done

# a bounce-looking mail from a person naming no address is no bounce
printf 'From: Anna <anna@shop.example>\nTo: bob@shop.example\nSubject: Undelivered Mail Returned to Sender\n\n550 5.1.1 it failed, see above\n' > "$tmp/rcpt-person.eml"
within 10 "$bin" analyze --format ndjson "$tmp/rcpt-person.eml"
lacks rcpt-person "$out" '"recipient"'

# 100,000 lines of a lone address and no wording: a bounded list, in bounded time
{
    printf '%s\nSomething went wrong.\n\n' "$rhdr"
    for i in $(seq 1 100000); do printf '  l%d@lone.example\n' "$i"; done
} > "$tmp/rcpt-lone.eml"
if within 30 "$bin" analyze --format ndjson "$tmp/rcpt-lone.eml"; then
    n=$(printf '%s\n' "$out" | grep -c '"recipient"')
    [ "$n" -le 25 ] && ok || bad "rcpt-lone: $n recipients"
else bad "rcpt-lone: timed out"; fi
