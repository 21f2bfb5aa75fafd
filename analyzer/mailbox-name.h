/* mailbox-name.h - complete a bare mailbox name ("jdoe", an AOL screen
 * name, a GroupWise user ID) that a notice gives without its @domain. */
#ifndef BA_MAILBOX_NAME_H
#define BA_MAILBOX_NAME_H

#include <glib.h>

/* Is @name a plausible mailbox name on its own: at most 64 letters,
 * digits and . _ + = -, not starting or ending with a dot (a pipe, a path
 * or a quoted name is never one)? */
gboolean ba_mailbox_name_plausible (const char *name);

/* Is @name a plausible display name ("John Doe", "Doe, John"): at most
 * 64 bytes with a letter and a space or comma, and no @ < > " or control
 * characters? */
gboolean ba_display_name_plausible (const char *name);

/* The address of @name: the To, Cc or Bcc address of @original_headers
 * (the returned message's "Name: value" header block, may be NULL) whose
 * local part is @name, or whose display name is @name (a display name
 * also matches written "Last, First"); else @name@@domain when @name is a
 * mailbox name and @domain is given; else NULL.  A new string. */
char *ba_mailbox_name_complete (const char *name, const char *original_headers,
                                const char *domain);

/* The To, Cc and Bcc addresses of @original_headers (at most 1000), read
 * once for completing many names. */
typedef struct ba_original_addresses ba_original_addresses;
ba_original_addresses *ba_original_addresses_new (const char *original_headers);
void ba_original_addresses_free (ba_original_addresses *o);
/* As ba_mailbox_name_complete, with the addresses read already. */
char *ba_original_addresses_complete (const ba_original_addresses *o, const char *name,
                                      const char *domain);

#endif
