# Hostile inputs for the read stage (sourced by tests/e2e/hostile.sh):
# symbolic-link loops, FIFOs and devices, an endless standard input, access
# times, unfinished mboxes, huge headers and lines, huge recipient lists.
r=$tmp/reader
mkdir -p "$r"

message () {                    # message SUBJECT: a small message that is not a bounce
    printf 'From: a@example.org\nSubject: %s\n\nbody\n' "$1"
}

dsn_one () {
    printf 'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\nTo: sender@example.org\n'
    printf 'Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n'
    printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
    printf -- '--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n'
    printf 'Final-Recipient: rfc822; flushed@example.net\nAction: failed\nStatus: 5.1.1\n\n--b--\n'
}

# -- 1. symbolic-link loops: each directory once, each message once, quickly
mkdir -p "$r/tree/sub"
message one >"$r/tree/one.eml"
message two >"$r/tree/sub/two.eml"
ln -s . "$r/tree/dot"
ln -s .. "$r/tree/sub/up"
ln -s . "$r/tree/loop"
if within 5 "$bin" analyze -v "$r/tree"; then ok; else bad "loop: looped tree did not end in 5 s"; fi
contains "loop: count" "$err" "2 messages read"
[ "$status" = 0 ] && ok || bad "loop: exit $status"

# -- 2. a FIFO or device as PATH, in a tree, in a Maildir: skipped with a warning, no block
# (a blocked open never returns: the limit only catches that; sanitizer builds start slowly)
mkfifo "$r/fifo"
if within 10 "$bin" analyze "$r/fifo"; then ok; else bad "fifo: PATH blocked"; fi
contains "fifo: PATH warning" "$err" "a FIFO, not a regular file or directory: skipped"
[ "$status" = 0 ] && ok || bad "fifo: PATH exit $status"
mkdir -p "$r/md/cur" "$r/md/new" "$r/md/tmp"
message inbox >"$r/md/cur/1.host:2,S"
mkfifo "$r/md/new/2.host"
if within 10 "$bin" analyze -v "$r/md"; then ok; else bad "fifo: Maildir blocked"; fi
contains "fifo: Maildir warning" "$err" "md/new/2.host: warning: a FIFO"
contains "fifo: Maildir count" "$err" "1 message read"
mkfifo "$r/tree/sub/pipe"
if within 10 "$bin" analyze -v "$r/tree"; then ok; else bad "fifo: tree blocked"; fi
contains "fifo: tree warning" "$err" "sub/pipe: warning: a FIFO"
contains "fifo: tree count" "$err" "2 messages read"
rm -f "$r/tree/sub/pipe"
if python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$r/tree/sock" 2>/dev/null; then
    within 10 "$bin" analyze -v "$r/tree"
    contains "socket: warning" "$err" "tree/sock: warning: a socket, not a regular file or directory: skipped"
    contains "socket: count" "$err" "2 messages read"
    rm -f "$r/tree/sock"
fi
if within 10 "$bin" analyze /dev/null; then ok; else bad "device: blocked"; fi
contains "device: warning" "$err" "a character device, not a regular file or directory: skipped"
if within 10 "$bin" ingest --db "$r/fifo.db" "$r/md"; then ok; else bad "fifo: ingest blocked"; fi
contains "fifo: ingest warning" "$err" "md/new/2.host: warning: a FIFO"
[ "$status" = 0 ] && ok || bad "fifo: ingest exit $status"

# -- 3. standard input is capped: an endless one ends with an error naming "-" and the byte
if within 30 "$bin" analyze - </dev/zero; then ok; else bad "stdin: /dev/zero did not end"; fi
contains "stdin: cap error" "$err" "-: standard input is longer than 268435456 bytes (256 MiB): not read from byte 0 on"
[ "$status" = 1 ] && ok || bad "stdin: exit $status"
# an mbox past the cap: its whole messages are read, the one the cap cuts is not
{ printf 'From a@example.org Tue Mar 25 16:02:11 2008\n'; message first; printf '\n'; } >"$r/stdin-head"
second=$(stat -c %s "$r/stdin-head")
if within 30 sh -c '{ cat "$1"; printf "From b@example.org Tue Mar 25 16:03:11 2008\nSubject: big\n\n"
                    head -c 300000000 /dev/zero | tr "\0" z; } | "$2" analyze -v -' sh "$r/stdin-head" "$bin"
then ok; else bad "stdin: big mbox did not end"; fi
contains "stdin: whole messages read" "$err" "1 message read"
contains "stdin: cut at the cut message" "$err" "not read from byte $second on"

