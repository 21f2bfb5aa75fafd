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
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SHA-256 by Nettle, not GChecksum: Nettle uses the processor's SHA
 * instructions, and hashing every stored message cost ingest a tenth of
 * the analysis' time with GChecksum (about 5 times Nettle's). */
typedef struct sha256_ctx sha256;

/* The hex digest of @c into @out (which @c is reset by). */
static void
sha256_hex (sha256 *c, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest (c, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}

static void
sha256_add (sha256 *c, const void *data, gsize len)
{
    sha256_update (c, len, data);
}

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
    sha256 sum;
    char buf[65536];
    gint64 done = 0;
    gboolean ok = TRUE;

    sha256_init (&sum);
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
        sha256_add (&sum, buf, want);
        done += want;
        if (prefix_out && done == prefix_len && done < len) {
            sha256 copy = sum;
            sha256_hex (&copy, prefix_out);
        }
    }
    if (ok)
        sha256_hex (&sum, out);
    return ok;
}

void
ba_hash_string (const char *s, gsize len, char out[65])
{
    sha256 c;
    sha256_init (&c);
    sha256_add (&c, s, len);
    sha256_hex (&c, out);
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

/* ---- the content key ---------------------------------------------------- */

/* A message's bytes as hashed for its content key: without a leading
 * From_ line, CRLF as LF, without the line ends it ends with (an mbox
 * adds one), so that the copy in a Maildir and in an mbox agree. */
typedef struct {
    sha256 exact;               /* every byte: content_hash */
    sha256 normal;              /* normalised: without a Message-ID headers and body,
                                 * with one the body, after the blank line */
    gboolean by_body;           /* there is a Message-ID */
    char head[5];
    int head_len;               /* bytes kept in @head while deciding */
    gboolean decided;           /* whether the message starts with "From " is known */
    gboolean skip_line;         /* inside the From_ line */
    gboolean in_body, line_start, pending_cr;
    gsize newlines;             /* line ends held back */
    GString *out;               /* normalised bytes not yet hashed */
} key_hasher;

static void
kh_init (key_hasher *h, const char *message_id)
{
    memset (h, 0, sizeof *h);
    sha256_init (&h->exact);
    sha256_init (&h->normal);
    h->by_body = message_id && *message_id;
    h->line_start = TRUE;
    h->out = g_string_sized_new (65536);
}

static void
kh_flush (key_hasher *h)
{
    if (!h->out->len)
        return;
    if (!h->by_body || h->in_body)
        sha256_add (&h->normal, h->out->str, h->out->len);
    g_string_truncate (h->out, 0);
}

/* One normalised byte: it goes to the body once a line end follows a
 * line end. */
static void
kh_emit (key_hasher *h, char c)
{
    g_string_append_c (h->out, c);
    if (h->in_body)
        return;
    if (c == '\n' && h->line_start) {
        kh_flush (h);
        h->in_body = TRUE;
        return;
    }
    h->line_start = c == '\n';
}

static void
kh_normalise (key_hasher *h, const char *p, gsize len)
{
    for (gsize i = 0; i < len; i++) {
        char c = p[i];
        if (h->skip_line) {
            h->skip_line = c != '\n';
            continue;
        }
        if (h->pending_cr) {
            h->pending_cr = FALSE;
            if (c != '\n') {
                for (; h->newlines; h->newlines--)
                    kh_emit (h, '\n');
                kh_emit (h, '\r');
            }
        }
        if (c == '\r') {
            h->pending_cr = TRUE;
        } else if (c == '\n') {
            h->newlines++;
        } else {
            /* a run of bytes up to the next line end goes as it is */
            gsize run = 1;
            while (i + run < len && p[i + run] != '\r' && p[i + run] != '\n')
                run++;
            for (; h->newlines; h->newlines--)
                kh_emit (h, '\n');
            g_string_append_len (h->out, p + i, run);
            h->line_start = FALSE;
            i += run - 1;
        }
    }
    if (h->out->len >= 65536)
        kh_flush (h);
}

static void
kh_feed (key_hasher *h, const char *p, gsize len)
{
    sha256_add (&h->exact, p, len);
    while (!h->decided && len) {
        h->head[h->head_len++] = *p++;
        len--;
        if (h->head_len == 5) {
            h->decided = TRUE;
            h->skip_line = memcmp (h->head, "From ", 5) == 0;
            kh_normalise (h, h->head, 5);
        }
    }
    kh_normalise (h, p, len);
}

/* The content key: "mid:" and the SHA-256 of the Message-ID, a NUL and the
 * body when there is a Message-ID, else "raw:" and that of the message. */
static void
kh_finish (key_hasher *h, const char *message_id, char hash[65], char **key)
{
    char normal[65];

    if (!h->decided)
        kh_normalise (h, h->head, h->head_len);
    kh_flush (h);
    sha256_hex (&h->exact, hash);
    sha256_hex (&h->normal, normal);
    if (h->by_body) {
        sha256 k;
        char kh[65];
        sha256_init (&k);
        sha256_add (&k, message_id, strlen (message_id) + 1);
        sha256_add (&k, normal, 64);
        sha256_hex (&k, kh);
        *key = g_strconcat ("mid:", kh, NULL);
    } else {
        *key = g_strconcat ("raw:", normal, NULL);
    }
    g_string_free (h->out, TRUE);
}

gboolean
ba_hash_message_at (int fd, gint64 offset, gint64 len, const char *message_id, char hash[65],
                    char **key)
{
    key_hasher h;
    char buf[65536];
    gint64 done = 0;
    gboolean ok = TRUE;

    kh_init (&h, message_id);
    while (done < len) {
        gint64 want = MIN ((gint64) sizeof buf, len - done);
        if (!pread_all (fd, buf, want, offset + done)) {
            ok = FALSE;
            break;
        }
        kh_feed (&h, buf, want);
        done += want;
    }
    kh_finish (&h, message_id, hash, key);
    if (!ok)
        g_clear_pointer (key, g_free);
    return ok;
}

void
ba_hash_message_text (const char *text, gsize len, const char *message_id, char hash[65], char **key)
{
    key_hasher h;
    kh_init (&h, message_id);
    kh_feed (&h, text, len);
    kh_finish (&h, message_id, hash, key);
}
