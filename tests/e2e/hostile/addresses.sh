# Hostile addresses and multi-line replies (issue 10's address unwrapping and
# reply joining): deep wrappings, huge wrapped fields, a transcript of
# thousands of continued reply lines; none hangs or crashes, output bounded.
. tests/e2e/issue10/mail.sh
deep=$(head -c 200000 /dev/zero | tr '\0' '<')
dsn_mail "${deep}jo@receiver.example$(printf '%s' "$deep" | tr '<' '>')" > "$tmp/deep-wrap.eml"
xfailed_mail "$(for i in $(seq 1 3000); do printf '(<<mailto:u%d@receiver.example>>), ' "$i"; done)" > "$tmp/wide-xfailed.eml"
{ mail_head "Mail Delivery Subsystem <MAILER-DAEMON@mail.sender.example>" "Returned mail: see transcript for details"
  printf '\n   ----- The following addresses had permanent fatal errors -----\n'
  for i in $(seq 1 400); do printf '<u%d@receiver.example>\n    (reason: 550-5.1.1 first line %d)\n' "$i" "$i"; done
  printf '\n   ----- Transcript of session follows -----\n'
  for i in $(seq 1 400); do
      printf '>>> RCPT To:<u%d@receiver.example>\n' "$i"
      for k in $(seq 1 20); do printf '<<< 550-5.1.1 first line %d\n' "$i"; done
      printf '<<< 550 5.1.1 last line\n'
  done; } > "$tmp/many-replies.eml"
for f in deep-wrap wide-xfailed many-replies; do
    if within 60 "$bin" analyze --format ndjson "$tmp/$f.eml"; then
        [ "$status" -le 1 ] && ok || bad "address $f: exit $status"
        [ "${#out}" -lt 50000000 ] && ok || bad "address $f: ${#out} bytes of output"
    else
        bad "address $f: hung"
    fi
done
