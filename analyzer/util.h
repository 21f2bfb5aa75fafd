/* util.h - small text helpers shared by the library's modules. */
#ifndef BA_UTIL_H
#define BA_UTIL_H

#include <glib.h>

/* Collapse every run of whitespace (and control characters) into one
 * space and trim both ends; NULL stays NULL. */
char *ba_collapse_ws (const char *s);

/* Copy of at most @max bytes of @s, cut at a UTF-8 character boundary. */
char *ba_strndup_utf8 (const char *s, gsize max);

/* Make @s valid UTF-8 in place or as a copy: invalid bytes become U+FFFD. */
char *ba_utf8_valid (const char *s, gssize len);

/* The first RFC 3463 status code ("5.1.1") in @text, into @out (size 16);
 * FALSE when none.  Ignores dotted quads and version numbers. */
gboolean ba_find_status (const char *text, char out[16]);

/* Is @s a well-formed status code: class 2, 4 or 5, then 1-3 digits twice. */
gboolean ba_status_valid (const char *s);

/* The first SMTP reply code (200-599) at the start of @text or after a
 * separator, or 0. */
int ba_find_reply_code (const char *text);

/* The RFC 3463 status an SMTP reply code implies when a bounce gives none
 * (RFC 5321 section 4.2, RFC 3463, RFC 4954, RFC 7504, RFC 7505): a code
 * whose meaning is one status gives it ("452" 4.3.1, "535" 5.7.8), any
 * other 2xx/4xx/5xx its class ("550" 5.0.0).  NULL for anything else. */
const char *ba_status_of_reply_code (int code);

/* ISO 8601 with offset, or NULL. */
char *ba_iso_date (GDateTime *dt);

/* Parse an RFC 5322 date into ISO 8601, or NULL. */
char *ba_rfc5322_to_iso (const char *s);

/* Strip a DSN type prefix ("rfc822;", "smtp;", "dns;") and blanks; for
 * addresses also the angle brackets. */
char *ba_dsn_strip_type (const char *value, gboolean address);

/* Lower-case domain part of an address, or NULL. */
char *ba_address_domain (const char *address);

#endif
