#!/usr/bin/env python3
"""Variants test: rewrite every bounce in ways a real mail path does and check
that the diagnosis does not change.

Usage: tests/variants/variants.py [--binary B] [--samples DIR] [--corpus DIR]
       [--only T1,T2] [--samples-allow N] [--corpus-floor PCT] [-v]

For every sample (samples/*.eml) and, when present, every development corpus
mail (CORPUS/eml/*.eml) it writes one variant per transformation into a
directory of its own, runs the binary once per directory (in parallel), and
compares each variant's diagnosis with the original's.  It prints, per
transformation, how many messages changed: sample names, and for the corpus
the count and the names of the read (non-holdout) files only; held-out files
(number a multiple of 5) are counted, never named or shown.

A diagnosis is the multiset of recipients and, per recipient, the fields that
the transformation must preserve (see COMPARE): every transformation keeps
recipient, reason, status, action and hard/soft, except where a transformation
is documented to lose a field.  Exit 1 when more than --samples-allow samples
change in any transformation, or when a transformation leaves fewer than
--corpus-floor percent of the corpus mails unchanged.  --json FILE writes the
figures for scripts/corpus-eval.
"""
import argparse, base64, concurrent.futures, json, os, quopri, re, subprocess, sys, tempfile, textwrap
from email.parser import BytesHeaderParser
from email import policy

FIELDS = ("reason", "status", "action", "hard_bounce")

# ---------------------------------------------------------------- raw MIME
# A message is split by hand, not by the email package, so that everything a
# transformation does not touch stays byte for byte as it was.

HEADER_END = re.compile(rb"\r?\n\r?\n")

class Part:
    """header bytes, separator, body bytes; for multipart: preamble, parts, epilogue."""
    def __init__(self, raw):
        m = HEADER_END.search(raw)
        if raw.startswith(b"\n") or raw.startswith(b"\r\n"):
            self.header, self.sep, self.body = b"", raw[:raw.index(b"\n") + 1], raw[raw.index(b"\n") + 1:]
        elif m:
            self.header, self.sep, self.body = raw[:m.start()], raw[m.start():m.end()], raw[m.end():]
        else:
            self.header, self.sep, self.body = raw, b"", b""
        fields = BytesHeaderParser(policy=policy.compat32).parsebytes(self.header + b"\n\n")
        self.ctype = (fields.get_content_type() or "text/plain").lower()
        if not fields.get("content-type"):
            self.ctype = "text/plain"
        self.cte = str(fields.get("content-transfer-encoding", "")).strip().lower()
        self.charset = fields.get_content_charset() or "us-ascii"
        self.parts = None
        boundary = fields.get_boundary() if self.ctype.startswith("multipart/") else None
        if boundary:
            self._split(boundary.encode("latin-1", "replace"))

    def _split(self, boundary):
        delim = re.compile(rb"(?m)^--" + re.escape(boundary) + rb"(--)?[ \t]*\r?$\n?")
        pieces, pos, self.preamble, self.epilogue, delims = [], 0, b"", b"", []
        for m in delim.finditer(self.body):
            pieces.append(self.body[pos:m.start()])
            delims.append(m.group(0))
            pos = m.end()
            if m.group(1):
                break
        if not delims:
            return
        self.epilogue = self.body[pos:]
        self.preamble = pieces[0]
        self.delims = delims
        self.parts = [Part(p) for p in pieces[1:]]
        # a closing delimiter missing: the last part runs to the end
        if not delims[-1].rstrip().endswith(b"--"):
            self.parts.append(Part(self.epilogue))
            self.epilogue = None

    def bytes(self):
        if self.parts is None:
            return self.header + self.sep + self.body
        out = [self.header, self.sep, self.preamble]
        for d, p in zip(self.delims, self.parts):
            out += [d, p.bytes()]
        if self.epilogue is not None:
            out += [self.delims[-1] if len(self.delims) > len(self.parts) else b"", self.epilogue]
        return b"".join(out)

