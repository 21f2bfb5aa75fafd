/* capstream.c - see capstream.h.  The source is cut line by line, with
 * just enough MIME to know where header blocks are: a header block starts
 * the stream, follows a From_ line or a "--" (boundary) line, and follows
 * the header block of a message/rfc822 part; it ends at a blank line.  In
 * a header block a "unit" is a line that does not start with a blank plus
 * the folded lines after it: a field (name and colon) is capped at
 * BA_CAP_FIELD, any other unit at BA_CAP_LINE, and the fields after
 * BA_CAP_BLOCK bytes are dropped whole.  Elsewhere each line is capped at
 * BA_CAP_LINE, and a multipart's prologue and epilogue (which GMime keeps
 * in memory) at BA_CAP_FACE.  Bodies lose nothing that is analysed: GMime
 * reads a part's content from the source through substreams.  A cut keeps
 * the first line end of what it cuts, and blank, From_ and (up to
 * BA_CAP_PARTS a message) "--" lines are never dropped, so the structure
 * is kept. */
#include "capstream.h"

#include <string.h>

#define LOOKAHEAD   260         /* to see a field name and its colon at a line start */
#define IN_SIZE     8192        /* like GMime's own read size: a parser restarted often reads little */
#define NAME_SHOWN  40
#define MAX_NOTES   32          /* warnings kept between two takes */

typedef struct { gint64 emitted, dropped; } cut_mark;
typedef struct { gint64 at; char *text; } cut_note;

typedef enum { LINE_BLANK, LINE_FIELD, LINE_OTHER, LINE_CONT } line_kind;
typedef enum { REGION_HEADER, REGION_BODY, REGION_FACE } region;
typedef enum { KEEP, DROP_REST, DROP_LINE } line_drop;

typedef struct {
    GMimeStream parent;
    GMimeStream *source;
    gboolean seekable;
    gint64 base;                /* the source's position at the start */
    char *buf;                  /* source bytes read, not yet processed */
    size_t pos, end;
    gboolean eof;
    gint64 emitted, dropped;
    GArray *marks;              /* of cut_mark: dropped so far, from each emitted position on */
    GPtrArray *notes;           /* of cut_note* */
    guint notes_lost;

    gboolean line_start, line_cont;
    gint64 line_out;            /* bytes of this line given out */
    line_drop drop;
    gboolean in_unit, unit_is_field, unit_cut, unit_whole;
    gint64 unit_len, unit_source, unit_at;
    char unit_name[NAME_SHOWN + 1];
    gint64 block_len, block_at;
    guint block_dropped;
    region region, after_block;    /* where we are; where the header block leads */
    gint64 face_len;
    guint dashes;               /* "--" lines since the last From_ line */
} BaCapStream;

typedef struct { GMimeStreamClass parent_class; } BaCapStreamClass;

GType ba_cap_stream_get_type (void);
G_DEFINE_TYPE (BaCapStream, ba_cap_stream, GMIME_TYPE_STREAM)

static void
add_note (BaCapStream *s, gint64 at, char *text)
{
    cut_note *n;
    if (s->notes->len >= MAX_NOTES) {
        s->notes_lost++;
        g_free (text);
        return;
    }
    n = g_new (cut_note, 1);
    n->at = at;
    n->text = text;
    g_ptr_array_add (s->notes, n);
}

static void
note_free (gpointer p)
{
    cut_note *n = p;
    g_free (n->text);
    g_free (n);
}

static void
end_unit (BaCapStream *s)
{
    /* a long line elsewhere goes unsaid: part contents are read uncut from the source */
    if (s->in_unit && s->unit_cut && !s->unit_whole && s->unit_is_field)
        add_note (s, s->unit_at,
                  g_strdup_printf ("header field \"%s\" of %" G_GINT64_FORMAT " bytes cut to %d bytes",
                                   s->unit_name, s->unit_source, BA_CAP_FIELD));
    s->in_unit = s->unit_cut = s->unit_whole = FALSE;
    s->unit_len = s->unit_source = 0;
}

static void
end_block (BaCapStream *s)
{
    if (s->block_dropped)
        add_note (s, s->block_at,
                  g_strdup_printf ("a header block over %d bytes: %u more field(s) dropped",
                                   BA_CAP_BLOCK, s->block_dropped));
    s->block_len = 0;
    s->block_dropped = 0;
    s->block_at = s->emitted;
}

