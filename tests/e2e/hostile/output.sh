# Hostile input, area "output": terminal controls, bidi and invisible
# characters and spreadsheet formulas in a bounce never reach a terminal,
# a JSON string or a CSV cell raw (issue 9, input 8).
out_dir=$tmp/output
mkdir -p "$out_dir"
python3 - "$out_dir/hostile.eml" <<'PY'
import base64, sys
osc = "\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J"
subject = "Invoice " + osc + "\u202egpj.exe\u2028next\u009b31m\u200b"
encoded = "=?UTF-8?B?" + base64.b64encode(subject.encode()).decode() + "?="
diagnostic = ("550 5.1.1 =HYPERLINK(\"http://evil.example\") \u202edilavni\u202c user "
              "\u2066unknown\u2069 \u200f\u061c\u2029 \u009b2J \u0085 \ufeff")
msg = f"""From: MAILER-DAEMON@mx.example.net
To: sender@example.org
Subject: Undelivered Mail Returned to Sender
Date: Tue, 01 Dec 2026 09:00:00 +0000
Message-ID: <hostile-output@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain; charset=utf-8

I could not deliver your message.

--B
Content-Type: message/delivery-status; charset=utf-8

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; -user@example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; {diagnostic}

Final-Recipient: rfc822; esc\x1b[31m\u202e@example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 {osc} no such user

--B
Content-Type: text/rfc822-headers

From: =?UTF-8?B?{base64.b64encode(("@SUM(1+1)" + osc).encode()).decode()}?= <sender@example.org>
To: -user@example.com
Subject: {encoded}
Message-ID: <orig-output@example.org>

--B--
"""
open(sys.argv[1], "wb").write(msg.encode())
PY

# hidden FILE KIND: the characters of FILE no output may carry raw
# (C0 but line ends, DEL, C1, format characters, U+2028/9), if any.
hidden () {
    python3 - "$1" "$2" <<'PY'
import csv, io, json, sys, unicodedata
raw = open(sys.argv[1], "rb").read()
try:
    text = raw.decode("utf-8")
except UnicodeDecodeError as e:
    print("invalid UTF-8 at", e.start); sys.exit()
bad = sorted({"U+%04X" % ord(c) for c in text
              if (ord(c) < 0x20 and c not in "\r\n") or 0x7f <= ord(c) < 0xa0
              or unicodedata.category(c) in ("Cf", "Zl", "Zp")})
if sys.argv[2] == "json":
    try:
        if "\n  " in text:
            json.loads(text)
        else:
            for line in filter(None, text.split("\n")):
                json.loads(line)
    except ValueError as e:
        bad.append("invalid JSON (%s)" % e)
if sys.argv[2] == "csv":
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            if cell.lstrip(" ")[:1] in ("=", "+", "-", "@"):
                bad.append("formula cell " + repr(cell[:20]))
print(" ".join(bad))
PY
}

# clean NAME KIND FILE: FILE has nothing hidden, and is not empty
clean () {
    local found
    found=$(hidden "$3" "$2")
    if [ -n "$found" ]; then bad "$1: raw $found"; else ok; fi
    [ -s "$3" ] && ok || bad "$1: no output"
}

h=$out_dir/hostile.eml
db=$out_dir/out.db
"$bin" analyze "$h" > "$out_dir/analyze.txt" 2>&1
clean "output: analyze text" text "$out_dir/analyze.txt"
"$bin" analyze --format json "$h" > "$out_dir/analyze.json" 2>&1
clean "output: analyze json" json "$out_dir/analyze.json"
contains "output: analyze json escapes RLO" "$(cat "$out_dir/analyze.json")" '\u202e'
"$bin" analyze --format ndjson "$h" > "$out_dir/analyze.ndjson" 2>/dev/null \
    && clean "output: analyze ndjson" json "$out_dir/analyze.ndjson"
"$bin" explain "$h" > "$out_dir/explain.txt" 2>&1
clean "output: explain" text "$out_dir/explain.txt"
"$bin" ingest -q --db "$db" "$h" > "$out_dir/ingest.txt" 2>&1 || bad "output: ingest failed"
"$bin" search --db "$db" > "$out_dir/search.txt" 2>&1
clean "output: search table" text "$out_dir/search.txt"
"$bin" search --db "$db" --format csv > "$out_dir/search.csv" 2>&1
clean "output: search csv" csv "$out_dir/search.csv"
contains "output: search csv neutralises a formula" "$(cat "$out_dir/search.csv")" "\"'-user@example.com\""
"$bin" search --db "$db" --format json > "$out_dir/search.json" 2>&1
clean "output: search json" json "$out_dir/search.json"
"$bin" why --db "$db" example.com > "$out_dir/why.txt" 2>&1
clean "output: why" text "$out_dir/why.txt"
contains "output: why shows the recipient" "$(cat "$out_dir/why.txt")" "-user@example.com"
for f in text csv json; do
    "$bin" report --db "$db" --format $f > "$out_dir/report.$f" 2>&1
    clean "output: report $f" $f "$out_dir/report.$f"
done

# a file name with terminal controls and a bidi override, in every output
named=$out_dir/named
mkdir -p "$named"
cp "$h" "$named/$(printf 'bill\033]0;owned\007\342\200\256fdp.eml')"
"$bin" analyze "$named" > "$out_dir/named.txt" 2>&1
clean "output: a hostile file name: analyze text" text "$out_dir/named.txt"
"$bin" analyze --format json "$named" > "$out_dir/named.json" 2>&1
clean "output: a hostile file name: analyze json" json "$out_dir/named.json"
"$bin" ingest --db "$out_dir/named.db" "$named" > "$out_dir/named-ingest.txt" 2>&1
clean "output: a hostile file name: ingest" text "$out_dir/named-ingest.txt"
"$bin" search --db "$out_dir/named.db" --format csv > "$out_dir/named.csv" 2>&1
clean "output: a hostile file name: search csv" csv "$out_dir/named.csv"
"$bin" why --db "$out_dir/named.db" example.com > "$out_dir/named-why.txt" 2>&1
clean "output: a hostile file name: why" text "$out_dir/named-why.txt"
