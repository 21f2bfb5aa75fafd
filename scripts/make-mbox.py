#!/usr/bin/env python3
"""make-mbox.py N OUT SAMPLES_DIR: an mbox of N messages cycling through
the samples' .eml files, with From_ lines and >From quoting (mboxo)."""
import glob, os, re, sys

n, out, samples = int(sys.argv[1]), sys.argv[2], sys.argv[3]
msgs = []
for path in sorted(glob.glob(os.path.join(samples, "*.eml"))):
    with open(path, "rb") as f:
        data = f.read().replace(b"\r\n", b"\n")
    data = re.sub(rb"(?m)^(>*From )", rb">\1", data)
    if not data.endswith(b"\n"):
        data += b"\n"
    msgs.append(data)
with open(out, "wb") as f:
    for i in range(n):
        f.write(b"From MAILER-DAEMON Tue Mar 25 16:02:11 2008\n")
        f.write(msgs[i % len(msgs)])
        f.write(b"\n")