# -- 4. an mbox's access time is left as it was (where reading would change it)
{ printf 'From a@example.org Tue Mar 25 16:02:11 2008\n'; message atime; } >"$r/atime.mbox"
touch -a -d '2001-01-01 00:00:00' "$r/atime.mbox"
cat "$r/atime.mbox" >/dev/null
if [ "$(stat -c %X "$r/atime.mbox")" != "$(date -d '2001-01-01 00:00:00' +%s)" ]; then
    touch -a -d '2001-01-01 00:00:00' "$r/atime.mbox"
    atime0=$(stat -c %X "$r/atime.mbox")
    within 5 "$bin" analyze "$r/atime.mbox"
    [ "$(stat -c %X "$r/atime.mbox")" = "$atime0" ] && ok || bad "atime: analyze changed the access time"
    within 5 "$bin" ingest --db "$r/atime.db" "$r/atime.mbox"
    [ "$(stat -c %X "$r/atime.mbox")" = "$atime0" ] && ok || bad "atime: ingest changed the access time"
fi

# -- 6. an mbox ending in a bare From_ line or an unfinished message is not an error
{ printf 'From a@example.org Tue Mar 25 16:02:11 2008\n'; message first; printf '\n'; } >"$r/tail.mbox"
second=$(stat -c %s "$r/tail.mbox")
printf 'From b@example.org Tue Mar 25 16:03:11 2008\n' >>"$r/tail.mbox"
within 5 "$bin" analyze "$r/tail.mbox"
[ "$status" = 0 ] && ok || bad "tail: trailing From_ line: exit $status"
lacks "tail: quiet without -v" "$err" "not yet complete"
within 5 "$bin" analyze -v "$r/tail.mbox"
contains "tail: note with -v names the last message" "$err" "offset $second: the last mbox message is not yet complete"
within 5 "$bin" ingest --db "$r/tail.db" "$r/tail.mbox"
[ "$status" = 0 ] && ok || bad "tail: ingest exit $status"
printf 'Subject: half' >>"$r/tail.mbox"
within 5 "$bin" analyze -v "$r/tail.mbox"
[ "$status" = 0 ] && ok || bad "tail: message being written: exit $status"
{ printf 'From a@example.org Tue Mar 25 16:02:11 2008\n'; message first; printf '\n'; } >"$r/mid.mbox"
second=$(stat -c %s "$r/mid.mbox")
{ printf 'From b@example.org Tue Mar 25 16:03:11 2008\nnot a header line\n\nbody\n\n'
  printf 'From c@example.org Tue Mar 25 16:04:11 2008\n'; message third; } >>"$r/mid.mbox"
within 5 "$bin" analyze -v "$r/mid.mbox"
contains "bad message: its own offset" "$err" "offset $second: not a valid mbox message"
contains "bad message: the rest is read" "$err" "2 messages read"
[ "$status" = 1 ] && ok || bad "bad message: exit $status"

# -- 5. output is flushed per message: a run stopped while reading keeps what it printed
dsn_one >"$r/flush.eml"
out=$( (sleep 5) | timeout -s INT 1 "$bin" analyze "$r/flush.eml" - 2>/dev/null)
contains "flush: printed before the stall" "$out" "flushed@example.net"

# -- 7. a 100 MB header (one line, folded, in a MIME part) or body line: cut, flagged, bounded memory
peak () {                       # peak CMD...: $kib, the command's peak resident size in KiB; $err, its stderr
    /usr/bin/time -f 'peak-rss-kib %M' -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err"
    err=$(cat "$tmp/err")
    kib=$(sed -n 's/^peak-rss-kib //p' "$tmp/rss")
}
hundred_mb () { head -c 100000000 /dev/zero | tr '\0' "$1"; }
bounce_head='From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
To: sender@example.org'
{ echo "$bounce_head"; printf 'Subject: '; hundred_mb x; printf '\n\nbody\n'; } >"$r/subject.eml"
{ echo "$bounce_head"; echo 'Subject: Mail delivery failed'; printf 'X-Failed-Recipients: a@example.org'
  head -c 50000000 /dev/zero | tr '\0' '\n' | sed 's/^/ b@example.org,/' | head -c 100000000; printf '\n\nbody\n'; } >"$r/failed.eml"
{ echo "$bounce_head"; echo 'Subject: Undelivered Mail Returned to Sender'
  printf 'Content-Type: multipart/mixed; boundary="b"\n\n'; hundred_mb p; printf '\n--b\nContent-Type: text/plain\nX-Junk: '
  hundred_mb j; printf '\n\nbody\n--b--\n'; } >"$r/part.eml"
