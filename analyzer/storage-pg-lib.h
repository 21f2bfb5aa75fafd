/* storage-pg-lib.h - libpq, loaded when a PostgreSQL database is first
 * opened: linked, it loaded its TLS, Kerberos and LDAP libraries into
 * every command (13.5 M of classify's 69 M instructions).  The PQ
 * functions the backend calls go through the table this fills. */
#ifndef BA_STORAGE_PG_LIB_H
#define BA_STORAGE_PG_LIB_H

#include <glib.h>
#include <libpq-fe.h>

/* libpq's soname, stable since PostgreSQL 8.0 */
#define BA_LIBPQ_SONAME "libpq.so.5"

#define BA_LIBPQ_FUNCTIONS(F) \
    F (PQclear) \
    F (PQconnectdb) \
    F (PQerrorMessage) \
    F (PQexec) \
    F (PQexecParams) \
    F (PQexecPrepared) \
    F (PQfinish) \
    F (PQgetisnull) \
    F (PQgetResult) \
    F (PQgetvalue) \
    F (PQlibVersion) \
    F (PQnfields) \
    F (PQntuples) \
    F (PQprepare) \
    F (PQresultErrorField) \
    F (PQresultErrorMessage) \
    F (PQresultStatus) \
    F (PQsendQueryParams) \
    F (PQsendQueryPrepared) \
    F (PQsetClientEncoding) \
    F (PQsetSingleRowMode) \
    F (PQstatus)

typedef struct {
#define BA_LIBPQ_MEMBER(fn) __typeof__ (fn) *fn;
    BA_LIBPQ_FUNCTIONS (BA_LIBPQ_MEMBER)
#undef BA_LIBPQ_MEMBER
} ba_libpq_table;

/* Load libpq, once per process; FALSE with @error when it cannot be. */
gboolean ba_libpq_load (GError **error);
/* Its functions: only once ba_libpq_load has returned TRUE. */
const ba_libpq_table *ba_libpq (void);

#ifndef BA_LIBPQ_LOADER
#define PQclear(...) (ba_libpq ()->PQclear (__VA_ARGS__))
#define PQconnectdb(...) (ba_libpq ()->PQconnectdb (__VA_ARGS__))
#define PQerrorMessage(...) (ba_libpq ()->PQerrorMessage (__VA_ARGS__))
#define PQexec(...) (ba_libpq ()->PQexec (__VA_ARGS__))
#define PQexecParams(...) (ba_libpq ()->PQexecParams (__VA_ARGS__))
#define PQexecPrepared(...) (ba_libpq ()->PQexecPrepared (__VA_ARGS__))
#define PQfinish(...) (ba_libpq ()->PQfinish (__VA_ARGS__))
#define PQgetisnull(...) (ba_libpq ()->PQgetisnull (__VA_ARGS__))
#define PQgetResult(...) (ba_libpq ()->PQgetResult (__VA_ARGS__))
#define PQgetvalue(...) (ba_libpq ()->PQgetvalue (__VA_ARGS__))
#define PQlibVersion(...) (ba_libpq ()->PQlibVersion (__VA_ARGS__))
#define PQnfields(...) (ba_libpq ()->PQnfields (__VA_ARGS__))
#define PQntuples(...) (ba_libpq ()->PQntuples (__VA_ARGS__))
#define PQprepare(...) (ba_libpq ()->PQprepare (__VA_ARGS__))
#define PQresultErrorField(...) (ba_libpq ()->PQresultErrorField (__VA_ARGS__))
#define PQresultErrorMessage(...) (ba_libpq ()->PQresultErrorMessage (__VA_ARGS__))
#define PQresultStatus(...) (ba_libpq ()->PQresultStatus (__VA_ARGS__))
#define PQsendQueryParams(...) (ba_libpq ()->PQsendQueryParams (__VA_ARGS__))
#define PQsendQueryPrepared(...) (ba_libpq ()->PQsendQueryPrepared (__VA_ARGS__))
#define PQsetClientEncoding(...) (ba_libpq ()->PQsetClientEncoding (__VA_ARGS__))
#define PQsetSingleRowMode(...) (ba_libpq ()->PQsetSingleRowMode (__VA_ARGS__))
#define PQstatus(...) (ba_libpq ()->PQstatus (__VA_ARGS__))
#endif

#endif
