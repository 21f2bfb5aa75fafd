/* address.h - an address as a field or a notice line wraps it: brackets,
 * quotes, "mailto:", a sentence's punctuation. */
#ifndef BA_ADDRESS_H
#define BA_ADDRESS_H

#include <glib.h>

/* @raw without what wraps the address in it: spaces, "mailto:", the
 * brackets < > ( ) [ ] (doubled, paired or not), quotes around the whole
 * address, and the , ; : . that end a sentence or a list item.  A quoted
 * local part ("j doe"@example.com) and a domain literal (a@[192.0.2.1])
 * are kept.  A new string (empty when nothing is left); NULL for NULL. */
char *ba_address_unwrap (const char *raw);

/* How many bytes of wrapping (brackets, quotes, "mailto:") open the
 * address at @s (of @n bytes); at most a few. */
gsize ba_address_opening (const char *s, gsize n);

#endif
