# Hostile input, area "incidents, HTML report, serve" (issue 13): terminal
# controls, bidi characters and markup in bounces never reach the incident
# text, the HTML report or the request log raw; dates far in the past or
# future keep the report's calendar bounded.
inc_dir=$tmp/incidents
mkdir -p "$inc_dir"
python3 - "$inc_dir" <<'PY'
import sys
d = sys.argv[1]
osc = "\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J"
def bounce(name, date, rcpt, diagnostic, subject):
    open(f"{d}/{name}.eml", "w", encoding="utf-8").write(f"""From: MAILER-DAEMON@mx.example.net
To: sender@example.org
Subject: Undelivered Mail Returned to Sender
Date: {date}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain; charset=utf-8

I could not deliver your message.

--B
Content-Type: message/delivery-status; charset=utf-8

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {rcpt}
Action: failed
Status: 5.7.1
Remote-MTA: dns; mx.victim.example
Diagnostic-Code: smtp; {diagnostic}

--B
Content-Type: text/rfc822-headers; charset=utf-8

From: Sender <sender@example.org>
Subject: {subject}

--B--
""")
for i in range(6):
    bounce(f"ctl{i}", f"Tue, 01 Dec 2026 0{i}:00:00 +0000", f"u{i}@victim.example",
           f"554 5.7.1 blocked using relays.ordb.org {osc} \u202edenial\u202c </textarea><svg onload=alert(1)>",
           f"Re: {osc}\u202e <style>*{{display:none}}</style>")
bounce("future", "Fri, 31 Dec 9999 23:00:00 +0000", "x@future.example", "550 5.1.1 user unknown", "future")
bounce("past", "Thu, 01 Jan 1970 00:00:01 +0000", "x@past.example", "550 5.1.1 user unknown", "past")
PY
"$bin" ingest -q --db "$inc_dir/h.db" "$inc_dir" >/dev/null 2>&1
if within 30 "$bin" incidents --db "$inc_dir/h.db" --since 2026-11-01; then ok; else bad "incidents: hangs"; fi
contains "incidents: the ORDB run" "$out" "victim.example refuses our mail citing relays.ordb.org"
lacks "incidents: ESC" "$out" $'\x1b'
lacks "incidents: bidi" "$out" $'\u202e'
if within 30 "$bin" incidents --db "$inc_dir/h.db" --format csv; then ok; else bad "incidents csv: hangs"; fi
lacks "incidents csv: ESC" "$out" $'\x1b'
if within 60 "$bin" report --db "$inc_dir/h.db" --format html; then ok; else bad "report html: hangs"; fi
[ "$status" = 0 ] && ok || bad "report --format html of dates 1970..9999 exits $status"
lacks "html: ESC" "$out" $'\x1b'
lacks "html: bell" "$out" $'\x07'
lacks "html: bidi" "$out" $'\u202e'
lacks "html: markup" "$out" '<svg onload'
lacks "html: style" "$out" '<style>*'
contains "html: markup as text" "$out" '&lt;/textarea&gt;&lt;svg onload=alert(1)&gt;'
columns=$(printf '%s' "$out" | grep -o '<rect [^>]*><title>' | wc -l)
[ "$columns" -le 400 ] && ok || bad "html: $columns calendar bars for 1970..9999"
[ "${#out}" -lt 2000000 ] && ok || bad "html: ${#out} bytes for 8 bounces"
