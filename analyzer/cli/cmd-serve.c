/* cmd-serve.c - bounce-analyzer serve: a small read-only web server for
 * the helpdesk (libsoup 3).  Loopback only unless --allow-remote; GET and
 * HEAD only, no request body, a bounded URI; a strict CSP on every
 * answer; expensive pages rate-limited; one log line per request. */
#include "serve.h"
#include "emit.h"
#include "html.h"

#include <glib-unix.h>
#include <libsoup/soup.h>
#include <string.h>

#define DEFAULT_LISTEN "127.0.0.1:8025"
#define MAX_URI 2048            /* bytes of path and query */
#define DEFAULT_RATE 60         /* expensive requests a minute */
#define MAX_LOGGED 300          /* characters of a request target logged */

typedef struct {
    serve_site site;
    char *csp;
    double tokens, rate;        /* token bucket: @rate a minute, bursts up to @rate */
    gint64 refilled;            /* monotonic microseconds */
    GMainLoop *loop;
} server;

/* Take a token for an expensive request; FALSE when the bucket is empty. */
static gboolean
take_token (server *s)
{
    gint64 now = g_get_monotonic_time ();
    s->tokens = MIN (s->rate, s->tokens + (double) (now - s->refilled) * s->rate / (60.0 * G_USEC_PER_SEC));
    s->refilled = now;
    if (s->tokens < 1.0)
        return FALSE;
    s->tokens -= 1.0;
    return TRUE;
}

static void
log_request (SoupServerMessage *msg, guint status, gsize bytes, gint64 started)
{
    GUri *uri = soup_server_message_get_uri (msg);
    const char *query = uri ? g_uri_get_query (uri) : NULL;
    char *target = g_strdup_printf ("%s%s%s", uri ? g_uri_get_path (uri) : "?", query ? "?" : "",
                                    query ? query : "");
    char *safe = ba_safe_text (target);
    if (g_utf8_strlen (safe, -1) > MAX_LOGGED) {
        char *cut = g_utf8_substring (safe, 0, MAX_LOGGED);
        g_free (safe);
        safe = g_strconcat (cut, "...", NULL);
        g_free (cut);
    }
    GDateTime *now = g_date_time_new_now_utc ();
    char *when = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
    const char *host = soup_server_message_get_remote_host (msg);
    fprintf (stderr, "%s %s %s %s %u %" G_GSIZE_FORMAT " %" G_GINT64_FORMAT "ms\n", when,
             host ? host : "-", soup_server_message_get_method (msg), safe, status, bytes,
             (g_get_monotonic_time () - started) / 1000);
    fflush (stderr);
    g_date_time_unref (now);
    g_free (when);
    g_free (safe);
    g_free (target);
}

static void
send_reply (server *s, SoupServerMessage *msg, const serve_reply *r, gint64 started)
{
    SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
    soup_message_headers_replace (h, "Content-Security-Policy", s->csp);
    soup_message_headers_replace (h, "X-Content-Type-Options", "nosniff");
    soup_message_headers_replace (h, "X-Frame-Options", "DENY");
    soup_message_headers_replace (h, "Referrer-Policy", "no-referrer");
    soup_message_headers_replace (h, "Cross-Origin-Resource-Policy", "same-origin");
    soup_message_headers_replace (h, "Cache-Control", "no-store");
    if (r->status == 429)
        soup_message_headers_replace (h, "Retry-After", "1");
    if (r->status == 405)
        soup_message_headers_replace (h, "Allow", "GET, HEAD");
    soup_server_message_set_status (msg, r->status, NULL);
    soup_server_message_set_response (msg, r->type, SOUP_MEMORY_COPY, r->body->str, r->body->len);
    log_request (msg, r->status, r->body->len, started);
}

