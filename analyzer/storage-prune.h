/* storage-prune.h - retention: delete the stored bounces older than a date. */
#ifndef BA_STORAGE_PRUNE_H
#define BA_STORAGE_PRUNE_H

#include "storage.h"

typedef struct {
    gint64 messages;            /* bounces (and replies, reports) deleted, or that would be */
    gint64 diagnoses;           /* their per-recipient diagnoses */
} ba_prune_counts;

/* Delete every stored message whose bounce time (else the time it was
 * ingested) is before @before (unix seconds), with its diagnoses and their
 * full-text entries, in one transaction; with @dry_run only count them.
 * Mailbox sources stay recorded, so a later ingest does not store the
 * deleted mbox messages again. */
gboolean ba_store_prune (ba_store *st, gint64 before, gboolean dry_run, ba_prune_counts *counts,
                         GError **error);

#endif
