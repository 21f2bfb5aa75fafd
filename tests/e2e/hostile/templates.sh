# Hostile inputs for the format engine's template features (sourced by
# tests/e2e/hostile.sh): bare mailbox names and JSON inside JSON.

# A bare "name" that is a pipe, a path or too long is never a recipient,
# and a name missing from the original is never invented without a domain.
{
    printf 'From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example>\n'
    printf 'To: bob@shop.example\nSubject: Returned mail: see transcript for details\n\n'
    printf '   ----- The following addresses had permanent fatal errors -----\n'
    printf '<|/usr/bin/evil>\n</etc/passwd>\n<%s>\nnobody-here\n\n' "$(head -c 300 /dev/zero | tr '\0' a)"
    printf '   ----- Original message follows -----\n\nFrom: bob@shop.example\nTo: someone@college.example\nSubject: x\n\nbody\n'
} > "$tmp/bare-hostile.eml"
if within 10 "$bin" analyze --format ndjson "$tmp/bare-hostile.eml"; then
    # (an address-less bounce is still reported: its text may quote them, its recipient never)
    rcpts=$(printf '%s\n' "$out" | jq -r '.recipient // empty')
    lacks "bare names: pipe" "$rcpts" "evil"
    lacks "bare names: path" "$rcpts" "passwd"
    lacks "bare names: long" "$rcpts" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    lacks "bare names: invented" "$out" "nobody-here@"
else
    bad "bare names: analyze hung"
fi

# An SNS envelope whose "Message" holds a huge list of bounced recipients:
# bounded output and time.
{
    printf 'From: AWS Notifications <no-reply@sns.example>\nTo: postmaster@shop.example\nSubject: AWS Notification Message\n\n'
    printf '{"Type" : "Notification", "Message" : "{\\"notificationType\\":\\"Bounce\\",\\"bounce\\":{\\"bouncedRecipients\\":['
    for i in $(seq 1 3000); do printf '{\\"emailAddress\\":\\"u%d@example.com\\",\\"diagnosticCode\\":\\"smtp; 550 \\\\\\"x\\\\\\" \\\\\\\\ y\\"},' "$i"; done
    printf '{\\"emailAddress\\":\\"last@example.com\\"}]}}"}\n'
} > "$tmp/sns-flood.eml"
if within 20 "$bin" analyze --format ndjson "$tmp/sns-flood.eml"; then
    n=$(printf '%s\n' "$out" | grep -c '"recipient"')
    if [ "$n" = 3001 ]; then ok; else bad "sns flood: $n recipients, not 3001"; fi
    contains "sns flood: inner quotes decoded" "$out" '550 \"x\" \\ y'
else
    bad "sns flood: analyze hung"
fi

# Misconfiguration is loud: recipient-domain without bare-recipient.
printf '[f]\ndescription = x\ndetect = ^x\nrecipient = ^(?<recipient>\\S+)$\nrecipient-domain = (?<domain>x)\n' > "$tmp/bad.formats"
if within 10 "$bin" rules check "$tmp/bad.formats" && [ "$status" != 0 ]; then
    contains "recipient-domain without bare-recipient" "$out$err" "without bare-recipient"
else
    bad "recipient-domain without bare-recipient: accepted"
fi

# A pattern with \S, \D or \W must match multibyte text (PCRE2 10.42's JIT
# with MATCH_INVALID_UTF does not, so such patterns are interpreted).
mkdir -p "$tmp/utf-rules"
cp rules/*.conf rules/*.rules rules/*.formats "$tmp/utf-rules/"
printf '[t]\ndescription = t\ndetect = ^\\S+ \\W+ RCPT\nrecipient = ^\\S+ >>> RCPT TO:<(?<recipient>[^>]+)>\n' > "$tmp/utf-rules/10-t.formats"
printf 'From: a@b.example\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\xe9\x80\x81\xe4\xbf\xa1 >>> RCPT TO:<kim@partner.example>\n' > "$tmp/utf.eml"
if within 10 "$bin" analyze --rules="$tmp/utf-rules" "$tmp/utf.eml"; then
    contains "\\S on multibyte text" "$out" "kim@partner.example"
else
    bad "\\S on multibyte text: analyze hung"
fi

# Thousands of bare names against a returned message with a long To: each
# name is looked up in addresses read once, and the output stays bounded.
{
    printf 'From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example>\n'
    printf 'To: bob@shop.example\nSubject: Returned mail: see transcript for details\n\n'
    printf '   ----- The following addresses had permanent fatal errors -----\n'
    for i in $(seq 1 5000); do printf '<user%d>\n' "$i"; done
    printf '\n   ----- Original message follows -----\n\nFrom: bob@shop.example\nTo: '
    for i in $(seq 1 3000); do printf 'User%d@college.example, ' "$i"; done
    printf 'last@college.example\nSubject: x\n\nbody\n'
} > "$tmp/bare-flood.eml"
if within 20 "$bin" analyze --format ndjson "$tmp/bare-flood.eml"; then
    n=$(printf '%s\n' "$out" | grep -c '"recipient"')
    # only the first 1000 addresses of the original are known
    if [ "$n" = 1000 ]; then ok; else bad "bare flood: $n recipients, not 1000"; fi
else
    bad "bare flood: analyze hung"
fi