/* Before the body is read: refuse what a read-only page never needs. */
static void
early (SoupServer *srv, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
    server *s = data;
    const char *method = soup_server_message_get_method (msg);
    SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
    GUri *uri = soup_server_message_get_uri (msg);
    const char *q = uri ? g_uri_get_query (uri) : NULL;
    serve_reply r = { 0, NULL, g_string_new (NULL) };

    if (strcmp (method, "GET") && strcmp (method, "HEAD"))
        serve_error (&r, 405, FALSE, "only GET and HEAD: this server is read-only");
    else if (soup_message_headers_get_content_length (h) > 0
             || soup_message_headers_get_encoding (h) == SOUP_ENCODING_CHUNKED)
        serve_error (&r, 413, FALSE, "a request body is never needed here");
    else if (strlen (path) + (q ? strlen (q) : 0) > MAX_URI)
        serve_error (&r, 414, FALSE, "that address is too long");
    if (r.status)
        send_reply (s, msg, &r, g_get_monotonic_time ());
    g_string_free (r.body, TRUE);
}

static void
handle (SoupServer *srv, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
    server *s = data;
    gint64 started = g_get_monotonic_time ();
    serve_reply r = { 0, NULL, g_string_new (NULL) };
    const char *q = query ? g_hash_table_lookup (query, "q") : NULL;
    gboolean json = g_str_has_prefix (path, "/api/");
    gboolean cheap = !strcmp (path, "/") || (!strcmp (path, "/why") && !q);

    if (soup_server_message_get_status (msg) != 0) {
        g_string_free (r.body, TRUE);
        return;                 /* refused by early() */
    }
    if (!cheap && strcmp (path, "/why") && strcmp (path, "/api/why") && strcmp (path, "/report")
        && strcmp (path, "/incidents") && strcmp (path, "/api/incidents"))
        serve_error (&r, 404, json, "no such page: try /, /why?q=, /report, /incidents, /api/why?q=, /api/incidents");
    else if (!cheap && !take_token (s))
        serve_error (&r, 429, json, "too many searches at once: wait a moment and try again");
    else if (!strcmp (path, "/"))
        serve_home (&s->site, &r);
    else if (!strcmp (path, "/why") || !strcmp (path, "/api/why"))
        serve_why (&s->site, q, json, &r);
    else if (!strcmp (path, "/report"))
        serve_report (&s->site, &r);
    else
        serve_incidents (&s->site, json, &r);
    send_reply (s, msg, &r, started);
    g_string_free (r.body, TRUE);
}

static gboolean
stop (gpointer data)
{
    g_main_loop_quit (((server *) data)->loop);
    return G_SOURCE_REMOVE;
}

/* ADDRESS:PORT, [IPV6]:PORT or ADDRESS ("localhost" is 127.0.0.1) into a
 * socket address; NULL after saying why. */
static GSocketAddress *
parse_listen (const char *listen, gboolean allow_remote)
{
    GError *err = NULL;
    GSocketConnectable *na = g_network_address_parse (listen, 8025, &err);
    GInetAddress *ip;
    GSocketAddress *sa;
    const char *host;
    char *shown;

    if (!na) {
        warn ("serve: --listen '%s': %s (give ADDRESS:PORT, e.g. 127.0.0.1:8025)", listen, err->message);
        g_error_free (err);
        return NULL;
    }
    host = g_network_address_get_hostname (G_NETWORK_ADDRESS (na));
    ip = g_inet_address_new_from_string (!g_ascii_strcasecmp (host, "localhost") ? "127.0.0.1" : host);
    if (!ip) {
        warn ("serve: --listen '%s': give an IP address, not a host name", listen);
        g_object_unref (na);
        return NULL;
    }
    shown = g_inet_address_to_string (ip);
    if (!g_inet_address_get_is_loopback (ip) && !allow_remote) {
        warn ("serve: %s is not a loopback address: anyone who reaches it could read the bounces; "
              "add --allow-remote to mean it (and put it behind a proxy with authentication)", shown);
        g_free (shown);
        g_object_unref (ip);
        g_object_unref (na);
        return NULL;
    }
    sa = g_inet_socket_address_new (ip, g_network_address_get_port (G_NETWORK_ADDRESS (na)));
    g_free (shown);
    g_object_unref (ip);
    g_object_unref (na);
    return sa;
}