/* Make @n bytes available when the source has them. */
static void
ensure (BaCapStream *s, size_t n)
{
    while (s->end - s->pos < n && !s->eof) {
        ssize_t got;
        if (s->pos > 0) {
            memmove (s->buf, s->buf + s->pos, s->end - s->pos);
            s->end -= s->pos;
            s->pos = 0;
        }
        got = g_mime_stream_read (s->source, s->buf + s->end, IN_SIZE + LOOKAHEAD - s->end);
        if (got <= 0)
            s->eof = TRUE;
        else
            s->end += got;
    }
}

static void
emit (BaCapStream *s, char *out, size_t *o, size_t n)
{
    if (n == 0)
        return;
    if (s->dropped && (s->marks->len == 0
                       || g_array_index (s->marks, cut_mark, s->marks->len - 1).dropped != s->dropped)) {
        cut_mark m = { s->emitted, s->dropped };
        g_array_append_val (s->marks, m);
    }
    memcpy (out + *o, s->buf + s->pos, n);
    *o += n;
    s->pos += n;
    s->emitted += n;
}

static void
discard (BaCapStream *s, size_t n)
{
    s->pos += n;
    s->dropped += n;
}

/* The length of the field name and colon a line starts with, or 0. */
static size_t
field_prefix (const char *p, size_t avail)
{
    gboolean blank = FALSE;
    for (size_t i = 0; i < avail && i < LOOKAHEAD; i++) {
        unsigned char c = p[i];
        if (c == ':')
            return i > 0 ? i + 1 : 0;
        if (c == ' ' || c == '\t')
            blank = TRUE;
        else if (blank || c < 0x20 || c == 0x7f)
            return 0;
    }
    return 0;
}

