#!/usr/bin/env bash
# End-to-end: serve.  The server runs on a free loopback port over a store
# holding the generated ORDB outage and a bounce carrying markup; curl checks
# the pages, the JSON, the headers and the limits; headless Chromium renders
# the pages (markup shown as text, nothing asked of the network).
set -u
bin=$1 root=$2
cd "$root" || exit 1
. tests/e2e/lib/chromium.sh
. tests/e2e/lib/checks.sh
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
has ()   { grep -q -- "$2" "$1" && ok || bad "$(basename "$1") lacks $2"; }
hasnt () { grep -q -i -- "$2" "$1" && bad "$(basename "$1") has $2" || ok; }

python3 scripts/make-incident-mbox "$tmp/outage.mbox" || exit 1
cat > "$tmp/hostile.eml" <<'MAIL'
Date: Mon, 30 Nov 2026 10:00:00 +0000
From: MAILER-DAEMON@mail.shop.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0"

--B0
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.shop.example.

--B0
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.shop.example

Final-Recipient: rfc822; victim@evil.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <script>alert(1)</script> "><img src=x onerror=alert(2)> user unknown

--B0
Content-Type: text/rfc822-headers

From: Anna <anna@shop.example>
Subject: <script>alert(3)</script> "><img src=x onerror=alert(4)>

--B0--
MAIL
"$bin" ingest -q --db "$tmp/s.db" "$tmp/outage.mbox" "$tmp/hostile.eml" || exit 1
cp "$tmp/s.db" "$tmp/before.db"

# refused: a non-loopback address without --allow-remote, a bad --listen
for args in "--listen 0.0.0.0:0" "--listen [::]:0" "--listen 192.0.2.1:80" "--listen nowhere:1" "--rate 0"; do
    timeout 10 "$bin" serve --db "$tmp/s.db" $args >/dev/null 2>"$tmp/err"; status=$?
    [ "$status" = 2 ] && ok || bad "serve $args exits $status, not 2"
done
grep -q 'not a loopback address' "$tmp/err" || grep -q 'rate' "$tmp/err" && ok || bad "no reason given: $(cat "$tmp/err")"
timeout 10 "$bin" serve --db "$tmp/missing.db" --listen 127.0.0.1:0 >/dev/null 2>&1; status=$?
[ "$status" = 1 ] && ok || bad "serve on a missing database exits $status"

start () {     # start ARGS...: the server on a free port; $url, $pid
    "$bin" serve --db "$tmp/s.db" --listen 127.0.0.1:0 "$@" > "$tmp/serve.out" 2> "$tmp/serve.log" &
    pid=$!
    for _ in $(seq 100); do
        url=$(sed -n 's/^serve: listening on \(http:[^ ]*\) .*/\1/p' "$tmp/serve.out")
        [ -n "$url" ] && return 0
        sleep 0.1
    done
    bad "serve did not start: $(cat "$tmp/serve.log")"
    return 1
}
stop () {     # SIGTERM ends it cleanly: exit 0 (and, under ASan, no leak)
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    local status=$?
    pid=
    [ "$status" = 0 ] && ok || bad "serve exits $status on SIGTERM: $(grep -v ' GET \| POST \| HEAD \| DELETE ' "$tmp/serve.log" | tail -5)"
}

# --allow-remote makes any address acceptable
"$bin" serve --db "$tmp/s.db" --listen 0.0.0.0:0 --allow-remote > "$tmp/remote.out" 2>&1 &
rpid=$!
for _ in $(seq 50); do grep -q 'listening on' "$tmp/remote.out" && break; sleep 0.1; done
grep -q 'listening on' "$tmp/remote.out" && ok || bad "--allow-remote: $(cat "$tmp/remote.out")"
kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null