int
cmd_serve (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *db = NULL, *listen = NULL;
    gboolean allow_remote = FALSE;
    int rate = DEFAULT_RATE;
    GOptionEntry entries[] = {
        { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
          "ADDRESS:PORT to listen on (default " DEFAULT_LISTEN "; port 0: any free one)", "ADDRESS:PORT" },
        { "allow-remote", 0, 0, G_OPTION_ARG_NONE, &allow_remote,
          "allow an address other than loopback", NULL },
        { "rate", 0, 0, G_OPTION_ARG_INT, &rate,
          "searches, reports and incident lists a minute (default 60)", "N" },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("- a read-only web page for the helpdesk");
    server s = { 0 };
    SoupServer *srv = NULL;
    GSocketAddress *addr = NULL;
    ba_ruleset *set = NULL;
    ba_store *probe = NULL;
    GError *err = NULL;
    GSList *uris;
    char *shown_path = NULL;
    int status = 0;

    help_texts (octx,
        "Serves a search box and the why answer for an address, a domain or words,\n"
        "the HTML report and the incidents, and the same as JSON:\n"
        "  /why?q=...  /api/why?q=...  /report  /incidents  /api/incidents\n"
        "The database is opened read-only for each request.  Binds to 127.0.0.1 unless\n"
        "--listen names another loopback address, or any with --allow-remote.\n"
        "Each request is logged on standard error.");
    g_option_context_add_main_entries (octx, entries, NULL);
    db_option_add (octx, &db);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "serve", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (argc > 1 || rate < 1) {
        warn (argc > 1 ? "serve: unexpected argument '%s'" : "serve: --rate must be 1 or more%s",
              argc > 1 ? argv[1] : "");
        status = EXIT_USAGE;
    } else if (!(addr = parse_listen (listen ? listen : DEFAULT_LISTEN, allow_remote))) {
        status = EXIT_USAGE;
    }
    if (status) {
        fprintf (stderr, "Try 'bounce-analyzer serve --help' for more information.\n");
        goto out;
    }
    /* a missing or foreign database is said now, not at the first request */
    if (!(probe = open_store_to_read ("serve", db))) {
        status = EXIT_INPUT;
        goto out;
    }
    shown_path = ba_safe_text (ba_store_path (probe));
    g_clear_pointer (&probe, ba_store_free);
    s.site.db = db ? db : ba_store_default_path ();
    /* a broken rule set is a misconfiguration: never serve other verdicts */
    if (!(set = rule_options_load (&ro, "serve"))) {
        status = EXIT_USAGE;
        goto out;
    }
    s.site.set = set;
    {
        char *page_csp = ba_html_csp ();
        s.csp = g_strconcat (page_csp, "; frame-ancestors 'none'", NULL);
        g_free (page_csp);
    }
    s.rate = s.tokens = rate;
    s.refilled = g_get_monotonic_time ();
    srv = soup_server_new ("server-header", "bounce-analyzer", NULL);
    soup_server_add_early_handler (srv, NULL, early, &s, NULL);
    soup_server_add_handler (srv, NULL, handle, &s, NULL);
    if (!soup_server_listen (srv, addr, 0, &err)) {
        warn ("serve: cannot listen on %s: %s", listen ? listen : DEFAULT_LISTEN, err->message);
        g_error_free (err);
        status = EXIT_INPUT;
        goto out;
    }
    uris = soup_server_get_uris (srv);
    for (GSList *u = uris; u; u = u->next) {
        char *text = g_uri_to_string (u->data);
        printf ("serve: listening on %s (database %s, read-only)\n", text, shown_path);
        g_free (text);
    }
    g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
    fflush (stdout);
    s.loop = g_main_loop_new (NULL, FALSE);
    g_unix_signal_add (SIGINT, stop, &s);
    g_unix_signal_add (SIGTERM, stop, &s);
    g_main_loop_run (s.loop);
    g_main_loop_unref (s.loop);

out:
    if (srv)
        g_object_unref (srv);
    if (addr)
        g_object_unref (addr);
    ba_store_free (probe);
    ba_ruleset_free (set);
    rule_options_clear (&ro);
    g_free (s.csp);
    g_free (shown_path);
    g_free (db);
    g_free (listen);
    return status;
}
