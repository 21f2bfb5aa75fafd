# Hostile input, area "store": what the content key reads (a From_ line
# with no end, a file of bare CRs, a body of nothing but line ends) is
# hashed in bounded time and memory, each file stored once.
sdir=$tmp/store-identity
mkdir -p "$sdir/m/cur" "$sdir/m/new" "$sdir/m/tmp"
{ printf 'From x'; head -c 4000000 /dev/zero | tr '\0' 'a'; } > "$sdir/m/new/1.a"
head -c 4000000 /dev/zero | tr '\0' '\r' > "$sdir/m/new/2.b"
{ printf 'Subject: x\n\n'; head -c 4000000 /dev/zero | tr '\0' '\n'; } > "$sdir/m/new/3.c"
{ printf 'Message-ID: <a@b>\r\n\r\n'; head -c 4000000 /dev/zero | tr '\0' '\r'; printf '\n'; } > "$sdir/m/new/4.d"
if within 60 "$bin" ingest --db "$sdir/s.db" "$sdir/m"; then ok; else bad "store: ingest of hostile Maildir files did not finish"; fi
[ "$status" = 0 ] && ok || bad "store: hostile Maildir files: exit $status ($err)"
contains "store: hostile Maildir files" "$out" "4 messages read"
if within 60 "$bin" ingest --db "$sdir/s.db" "$sdir/m"; then ok; else bad "store: second ingest did not finish"; fi
contains "store: hostile Maildir files, again" "$out" "4 skipped"
# the same four, copied into an mbox-less second folder: found, not stored again
mkdir -p "$sdir/n/cur" "$sdir/n/new" "$sdir/n/tmp"
cp "$sdir"/m/new/* "$sdir/n/cur/"
if within 60 "$bin" ingest --db "$sdir/s.db" "$sdir/n"; then ok; else bad "store: copies did not finish"; fi
contains "store: hostile copies" "$out" "4 of the skipped found in a new place"
