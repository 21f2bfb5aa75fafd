# Hostile input, area "import": NDJSON that is not what export writes is
# counted and left out line by line, within time and memory, and never
# stored half; a --db that names PostgreSQL without a server fails with
# words, without the password.
imdir=$tmp/import
mkdir -p "$imdir"
istore=$imdir/i.db
good='{"source":"x","offset":null,"kind":"bounce","recipient":"a@b.example","reason":"userunknown","hard_bounce":true}'

# import_of NAME FILE LEFT_OUT: import FILE; LEFT_OUT lines are said to be left out
import_of () {
    if within 60 "$bin" import --db "$istore" "$2"; then ok; else bad "$1: import took too long"; fi
    [ "$status" = 1 ] && ok || bad "$1: exit $status, not 1 ($err)"
    contains "$1" "$err" "$3 lines left out"
}

python3 - "$imdir" "$good" <<'PY'
import sys
d, good = sys.argv[1], sys.argv[2]
open(d + "/long.ndjson", "w").write('{"diagnostic":"' + "x" * (5 << 20) + '"}\n' + good + "\n")
open(d + "/deep.ndjson", "w").write("[" * 200000 + "]" * 200000 + "\n" + good + "\n")
open(d + "/types.ndjson", "w").write(
    '{"source":1,"kind":"bounce","recipient":"a@b.example","reason":"x","hard_bounce":true}\n'
    '{"source":"y","kind":"nosuchkind","recipient":"a@b.example","reason":"x","hard_bounce":true}\n'
    '{"source":"z","kind":"bounce","recipient":"a@b.example","hard_bounce":true}\n'
    '{"source":"w","kind":"bounce","recipient":"a@b.example","reason":"x","hard_bounce":"yes"}\n'
    '{"source":"v","kind":"bounce","recipient":"a@b.example","reason":"x","hard_bounce":true,"captures":{"k":[1]}}\n'
    + good + "\n")
open(d + "/binary.ndjson", "wb").write(b"\x00\xff\xfe{\x01}\n\xc3\x28\n" + good.encode() + b"\n")
open(d + "/noeol.ndjson", "w").write(good)
PY
import_of "import: a line of 5 MB" "$imdir/long.ndjson" 1
import_of "import: 200,000 nested brackets" "$imdir/deep.ndjson" 1
import_of "import: values of the wrong type, unknown kind, no reason" "$imdir/types.ndjson" 5
import_of "import: binary and invalid UTF-8" "$imdir/binary.ndjson" 2
within 30 "$bin" import --db "$istore" "$imdir/noeol.ndjson" && [ "$status" = 0 ] && ok || bad "import: a last line without a newline: exit $status ($err)"
n=$(sqlite3 "$istore" "SELECT count(*) FROM recipients")
[ "$n" = 1 ] && ok || bad "import: the good line, read from every file, is stored once, not $n times"
within 30 "$bin" import --db "$istore" "$imdir/none.ndjson"
[ "$status" = 1 ] && ok || bad "import: a missing file: exit $status"
contains "import: a missing file" "$err" "none.ndjson"

# PostgreSQL named, no server there
within 30 "$bin" report --db "postgresql://someone:s3cret@127.0.0.1:1/nowhere?connect_timeout=5"
[ "$status" = 1 ] && ok || bad "import: no PostgreSQL server: exit $status"
contains "import: no PostgreSQL server" "$err" "cannot connect to the PostgreSQL database"
lacks "import: no PostgreSQL server" "$err" "s3cret"
within 30 "$bin" report --db "host=127.0.0.1 port=1 password='it s3cret' dbname=x connect_timeout=5"
lacks "import: a key=value string" "$err" "s3cret"