start --rate 1000 || exit 1
get () {       # get NAME PATH [curl args]: body in $tmp/NAME, headers in $tmp/NAME.h, code in $code
    local name=$1 path=$2
    shift 2
    code=$(curl -s -g -o "$tmp/$name" -D "$tmp/$name.h" -w '%{http_code}' "$@" "$url${path#/}")
}
get why.html "/why?q=retail.example"
[ "$code" = 200 ] && ok || bad "/why?q=retail.example: $code"
has "$tmp/why.html" '50 of 53 messages to retail.example since'
has "$tmp/why.html" 'relays.ordb.org, a blacklist that shut down on 2006-12-18'
has "$tmp/why.html" 'Nothing is wrong with our server.'
has "$tmp/why.html" 'Ongoing:</span> retail.example refuses our mail citing relays.ordb.org'
has "$tmp/why.html" '<form action="/why" method="get" role="search">'
grep -qi "^content-security-policy: default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]*'; img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'" "$tmp/why.html.h" && ok ||
    bad "no strict CSP header: $(cat "$tmp/why.html.h")"
has "$tmp/why.html.h" 'X-Content-Type-Options: nosniff'

get why.json "/api/why?q=retail.example"
[ "$code" = 200 ] && ok || bad "/api/why: $code"
has "$tmp/why.json.h" 'Content-Type: application/json'
python3 - "$tmp/why.json" <<'PY' && ok || bad "/api/why JSON"
import json, sys
d = json.load(open(sys.argv[1]))
got = (d["kind"], d["total"], d["failed"], d["delayed"], len(d["diagnoses"]))
assert got == ("domain", 53, 50, 3, 20), got
first = d["diagnoses"][0]
assert (first["dnsbl"], first["fault"]) == ("relays.ordb.org", "receiving-system"), (first["dnsbl"], first["fault"])
# the one diagnosis object of the output contract, as why and search give it
assert {"ruleset", "captures", "feedback_type", "date_offset", "original"} <= set(first), sorted(first)
assert [(i["failures"], i["ongoing"]) for i in d["incidents"]] == [(48, True)], d["incidents"]
PY
get addr.json "/api/why?q=ORDERS@retail.example"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert (d["kind"], d["total"]) == ("address", 9), (d["kind"], d["total"])' "$tmp/addr.json" && ok || bad "/api/why for an address"
get words.json "/api/why?q=%22blocked%20using%22%20zen.spamhaus.org"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert (d["kind"], d["total"]) == ("words", 12), (d["kind"], d["total"])' "$tmp/words.json" && ok || bad "/api/why for words: $(head -c 300 "$tmp/words.json")"
get dom.json "/api/why?q=zen.spamhaus.org"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert (d["kind"], d["total"]) == ("words", 12), (d["kind"], d["total"])' "$tmp/dom.json" && ok || bad "/api/why for a list's zone: not read as words"
get inc.json "/api/incidents"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [(i["dnsbl"], i["ongoing"]) for i in d] == [("relays.ordb.org", True), ("zen.spamhaus.org", False)]' "$tmp/inc.json" && ok || bad "/api/incidents"
get inc.html "/incidents"
has "$tmp/inc.html" 'Ongoing:</span> retail.example refuses our mail citing relays.ordb.org'
get report.html "/report"
[ "$code" = 200 ] && [ "$(grep -c '<svg ' "$tmp/report.html")" -ge 4 ] && ok || bad "/report: $code"
get home.html "/"
has "$tmp/home.html" 'type="search"'

# escaping: the markup of a bounce is text on every page
get evil.html "/why?q=evil.example"
has "$tmp/evil.html" '&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt;'
has "$tmp/evil.html" '&lt;script&gt;alert(3)&lt;/script&gt;'
grep -q '<script\|<img' "$tmp/evil.html" "$tmp/report.html" && bad "markup from a bounce reached a page" || ok
get echo.html '/why?q=%3Cscript%3Ealert(5)%3C/script%3E%22%3E%3Cimg%20src=x%20onerror=alert(6)%3E'
grep -q '<script\|<img' "$tmp/echo.html" && bad "the search echoed markup" || ok
has "$tmp/echo.html" 'value="&lt;script&gt;alert(5)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(6)&gt;"'
get evil.json "/api/why?q=evil.example"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "<script>alert(1)</script>" in d["diagnoses"][0]["diagnostic"]' "$tmp/evil.json" && ok || bad "JSON lost the text"

