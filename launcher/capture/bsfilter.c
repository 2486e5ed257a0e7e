/* bsfilter.c: the streaming backspace/carriage-return filter for cout.txt.
 * ASCII lines are kept as bytes (fast path); a line switches to code points at its first
 * non-ASCII character, so overwrites are always by character, as in Python. */
#include "capture/bsfilter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/utf8.h"

/* Byte classes: 0 a plain ASCII character, 1 '\n', '\r' or '\b', 2 part of a non-ASCII
 * character. */
static unsigned char byte_class[256];

static void init_classes(void)
{
    if (byte_class['\n'])
        return;
    for (int c = 0x80; c < 256; c++)
        byte_class[c] = 2;
    byte_class['\n'] = byte_class['\r'] = byte_class['\b'] = 1;
}

/* Nonzero if some byte of v is zero (exact as a yes/no answer). */
#define HAS_ZERO_BYTE(v) (((v) - 0x0101010101010101ull) & ~(v) & 0x8080808080808080ull)
#define EVERY_BYTE(c) (0x0101010101010101ull * (c))

/* The end of the run of plain bytes starting at p: eight bytes at a time while none of
 * them is special, then byte by byte. */
static const unsigned char *plain_run(const unsigned char *p, const unsigned char *end)
{
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, sizeof(w));
        if ((w & EVERY_BYTE(0x80)) || HAS_ZERO_BYTE(w ^ EVERY_BYTE('\n'))
            || HAS_ZERO_BYTE(w ^ EVERY_BYTE('\r')) || HAS_ZERO_BYTE(w ^ EVERY_BYTE('\b')))
            break;
        p += 8;
    }
    while (p < end && !byte_class[*p])
        p++;
    return p;
}

void bsfilter_init(struct bsfilter *f)
{
    memset(f, 0, sizeof(*f));
    init_classes();
}

void bsfilter_release(struct bsfilter *f)
{
    free(f->bytes);
    free(f->wide);
    free(f->scratch);
    bsfilter_init(f);
}

static void reset_line(struct bsfilter *f)
{
    f->len = f->cursor = 0;
    f->is_wide = 0;
}

/* array, grown to hold at least need elements of size elem (capacity doubles). */
static void *grow(void *array, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return array;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    *cap = c;
    return xrealloc(array, c * elem);
}

static void grow_bytes(struct bsfilter *f, size_t need)
{
    f->bytes = grow(f->bytes, &f->cap, need, 1);
}

static void grow_wide(struct bsfilter *f, size_t need)
{
    f->wide = grow(f->wide, &f->wcap, need, sizeof(*f->wide));
}

static void go_wide(struct bsfilter *f)
{
    grow_wide(f, f->len + 1);
    for (size_t i = 0; i < f->len; i++)
        f->wide[i] = f->bytes[i];
    f->is_wide = 1;
}

/* Writes a run of ASCII characters (no control characters of ours) at the cursor. */
static void put_ascii(struct bsfilter *f, const unsigned char *s, size_t n)
{
    size_t end = f->cursor + n;
    if (f->is_wide) {
        grow_wide(f, end);
        for (size_t i = 0; i < n; i++)
            f->wide[f->cursor + i] = s[i];
    } else {
        grow_bytes(f, end);
        memcpy(f->bytes + f->cursor, s, n);
    }
    f->cursor = end;
    if (end > f->len)
        f->len = end;
}

static void put_wide(struct bsfilter *f, uint32_t cp)
{
    if (!f->is_wide)
        go_wide(f);
    grow_wide(f, f->cursor + 1);
    f->wide[f->cursor++] = cp;
    if (f->cursor > f->len)
        f->len = f->cursor;
}

/* The line's text as bytes; for wide lines encoded into scratch. */
static const char *line_text(struct bsfilter *f, size_t *n, int with_cr, int with_nl)
{
    size_t extra = (size_t)with_cr + (size_t)with_nl;
    unsigned char *out;
    size_t o = 0;
    if (!f->is_wide) {
        grow_bytes(f, f->len + extra);
        out = f->bytes;
        o = f->len;
    } else {
        size_t need = f->len * 4 + extra;
        if (need > f->scratch_cap) {
            f->scratch = xrealloc(f->scratch, need);
            f->scratch_cap = need;
        }
        out = f->scratch;
        for (size_t i = 0; i < f->len; i++)
            o += utf8_put(f->wide[i], out + o);
    }
    if (with_cr)
        out[o++] = '\r';
    if (with_nl)
        out[o++] = '\n';
    *n = o;
    return (const char *)out;
}

