#!/usr/bin/env bash
# End-to-end: report --format html.  The samples' store, plus a bounce whose
# diagnostic and subject carry markup, rendered in headless Chromium: one
# self-contained file, at least four inline SVG charts with titles and
# descriptions, no request to the network, the markup shown as text.
set -u
bin=$1 root=$2
cd "$root" || exit 1
. tests/e2e/lib/chromium.sh
. tests/e2e/lib/checks.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
has ()   { grep -q -- "$2" "$1" && ok || bad "$(basename "$1") lacks $2"; }
hasnt () { grep -q -i -- "$2" "$1" && bad "$(basename "$1") has $2" || ok; }

# A Postfix DSN whose server text and returned subject are markup.
hostile="$tmp/hostile.eml"
cat > "$hostile" <<'MAIL'
Date: Mon, 30 Nov 2026 10:00:00 +0000
From: MAILER-DAEMON@mail.shop.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: anna@shop.example
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0"

--B0
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.shop.example.

<victim@evil.example>: host mx.evil.example[192.0.2.9] said: 550 5.1.1
    <script>alert(1)</script> "><img src=x onerror=alert(2)> user unknown
    (in reply to RCPT TO command)

--B0
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.shop.example

Final-Recipient: rfc822; victim@evil.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.evil.example
Diagnostic-Code: smtp; 550 5.1.1 <script>alert(1)</script> "><img src=x onerror=alert(2)> user unknown

--B0
Content-Type: text/rfc822-headers

From: Anna <anna@shop.example>
To: victim@evil.example
Subject: <script>alert(3)</script> "><img src=x onerror=alert(4)>

--B0--
MAIL
"$bin" ingest -q --db "$tmp/s.db" samples "$hostile"; status=$?
[ "$status" -le 1 ] && ok || bad "ingest exits $status"

"$bin" report --db "$tmp/s.db" --format html > "$tmp/report.html"; status=$?
[ "$status" = 0 ] && ok || bad "report --format html exits $status"
f="$tmp/report.html"
# self-contained: nothing to load, nothing to run
has "$f" '<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;'
has "$f" '<meta name="viewport" content="width=device-width, initial-scale=1">'
has "$f" '@media print'
has "$f" '@media (min-width'
hasnt "$f" '<script'
hasnt "$f" '<link'
hasnt "$f" '<img'
grep -Eq '<[^>]* (src|href|action)=' "$f" && bad "an element loads or links something" || ok
hasnt "$f" '@import'
hasnt "$f" 'url('
# charts: inline SVG, each with role, title and description
svgs=$(grep -c '<svg ' "$f")
[ "$svgs" -ge 4 ] && ok || bad "$svgs SVG charts, fewer than 4"
[ "$(grep -c '<svg [^>]*role="img" aria-labelledby="[a-z-]*-t [a-z-]*-d"' "$f")" = "$svgs" ] && ok || bad "an SVG without role and labels"
[ "$(grep -c '<title id="[a-z-]*-t">' "$f")" = "$svgs" ] && ok || bad "an SVG without a title"
[ "$(grep -c '<desc id="[a-z-]*-d">' "$f")" = "$svgs" ] && ok || bad "an SVG without a description"
has "$f" 'relays.ordb.org'
has "$f" 'dead since 2006-12-18'
# the hostile strings are text
has "$f" '&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt;'
has "$f" '&lt;script&gt;alert(3)&lt;/script&gt;'

if [ -z "$chromium_bin" ]; then
    echo "SKIP chromium checks: no chromium"
else
    browse - "file://$f" 1280x2400 "$tmp/net.json" > "$tmp/dom.html"
    [ -s "$tmp/dom.html" ] && ok || bad "chromium --dump-dom gave nothing"
    n=$(grep -o '<svg ' "$tmp/dom.html" | wc -l)
    [ "$n" -ge 4 ] && ok || bad "the rendered DOM has $n SVG charts"
    [ "$(grep -o '<rect ' "$tmp/dom.html" | wc -l)" -ge 20 ] && ok || bad "the charts draw no bars"
    has "$tmp/dom.html" '&lt;script&gt;alert(1)&lt;/script&gt; "&gt;&lt;img src=x onerror=alert(2)&gt;'
    has "$tmp/dom.html" '&lt;script&gt;alert(3)&lt;/script&gt;'
    hasnt "$tmp/dom.html" '<img'
    hasnt "$tmp/dom.html" '<script'
    grep -Eiq '(src|href|action)="?https?:' "$tmp/dom.html" && bad "the DOM links to the network" || ok
    req=$(page_requests "$tmp/net.json")
    [ -z "$req" ] && ok || bad "the page asked the network for: $req"
    # the check sees a request when there is one
    printf '<!DOCTYPE html><img src="http://probe.example/x.png">' > "$tmp/probe.html"
    browse - "file://$tmp/probe.html" 800x600 "$tmp/probe.json" >/dev/null
    page_requests "$tmp/probe.json" | grep -q 'probe.example' && ok || bad "the net log check sees no request"
    # printable: Chromium prints it to a PDF of more than one page
    browse "$tmp/report.pdf" "file://$f"
    head -c 5 "$tmp/report.pdf" 2>/dev/null | grep -q '%PDF-' && ok || bad "no PDF printed"
    pages=$(python3 -c 'import re, sys; print(len(re.findall(rb"/Type\s*/Page(?!s)", open(sys.argv[1], "rb").read())))' "$tmp/report.pdf" 2>/dev/null)
    [ "${pages:-0}" -ge 2 ] && ok || bad "the printed report has ${pages:-0} pages"
    [ -n "${KEEP_SCREENSHOTS:-}" ] && cp "$tmp/report.pdf" "$KEEP_SCREENSHOTS/"
    # laptop and phone
    for size in 1280x2400 390x2400; do
        browse "$tmp/report-$size.png" "file://$f" "$size"
        [ "$(stat -c %s "$tmp/report-$size.png" 2>/dev/null || echo 0)" -gt 20000 ] && ok ||
            bad "no screenshot at $size"
        [ -n "${KEEP_SCREENSHOTS:-}" ] && cp "$tmp/report-$size.png" "$KEEP_SCREENSHOTS/"
    done
fi

"$bin" report --db "$tmp/s.db" --format pdf >/dev/null 2>&1; status=$?
[ "$status" = 2 ] && ok || bad "report --format pdf exits $status, not 2"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
