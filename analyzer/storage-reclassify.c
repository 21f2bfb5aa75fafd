/* storage-reclassify.c - re-apply a rule set to every stored diagnosis
 * (storage.h), in one transaction. */
#include "storage-private.h"
#include "command.h"
#include "context.h"

#include <string.h>

static void
bind_verdict (ba_stmt *s, int first, const ba_recipient *r, const char *caps, const char *ruleset)
{
    ba_sql_text (s, first, r->reason);
    ba_sql_int (s, first + 1, r->hard ? 1 : 0);
    ba_sql_text (s, first + 2, r->rule);
    ba_sql_text (s, first + 3, caps);
    ba_sql_text (s, first + 4, r->dnsbl);
    ba_sql_text (s, first + 5, r->listed);
    ba_sql_text (s, first + 6, r->fault);
    ba_sql_text (s, first + 7, r->advice);
    ba_sql_text (s, first + 8, ruleset);
}

void
ba_reclassify_stats_clear (ba_reclassify_stats *s)
{
    if (s->transitions)
        g_ptr_array_unref (s->transitions);
    if (s->warnings)
        g_ptr_array_unref (s->warnings);
    memset (s, 0, sizeof *s);
}

static void
transition_free (ba_transition *t)
{
    g_free (t->from);
    g_free (t->to);
    g_free (t);
}

static gint
compare_transitions (gconstpointer a, gconstpointer b)
{
    const ba_transition *x = *(ba_transition *const *) a, *y = *(ba_transition *const *) b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp (x->from, y->from) ? strcmp (x->from, y->from) : strcmp (x->to, y->to);
}

