/* parse-only.c - the yardstick of scripts/bench: GMime alone parses every
 * message of an mbox (one thread, mbox mode, each message built and freed,
 * nothing else) and prints how many it read. */
#include <gmime/gmime.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
    GMimeStream *stream;
    GMimeParser *parser;
    unsigned long messages = 0;
    int fd;

    if (argc != 2) {
        fprintf (stderr, "usage: parse-only MBOX\n");
        return 2;
    }
    fd = open (argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        perror (argv[1]);
        return 1;
    }
    g_mime_init ();
    stream = g_mime_stream_fs_new (fd);
    parser = g_mime_parser_new_with_stream (stream);
    g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
    while (!g_mime_parser_eos (parser)) {
        GMimeMessage *m = g_mime_parser_construct_message (parser, NULL);
        if (!m)
            break;
        messages++;
        g_object_unref (m);
    }
    g_object_unref (parser);
    g_object_unref (stream);
    g_mime_shutdown ();
    printf ("%lu\n", messages);
    return 0;
}
