#!/usr/bin/env bash
# End-to-end: whose fault it is.  For each blacklist / relay / mailbox case
# of the story, the real binary must name the list, the listed address, the
# fault and say the right thing in the advice.
set -u
bin=$1 root=$2
cd "$root" || exit 1
pass=0 fail=0

# expect FILE RECIPIENT KEY=VALUE... ; advice~TEXT checks a substring
expect () {
    local file=$1 rcpt=$2
    shift 2
    local out
    out=$("$bin" analyze --format ndjson "samples/$file" 2>/dev/null)
    if python3 - "$out" "$rcpt" "$@" <<'PY'; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $file"; fi
import json, sys
rows = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
rcpt = sys.argv[2]
row = next((r for r in rows if (r["recipient"] or "").lower() == rcpt.lower()), None)
if row is None:
    print("  no recipient %s in %s" % (rcpt, [r["recipient"] for r in rows])); sys.exit(1)
ok = True
for spec in sys.argv[3:]:
    if "~" in spec:
        key, want = spec.split("~", 1)
        if want not in (row.get(key) or ""):
            print("  %s lacks %r: %r" % (key, want, row.get(key))); ok = False
    else:
        key, want = spec.split("=", 1)
        got = row.get(key)
        if str(got if got is not None else "null") != want:
            print("  %s = %r, want %r" % (key, got, want)); ok = False
sys.exit(0 if ok else 1)
PY
}

# a dead list cited after its death: the receiving system's fault
expect story-ordb-2008.eml orders@retail.example reason=blocked dnsbl=relays.ordb.org \
    listed=203.0.113.25 fault=receiving-system \
    "advice~shut down on 2006-12-18" "advice~since 2008-03-25" \
    "advice~retail.example's side" "advice~Nothing is wrong with our server"
# the same list cited while it was alive: our sending system was listed
expect story-ordb-2005.eml purchasing@wholesale.example reason=blocked dnsbl=relays.ordb.org \
    listed=203.0.113.25 fault=sending-system "advice~is listed on relays.ordb.org"
# a live list listing our IP
expect spamhaus-zen.eml procurement@bigcorp.example reason=blocked dnsbl=zen.spamhaus.org \
    listed=203.0.113.25 fault=sending-system "advice~203.0.113.25 is listed on zen.spamhaus.org"
# a domain blocklist: the domain is what was listed
expect spamhaus-dbl.eml g.ferreira@club.example dnsbl=dbl.spamhaus.org listed=shop.example \
    fault=sending-system "advice~shop.example"
# only the lookup URL names the list
expect spamcop-url.eml info@bakery.example reason=blocked dnsbl=bl.spamcop.net \
    listed=203.0.113.25 fault=sending-system
# a generic "blacklisted" text names no list
expect story-blacklisted.eml m.novak@bigisp.example reason=blocked dnsbl=null fault=sending-system \
    "advice~without naming a blacklist"
# the retailer's own server refused as an open relay when it forwarded our mail
expect story-openrelay.eml fulfil@warehouse.example reason=blocked fault=receiving-system \
    "advice~retail.example" "advice~Nothing is wrong with our server"
# relay denied: the other side does not handle its own domain
expect relaydenied-dsn.eml x.ortiz@other.example reason=norelaying fault=receiving-system \
    "advice~relaying denied"
# a full mailbox: the recipient's move
expect gmail-mailboxfull.eml carol@studio.example reason=mailboxfull dnsbl=null fault=recipient \
    "advice~is full"
expect exim-mailboxfull.eml pat@florist.example reason=mailboxfull fault=recipient

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