def notice_leaves(part, inside_original=False):
    """The leaves of the notice itself: not inside a returned message/rfc822."""
    if part.parts is not None:
        for p in part.parts:
            yield from notice_leaves(p, inside_original)
    elif not inside_original:
        yield part

def human_text(part):
    return part.ctype == "text/plain"

def decoded(part):
    if part.cte == "base64":
        try:
            return base64.b64decode(re.sub(rb"[^A-Za-z0-9+/=]", b"", part.body) + b"===")
        except Exception:
            return None
    if part.cte == "quoted-printable":
        return quopri.decodestring(part.body)
    return part.body

def encoded(part, data):
    if part.cte == "base64":
        return base64.encodebytes(data)
    if part.cte == "quoted-printable":
        return quopri.encodestring(data)
    return data

# ---------------------------------------------------------------- transformations
FIELD_LINE = re.compile(rb"^[!-9;-~]+:")

def wrap_line(line, width):
    """Break a line longer than width at spaces, as a mail client's composer does; long words stay whole."""
    # a composer counts characters, not bytes: UTF-8 when the line is UTF-8
    try:
        text, enc = line.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, enc = line.decode("latin-1"), "latin-1"
    if len(text) <= width:
        return [line]
    out = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False,
                        expand_tabs=False, replace_whitespace=False, drop_whitespace=True)
    return [l.encode(enc) for l in out] or [line]

def map_text_lines(data, fn):
    lines = data.split(b"\n")
    out = []
    for l in lines:
        cr = l.endswith(b"\r")
        body = l[:-1] if cr else l
        out += [x + (b"\r" if cr else b"") for x in fn(body)]
    return b"\n".join(out)

def header_shaped(block_lines, i):
    """A line that is a header field (or its continuation) of a header block embedded in text."""
    l = block_lines[i]
    return bool(FIELD_LINE.match(l))

def rewrap_text(data, width):
    lines = data.split(b"\n")
    out, in_fields = [], False
    for l in lines:
        cr = l.endswith(b"\r")
        body = l[:-1] if cr else l
        # header-shaped lines (a returned message's header, DSN-like fields in text) are not prose
        # (quoted with "> " too: a forwarded bounce's DSN fields)
        if FIELD_LINE.match(re.sub(rb"^(?:> ?)+", b"", body)):
            in_fields = True
        elif not body.strip():
            in_fields = False
        elif not re.sub(rb"^(?:> ?)+", b"", body)[:1].isspace():
            in_fields = False
        if in_fields:
            out.append(l)
            continue
        out += [x + (b"\r" if cr else b"") for x in wrap_line(body, width)]
    return b"\n".join(out)

def on_notice_text(raw, fn):
    msg = Part(raw)
    changed = False
    for leaf in notice_leaves(msg):
        if not human_text(leaf):
            continue
        data = decoded(leaf)
        if data is None:
            continue
        new = fn(data)
        if new != data:
            leaf.body = encoded(leaf, new)
            changed = True
    return msg.bytes() if changed else raw

def rewrap(width):
    return lambda raw: on_notice_text(raw, lambda d: rewrap_text(d, width))

def fold_block(header, width):
    out = []
    for l in header.split(b"\n"):
        cr = l.endswith(b"\r")
        body = l[:-1] if cr else l
        if len(body) <= width or not (FIELD_LINE.match(body) or body[:1] in (b" ", b"\t")):
            out.append(l)
            continue
        # RFC 5322 2.2.3: a line break inserted before white space is undone by unfolding
        pieces, cur = [], body
        while len(cur) > width:
            cut = max(cur.rfind(b" ", 1, width), cur.rfind(b"\t", 1, width))
            if cut <= 0 or not cur[:cut].strip(b" \t"):
                m = re.compile(rb"[ \t]").search(cur, width)
                cut = m.start() if m else -1
            if cut <= 0:
                break
            pieces.append(cur[:cut])
            cur = cur[cut:]
        pieces.append(cur)
        out += [p + (b"\r" if cr else b"") for p in pieces]
    return b"\n".join(out)

