/* replay - feed each file (or each file of each directory) named on the
 * command line to LLVMFuzzerTestOneInput once, without libFuzzer, so the
 * regression corpus runs in the normal and sanitizer builds under ctest. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
compare_paths (gconstpointer a, gconstpointer b)
{
    return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static int
replay_file (const char *path)
{
    GError *error = NULL;
    gchar *data;
    gsize size;
    gint64 start;
    double seconds;

    if (!g_file_get_contents (path, &data, &size, &error)) {
        fprintf (stderr, "replay: %s\n", error->message);
        g_error_free (error);
        return 0;
    }
    start = g_get_monotonic_time ();
    LLVMFuzzerTestOneInput ((const uint8_t *) data, size);
    seconds = (g_get_monotonic_time () - start) / 1e6;
    /* a note, not a verdict: the fuzzer's -timeout judges slowness */
    if (seconds >= 1.0)
        fprintf (stderr, "replay: %s: slow, %.1f s\n", path, seconds);
    g_free (data);
    return 1;
}

/* Replays @path, a file or a directory of files; returns how many ran, or
 * -1 when @path cannot be read. */
static int
replay_path (const char *path)
{
    GError *error = NULL;
    GDir *dir;
    GPtrArray *names;
    const char *name;
    int n = 0;

    if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        return replay_file (path) ? 1 : -1;
    if (!(dir = g_dir_open (path, 0, &error))) {
        fprintf (stderr, "replay: %s\n", error->message);
        g_error_free (error);
        return -1;
    }
    /* sorted, so a failure names the same file on every run */
    names = g_ptr_array_new_with_free_func (g_free);
    while ((name = g_dir_read_name (dir)))
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
    g_dir_close (dir);
    g_ptr_array_sort (names, compare_paths);
    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index (names, i);
        if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
            continue;
        if (g_getenv ("BA_REPLAY_VERBOSE"))
            fprintf (stderr, "replay: %s\n", file);
        if (!replay_file (file)) {
            g_ptr_array_unref (names);
            return -1;
        }
        n++;
    }
    g_ptr_array_unref (names);
    return n;
}

int
main (int argc, char **argv)
{
    int total = 0;

    if (argc < 2) {
        fprintf (stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        int n = replay_path (argv[i]);
        if (n < 0)
            return 1;
        if (n == 0) {
            /* an empty regression corpus would pass without testing anything */
            fprintf (stderr, "replay: %s: no input files\n", argv[i]);
            return 1;
        }
        total += n;
    }
    printf ("replayed %d inputs\n", total);
    return 0;
}