gboolean
ba_store_reclassify (ba_store *st, const ba_ruleset *set, gboolean dry_run,
                     ba_reclassify_stats *out, GError **error)
{
    static const char select_sql[] =
        "SELECT r.id, r.address, r.original_recipient, r.action, r.reported_status, r.smtp_code,"
        " r.remote_mta, r.diagnostic, r.last_attempt, r.feedback_type, m.bounce_date,"
        " r.reason, r.hard, r.fault, r.rule, r.status, r.captures, r.dnsbl, r.listed, r.advice,"
        " r.command, m.format"
        " FROM recipients r JOIN messages m ON m.id = r.message_id ORDER BY r.id";
    static const char update_sql[] =
        "UPDATE recipients SET status = ?, reason = ?, hard = ?, rule = ?, captures = ?,"
        " dnsbl = ?, listed = ?, fault = ?, advice = ?, ruleset = ? WHERE id = ?";
    ba_context *ctx = ba_context_new (set);
    ba_stmt *sel = NULL, *upd = NULL, *all = NULL;
    GHashTable *moves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    GHashTableIter it;
    gpointer k, v;
    gboolean ok = FALSE;
    ba_sql_result rc = BA_SQL_DONE;

    memset (out, 0, sizeof *out);
    out->transitions = g_ptr_array_new_with_free_func ((GDestroyNotify) transition_free);
    /* a dry run only reads, so it may run on a read-only store */
    if (!ba_sql_exec (st, dry_run ? "BEGIN" : st->be->begin_write, error))
        goto done;
    if (!(sel = ba_sql_prepare (st, select_sql, error)) || !(upd = ba_sql_prepare (st, update_sql, error)))
        goto done;
    while ((rc = ba_sql_step (sel, error)) == BA_SQL_ROW) {
        ba_recipient r = { 0 };
        char *caps;
        gboolean verdict_changed, row_changed;

        r.recipient = (char *) ba_sql_col_text (sel, 1);
        r.original_recipient = (char *) ba_sql_col_text (sel, 2);
        r.action = (char *) ba_sql_col_text (sel, 3);
        r.reported_status = (char *) ba_sql_col_text (sel, 4);
        r.smtp_code = (int) ba_sql_col_int (sel, 5);
        r.remote_mta = (char *) ba_sql_col_text (sel, 6);
        r.diagnostic = (char *) ba_sql_col_text (sel, 7);
        r.last_attempt = (char *) ba_sql_col_text (sel, 8);
        r.feedback_type = (char *) ba_sql_col_text (sel, 9);
        r.command = ba_intern_command (ba_sql_col_text (sel, 20));
        r.format = (char *) ba_sql_col_text (sel, 21);
        r.status = ba_status_before_rules (r.reported_status, r.diagnostic);
        ba_reclassify_one (ctx, &r, ba_sql_col_text (sel, 10), ba_sql_col_int (sel, 0), out);

        caps = ba_store_captures_json (&r);
        verdict_changed = g_strcmp0 (r.reason, ba_sql_col_text (sel, 11)) != 0
                          || (r.hard ? 1 : 0) != ba_sql_col_int (sel, 12)
                          || g_strcmp0 (r.fault, ba_sql_col_text (sel, 13)) != 0;
        row_changed = verdict_changed
                      || g_strcmp0 (r.rule, ba_sql_col_text (sel, 14)) != 0
                      || g_strcmp0 (r.status, ba_sql_col_text (sel, 15)) != 0
                      || g_strcmp0 (caps, ba_sql_col_text (sel, 16)) != 0
                      || g_strcmp0 (r.dnsbl, ba_sql_col_text (sel, 17)) != 0
                      || g_strcmp0 (r.listed, ba_sql_col_text (sel, 18)) != 0
                      || g_strcmp0 (r.advice, ba_sql_col_text (sel, 19)) != 0;
        out->examined++;
        if (verdict_changed) {
            char *key = g_strdup_printf ("%s\t%s", ba_sql_col_text (sel, 11), r.reason);
            gpointer n = g_hash_table_lookup (moves, key);
            g_hash_table_replace (moves, key, GSIZE_TO_POINTER (GPOINTER_TO_SIZE (n) + 1));
            out->changed++;
        }
        if (row_changed) {
            out->updated++;
            if (!dry_run) {
                ba_sql_reset (upd);
                ba_sql_text (upd, 1, r.status);
                bind_verdict (upd, 2, &r, caps, ba_ruleset_id (set));
                ba_sql_int (upd, 11, ba_sql_col_int (sel, 0));
                if (ba_sql_step (upd, error) == BA_SQL_ERROR)
                    rc = BA_SQL_ERROR;
            }
        }
        g_free (caps);
        g_free (r.status);
        g_free (r.rule);
        g_free (r.dnsbl);
        g_free (r.listed);
        g_free (r.advice);
        if (r.captures)
            g_ptr_array_unref (r.captures);
        if (rc == BA_SQL_ERROR)
            goto done;
    }
    if (rc == BA_SQL_ERROR)
        goto done;
    if (!dry_run) {
        /* every verdict is now the current set's, changed or not */
        if (!(all = ba_sql_prepare (st, "UPDATE recipients SET ruleset = ? WHERE ruleset IS NULL OR ruleset <> ?", error)))
            goto done;
        ba_sql_text (all, 1, ba_ruleset_id (set));
        ba_sql_text (all, 2, ba_ruleset_id (set));
        if (ba_sql_step (all, error) == BA_SQL_ERROR)
            goto done;
        ba_sql_finalize (all);
        all = NULL;
        if (!(all = ba_sql_prepare (st, "INSERT INTO meta (key, value) VALUES"
                                 " ('reclassified_with', ?), ('reclassified_at', ?)"
                                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error)))
            goto done;
        {
            char *now = ba_store_now_iso ();
            ba_sql_text (all, 1, ba_ruleset_id (set));
            ba_sql_text (all, 2, now);
            g_free (now);
        }
        if (ba_sql_step (all, error) == BA_SQL_ERROR)
            goto done;
    }
    g_hash_table_iter_init (&it, moves);
    while (g_hash_table_iter_next (&it, &k, &v)) {
        ba_transition *t = g_new0 (ba_transition, 1);
        char **parts = g_strsplit (k, "\t", 2);
        t->from = g_strdup (parts[0]);
        t->to = g_strdup (parts[1] ? parts[1] : "");
        t->count = GPOINTER_TO_SIZE (v);
        g_strfreev (parts);
        g_ptr_array_add (out->transitions, t);
    }
    g_ptr_array_sort (out->transitions, compare_transitions);
    ok = TRUE;
done:
    ba_sql_finalize (sel);
    ba_sql_finalize (upd);
    ba_sql_finalize (all);
    if (ok && !dry_run)
        ok = ba_sql_exec (st, "COMMIT", error);
    if (!ok || dry_run)
        ba_sql_exec (st, "ROLLBACK", NULL);
    g_hash_table_unref (moves);
    ba_context_free (ctx);
    return ok;
}