def fold(width):
    def go(raw):
        msg = Part(raw)
        def walk(p):
            p.header = fold_block(p.header, width)
            if p.parts is not None:
                for c in p.parts:
                    walk(c)
            elif p.ctype in ("message/delivery-status", "message/global-delivery-status") and p.cte in ("", "7bit", "8bit"):
                # the per-message and per-recipient fields are header fields too (RFC 3464 2.1)
                p.body = fold_block(p.body, width)
        walk(msg)
        return msg.bytes()
    return go

def indent(prefix):
    def fn(data):
        return map_text_lines(data, lambda l: [prefix + l if l.strip() else l])
    return lambda raw: on_notice_text(raw, fn)

def deindent(raw):
    return on_notice_text(raw, lambda d: map_text_lines(d, lambda l: [l.lstrip(b" \t")]))

def lf(raw):
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")

def crlf(raw):
    return lf(raw).replace(b"\n", b"\r\n")

def bare_cr(raw):
    return lf(raw).replace(b"\n", b"\r")

def summary_of(raw):
    """From, Date, To and Subject of a message, unfolded, as a client shows them."""
    m = HEADER_END.search(raw)
    fields = BytesHeaderParser(policy=policy.compat32).parsebytes((raw[:m.start()] if m else raw) + b"\n\n")
    def get(name):
        v = fields.get(name)
        return str(v).encode("latin-1", "replace").replace(b"\n", b" ").replace(b"\r", b"") if v else b""
    return {k: get(k) for k in ("from", "date", "to", "subject")}

def flattened(part, out):
    """What a mail client shows of a message when it forwards it inline: the text of every part."""
    if part.parts is not None:
        for p in part.parts:
            flattened(p, out)
        return
    if part.ctype == "message/rfc822":
        inner = Part(part.body)
        out.append(inner.header + b"\n\n")
        flattened(inner, out)
        return
    # a multipart whose boundary never occurs is shown as the text it is
    if part.ctype.startswith("text/") or part.ctype.startswith("message/") or part.ctype == "application/json" \
            or part.ctype.startswith("multipart/"):
        data = decoded(part)
        if data is not None:
            out.append(lf(data).rstrip(b"\n") + b"\n\n")

def forward_inline(style, quote):
    def go(raw):
        raw = lf(raw)
        body = []
        flattened(Part(raw), body)
        h = summary_of(raw)
        text = b"".join(body)
        if quote:
            text = b"\n".join((b"> " + l if l else b">") for l in text.split(b"\n"))
        if style == "gmail":
            banner = (b"---------- Forwarded message ---------\nFrom: " + h["from"] +
                      b"\nDate: " + h["date"] + b"\nSubject: " + h["subject"] +
                      b"\nTo: " + h["to"] + b"\n\n")
        else:
            banner = (b"-----Original Message-----\nFrom: " + h["from"] +
                      b"\nSent: " + h["date"] + b"\nTo: " + h["to"] +
                      b"\nSubject: " + h["subject"] + b"\n\n")
        return (b"From: Anna Keller <anna.keller@forwarder.example>\nTo: helpdesk@forwarder.example\n"
                b"Subject: Fwd: " + h["subject"] + b"\nDate: Mon, 2 Mar 2020 10:00:00 +0000\n"
                b"Message-ID: <variant-forward@forwarder.example>\nMIME-Version: 1.0\n"
                b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                b"Please have a look at the bounce below.\n\n" + banner + text)
    return go

