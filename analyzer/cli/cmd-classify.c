/* cmd-classify.c - bounce-analyzer classify "TEXT": the verdict on a bare
 * error text, such as a reject line a customer pastes. */
#include "commands.h"
#include "emit.h"

#include <gmime/gmime.h>
#include <string.h>

/* A diagnostic text is a few lines: more than this on standard input is
 * not one, and is refused rather than read without bound. */
#define CLASSIFY_STDIN_MAX (1024 * 1024)

/* An ISO 8601 date (midnight UTC) or date-time (UTC unless it names a
 * zone; seconds may be left out), or NULL. */
static GDateTime *
iso_date_time (const char *s)
{
    GTimeZone *utc = g_time_zone_new_utc ();
    GDateTime *dt = NULL;
    int y, m, d;
    char tail;

    if (strlen (s) == 10 && sscanf (s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3)
        dt = g_date_time_new (utc, y, m, d, 0, 0, 0);
    else if (strlen (s) >= 16)
        dt = g_date_time_new_from_iso8601 (s, utc);
    if (!dt && strlen (s) >= 16 && s[13] == ':' && (s[16] == '\0' || s[16] == 'Z' || s[16] == '+' || s[16] == '-')) {
        /* GLib wants seconds: "2005-06-01T10:00" is 10:00:00 */
        char *with = g_strdup_printf ("%.16s:00%s", s, s + 16);
        dt = g_date_time_new_from_iso8601 (with, utc);
        g_free (with);
    }
    g_time_zone_unref (utc);
    return dt;
}

/* The date of --date as ISO 8601 with its zone, or NULL when it is none:
 * ISO 8601 (2005-06-01, 2005-06-01T10:00, 2005-06-01 10:00:00+02:00, zone
 * default UTC) or RFC 5322 as a Date: header gives it. */
static char *
parse_date_option (const char *text)
{
    GDateTime *dt = NULL;
    char *iso = NULL;

    if (strlen (text) >= 10 && g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[3]) && text[4] == '-') {
        /* ISO 8601 only: GMime's lenient reader would accept a wrong one */
        char *t = g_strdup (text);
        if (t[10] == ' ')
            t[10] = 'T';
        if (t[10] == '\0' || t[10] == 'T' || t[10] == 't')
            dt = iso_date_time (t);
        g_free (t);
    } else {
        dt = g_mime_utils_header_decode_date (text);
    }
    if (dt)
        iso = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");
    if (dt)
        g_date_time_unref (dt);
    return iso;
}

/* RFC 3463 section 2: class "2" / "4" / "5", then subject and detail of
 * one to three digits each. */
