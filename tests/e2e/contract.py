#!/usr/bin/env python3
"""Validate a command's JSON or ndjson output against the output contract
(README "Output"): usage: contract.py json|ndjson|csv COMMAND < output.
Every diagnosis object has exactly DIAGNOSIS_KEYS; every JSON document and
every ndjson line carries format_version 1; dates are UTC ("...Z") with the
offset in *_offset."""
import csv, io, json, re, sys

FORMAT_VERSION = 1
DIAGNOSIS_KEYS = ["id", "source", "offset", "kind", "format", "recipient", "domain",
                  "original_recipient", "outcome", "action", "status", "reported_status",
                  "smtp_code", "smtp_command", "remote_mta", "reporting_mta", "date",
                  "date_offset", "reason", "hard_bounce", "rule", "captures", "diagnostic",
                  "feedback_type", "dnsbl", "listed", "fault", "advice", "original", "ruleset",
                  "explanation"]
ORIGINAL_KEYS = ["message_id", "from", "to", "subject", "date", "date_offset"]
EXPLANATION_KEYS = ["text", "status", "status_derived", "smtp_code", "smtp_command", "format",
                    "decided_by", "steps"]
STEP_KEYS = ["rule", "reason", "priority", "result", "span", "why"]
# the keys of each command's JSON document, after format_version and command
DOCUMENT_KEYS = {
    "analyze": ["diagnoses"], "explain": ["diagnoses"], "classify": ["diagnoses"],
    "search": ["diagnoses"],
    "why": ["target", "summary", "not_shown", "diagnoses"],
    "report": ["database", "since", "until", "totals", "reasons", "domains", "remote_mtas",
               "blacklists", "faults", "days"],
    "rules list": ["ruleset", "rules", "formats"],
    "reclassify": ["ruleset", "dry_run", "examined", "changed", "updated", "transitions"],
}
UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
OFFSET = re.compile(r"^[+-]\d\d:\d\d$")
problems = []


def date_pair(where, obj, key):
    d, o = obj[key], obj[key + "_offset"]
    if (d is None) != (o is None):
        problems.append("%s: %s and %s_offset disagree" % (where, key, key))
    if d is not None and not UTC.match(d):
        problems.append("%s: %s %r is not UTC ...Z" % (where, key, d))
    if o is not None and not OFFSET.match(o):
        problems.append("%s: %s_offset %r" % (where, key, o))


def diagnosis(where, d, versioned):
    keys = list(d)
    want = (["format_version"] if versioned else []) + DIAGNOSIS_KEYS
    if keys != want:
        problems.append("%s: keys %s, want %s" % (where, keys, want))
        return
    if versioned and d["format_version"] != FORMAT_VERSION:
        problems.append("%s: format_version %r" % (where, d["format_version"]))
    if list(d["original"]) != ORIGINAL_KEYS:
        problems.append("%s: original keys %s" % (where, list(d["original"])))
        return
    date_pair(where, d, "date")
    date_pair(where + " original", d["original"], "date")
    e = d["explanation"]
    if e is not None:
        if list(e) != EXPLANATION_KEYS:
            problems.append("%s: explanation keys %s" % (where, list(e)))
        elif any(list(s) != STEP_KEYS for s in e["steps"]):
            problems.append("%s: explanation step keys" % where)


def main():
    kind, command = sys.argv[1], sys.argv[2]
    text = sys.stdin.read()
    if kind == "ndjson":
        lines = text.splitlines()
        if not lines:
            problems.append("no ndjson line")
        for i, line in enumerate(lines):
            diagnosis("line %d" % (i + 1), json.loads(line), True)
    elif kind == "csv":
        rows = list(csv.reader(io.StringIO(text, newline="")))
        want = [k for k in DIAGNOSIS_KEYS if k not in ("original", "explanation")]
        want[want.index("ruleset"):want.index("ruleset")] = ["original_" + k for k in ORIGINAL_KEYS]
        if rows[0] != want:
            problems.append("csv header %s, want %s" % (rows[0], want))
        for r in rows[1:]:
            if len(r) != len(want):
                problems.append("csv row of %d cells" % len(r))
            else:
                row = dict(zip(want, r))
                if row["date"] and not UTC.match(row["date"]):
                    problems.append("csv date %r" % row["date"])
    else:
        doc = json.loads(text)
        keys = list(doc)
        want = ["format_version", "command"] + DOCUMENT_KEYS[command]
        if keys != want:
            problems.append("%s: document keys %s, want %s" % (command, keys, want))
        elif doc["format_version"] != FORMAT_VERSION or doc["command"] != command:
            problems.append("%s: format_version/command %r %r" % (command, doc["format_version"], doc["command"]))
        else:
            for i, d in enumerate(doc.get("diagnoses", [])):
                diagnosis("%s diagnosis %d" % (command, i), d, False)
            if command == "report":
                for day in doc["days"]:
                    if list(day) != ["day", "failed", "reasons"] or sum(day["reasons"].values()) != day["failed"]:
                        problems.append("report day %r" % day)
    print("\n".join(problems) or "ok")


main()
