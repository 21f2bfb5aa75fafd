/* reader-private.h - what the reader (reader.c) takes from reader-file.c:
 * the bare-CR filter, standard input's spool, and From_ line look-ups on a
 * file descriptor. */
#ifndef BA_READER_PRIVATE_H
#define BA_READER_PRIVATE_H

#include "bounce-analyzer.h"

/* The GMime filter that maps bare CR line ends to LF, keeping offsets. */
GType ba_filter_cr_get_type (void);

/* Standard input copied to an unlinked temporary file (see reader-file.c). */
int ba_reader_spool_stdin (gboolean *cut, GError **error);

/* Is @offset of @fd the start of a From_ line? */
gboolean ba_reader_is_from_line (int fd, gint64 offset);

/* Where the chunk of an mbox that begins at @from ends (SHARE_CHUNK on). */
gint64 ba_reader_chunk_end_after (int fd, gint64 from, gint64 end);

/* The offset of the last From_ line of @fd before @end, or 0. */
gint64 ba_reader_last_from_line (int fd, gint64 end);

/* Have GMime leave a message/rfc822 part (and its kin) a plain part (message-original.c). */
void ba_original_register (void);

/* An mbox at least this big is shared among workers in chunks of about this size. */
#define SHARE_CHUNK ((gint64) 1024 * 1024)

#endif
