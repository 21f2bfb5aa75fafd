/* storage-errors.h - what went wrong with the database, in words a
 * postmaster can act on; and the integrity check.  Used by the SQLite
 * backend (storage-sqlite*.c) only. */
#ifndef BA_STORAGE_ERRORS_H
#define BA_STORAGE_ERRORS_H

#include "storage.h"

#include <sqlite3.h>

/* The message and BA_STORE_ERROR code for SQLite's (extended) result @rc
 * with the system's @sys_errno (0: none) on the database @path, while
 * @doing ("reading", "writing", ...; NULL: opening), @sqlite_msg SQLite's
 * own words.  Checks the file system to tell a read-only file from a
 * read-only directory or file system.  Free with g_free(). */
char *ba_store_describe_failure (int rc, int sys_errno, const char *path, const char *doing,
                                 const char *sqlite_msg, int *code);

/* Set @error from the last failure on @db, as ba_store_describe_failure(). */
void ba_store_set_error (GError **error, sqlite3 *db, const char *path, const char *doing);

/* PRAGMA quick_check: FALSE, with a BA_STORE_ERROR_CORRUPT @error that
 * says what is damaged, when the database is corrupt. */
gboolean ba_store_quick_check (sqlite3 *db, const char *path, GError **error);

#endif
