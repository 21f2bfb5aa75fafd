# Hostile inputs for the bounce-or-not decision (analyzer/notice-notbounce.c)
# and the alias and delayed-section handling of the text formats: messages
# built to be expensive, or to lure a person's reply into a bounce.

# a person's reply quoting 40,000 failure lines: no recipient, in bounded time
{
    printf 'From: Paula <paula@shop.example>\nTo: it@shop.example\nSubject: Re: Re: Re: Undelivered Mail Returned to Sender\nDate: Tue, 14 Mar 2023 09:12:40 +0100\n\nWhat now?\n\n'
    for i in $(seq 1 40000); do printf '> <u%d@many.example>: host mx.many.example said: 550 5.1.1 User unknown\n' "$i"; done
} > "$tmp/nb-reply.eml"
if within 20 "$bin" analyze --format ndjson "$tmp/nb-reply.eml"; then
    lacks nb-reply "$out" '"outcome":"failed"'
else bad "nb-reply: timed out"; fi

# a challenge Subject with 2 MB of challenge wording: an autoreply at most, in bounded time
{
    printf 'From: guard@verify.example\nTo: anna@shop.example\nSubject: Please confirm your message\nAuto-Submitted: auto-replied\nDate: Tue, 14 Mar 2023 09:12:40 +0100\n\n'
    for i in $(seq 1 20000); do printf 'Your message attached below is being held because the address <a%d@b.example> has not been verified. 550\n' "$i"; done
} > "$tmp/nb-challenge.eml"
if within 20 "$bin" analyze --format ndjson "$tmp/nb-challenge.eml"; then
    lacks nb-challenge "$out" '"outcome":"failed"'
else bad "nb-challenge: timed out"; fi

# a Sendmail notice with one address and 20,000 "(expanded from:)" lines and
# alternating fatal/transient headings: bounded, and the aliases are no failures
{
    printf 'From: Mail Delivery Subsystem <MAILER-DAEMON@mail.shop.example>\nTo: anna@shop.example\nSubject: Returned mail: see transcript for details\nDate: Tue, 14 Mar 2023 09:12:40 +0100\n\n'
    printf '   ----- The following addresses had permanent fatal errors -----\n<kim@partner.example>\n    (reason: 550 5.1.1 User unknown)\n'
    for i in $(seq 1 20000); do printf '    (expanded from: <alias%d@shop.example>)\n' "$i"; done
    for i in $(seq 1 2000); do printf '   ----- The following addresses had transient non-fatal errors -----\n   ----- The following addresses had permanent fatal errors -----\n'; done
    printf '   ----- Transcript of session follows -----\n550 5.1.1 <kim@partner.example>... User unknown\n'
} > "$tmp/nb-aliases.eml"
if within 20 "$bin" analyze --format ndjson "$tmp/nb-aliases.eml"; then
    contains nb-aliases "$out" '"recipient":"kim@partner.example"'
    lacks nb-aliases "$out" '"recipient":"alias1@shop.example"'
    [ "$(printf '%s\n' "$out" | grep -c '"recipient"')" = 1 ] && ok || bad "nb-aliases: not one recipient"
else bad "nb-aliases: timed out"; fi
