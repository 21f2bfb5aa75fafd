/* storage-hash.c - a message's identity: content hashes of byte ranges
 * of a file, canonical paths, and what names a single-message file.
 *
 * Identities (the messages table's identity column):
 *   file:PATH            a message file, by canonical path
 *   maildir:DIR/NAME     a Maildir message, by folder and unique name (the
 *                        file name up to ':'), so that a message moved from
 *                        new/ to cur/ or flagged is still the same message
 *   mbox:PATH:SHA256     an mbox message, by its mbox and its content (From_
 *                        line too), so that a rewritten mbox is read again
 *                        without duplicates
 *   stdin:SHA256         standard input, by content
 * content_hash is the SHA-256 of the message's bytes as stored in the
 * file: for an mbox from its From_ line up to the next one. */
#include "storage-private.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static gboolean
pread_all (int fd, char *buf, gsize len, gint64 offset)
{
    gsize done = 0;
    while (done < len) {
        ssize_t n = pread (fd, buf + done, len - done, offset + done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        done += n;
    }
    return TRUE;
}

gboolean
ba_hash_range (int fd, gint64 offset, gint64 len, char out[65], gint64 prefix_len, char prefix_out[65])
{
    GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
    char buf[65536];
    gint64 done = 0;
    gboolean ok = TRUE;

    if (prefix_out)
        prefix_out[0] = '\0';
    while (done < len) {
        gint64 want = MIN ((gint64) sizeof buf, len - done);
        if (prefix_out && prefix_len > done && prefix_len < done + want)
            want = prefix_len - done;
        if (!pread_all (fd, buf, want, offset + done)) {
            ok = FALSE;
            break;
        }
        g_checksum_update (sum, (const guchar *) buf, want);
        done += want;
        if (prefix_out && done == prefix_len && done < len) {
            GChecksum *copy = g_checksum_copy (sum);
            g_strlcpy (prefix_out, g_checksum_get_string (copy), 65);
            g_checksum_free (copy);
        }
    }
    if (ok)
        g_strlcpy (out, g_checksum_get_string (sum), 65);
    g_checksum_free (sum);
    return ok;
}

void
ba_hash_string (const char *s, gsize len, char out[65])
{
    char *h = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) s, len);
    g_strlcpy (out, h, 65);
    g_free (h);
}

/* A file inside a Maildir's cur/ or new/: the Maildir and the unique
 * part of the name (flags after ':' change as the message is read). */
char *
ba_store_file_identity (const char *canon)
{
    char *dir = g_path_get_dirname (canon);
    char *base = g_path_get_basename (canon);
    char *sub = g_path_get_basename (dir);
    char *id = NULL;

    if (!strcmp (sub, "cur") || !strcmp (sub, "new")) {
        char *folder = g_path_get_dirname (dir);
        char *cur = g_build_filename (folder, "cur", NULL);
        char *new = g_build_filename (folder, "new", NULL);
        if (g_file_test (cur, G_FILE_TEST_IS_DIR) && g_file_test (new, G_FILE_TEST_IS_DIR)) {
            char *colon = strchr (base, ':');
            id = g_strdup_printf ("maildir:%s/%.*s", folder,
                                  colon ? (int) (colon - base) : (int) strlen (base), base);
        }
        g_free (cur);
        g_free (new);
        g_free (folder);
    }
    if (!id)
        id = g_strconcat ("file:", canon, NULL);
    g_free (dir);
    g_free (base);
    g_free (sub);
    return id;
}

char *
ba_store_canonical (const char *path)
{
    char *r;
    if (!strcmp (path, "-"))
        return g_strdup ("-");
    r = realpath (path, NULL);
    if (r) {
        char *copy = g_strdup (r);
        free (r);
        return copy;
    }
    return g_canonicalize_filename (path, NULL);
}