static gboolean
is_status_code (const char *s)
{
    int part = 0, digits = 0;

    if (!s || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.')
        return FALSE;
    for (const char *p = s + 2; *p; p++) {
        if (g_ascii_isdigit (*p) && ++digits <= 3)
            continue;
        if (*p != '.' || digits == 0 || part == 1)
            return FALSE;
        part++;
        digits = 0;
    }
    return part == 1 && digits > 0;
}

/* The diagnostic text on standard input, or NULL (said why) when it is
 * larger than a diagnostic can be or cannot be read. */
static char *
read_stdin_text (void)
{
    GString *in = g_string_new (NULL);
    char buf[8192];
    size_t n;

    while ((n = fread (buf, 1, sizeof buf, stdin)) > 0) {
        if (in->len + n > CLASSIFY_STDIN_MAX) {
            warn ("classify: standard input holds more than %d bytes: give one diagnostic text", CLASSIFY_STDIN_MAX);
            g_string_free (in, TRUE);
            return NULL;
        }
        g_string_append_len (in, buf, n);
    }
    if (ferror (stdin)) {
        warn ("classify: cannot read standard input");
        g_string_free (in, TRUE);
        return NULL;
    }
    /* a NUL would end the text early; it is no part of a reply */
    for (gsize i = 0; i < in->len; i++)
        if (in->str[i] == '\0')
            in->str[i] = ' ';
    if (!*g_strstrip (in->str)) {
        warn ("classify: standard input holds no text");
        g_string_free (in, TRUE);
        return NULL;
    }
    return g_string_free (in, FALSE);
}


/* An option's value as a message quotes it: controls made visible, and
 * cut, so that a hostile value cannot rewrite or flood the terminal. */
static char *
quoted_value (const char *value)
{
    char *safe = ba_safe_text (value);
    if (g_utf8_strlen (safe, -1) > 60) {
        char *cut = g_utf8_substring (safe, 0, 60);
        g_free (safe);
        safe = g_strconcat (cut, "...", NULL);
        g_free (cut);
    }
    return safe;
}

int
cmd_classify (int argc, char **argv)
{
    rule_options ro = { 0 };
    char *status = NULL, *date = NULL, *format = NULL;
    gboolean json = FALSE, explain = FALSE;
    GOptionEntry entries[] = {
        { "status", 's', 0, G_OPTION_ARG_STRING, &status, "the RFC 3463 status, if known (class 2, 4 or 5, e.g. 5.7.1)", "X.Y.Z" },
        { "date", 'd', 0, G_OPTION_ARG_STRING, &date, "when the reject happened, for blacklist knowledge: ISO 8601 (2005-06-01, 2005-06-01T10:00+02:00) or RFC 5322 (Wed, 01 Jun 2005 10:00:00 +0000)", "DATE" },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "the id of the format that read the notice (qmail, dsn+postfix, ...), for rules limited to formats", "ID" },
        { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "print JSON", NULL },
        { "explain", 0, 0, G_OPTION_ARG_NONE, &explain, "list every rule that matched", NULL },
        { NULL }
    };
    GOptionContext *octx = g_option_context_new ("TEXT...|- - classify a bare error text (- reads it from standard input)");
    ba_ruleset *set;
    ba_context *ctx;
    ba_recipient r = { 0 };
    GPtrArray *trace = NULL;
    char *text, *safe, **warnings, *iso_date = NULL;
    char found[16];

    g_option_context_add_main_entries (octx, entries, NULL);
    rule_options_add (octx, &ro);
    if (!parse_options (octx, "classify", &argc, &argv)) {
        g_option_context_free (octx);
        return EXIT_USAGE;
    }
    g_option_context_free (octx);
    if (argc < 2) {
        warn ("classify: no TEXT given");
        fprintf (stderr, "Try 'bounce-analyzer classify --help' for more information.\n");
        return EXIT_USAGE;
    }
    if (status && !is_status_code (status)) {
        char *q = quoted_value (status);
        warn ("classify: --status '%s' is not an RFC 3463 status code: give class.subject.detail, e.g. 5.1.1 or 4.7.0", q);
        g_free (q);
        g_free (status);
        g_free (date);
        g_free (format);
        return EXIT_USAGE;
    }
    if (date && !(iso_date = parse_date_option (date))) {
        char *q = quoted_value (date);
        warn ("classify: --date '%s' is not a date: give ISO 8601 (2005-06-01, 2005-06-01T10:00:00+02:00) or RFC 5322 (Wed, 01 Jun 2005 10:00:00 +0000)", q);
        g_free (q);
        g_free (status);
        g_free (date);
        g_free (format);
        return EXIT_USAGE;
    }
    if (argc == 2 && !strcmp (argv[1], "-"))
        text = read_stdin_text ();
    else
        text = g_strjoinv (" ", argv + 1);
    if (text && !*g_strstrip (text)) {
        warn ("classify: TEXT is empty: give the server's error text");
        g_clear_pointer (&text, g_free);
    }
    if (!text) {
        g_free (status);
        g_free (date);
        g_free (iso_date);
        g_free (format);
        return EXIT_USAGE;
    }
    set = rule_options_load (&ro, "classify");
    if (!set) {
        g_free (text);
        g_free (status);
        g_free (date);
        g_free (iso_date);
        g_free (format);
        return EXIT_USAGE;
    }
    ctx = ba_context_new (set);

    r.diagnostic = ba_collapse_text (text);
    r.smtp_code = ba_reply_code_of (r.diagnostic);
    if (status)
        r.status = g_strdup (status);
    else if (ba_status_of (r.diagnostic, found))
        r.status = g_strdup (found);
    r.reported_status = g_strdup (r.status);
    r.format = format;
    if (explain)
        trace = g_ptr_array_new_with_free_func ((GDestroyNotify) ba_trace_step_free);
    ba_context_begin (ctx);
    ba_classify (ctx, &r, iso_date, trace);
    warnings = ba_context_warnings (ctx);
    for (int i = 0; warnings[i]; i++)
        warn ("classify: %s", warnings[i]);
    g_strfreev (warnings);

    if (json) {
        sprinter *sp = sprinter_json_new (stdout, FALSE);
        sp->begin_map (sp);
        sp->map_key (sp, "reason");
        sp->string (sp, r.reason);
        sp->map_key (sp, "rule");
        sp->string (sp, r.rule);
        sp->map_key (sp, "status");
        sp->string (sp, r.status);
        sp->map_key (sp, "smtp_code");
        if (r.smtp_code)
            sp->integer (sp, r.smtp_code);
        else
            sp->null (sp);
        sp->map_key (sp, "hard_bounce");
        sp->boolean (sp, r.hard);
        sp->map_key (sp, "captures");
        ba_emit_captures (sp, &r);
        sp->map_key (sp, "dnsbl");
        sp->string (sp, r.dnsbl);
        sp->map_key (sp, "listed");
        sp->string (sp, r.listed);
        sp->map_key (sp, "fault");
        sp->string (sp, r.fault);
        sp->map_key (sp, "advice");
        sp->string (sp, r.advice);
        sp->end (sp);
        sp->separator (sp);
        sp->free (sp);
    } else {
        printf ("reason:  %s (%s)\n", r.reason, r.hard ? "hard bounce" : "soft");
        printf ("rule:    %s\n", ba_decided_by (&r));
        if (r.status || r.smtp_code)
            printf ("codes:   status %s, reply code %d%s%s\n", r.status ? r.status : "none", r.smtp_code,
                    r.command ? ", command " : "", r.command ? r.command : "");
        for (guint i = 0; i < r.captures->len; i++) {
            ba_capture *c = g_ptr_array_index (r.captures, i);
            safe = ba_safe_text (c->value);
            printf ("captured %s = %s\n", c->name, safe);
            g_free (safe);
        }
        printf ("fault:   %s\n", r.fault ? r.fault : "unknown");
        if (r.advice) {
            safe = ba_safe_text (r.advice);
            printf ("advice:  %s\n", safe);
            g_free (safe);
        }
        for (guint i = 0, won = 0; trace && i < trace->len; i++) {
            ba_trace_step *st = g_ptr_array_index (trace, i);
            if (!st->matched) {
                printf ("LIMIT %-35s %-15s priority %-4d no answer: %s\n", st->rule, st->reason,
                        st->priority, st->why);
                continue;
            }
            safe = ba_safe_text (st->span);
            printf ("%s %-36s %-15s priority %-4d matched \"%s\"\n", won++ == 0 ? "WON " : "    ",
                    st->rule, st->reason, st->priority, safe);
            g_free (safe);
        }
    }
    if (trace)
        g_ptr_array_unref (trace);
    g_free (text);
    g_free (r.diagnostic);
    g_free (r.status);
    g_free (r.reported_status);
    g_free (r.rule);
    g_free (r.dnsbl);
    g_free (r.listed);
    g_free (r.advice);
    if (r.captures)
        g_ptr_array_unref (r.captures);
    ba_context_free (ctx);
    ba_ruleset_free (set);
    rule_options_clear (&ro);
    g_free (status);
    g_free (date);
    g_free (iso_date);
    g_free (format);
    return 0;
}