def attach_rfc822(raw):
    raw = lf(raw)
    if raw.startswith(b"From ") :
        raw = raw[raw.index(b"\n") + 1:]
    return (b"From: Anna Keller <anna.keller@forwarder.example>\nTo: helpdesk@forwarder.example\n"
            b"Subject: Fwd: " + summary_of(raw)["subject"] + b"\nDate: Mon, 2 Mar 2020 10:00:00 +0000\n"
            b"Message-ID: <variant-attach@forwarder.example>\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"variant-boundary-3f1c\"\n\n"
            b"--variant-boundary-3f1c\nContent-Type: text/plain; charset=us-ascii\n\n"
            b"Please have a look at the attached bounce.\n\n"
            b"--variant-boundary-3f1c\nContent-Type: message/rfc822\n\n" + raw +
            (b"" if raw.endswith(b"\n") else b"\n") + b"\n--variant-boundary-3f1c--\n")

def set_cte(header, cte):
    lines = header.split(b"\n")
    out, skip = [], False
    for l in lines:
        if skip and l[:1] in (b" ", b"\t"):
            continue
        skip = bool(re.match(rb"(?i)content-transfer-encoding:", l))
        if not skip:
            out.append(l)
    out.append(b"Content-Transfer-Encoding: " + cte)
    return b"\n".join(out)

def transfer_encode(cte):
    def go(raw):
        raw = lf(raw)
        msg = Part(raw)
        top_level_text = msg.parts is None
        changed = False
        for leaf in notice_leaves(msg):
            if not leaf.ctype.startswith("text/") or leaf.cte not in ("", "7bit", "8bit", "binary"):
                continue
            if leaf is msg and raw.startswith(b"From "):
                continue
            data = leaf.body
            leaf.body = base64.encodebytes(data) if cte == b"base64" else quopri.encodestring(data)
            if not leaf.header.strip():
                # a part with no header fields at all: the field and the blank line after it
                leaf.header, leaf.sep = b"Content-Transfer-Encoding: " + cte, b"\n\n"
            else:
                leaf.header = set_cte(leaf.header, cte)
            if leaf is msg and top_level_text and not re.search(rb"(?im)^mime-version:", leaf.header):
                leaf.header += b"\nMIME-Version: 1.0"
            if not leaf.sep:
                leaf.sep = b"\n\n"
            changed = True
        return msg.bytes() if changed else raw
    return go

def roundtrip(raw):
    return Part(raw).bytes()

TRANSFORMS = {
    "roundtrip": roundtrip,   # control: split and reassembled unchanged
    "rewrap-40": rewrap(40), "rewrap-64": rewrap(64), "rewrap-990": rewrap(990),
    "fold-40": fold(40), "fold-64": fold(64), "fold-990": fold(990),
    "indent-2": indent(b"  "), "indent-4": indent(b"    "), "indent-tab": indent(b"\t"),
    "deindent": deindent,
    "crlf": crlf, "bare-cr": bare_cr,
    "forward-gmail-quoted": forward_inline("gmail", True),
    "forward-outlook-quoted": forward_inline("outlook", True),
    "forward-outlook": forward_inline("outlook", False),
    "attach-rfc822": attach_rfc822,
    "quoted-printable": transfer_encode(b"quoted-printable"),
    "base64": transfer_encode(b"base64"),
}

FIELD_START = re.compile(rb"[A-Za-z0-9-]+:[ \t]")
RETURNED_HEADER = re.compile(rb"(?im)^(?:received|return-path|message-id|from|date|subject|mime-version|dkim-signature):[ \t]")

def returned_header_at(data):
    """Offset of the first paragraph that is a message's header (fields, one of them one
    every message has), or -1."""
    pos = 0
    while pos < len(data):
        end = data.find(b"\n\n", pos)
        para = data[pos:] if end < 0 else data[pos:end]
        if FIELD_START.match(para) and RETURNED_HEADER.search(para):
            return pos
        if end < 0:
            return -1
        pos = end + 2
    return -1