/* Does the field value at @p (after the colon) start with @type? */
static gboolean
value_starts (const char *p, size_t avail, const char *type)
{
    size_t i = 0, n = strlen (type);
    while (i < avail && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return avail - i >= n && !g_ascii_strncasecmp (p + i, type, n);
}

/* In a header block: which region its end leads to, from a Content-Type
 * field (@name bytes of field name and colon at @p). */
static void
note_content_type (BaCapStream *s, const char *p, size_t avail, size_t name)
{
    size_t k = name - 1;
    while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t'))
        k--;
    if (k != 12 || g_ascii_strncasecmp (p, "content-type", 12))
        return;
    p += name;
    avail -= name;
    if (value_starts (p, avail, "multipart/"))
        s->after_block = REGION_FACE;
    /* the types GMime parses as an embedded message */
    else if (value_starts (p, avail, "message/rfc822") || value_starts (p, avail, "message/global")
             || value_starts (p, avail, "message/news"))
        s->after_block = REGION_HEADER;
}

/* A line starting "--": a boundary (a part's header block follows) or a
 * closing boundary "--...--" (an epilogue follows). */
static region
after_dashes (const char *p, size_t avail)
{
    const char *nl = memchr (p, '\n', MIN (avail, (size_t) LOOKAHEAD));
    size_t n;
    if (!nl)
        return REGION_HEADER;
    n = nl - p;
    while (n > 2 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    return n >= 4 && p[n - 1] == '-' && p[n - 2] == '-' ? REGION_FACE : REGION_HEADER;
}

static void
start_unit (BaCapStream *s, gboolean field)
{
    s->in_unit = TRUE;
    s->unit_is_field = field;
    s->unit_at = s->emitted;
}

static void
start_line (BaCapStream *s)
{
    const char *p = s->buf + s->pos;
    size_t avail = s->end - s->pos;
    gboolean blank = p[0] == '\n' || (p[0] == '\r' && avail > 1 && p[1] == '\n');
    gboolean from = avail >= 5 && !memcmp (p, "From ", 5);
    gboolean dashes = avail >= 2 && !memcmp (p, "--", 2);
    size_t name;

    s->line_start = FALSE;
    s->drop = KEEP;
    s->line_out = 0;
    s->line_cont = FALSE;

    if (dashes && !from && ++s->dashes > BA_CAP_PARTS) {
        /* GMime would build a part for each: past the cap they are content */
        if (s->dashes == BA_CAP_PARTS + 1)
            add_note (s, s->emitted, g_strdup_printf ("more than %d boundary lines: the rest read as content",
                                                      BA_CAP_PARTS));
        end_unit (s);
        start_unit (s, FALSE);
        s->unit_cut = s->unit_whole = TRUE;
        s->drop = DROP_LINE;
        return;
    }
    if (from)
        s->dashes = 0;
    if (from || dashes) {
        /* a new message, or a part's boundary: never cut */
        end_unit (s);
        end_block (s);
        s->region = from ? REGION_HEADER : after_dashes (p, avail);
        s->after_block = REGION_BODY;
        s->face_len = 0;
        start_unit (s, FALSE);
        return;
    }
    if (s->region == REGION_HEADER) {
        if (blank) {
            end_unit (s);
            end_block (s);
            s->region = s->after_block;
            s->after_block = REGION_BODY;
            s->face_len = 0;
            return;
        }
        if ((p[0] == ' ' || p[0] == '\t') && s->in_unit) {
            s->line_cont = TRUE;
            if (s->unit_cut)
                s->drop = DROP_LINE;
            return;
        }
        end_unit (s);
        name = field_prefix (p, avail);
        start_unit (s, name > 0);
        if (s->block_len >= BA_CAP_BLOCK) {
            /* past the block cap every unit goes, lines that are no field too */
            s->unit_cut = s->unit_whole = TRUE;
            s->drop = DROP_LINE;
            if (name > 0)
                s->block_dropped++;
        } else if (name > 0) {
            size_t k = 0;
            for (size_t i = 0; i < name - 1 && k < NAME_SHOWN; i++)
                if (p[i] > 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
                    s->unit_name[k++] = p[i];
            s->unit_name[k] = '\0';
            note_content_type (s, p, avail, name);
        }
        return;
    }
    /* a body or a multipart's prologue or epilogue: each line on its own */
    end_unit (s);
    start_unit (s, FALSE);
    if (s->region == REGION_FACE && s->face_len >= BA_CAP_FACE) {
        s->unit_cut = s->unit_whole = TRUE;
        s->drop = DROP_LINE;
    }
}

/* Process source bytes into @out until it is full or the source ends. */
static size_t
fill (BaCapStream *s, char *out, size_t len)
{
    size_t o = 0;

    while (o < len) {
        const char *p, *nl;
        size_t avail, content;

        ensure (s, s->line_start ? LOOKAHEAD : 1);
        avail = s->end - s->pos;
        if (avail == 0)
            break;
        if (s->line_start)
            start_line (s);
        p = s->buf + s->pos;
        nl = memchr (p, '\n', avail);
        content = nl ? (size_t) (nl - p) : avail;

        if (s->drop != KEEP) {
            discard (s, content);
            if (s->in_unit)
                s->unit_source += content;
        } else {
            gint64 cap = s->unit_is_field ? BA_CAP_FIELD : BA_CAP_LINE;
            gint64 room = cap - s->unit_len;
            size_t n = MIN (content, len - o);
            if ((gint64) n > room)
                n = room > 0 ? (size_t) room : 0;
            emit (s, out, &o, n);
            if (s->region == REGION_FACE)
                s->face_len += n;
            s->line_out += n;
            s->unit_len += n;
            s->unit_source += n;
            s->block_len += n;
            if (n < content && (gint64) n == room) {
                /* a folded line cut to nothing would read as a blank line: drop it whole */
                s->drop = s->line_cont && s->line_out == 0 ? DROP_LINE : DROP_REST;
                s->unit_cut = TRUE;
            }
            if (n < content)
                continue;
        }
        if (!nl)
            continue;
        /* at the line end */
        if (s->drop == DROP_LINE) {
            discard (s, 1);
        } else {
            if (o == len)
                break;
            emit (s, out, &o, 1);
            s->block_len++;
        }
        if (s->in_unit)
            s->unit_source++;
        s->line_start = TRUE;
        if (s->drop == DROP_REST)
            s->drop = KEEP;
    }
    return o;
}

static ssize_t
cap_read (GMimeStream *stream, char *buf, size_t len)
{
    BaCapStream *s = (BaCapStream *) stream;
    size_t n = fill (s, buf, len);
    if (n == 0 && s->eof) {
        end_unit (s);
        end_block (s);
    }
    if (s->seekable)
        stream->position = s->base + s->emitted;
    return (ssize_t) n;
}

static ssize_t
cap_write (GMimeStream *stream, const char *buf, size_t len)
{
    (void) stream; (void) buf; (void) len;
    return -1;
}

static int
cap_flush (GMimeStream *stream)
{
    (void) stream;
    return 0;
}

static int
cap_close (GMimeStream *stream)
{
    return g_mime_stream_close (((BaCapStream *) stream)->source);
}

static gboolean
cap_eos (GMimeStream *stream)
{
    BaCapStream *s = (BaCapStream *) stream;
    if (s->pos < s->end)
        return FALSE;
    ensure (s, 1);
    return s->pos >= s->end;
}

static int
cap_reset (GMimeStream *stream)
{
    (void) stream;
    return -1;
}

static gint64
cap_tell (GMimeStream *stream)
{
    BaCapStream *s = (BaCapStream *) stream;
    return s->seekable ? s->base + s->emitted : -1;
}

static gint64
cap_seek (GMimeStream *stream, gint64 offset, GMimeSeekWhence whence)
{
    /* only "where are we": the cut bytes cannot be found again */
    gint64 now = cap_tell (stream);
    if (now >= 0 && ((whence == GMIME_STREAM_SEEK_CUR && offset == 0)
                     || (whence == GMIME_STREAM_SEEK_SET && offset == now)))
        return now;
    return -1;
}

static gint64
cap_length (GMimeStream *stream)
{
    (void) stream;
    return -1;
}

static GMimeStream *
cap_substream (GMimeStream *stream, gint64 start, gint64 end)
{
    BaCapStream *s = (BaCapStream *) stream;
    GMimeStream *sub;
    gint64 from, to = -1;

    if (!s->seekable || start < s->base)
        return NULL;
    from = s->base + ba_cap_stream_to_source (stream, start - s->base);
    if (end >= start)
        to = s->base + ba_cap_stream_to_source (stream, end - s->base);
    sub = g_mime_stream_substream (s->source, from, to);
    /* g_mime_stream_substream() makes the stream it was called on the
     * substream's super_stream, with a reference, without dropping one set
     * before: the source's, set by the call above, would then never be
     * released, nor its file descriptor.  Our caller makes us the
     * super_stream, and we hold the source. */
    if (sub)
        g_clear_object (&sub->super_stream);
    return sub;
}

static void
ba_cap_stream_finalize (GObject *object)
{
    BaCapStream *s = (BaCapStream *) object;
    g_clear_object (&s->source);
    g_free (s->buf);
    g_array_unref (s->marks);
    g_ptr_array_unref (s->notes);
    G_OBJECT_CLASS (ba_cap_stream_parent_class)->finalize (object);
}

static void
ba_cap_stream_class_init (BaCapStreamClass *klass)
{
    GMimeStreamClass *sc = GMIME_STREAM_CLASS (klass);
    G_OBJECT_CLASS (klass)->finalize = ba_cap_stream_finalize;
    sc->read = cap_read;
    sc->write = cap_write;
    sc->flush = cap_flush;
    sc->close = cap_close;
    sc->eos = cap_eos;
    sc->reset = cap_reset;
    sc->seek = cap_seek;
    sc->tell = cap_tell;
    sc->length = cap_length;
    sc->substream = cap_substream;
}

static void
ba_cap_stream_init (BaCapStream *s)
{
    s->buf = g_malloc (IN_SIZE + LOOKAHEAD);
    s->marks = g_array_new (FALSE, FALSE, sizeof (cut_mark));
    s->notes = g_ptr_array_new_with_free_func (note_free);
    s->line_start = TRUE;
    s->region = REGION_HEADER;
    s->after_block = REGION_BODY;
}

GMimeStream *
ba_cap_stream_new (GMimeStream *source)
{
    BaCapStream *s = g_object_new (ba_cap_stream_get_type (), NULL);
    s->source = g_object_ref (source);
    s->base = g_mime_stream_tell (source);
    s->seekable = s->base >= 0;
    g_mime_stream_construct (GMIME_STREAM (s), s->seekable ? s->base : 0, -1);
    return GMIME_STREAM (s);
}

gint64
ba_cap_stream_to_source (GMimeStream *stream, gint64 emitted)
{
    BaCapStream *s = (BaCapStream *) stream;
    guint lo = 0, hi = s->marks->len;

    /* the last mark at or before @emitted */
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (g_array_index (s->marks, cut_mark, mid).emitted <= emitted)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? emitted : emitted + g_array_index (s->marks, cut_mark, lo - 1).dropped;
}

GPtrArray *
ba_cap_stream_take_warnings (GMimeStream *stream, gint64 upto)
{
    BaCapStream *s = (BaCapStream *) stream;
    GPtrArray *out = NULL;
    guint keep_from = 0;

    for (guint i = 0; i < s->notes->len; i++) {
        cut_note *n = g_ptr_array_index (s->notes, i);
        if (n->at >= upto)
            break;
        if (!out)
            out = g_ptr_array_new_with_free_func (g_free);
        g_ptr_array_add (out, n->text);
        n->text = NULL;
        keep_from = i + 1;
    }
    g_ptr_array_remove_range (s->notes, 0, keep_from);
    if (out && s->notes_lost) {
        g_ptr_array_add (out, g_strdup_printf ("%u more cut(s) not listed", s->notes_lost));
        s->notes_lost = 0;
    }
    /* marks before @upto are no longer asked for: keep only the last of them */
    {
        guint lo = 0;
        while (lo + 1 < s->marks->len && g_array_index (s->marks, cut_mark, lo + 1).emitted <= upto)
            lo++;
        if (lo > 0)
            g_array_remove_range (s->marks, 0, lo);
    }
    return out;
}
