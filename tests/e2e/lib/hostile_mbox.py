"""The hostile mbox the -j tests share: split at From_ lines, with an
unquoted From line inside every 97th message's body (the reader must
resynchronise) and a header line far longer than the reader keeps in every
211th (a warning)."""

SEP = b"\nFrom MAILER-DAEMON "


def hostile(msgs):
    out = []
    for i, m in enumerate(msgs):
        if i % 97 == 5:
            m = m.replace(b"\n\n", b"\n\nFrom nobody Thu Jan  1 00:00:00 1970\nnot a header\n", 1)
        if i % 211 == 7:
            m = m.replace(b"\n", b"\nX-Long: " + b"x" * 200000 + b"\n", 1)
        out.append(m)
    return SEP.join(out)
