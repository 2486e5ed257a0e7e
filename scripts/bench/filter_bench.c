/* filter_bench.c: throughput of the streaming backspace filter on progress-bar text
 * (ASCII bars and tqdm-style bars with block characters), fed in 64 KiB chunks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/bsfilter.h"

static void sink(void *ctx, const char *buf, size_t n)
{
    *(size_t *)ctx += n + (size_t)(buf[0] == 0);
}

static double run(const char *text, size_t n, size_t reps)
{
    struct bsfilter f;
    size_t out = 0;
    struct timespec a, b;
    bsfilter_init(&f);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (size_t r = 0; r < reps; r++)
        for (size_t off = 0; off < n; off += 65536)
            bsfilter_feed(&f, text + off, n - off < 65536 ? n - off : 65536, sink, &out);
    bsfilter_finish(&f, sink, &out);
    clock_gettime(CLOCK_MONOTONIC, &b);
    bsfilter_release(&f);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    return (double)n * (double)reps / secs / 1e9;
}

static size_t make_text(char *buf, size_t cap, int unicode)
{
    size_t n = 0;
    for (int line = 0; n + 4096 < cap; line++) {
        for (int pct = 0; pct <= 100 && n + 200 < cap; pct++) {
            n += (size_t)sprintf(buf + n, "\repoch %d: %3d%%|", line, pct);
            for (int i = 0; i < 20; i++) {
                const char *cell = i < pct / 5 ? (unicode ? "\xe2\x96\x88" : "=") : " ";
                memcpy(buf + n, cell, strlen(cell));
                n += strlen(cell);
            }
            n += (size_t)sprintf(buf + n, "| %d/100 [00:%02d<00:10, 9.87it/s]", pct, pct % 60);
        }
        buf[n++] = '\n';
    }
    return n;
}

int main(void)
{
    size_t cap = 64 << 20;
    char *text = malloc(cap);
    size_t n = make_text(text, cap, 0);
    printf("filter_ascii_bars_GBps %.2f\n", run(text, n, 16));
    n = make_text(text, cap, 1);
    printf("filter_tqdm_unicode_bars_GBps %.2f\n", run(text, n, 16));
    n = cap;
    memset(text, 'x', n);
    for (size_t i = 79; i < n; i += 80)
        text[i] = '\n';
    printf("filter_plain_lines_GBps %.2f\n", run(text, n, 16));
    free(text);
    return 0;
}