def notice_words(raw):
    """The words of the notice itself, lower case: its leaves outside the
    returned message, each cut where an inline copy's header paragraph begins."""
    out = []
    for leaf in notice_leaves(Part(lf(raw))):
        if leaf.ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global-headers"):
            continue
        data = decoded(leaf)
        if data is None:
            continue
        at = returned_header_at(data.lstrip(b"\n"))
        if at >= 0:
            data = data.lstrip(b"\n")[:at]
        out.append(data)
    return b"\n".join(out).decode("latin-1").lower()

# A client forwarding inline shows the text and a summary of From, Date, To
# and Subject; a bounce that names its failed address only elsewhere (in
# X-Failed-Recipients, in the returned message) has nothing left to read
# it from: those messages are counted as "not applicable", not compared.
INLINE_FORWARDS = ("forward-gmail-quoted", "forward-outlook-quoted", "forward-outlook")

# An mbox file of several messages is not one bounce to forward or attach.
WHOLE_MESSAGE = INLINE_FORWARDS + ("attach-rfc822",)

def comparable(t, rows, notice_text):
    if t in WHOLE_MESSAGE and len({r.get("offset") for r in rows}) > 1:
        return False
    if t in INLINE_FORWARDS:
        return all((r.get("recipient") or "").lower() in notice_text for r in rows)
    return True

# Which fields a transformation must keep, beyond the set of recipients.
# Every transformation keeps all of FIELDS: none of them removes a word of the
# notice, a status code or a field; re-wrapping only moves line breaks.
COMPARE = {t: FIELDS for t in TRANSFORMS}

# ---------------------------------------------------------------- running
def analyze(binary, directory):
    out = subprocess.run([binary, "analyze", "--format", "ndjson", directory],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, timeout=600)
    if out.returncode not in (0, 1):
        sys.exit("analyze %s failed (%d): %s" % (directory, out.returncode, out.stderr.decode(errors="replace")[:500]))
    got = {}
    for line in out.stdout.decode(errors="replace").splitlines():
        if line.strip():
            r = json.loads(line)
            got.setdefault(os.path.basename(r["source"]), []).append(r)
    return got

def diagnosis(rows, fields):
    return sorted(((r.get("recipient") or "").lower(),) + tuple(str(r.get(f)) for f in fields) for r in rows)

