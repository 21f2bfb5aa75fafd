# Hostile input, area "database": a damaged, foreign, full or read-only
# store is refused with words that say so, queries never write, and an
# empty address is a usage error (issue 9, inputs 9, 10 and 11).
dbdir=$tmp/database
mkdir -p "$dbdir"
store=$dbdir/s.db
"$bin" ingest -q --db "$store" samples > /dev/null 2>&1 || bad "database: ingest of samples failed"

# expect_error NAME WORDS CMD...: CMD exits 1 and says WORDS on stderr
expect_error () {
    local name=$1 words=$2
    shift 2
    if within 60 "$@"; then :; fi
    [ "$status" = 1 ] && ok || bad "$name: exit $status, not 1 ($err)"
    contains "$name" "$err" "$words"
}

# queries: the store byte-identical, no -wal or -shm left
cp "$store" "$dbdir/before.db"
for q in "why retail.example" "why orders@retail.example" "search" "search --format csv" \
         "search --format json" "search relays.ordb.org" "report" "report --format csv" \
         "report --format json" "reclassify --dry-run"; do
    # shellcheck disable=SC2086
    within 30 "$bin" $q --db "$store" && [ "$status" = 0 ] && ok || bad "database: $q: exit $status ($err)"
done
cmp -s "$store" "$dbdir/before.db" && ok || bad "database: a query changed the store"
[ ! -e "$store-wal" ] && [ ! -e "$store-shm" ] && ok || bad "database: a query left a -wal or -shm"

# a user who may not write the store or its directory can query it, not ingest
as_reader=
if [ "$(id -u)" = 0 ]; then
    command -v setpriv > /dev/null && as_reader="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
    as_reader=env
fi
rodir=$(mktemp -d)
cp "$store" "$rodir/s.db"
chmod 755 "$rodir"
chmod 644 "$rodir/s.db"
[ "$(id -u)" = 0 ] || chmod a-w "$rodir/s.db" "$rodir"
if [ -n "$as_reader" ] && $as_reader "$bin" --version > /dev/null 2>&1 \
   && $as_reader test -r "$rodir/s.db" && ! $as_reader test -w "$rodir"; then
    within 30 $as_reader "$bin" why --db "$rodir/s.db" retail.example
    [ "$status" = 0 ] && ok || bad "database: read-only user: why: exit $status ($err)"
    contains "database: read-only user: why" "$out" "retail.example"
    cmp -s "$rodir/s.db" "$store" && ok || bad "database: read-only user: why changed the store"
    [ ! -e "$rodir/s.db-wal" ] && [ ! -e "$rodir/s.db-shm" ] && ok || bad "database: read-only user: -wal/-shm left"
    expect_error "database: read-only user: ingest" "read-only" \
        $as_reader "$bin" ingest -q --db "$rodir/s.db" samples/exim-mailboxfull.eml
    expect_error "database: read-only directory: new store" "read-only" \
        $as_reader "$bin" ingest -q --db "$rodir/new.db" samples/exim-mailboxfull.eml
    [ ! -e "$rodir/new.db" ] && [ ! -e "$rodir/s.db-wal" ] && ok || bad "database: read-only user: files created"
    # a writer killed with its -wal and -shm left: readable through them; without the -shm, said so
    chmod u+w "$rodir" "$rodir/s.db"
    python3 -c 'import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode = WAL")
c.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("left", "behind")); c.commit(); os._exit(0)' "$rodir/s.db"
    [ "$(id -u)" = 0 ] || chmod a-w "$rodir/s.db" "$rodir/s.db-wal" "$rodir/s.db-shm" "$rodir"
    within 30 $as_reader "$bin" why --db "$rodir/s.db" retail.example
    [ "$status" = 0 ] && [ -e "$rodir/s.db-wal" ] && ok || bad "database: read-only user, -wal left: why: exit $status ($err)"
    chmod u+w "$rodir"
    rm -f "$rodir/s.db-shm"
    [ "$(id -u)" = 0 ] || chmod a-w "$rodir"
    expect_error "database: read-only user, -wal without -shm: why" "has a -wal file" \
        $as_reader "$bin" why --db "$rodir/s.db" retail.example
else
    echo "   (database: no read-only user to test with: skipped)"
fi
chmod -R u+w "$rodir"
rm -rf "$rodir"

# a store damaged in the middle: ingest refuses it and leaves it as it was
cp "$store" "$dbdir/bad.db"
pages=$(( $(stat -c %s "$dbdir/bad.db") / 4096 ))
head -c 8192 /dev/urandom | dd of="$dbdir/bad.db" bs=4096 seek=$((pages / 2)) conv=notrunc status=none
cp "$dbdir/bad.db" "$dbdir/bad-before.db"
expect_error "database: damaged store: ingest" "is damaged" \
    "$bin" ingest -q --db "$dbdir/bad.db" samples/exim-mailboxfull.eml
cmp -s "$dbdir/bad.db" "$dbdir/bad-before.db" && ok || bad "database: ingest wrote into a damaged store"
lacks "database: damaged store: ingest" "$out" "0 errors"

# not a database, a directory, a missing directory
head -c 6000 /dev/urandom > "$dbdir/random.db"
expect_error "database: random bytes: ingest" "not an SQLite database" \
    "$bin" ingest -q --db "$dbdir/random.db" samples/exim-mailboxfull.eml
expect_error "database: random bytes: why" "not an SQLite database" \
    "$bin" why --db "$dbdir/random.db" example.com
mkdir "$dbdir/dir.db"
expect_error "database: a directory: ingest" "is a directory" \
    "$bin" ingest -q --db "$dbdir/dir.db" samples/exim-mailboxfull.eml
mkfifo "$dbdir/fifo.db"
expect_error "database: a FIFO: why" "not a regular file" "$bin" why --db "$dbdir/fifo.db" example.com
expect_error "database: a FIFO: ingest" "not a regular file" \
    "$bin" ingest -q --db "$dbdir/fifo.db" samples/exim-mailboxfull.eml
expect_error "database: no such directory" "no directory" \
    "$bin" ingest -q --db "$dbdir/none/s.db" samples/exim-mailboxfull.eml

# a full disk: a small tmpfs in a private mount namespace (root only)
if [ "$(id -u)" = 0 ] && unshare -m sh -c "mount -t tmpfs -o size=200k tmpfs '$dbdir'" 2>/dev/null; then
    mkdir -p "$dbdir/full"
    expect_error "database: disk full: ingest" "no space left" unshare -m sh -c \
        "mount -t tmpfs -o size=200k tmpfs '$dbdir/full' && exec '$bin' ingest -q --db '$dbdir/full/s.db' samples"
else
    echo "   (database: cannot mount a small file system: disk-full case skipped)"
fi

# an empty or punctuation-only address or domain is a usage error
for target in "@" " " "" "..." "user@" "@@"; do
    within 10 "$bin" why --db "$store" "$target"
    [ "$status" = 2 ] && ok || bad "database: why '$target': exit $status, not 2"
    lacks "database: why '$target' lists nothing" "$out" "@"
done
within 10 "$bin" search --db "$store" --domain "@"
[ "$status" = 2 ] && ok || bad "database: search --domain @: exit $status, not 2"