if [ -x /usr/bin/time ]; then
    for f in subject failed part; do
        peak timeout 60 "$bin" analyze "$r/$f.eml"
        [ -n "$kib" ] && [ "$kib" -lt 131072 ] && ok || bad "header: $f.eml: peak RSS ${kib:-?} KiB"
        contains "header: $f.eml flagged" "$err" "warning: header field"
        contains "header: $f.eml flagged" "$err" "cut to 65536 bytes"
    done
fi
# a 100 MB body line, and a 100 MB prologue and epilogue of short lines (GMime keeps those in memory)
{ dsn_one | sed -n '1,4p'; printf 'Content-Type: text/plain\n\nThis is the mail system.\n\n<user@example.net>: host mx.example.net said: 550 5.1.1 unknown user '
  hundred_mb y; printf '\n'; } >"$r/bodyline.eml"
{ dsn_one | sed -n '1,5p'; printf '\n'; yes 'prologue line' | head -c 100000000
  printf '\n'; dsn_one | sed -n '6,$p'; yes 'epilogue line' | head -c 100000000; } >"$r/face.eml"
if [ -x /usr/bin/time ]; then
    peak timeout 60 "$bin" analyze "$r/bodyline.eml"
    [ -n "$kib" ] && [ "$kib" -lt 131072 ] && ok || bad "body line: peak RSS ${kib:-?} KiB"
    lacks "body line: not a header" "$err" "warning"
    peak timeout 60 "$bin" analyze -f ndjson "$r/face.eml"
    [ -n "$kib" ] && [ "$kib" -lt 131072 ] && ok || bad "prologue: peak RSS ${kib:-?} KiB"
    within 60 "$bin" analyze -f ndjson "$r/face.eml"
    contains "prologue: the DSN after it" "$out" '"recipient":"flushed@example.net"'
fi
# 200,000 tiny MIME parts (GMime builds an object for each)
{ dsn_one | sed -n '1,4p'; printf 'Content-Type: multipart/mixed; boundary="b"\n\n'
  yes -- $'--b\n\nx' | head -n 600000; printf -- '--b--\n'; } >"$r/parts.eml"
if [ -x /usr/bin/time ]; then
    peak timeout 60 "$bin" analyze "$r/parts.eml"
    [ -n "$kib" ] && [ "$kib" -lt 131072 ] && ok || bad "parts: peak RSS ${kib:-?} KiB"
    contains "parts: flagged" "$err" "warning: more than 1000 boundary lines: the rest read as content"
fi
if within 5 "$bin" analyze "$r/parts.eml"; then ok; else bad "parts: did not end in 5 s"; fi
rm -f "$r/subject.eml" "$r/failed.eml" "$r/part.eml" "$r/bodyline.eml" "$r/face.eml" "$r/parts.eml"

# -- 8. a DSN with 100,000 recipient blocks: no partial recipient, a warning with the counts
dsn_head () {
    printf 'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\nTo: sender@example.org\n'
    printf 'Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n'
    printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
    printf -- '--b\nContent-Type: text/plain\n\nThe message could not be delivered.\n\n'
    printf -- '--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n'
}
{ dsn_head
  seq 1 100000 | sed 's/.*/Final-Recipient: rfc822; user&@example.net\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n/'
  printf -- '--b--\n'; } >"$r/dsn100k.eml"
if within 20 "$bin" analyze -f ndjson "$r/dsn100k.eml"; then ok; else bad "dsn100k: did not end in 20 s"; fi
[ "$status" = 0 ] && ok || bad "dsn100k: exit $status"
contains "dsn100k: warning" "$err" "warning: recipients: 10000 kept, 90000 dropped past the cap of 10000"
n=$(printf '%s\n' "$out" | grep -c '"recipient":"user[0-9]*@example.net"')
[ "$n" = 10000 ] && ok || bad "dsn100k: $n well-formed recipients, not 10000"
n=$(printf '%s\n' "$out" | grep -vc '"recipient":"user[0-9]*@example.net"')
[ "$n" = 0 ] && ok || bad "dsn100k: $n other recipients"
if within 60 "$bin" ingest --db "$r/dsn100k.db" "$r/dsn100k.eml"; then ok; else bad "dsn100k: ingest did not end"; fi
contains "dsn100k: ingest warning" "$err" "warning: recipients: 10000 kept, 90000 dropped past the cap of 10000"
n=$(python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1])
print(c.execute("select count(*) from recipients where address not like \x27user%@example.net\x27").fetchone()[0],
      c.execute("select count(*) from recipients").fetchone()[0])' "$r/dsn100k.db")
