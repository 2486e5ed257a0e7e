/* diff.h: the unified diff of two texts, as `diff -u` writes it: lines compared byte for
 * byte (a last line without its newline differs from one with it), Myers' linear-space
 * algorithm, hunks with context and @@ headers. Never reads files and never prints. */
#ifndef SR_DIFF_H
#define SR_DIFF_H

#include <stddef.h>

#include "util/strbuf.h"

/* Appends the diff of a[0..alen) and b[0..blen) to out, with context lines around each
 * change, headed "--- label_a" and "+++ label_b"; a text holding a NUL byte is binary
 * ("Binary files label_a and label_b differ"). Returns 1 when the texts differ, 0 when
 * they are the same (nothing appended). */
int diff_unified(struct strbuf *out, const char *a, size_t alen, const char *b, size_t blen,
                 const char *label_a, const char *label_b, int context);

#endif
