/* serve.h - the pages of bounce-analyzer serve (serve-pages.c), built
 * into a GString for cmd-serve.c to send; no I/O but the database's. */
#ifndef BA_SERVE_H
#define BA_SERVE_H

#include "commands.h"

#define SERVE_MAX_QUERY 256     /* characters of a search */
#define SERVE_MAX_SHOWN 20      /* diagnoses on a why page */

typedef struct {
    const char *db;             /* opened read-only for each request */
    const ba_ruleset *set;      /* may be NULL */
} serve_site;

/* A page's answer: an HTTP status and a body of a content type. */
typedef struct {
    guint status;
    const char *type;           /* "text/html; charset=utf-8", "application/json" */
    GString *body;
} serve_reply;

void serve_home (const serve_site *site, serve_reply *r);
/* @q: the search (an address, a domain or words), NULL when none. */
void serve_why (const serve_site *site, const char *q, gboolean json, serve_reply *r);
void serve_report (const serve_site *site, serve_reply *r);
void serve_incidents (const serve_site *site, gboolean json, serve_reply *r);
/* An error page (or JSON object) saying @message. */
void serve_error (serve_reply *r, guint status, gboolean json, const char *message);

#endif
