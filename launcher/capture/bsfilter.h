/* bsfilter.h: Sacred's apply_backspaces_and_linefeeds, computed streaming.
 * Feeding any chunking of a text and then finishing emits exactly what Sacred's function
 * returns for the whole text (characters in the surrogateescape sense, see utf8.h).
 * Memory is bounded by the longest line; completed lines are emitted once, never revised. */
#ifndef SR_BSFILTER_H
#define SR_BSFILTER_H

#include <stddef.h>
#include <stdint.h>

typedef void bsfilter_emit_fn(void *ctx, const char *buf, size_t n);

struct bsfilter {
    unsigned char *bytes; /* the current line while it holds only ASCII */
    uint32_t *wide;       /* the current line as code points once it has a non-ASCII char */
    size_t len, cap;      /* characters in the line, capacity of the active array */
    size_t wcap;
    size_t cursor;        /* character index where the next character lands */
    int is_wide;
    int trailing_cr;      /* the last character fed was '\r' */
    unsigned char hold[4];/* an incomplete UTF-8 sequence at the end of the last chunk */
    size_t nhold;
    unsigned char *scratch; /* encoding buffer for wide lines */
    size_t scratch_cap;
};

void bsfilter_init(struct bsfilter *f);
void bsfilter_release(struct bsfilter *f);

/* Processes n bytes; every completed line is passed to emit, '\n' included. */
void bsfilter_feed(struct bsfilter *f, const char *buf, size_t n, bsfilter_emit_fn *emit, void *ctx);

/* The pending (unterminated) line as the text so far would end; valid until the next call. */
const char *bsfilter_pending(struct bsfilter *f, size_t *n);

/* Ends the text: emits the last line with Sacred's end-of-text rule; the filter is reset. */
void bsfilter_finish(struct bsfilter *f, bsfilter_emit_fn *emit, void *ctx);

#endif
