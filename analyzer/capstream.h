/* capstream.h - a GMimeStream between a file and GMime's parser that cuts
 * what GMime would hold whole in memory: a header field past
 * BA_CAP_FIELD bytes (folded lines included), the fields of a header block
 * past BA_CAP_BLOCK bytes, any other line past BA_CAP_LINE bytes, and a
 * multipart's prologue or epilogue past BA_CAP_FACE bytes.  It
 * keeps the map from its own byte positions to the source's, so offsets
 * (of mbox messages) and part contents (read from the source, uncut) stay
 * exact. */
#ifndef BA_CAPSTREAM_H
#define BA_CAPSTREAM_H

#include <gmime/gmime.h>

#define BA_CAP_FIELD (64 * 1024)
#define BA_CAP_BLOCK (1024 * 1024)
#define BA_CAP_LINE  (1024 * 1024)
#define BA_CAP_FACE  (1024 * 1024)  /* a multipart's prologue or epilogue (message.c reads 1 MiB of it) */

/* Wrap @source (a ref is taken).  When @source can tell its position, so
 * can the new stream, and its substreams are the source's. */
GMimeStream *ba_cap_stream_new (GMimeStream *source);

/* The number of source bytes behind the first @emitted bytes the stream
 * gave out. */
gint64 ba_cap_stream_to_source (GMimeStream *stream, gint64 emitted);

/* The warnings (of char*) for cuts made before emitted byte @upto, which
 * the stream then forgets; NULL when none. */
GPtrArray *ba_cap_stream_take_warnings (GMimeStream *stream, gint64 upto);

#endif