def is_holdout(name):
    m = re.search(r"-(\d+)\.eml$", name)
    return bool(m) and int(m.group(1)) % 5 == 0

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.join(here, "..", "..")
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(root, "build", "bounce-analyzer"))
    ap.add_argument("--samples", default=os.path.join(root, "samples"))
    ap.add_argument("--corpus", default=os.path.join(root, "..", "shared", "corpus", "sisimai"))
    ap.add_argument("--only", default="", help="comma list of transformations")
    ap.add_argument("--samples-allow", type=int, default=0, help="samples allowed to change per transformation")
    ap.add_argument("--corpus-floor", default="0",
                    help="minimum %% of corpus mails unchanged per transformation: a number for all, "
                         "and/or T=PCT for one (\"97,crlf=100\")")
    ap.add_argument("--json", default="", help="write the figures to this file")
    ap.add_argument("--keep", default="", help="write the variants under this directory and keep them (samples only)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the samples' diagnoses that changed and name the read corpus mails that changed")
    a = ap.parse_args()

    floors, default_floor = {}, 0.0
    for item in filter(None, a.corpus_floor.split(",")):
        k, _, v = item.rpartition("=")
        try:
            if k and k not in TRANSFORMS:
                raise ValueError("unknown transformation %s" % k)
            if k:
                floors[k] = float(v)
            else:
                default_floor = float(v)
        except ValueError as e:
            sys.exit("bad --corpus-floor %r: %s" % (item, e))
    names = [t for t in (a.only.split(",") if a.only else TRANSFORMS) if t]
    for t in names:
        if t not in TRANSFORMS:
            sys.exit("unknown transformation %s (known: %s)" % (t, ", ".join(TRANSFORMS)))
    sets = {"samples": sorted(os.path.join(a.samples, f) for f in os.listdir(a.samples) if f.endswith(".eml"))}
    eml = os.path.join(a.corpus, "eml")
    if os.path.isdir(eml):
        sets["corpus"] = sorted(os.path.join(eml, f) for f in os.listdir(eml) if f.endswith(".eml"))
    if not os.path.exists(a.binary):
        sys.exit("no binary at %s" % a.binary)

    work = a.keep or tempfile.mkdtemp(prefix="ba-variants-")
    jobs, words = {}, {}
    for set_name, files in sets.items():
        src_dir = os.path.join(work, set_name, "original")
        os.makedirs(src_dir, exist_ok=True)
        raws = {}
        for f in files:
            with open(f, "rb") as fh:
                raws[os.path.basename(f)] = fh.read()
        for t in ["original"] + names:
            d = os.path.join(work, set_name, t)
            os.makedirs(d, exist_ok=True)
            for base, raw in raws.items():
                data = raw if t == "original" else TRANSFORMS[t](raw)
                with open(os.path.join(d, base), "wb") as fh:
                    fh.write(data)
            jobs[(set_name, t)] = d
        words[set_name] = {base: notice_words(raw) for base, raw in raws.items()}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(jobs, pool.map(lambda d: analyze(a.binary, d), jobs.values())))

    figures, failed = {}, []
    for set_name, files in sets.items():
        bases = [os.path.basename(f) for f in files]
        orig = results[(set_name, "original")]
        print("== %s: %d messages" % (set_name, len(bases)))
        for t in names:
            var = results[(set_name, t)]
            compared = [b for b in bases if comparable(t, orig.get(b, []), words[set_name][b])]
            changed = [b for b in compared if diagnosis(orig.get(b, []), COMPARE[t]) != diagnosis(var.get(b, []), COMPARE[t])]
            unchanged = 100.0 * (len(compared) - len(changed)) / len(compared) if compared else 100.0
            figures.setdefault(set_name, {})[t] = {"changed": len(changed), "of": len(compared),
                                                   "not_applicable": len(bases) - len(compared),
                                                   "unchanged_pct": round(unchanged, 1)}
            if set_name == "samples":
                shown = changed
            else:
                held = [b for b in changed if is_holdout(b)]
                # read mails are named only with -v (the list is long); held-out ones never
                shown = ([b for b in changed if not is_holdout(b)] if a.verbose else []) + \
                        (["%d held out" % len(held)] if held else [])
                figures[set_name][t]["holdout_changed"] = len(held)
            na = len(bases) - len(compared)
            print("  %-24s %4d changed of %4d (%5.1f %% unchanged)%s%s" % (t, len(changed), len(compared), unchanged,
                  " [%d n/a]" % na if na else "", (": " + " ".join(shown)) if shown else ""))
            if a.verbose and set_name == "samples":
                for b in changed:
                    print("      %s\n        was %s\n        now %s" % (b, diagnosis(orig.get(b, []), COMPARE[t]),
                                                                   diagnosis(var.get(b, []), COMPARE[t])))
            if set_name == "samples" and len(changed) > a.samples_allow:
                failed.append("%s: %d samples changed (allowed %d)" % (t, len(changed), a.samples_allow))
            floor = floors.get(t, default_floor)
            if set_name == "corpus" and unchanged < floor:
                failed.append("%s: corpus %.1f %% unchanged < %.1f %%" % (t, unchanged, floor))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(figures, fh, indent=1)
    if not a.keep:
        subprocess.run(["rm", "-rf", work], check=False)
    if failed:
        print("VARIANTS FAILED: " + "; ".join(failed))
        return 1
    print("variants: passed")
    return 0

if __name__ == "__main__":
    sys.exit(main())