static void end_line(struct bsfilter *f, bsfilter_emit_fn *emit, void *ctx)
{
    size_t n;
    const char *text = line_text(f, &n, 0, 1);
    emit(ctx, text, n);
    reset_line(f);
}

/* Handles one character of length k at s (k >= 1, complete). */
static void feed_char(struct bsfilter *f, const unsigned char *s, size_t k, uint32_t cp,
                      bsfilter_emit_fn *emit, void *ctx)
{
    f->trailing_cr = 0;
    if (cp == '\n')
        end_line(f, emit, ctx);
    else if (cp == '\r') {
        f->cursor = 0;
        f->trailing_cr = 1;
    } else if (cp == '\b') {
        if (f->cursor)
            f->cursor--;
    } else if (k == 1 && cp < 0x80)
        put_ascii(f, s, 1);
    else
        put_wide(f, cp);
}

/* Decodes the common valid 2- and 3-byte characters inline; 0 for anything else. */
static size_t quick_decode(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
    if (end - p >= 3 && (p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        uint32_t v = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
            *cp = v;
            return 3;
        }
    }
    if (end - p >= 2 && p[0] >= 0xC2 && p[0] <= 0xDF && (p[1] & 0xC0) == 0x80) {
        *cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    return 0;
}

/* Completes a held partial character with bytes from the new chunk; returns bytes used. */
static size_t feed_held(struct bsfilter *f, const unsigned char *p, size_t n,
                        bsfilter_emit_fn *emit, void *ctx)
{
    size_t used = 0;
    while (f->nhold < 4 && used < n)
        f->hold[f->nhold++] = p[used++];
    uint32_t cp;
    size_t k = utf8_char(f->hold, f->nhold, 1, &cp);
    if (k == 0)
        return used; /* still incomplete: everything is held */
    feed_char(f, f->hold, k, cp, emit, ctx);
    size_t back = f->nhold - k; /* bytes taken from p that were not part of the character */
    f->nhold = 0;
    return used - back;
}

void bsfilter_feed(struct bsfilter *f, const char *buf, size_t n, bsfilter_emit_fn *emit, void *ctx)
{
    const unsigned char *p = (const unsigned char *)buf, *end = p + n;
    if (f->nhold)
        p += feed_held(f, p, n, emit, ctx);
    while (p < end) {
        if (!byte_class[*p]) {
            const unsigned char *q = plain_run(p + 1, end);
            f->trailing_cr = 0;
            if (f->len == 0 && q < end && *q == '\n') {
                /* Whole plain lines pass unchanged: emit as many as follow in one piece. */
                const unsigned char *e = q + 1, *r;
                while (e < end && (r = plain_run(e, end)) < end && *r == '\n')
                    e = r + 1;
                emit(ctx, (const char *)p, (size_t)(e - p));
                p = e;
                continue;
            }
            put_ascii(f, p, (size_t)(q - p));
            p = q;
            continue;
        }
        uint32_t cp;
        size_t k = byte_class[*p] == 2 ? quick_decode(p, end, &cp) : 0;
        if (k) {
            f->trailing_cr = 0;
            put_wide(f, cp);
            p += k;
            continue;
        }
        k = utf8_char(p, (size_t)(end - p), 1, &cp);
        if (k == 0) {
            f->nhold = (size_t)(end - p);
            memcpy(f->hold, p, f->nhold);
            return;
        }
        feed_char(f, p, k, cp, emit, ctx);
        p += k;
    }
}

const char *bsfilter_pending(struct bsfilter *f, size_t *n)
{
    return line_text(f, n, f->trailing_cr, 0);
}

void bsfilter_finish(struct bsfilter *f, bsfilter_emit_fn *emit, void *ctx)
{
    while (f->nhold) {
        uint32_t cp;
        size_t k = utf8_char(f->hold, f->nhold, 0, &cp);
        feed_char(f, f->hold, k, cp, emit, ctx);
        memmove(f->hold, f->hold + k, f->nhold - k);
        f->nhold -= k;
    }
    size_t n;
    const char *text = line_text(f, &n, f->trailing_cr, 0);
    if (n)
        emit(ctx, text, n);
    reset_line(f);
    f->trailing_cr = 0;
}