[ "$n" = "0 10000" ] && ok || bad "dsn100k: ingest stored (other, all) = $n"
rm -f "$r/dsn100k.eml" "$r/dsn100k.db"
{ printf 'From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: sender@example.org\n'
  printf 'Subject: Mail delivery failed: returning message to sender\n\n'
  printf 'This message was created automatically by mail delivery software.\n\n'
  printf 'A message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n'
  seq 1 12000 | sed 's/.*/  user&@example.net\n    unknown user/'; } >"$r/notice12k.eml"
if within 20 "$bin" analyze -f ndjson "$r/notice12k.eml"; then ok; else bad "notice12k: did not end in 20 s"; fi
contains "notice12k: warning" "$err" "warning: recipients: 10000 kept, 2000 dropped past the cap of 10000"

# a DSN pasted into a text notice past the 1 MiB part cap, cut inside "Final-Recipient: rfc82"
python3 - "$r/pasted.eml" <<'PY'
import sys
head = ("From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\nTo: sender@example.org\n"
        "Subject: Undelivered Mail Returned to Sender\nContent-Type: text/plain\n\n")
body = "The message could not be delivered.\n\nReporting-MTA: dns; mx.example.org\n\n"
block = ("Final-Recipient: rfc822; user%06d@example.net\nAction: failed\nStatus: 5.1.1\n"
         "Diagnostic-Code: smtp; 550 5.1.1 user unknown " + "x" * 150 + "\n\n")
cap, tail = 1024 * 1024, "Final-Recipient: rfc82"
i = 0
while len(body) < cap - 2000:
    body += block % i
    i += 1
body += "Note: " + "p" * (cap - len(body) - len(tail) - 8) + "\n\n"
assert len(body) + len(tail) == cap
body += "Final-Recipient: rfc822; last@example.net\nAction: failed\nStatus: 5.1.1\n"
open(sys.argv[1], "w").write(head + body)
PY
within 10 "$bin" analyze -f ndjson "$r/pasted.eml"
lacks "pasted DSN: no partial recipient" "$out" '"recipient":"rfc82'
contains "pasted DSN: the cut block counted" "$err" "recipients: 1 recipient block dropped, cut by the 1 MiB size cap"
rm -f "$r/pasted.eml"

# -- 9. an address that is not plausible is never a recipient
esc=$(printf '\033')
{ dsn_head
  printf 'Final-Recipient: rfc822; evil%s]52;c;QUFB\a@example.net\nAction: failed\nStatus: 5.1.1\n\n' "$esc"
  printf 'Final-Recipient: rfc822; two words@example.net\nAction: failed\nStatus: 5.1.1\n\n'
  printf 'Final-Recipient: rfc822; bad\344@example.net\nAction: failed\nStatus: 5.1.1\n\n'
  printf 'Final-Recipient: rfc822; good@example.net\nAction: failed\nStatus: 5.1.1\n\n'
  printf -- '--b--\n'; } >"$r/implausible.eml"
within 5 "$bin" analyze -f ndjson "$r/implausible.eml"
n=$(printf '%s\n' "$out" | grep -c '"recipient"')
[ "$n" = 1 ] && ok || bad "implausible: $n recipients, not 1"
contains "implausible: the good one" "$out" '"recipient":"good@example.net"'
lacks "implausible: no ESC" "$out" "$esc"
{ printf 'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\nTo: sender@example.org\n'
  printf 'Subject: Mail delivery failed: returning message to sender\n'
  printf 'X-Failed-Recipients: evil%s[2J@example.net, fine@example.net\n\n' "$esc"
  printf 'This message was created automatically by mail delivery software.\n\n'
  printf 'A message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n'
  printf '  evil%s[2J@example.net\n    unknown user\n  fine@example.net\n    unknown user\n' "$esc"; } >"$r/implausible-text.eml"
within 5 "$bin" analyze -f ndjson "$r/implausible-text.eml"
lacks "implausible text: no ESC" "$out" "$esc"
lacks "implausible text: no ESC as JSON" "$out" 'u001b'
contains "implausible text: the good one" "$out" '"recipient":"fine@example.net"'

# ---- file descriptors: each file's is released once it is read --------------
# (a reference GMime's substream chain kept held one descriptor per file: a
# Maildir of more messages than the open-file limit failed past it)
mkdir -p "$r/fds/cur" "$r/fds/new" "$r/fds/tmp"
for i in $(seq 1 80); do cp samples/postfix-userunknown.eml "$r/fds/cur/$i.host:2,S"; done
out=$( (ulimit -n 32 && "$bin" analyze -f ndjson "$r/fds") 2>"$tmp/err"); status=$?
n=$(printf '%s\n' "$out" | grep -c '"recipient"')
[ "$status" = 0 ] && [ "$n" = 80 ] && ok || bad "fds: 80 files under ulimit -n 32: exit $status, $n diagnoses; $(head -c 200 "$tmp/err")"
