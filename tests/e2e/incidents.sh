#!/usr/bin/env bash
# End-to-end: incidents.  A generated mbox (scripts/make-incident-mbox)
# holds a 17-hour ORDB outage at retail.example that is still going on, our
# IP listed on a live list at nine domains, and noise; incidents must report
# exactly those two, with the right place, cause, times, counts and fault.
set -u
bin=$1 root=$2
cd "$root" || exit 1
. tests/e2e/lib/checks.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now=$(date +%s)
python3 scripts/make-incident-mbox "$tmp/outage.mbox" --now "$now" || exit 1
"$bin" ingest -q --db "$tmp/outage.db" "$tmp/outage.mbox" || exit 1

"$bin" incidents --db "$tmp/outage.db" --format json > "$tmp/out.json"; status=$?
[ "$status" = 0 ] && ok || bad "incidents --format json exits $status"
if python3 - "$tmp/out.json" "$now" <<'PY'; then ok; else bad "incidents --format json"; fi
import json, sys, datetime
found = json.load(open(sys.argv[1]))
now = int(sys.argv[2])
def unix(s):
    return int(datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp())
keys = ["domain", "remote_mta", "reason", "dnsbl", "listed", "first_seen", "last_seen",
        "failures", "senders", "recipients", "fault", "advice", "ongoing"]
problems = []
if len(found) != 2:
    problems.append("%d incidents, not 2: %s" % (len(found), [(i["domain"], i["dnsbl"]) for i in found]))
for i in found:
    if sorted(i) != sorted(keys):
        problems.append("keys %s" % sorted(i))
ordb = next((i for i in found if i["dnsbl"] == "relays.ordb.org"), None)
ours = next((i for i in found if i["dnsbl"] == "zen.spamhaus.org"), None)
def want(inc, key, value):
    if inc is None or inc.get(key) != value:
        problems.append("%s: %s is %r, not %r" % (inc and inc["dnsbl"], key, inc and inc.get(key), value))
want(ordb, "domain", "retail.example")
want(ordb, "reason", "blocked")
want(ordb, "listed", "203.0.113.25")
want(ordb, "failures", 48)
want(ordb, "senders", 7)
want(ordb, "recipients", 8)
want(ordb, "fault", "receiving-system")
want(ordb, "ongoing", True)
if ordb:
    if ordb["remote_mta"] not in ("mx1.retail.example", "mx2.retail.example"):
        problems.append("ordb remote_mta %r" % ordb["remote_mta"])
    last, first = unix(ordb["last_seen"]), unix(ordb["first_seen"])
    if last != now - 20 * 60 or first != last - 17 * 3600:
        problems.append("ordb times %s .. %s" % (ordb["first_seen"], ordb["last_seen"]))
    if "relays.ordb.org" not in (ordb["advice"] or "") or "Nothing is wrong with our server" not in ordb["advice"]:
        problems.append("ordb advice %r" % ordb["advice"])
want(ours, "domain", None)
want(ours, "remote_mta", None)
want(ours, "reason", "blocked")
want(ours, "listed", "203.0.113.25")
want(ours, "failures", 12)
want(ours, "recipients", 12)
want(ours, "fault", "sending-system")
want(ours, "ongoing", False)
if ours:
    last, first = unix(ours["last_seen"]), unix(ours["first_seen"])
    if last != now - 30 * 3600 or first != last - 5 * 3600:
        problems.append("ours times %s .. %s" % (ours["first_seen"], ours["last_seen"]))
if found and found[0] is not ordb:
    problems.append("the ongoing incident does not come first")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY

"$bin" incidents --db "$tmp/outage.db" --exit-status > "$tmp/out.txt"; status=$?
[ "$status" = 3 ] && ok || bad "--exit-status while the outage is ongoing exits $status, not 3"
grep -q '^ONGOING: retail.example refuses our mail citing relays.ordb.org' "$tmp/out.txt" && ok ||
    bad "text output lacks the ongoing outage"
grep -q '^ended: 203.0.113.25 is listed on zen.spamhaus.org: 12 refusals at 9 domains' "$tmp/out.txt" && ok ||
    bad "text output lacks our listing"
grep -q 'fault:       the receiving system' "$tmp/out.txt" && ok || bad "text output lacks the fault"
grep -q '^  domains:     bank.example, bigisp.example, city.example, club.example, garden.example, news.example, partner.example, school.example, travel.example$' "$tmp/out.txt" && ok ||
    bad "text output lacks the domains of our listing"

# The noise alone makes an incident only when the thresholds are lowered.
"$bin" incidents --db "$tmp/outage.db" --format csv --min 4 > "$tmp/min4.csv"
grep -q '^"club.example",.*"mailboxfull"' "$tmp/min4.csv" && ok || bad "--min 4 does not find the four full mailboxes"
"$bin" incidents --db "$tmp/outage.db" --format csv --gap 3h > "$tmp/gap3.csv"
grep -q '^"archive.example",.*"userunknown"' "$tmp/gap3.csv" && ok || bad "--gap 3h does not join failures 3 hours apart"

# --since leaves out what came before; a span reaches back from now.
"$bin" incidents --db "$tmp/outage.db" --since 24h --format csv > "$tmp/since.csv"
[ "$(grep -c '^"' "$tmp/since.csv")" = 2 ] && grep -q '"retail.example"' "$tmp/since.csv" && ok ||
    bad "--since 24h: $(cat "$tmp/since.csv")"

# An outage that ended hours ago is not ongoing: exit 0 with --exit-status.
python3 scripts/make-incident-mbox "$tmp/ended.mbox" --now "$now" --ended-ago 300 || exit 1
"$bin" ingest -q --db "$tmp/ended.db" "$tmp/ended.mbox" || exit 1
"$bin" incidents --db "$tmp/ended.db" --exit-status > "$tmp/ended.txt"; status=$?
[ "$status" = 0 ] && ok || bad "--exit-status with no ongoing incident exits $status"
grep -q '^ended: retail.example' "$tmp/ended.txt" && ok || bad "ended outage: $(head -3 "$tmp/ended.txt")"

# Usage errors are loud: exit 2.
for args in "--gap 0" "--gap soon" "--min 0" "--format xml" "--since yesterday" "extra"; do
    "$bin" incidents --db "$tmp/outage.db" $args >/dev/null 2>&1; status=$?
    [ "$status" = 2 ] && ok || bad "incidents $args exits $status, not 2"
done
"$bin" incidents --db "$tmp/missing.db" >/dev/null 2>&1; status=$?
[ "$status" = 1 ] && ok || bad "incidents on a missing database exits $status"
[ ! -e "$tmp/missing.db" ] && ok || bad "incidents created a database"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
