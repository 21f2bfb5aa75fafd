/* output.c - the output contract the commands share: --format names, the
 * JSON document's head, and writing to a pipe that closes early. */
#include "commands.h"
#include "emit.h"

#include <errno.h>
#include <string.h>

static const char *const format_names[] = { "text", "json", "ndjson", "csv", "html" };

gboolean
parse_out_format (const char *command, const char *name, unsigned allowed, out_format *out)
{
    GString *list;

    if (!name) {
        *out = OUT_TEXT;
        return TRUE;
    }
    for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
        if ((allowed & (1u << i)) && !strcmp (name, format_names[i])) {
            *out = (out_format) i;
            return TRUE;
        }
    /* the name the text format had in search */
    if ((allowed & OUT_ALLOW_TEXT) && !strcmp (name, "table")) {
        *out = OUT_TEXT;
        return TRUE;
    }
    list = g_string_new (NULL);
    for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
        if (allowed & (1u << i))
            g_string_append_printf (list, "%s%s", list->len ? ", " : "", format_names[i]);
    warn ("%s: unknown format '%s' (%s)", command, name, list->str);
    fprintf (stderr, "Try 'bounce-analyzer %s --help' for more information.\n", command);
    g_string_free (list, TRUE);
    return FALSE;
}

sprinter *
json_document_begin (FILE *out, const char *command)
{
    sprinter *sp = sprinter_json_new (out, TRUE);
    sp->begin_map (sp);
    sp->map_key (sp, "format_version");
    sp->integer (sp, BA_FORMAT_VERSION);
    sp->map_key (sp, "command");
    sp->string (sp, command);
    return sp;
}

void
json_document_end (sprinter *sp)
{
    sp->end (sp);
    sp->separator (sp);
    sp->free (sp);
}

gboolean
output_closed (FILE *out)
{
    return ferror (out) && errno == EPIPE;
}

int
finish_output (const char *command, int status)
{
    if (fflush (stdout) == 0 && !ferror (stdout))
        return status;
    /* the reader went away (| head): what it wanted it has, so no error */
    if (errno == EPIPE)
        return status;
    warn ("%s: writing output: %s", command, g_strerror (errno));
    return status ? status : EXIT_INPUT;
}

void
help_texts (GOptionContext *ctx, const char *summary)
{
    if (summary)
        g_option_context_set_summary (ctx, summary);
    g_option_context_set_description (ctx, EXIT_CODES_HELP);
}
