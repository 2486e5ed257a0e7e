/* check_bsfilter.c: the streaming filter against Sacred's upstream vectors and against a
 * literal whole-text transcription of apply_backspaces_and_linefeeds, for random texts
 * (ASCII, multi-byte and invalid UTF-8) cut into random chunks. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/bsfilter.h"
#include "util/strbuf.h"
#include "util/utf8.h"

static void collect(void *ctx, const char *buf, size_t n)
{
    strbuf_add(ctx, buf, n);
}

/* Feeds text in chunks of the given sizes (cycled) and returns the filtered result. */
static char *filter_chunked(const char *text, size_t n, const size_t *sizes, size_t nsizes,
                            size_t *outlen)
{
    struct bsfilter f;
    struct strbuf out = STRBUF_INIT;
    bsfilter_init(&f);
    for (size_t off = 0, i = 0; off < n; i++) {
        size_t k = nsizes ? sizes[i % nsizes] : n;
        if (k > n - off)
            k = n - off;
        bsfilter_feed(&f, text + off, k, collect, &out);
        off += k;
    }
    bsfilter_finish(&f, collect, &out);
    bsfilter_release(&f);
    *outlen = out.len;
    return strbuf_detach(&out);
}

/* Sacred's function, transcribed literally on code points (the reference). */
static char *reference(const char *text, size_t n, size_t *outlen)
{
    uint32_t *cps = malloc((n + 1) * sizeof(*cps));
    size_t m = 0;
    for (size_t off = 0; off < n;)
        off += utf8_char((const unsigned char *)text + off, n - off, 0, &cps[m++]);
    uint32_t *chars = malloc((m + 1) * sizeof(*chars));
    struct strbuf out = STRBUF_INIT;
    size_t line_start = 0;
    for (size_t i = 0; i <= m; i++) {
        if (i < m && cps[i] != '\n')
            continue;
        size_t nchars = 0, cursor = 0, line_len = i - line_start;
        int last_line = i == m;
        for (size_t j = 0; j < line_len; j++) {
            uint32_t c = cps[line_start + j];
            int last_char = last_line && j == line_len - 1;
            if (c == '\r' && !last_char)
                cursor = 0;
            else if (c == '\b')
                cursor = cursor ? cursor - 1 : 0;
            else {
                if (c == '\r' && last_char)
                    cursor = nchars;
                if (cursor == nchars)
                    chars[nchars++] = c;
                else
                    chars[cursor] = c;
                cursor++;
            }
        }
        for (size_t j = 0; j < nchars; j++) {
            unsigned char b[4];
            strbuf_add(&out, b, utf8_put(chars[j], b));
        }
        if (!last_line)
            strbuf_addch(&out, '\n');
        line_start = i + 1;
    }
    free(cps);
    free(chars);
    *outlen = out.len;
    return strbuf_detach(&out);
}

static void expect(const char *in, const char *want)
{
    size_t n;
    static const size_t ones[] = { 1 };
    char *got = filter_chunked(in, strlen(in), NULL, 0, &n);
    ck_assert_msg(n == strlen(want) && !memcmp(got, want, n), "filter(%s) wrong", in);
    free(got);
    got = filter_chunked(in, strlen(in), ones, 1, &n);
    ck_assert_msg(n == strlen(want) && !memcmp(got, want, n), "byte-wise filter(%s) wrong", in);
    free(got);
}

START_TEST(test_sacred_vectors)
{
    expect("", "");
    expect("\b", "");
    expect("\r", "\r");
    expect("\r\n", "\n");
    expect("ab\bc", "ac");
    expect("\ba", "a");
    expect("ab\nc\b\bd", "ab\nd");
    expect("abc\rdef", "def");
    expect("abc\r", "abc\r");
    expect("abc\rd", "dbc");
    expect("abc\r\nd", "abc\nd");
    expect("abc\ndef\rg", "abc\ngef");
    expect("abc\ndef\r\rg", "abc\ngef");
    expect("abcd\refg\r", "efgd\r");
    expect("abcd\refg\r\n", "efgd\n");
    expect("progress 0\b1\b2\b3\b4\b5\b6\b7\b8\b9", "progress 9");
    /* Sacred's sample run 6: what cout.txt must hold. */
    expect("start\n\rprogress   0%\rprogress  25%\rprogress 100%\nspinner: |\b/\b-\b\\\b|\bdone\nlast line\n",
           "start\nprogress 100%\nspinner: done\nlast line\n");
}
END_TEST

START_TEST(test_multibyte_overwrite)
{
    expect("\xc3\xa9t\xc3\xa9\rab", "ab\xc3\xa9");      /* "été" then "ab": by character */
    expect("ab\r\xe2\x96\x88", "\xe2\x96\x88" "b");      /* a 3-byte char over one ASCII */
    expect("x\xff\xfey\r12", "12\xfey");                 /* invalid bytes are one char each */
    expect("\xe2\x82\rA", "A\x82");                      /* truncated sequence: two chars */
}
END_TEST

static size_t random_text(char *buf, size_t max, unsigned *seed)
{
    static const char *const pieces[] = { "a", "bc", "\r", "\n", "\b", "\xc3\xa9", "\xe2\x96\x88",
                                          "\xf0\x9f\x98\x80", "\xff", "\xe2\x82", "\x80", " 42%",
                                          "\r\n", "\xed\xa0\x80" };
    size_t n = 0, count = (size_t)rand_r(seed) % 60;
    for (size_t i = 0; i < count; i++) {
        const char *p = pieces[(size_t)rand_r(seed) % (sizeof(pieces) / sizeof(*pieces))];
        size_t k = strlen(p);
        if (n + k > max)
            break;
        memcpy(buf + n, p, k);
        n += k;
    }
    return n;
}

START_TEST(test_random_chunkings_match_reference)
{
    unsigned seed = 12345;
    char text[512];
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = random_text(text, sizeof(text), &seed), want_n, got_n;
        size_t sizes[4];
        for (int i = 0; i < 4; i++)
            sizes[i] = 1 + (size_t)rand_r(&seed) % 7;
        char *want = reference(text, n, &want_n);
        char *got = filter_chunked(text, n, sizes, 4, &got_n);
        ck_assert_msg(want_n == got_n && !memcmp(want, got, got_n), "iteration %d differs", iter);
        free(want);
        free(got);
    }
}
END_TEST

START_TEST(test_pending_line)
{
    struct bsfilter f;
    struct strbuf out = STRBUF_INIT;
    size_t n;
    bsfilter_init(&f);
    bsfilter_feed(&f, "done\nstep 1\rstep 2", 18, collect, &out);
    ck_assert_str_eq(out.buf, "done\n");
    const char *p = bsfilter_pending(&f, &n);
    ck_assert_int_eq(n, 6);
    ck_assert(!memcmp(p, "step 2", 6));
    bsfilter_feed(&f, "\r", 1, collect, &out);
    p = bsfilter_pending(&f, &n);
    ck_assert(n == 7 && !memcmp(p, "step 2\r", 7));
    bsfilter_release(&f);
    strbuf_release(&out);
}
END_TEST

Suite *bsfilter_suite(void);
Suite *bsfilter_suite(void)
{
    Suite *s = suite_create("bsfilter");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_sacred_vectors);
    tcase_add_test(tc, test_multibyte_overwrite);
    tcase_add_test(tc, test_random_chunkings_match_reference);
    tcase_add_test(tc, test_pending_line);
    suite_add_tcase(s, tc);
    return s;
}