# limits: read-only methods, no body, bounded target and search, headers
get post "/why" -X POST --data 'q=retail.example'
[ "$code" = 405 ] && ok || bad "POST: $code"
get put "/report" -X DELETE
[ "$code" = 405 ] && ok || bad "DELETE: $code"
head -c 5000000 /dev/zero > "$tmp/body"
get body "/why" -X GET --data-binary @"$tmp/body"
[ "$code" = 413 ] && ok || bad "a 5 MB body: $code"
get long "/why?q=$(head -c 3000 /dev/zero | tr '\0' a)"
[ "$code" = 414 ] && ok || bad "a 3000-byte query: $code"
get search "/api/why?q=$(head -c 300 /dev/zero | tr '\0' a)"
[ "$code" = 400 ] && ok || bad "a 300-character search: $code"
get ctl "/api/why?q=a%1bb.example"
[ "$code" = 400 ] && ok || bad "a search with ESC: $code"
get missing "/etc/passwd"
[ "$code" = 404 ] && ok || bad "/etc/passwd: $code"
python3 - "${url#http://}" <<'PY' && ok || bad "a 400 KB header block was answered"
import socket, sys
host, port = sys.argv[1].rstrip("/").split(":")
s = socket.create_connection((host, int(port)))
s.settimeout(10)
try:
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 400000 + b"\r\n\r\n")
    reply = s.recv(100)
except OSError:
    reply = b""
sys.exit(0 if not reply.startswith(b"HTTP/1.1 200") else 1)
PY
get after "/"
[ "$code" = 200 ] && ok || bad "the server stopped answering: $code"
# the request log: one line per request, markup made safe
grep -q ' 127.0.0.1 GET /why?q=retail.example 200 ' "$tmp/serve.log" && ok || bad "no log line: $(head -3 "$tmp/serve.log")"
grep -q ' 127.0.0.1 POST /why 405 ' "$tmp/serve.log" && ok || bad "no log line for the refused POST"
grep -q $'\x1b' "$tmp/serve.log" && bad "the log carries ESC" || ok

if [ -z "$chromium_bin" ]; then
    echo "SKIP chromium checks: no chromium"
else
    browse - "${url}why?q=evil.example" 1280x1600 "$tmp/net.json" > "$tmp/dom.html"
    has "$tmp/dom.html" '&lt;script&gt;alert(1)&lt;/script&gt; "&gt;&lt;img src=x onerror=alert(2)&gt;'
    hasnt "$tmp/dom.html" '<img'
    [ "$(grep -c '<script' "$tmp/dom.html")" = 0 ] && ok || bad "a script element in the DOM"
    req=$(page_requests "$tmp/net.json" | grep -v "^$url")
    [ -z "$req" ] && ok || bad "the page asked the network for: $req"
    browse - "${url}report" 1280x2400 > "$tmp/rdom.html"
    [ "$(grep -o '<svg ' "$tmp/rdom.html" | wc -l)" -ge 4 ] && ok || bad "/report renders fewer than 4 charts"
    for page in "why?q=retail.example" incidents report; do
        name=$(echo "$page" | tr -c 'a-z\n' '-')
        browse "$tmp/$name.png" "$url$page" 1280x1800
        [ "$(stat -c %s "$tmp/$name.png" 2>/dev/null || echo 0)" -gt 20000 ] && ok || bad "no screenshot of /$page"
        [ -n "${KEEP_SCREENSHOTS:-}" ] && cp "$tmp/$name.png" "$KEEP_SCREENSHOTS/serve-$name.png"
    done
fi

# rate limit: past the bucket, expensive pages wait; cheap ones do not
stop
start --rate 2 || exit 1
codes=""
for _ in 1 2 3 4; do get r "/api/incidents"; codes="$codes $code"; done
case "$codes" in *429*) ok ;; *) bad "--rate 2: four quick requests gave$codes" ;; esac
has "$tmp/r.h" 'Retry-After:'
get home "/"
[ "$code" = 200 ] && ok || bad "the home page is rate-limited: $code"
stop

cmp -s "$tmp/s.db" "$tmp/before.db" && ok || bad "serve changed the database"
[ ! -e "$tmp/s.db-wal" ] && ok || bad "serve left a -wal file"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
