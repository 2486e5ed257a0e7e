/* check_json_scan.c: the token reader (kinds, texts, offsets, Python's NaN/Infinity, bad
 * text, tokens longer than its buffer) and the streaming writer (the same bytes as
 * json_print for the same tree). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "json/json_scan.h"
#include "json/json_stream.h"
#include "util/strbuf.h"

static int file_with(const char *text, size_t n)
{
    FILE *f = tmpfile();
    fwrite(text, 1, n, f);
    fflush(f);
    return dup(fileno(f)); /* the file lives while the descriptor does */
}

static struct json_scan scan;
static int fd = -1;

static void open_text(const char *text, off_t at)
{
    fd = file_with(text, strlen(text));
    json_scan_open(&scan, fd, at);
}

static void teardown(void)
{
    json_scan_close(&scan);
    if (fd >= 0)
        close(fd);
    fd = -1;
}

static void expect(enum json_token kind, const char *text)
{
    ck_assert_int_eq(json_scan_next(&scan), kind);
    ck_assert_uint_eq(scan.n, strlen(text));
    ck_assert(!memcmp(scan.text, text, scan.n));
}

START_TEST(test_tokens)
{
    open_text(" {\"a\\\"b\": [1, -0.5e+3, NaN, -Infinity, true, null, \"\\u00e9\"]}\n", 0);
    expect(JSON_OPEN_OBJECT, "{");
    ck_assert_int_eq(scan.at, 1);
    expect(JSON_STRING, "\"a\\\"b\"");
    expect(JSON_COLON, ":");
    expect(JSON_OPEN_ARRAY, "[");
    expect(JSON_NUMBER, "1");
    expect(JSON_COMMA, ",");
    expect(JSON_NUMBER, "-0.5e+3");
    ck_assert_int_eq(scan.at, 14);
    json_scan_next(&scan);
    expect(JSON_LITERAL, "NaN");
    json_scan_next(&scan);
    expect(JSON_LITERAL, "-Infinity");
    json_scan_next(&scan);
    expect(JSON_LITERAL, "true");
    json_scan_next(&scan);
    expect(JSON_LITERAL, "null");
    json_scan_next(&scan);
    expect(JSON_STRING, "\"\\u00e9\"");
    char *plain = json_scan_string(scan.text, scan.n);
    ck_assert_str_eq(plain, "\xc3\xa9");
    free(plain);
    expect(JSON_CLOSE_ARRAY, "]");
    expect(JSON_CLOSE_OBJECT, "}");
    ck_assert_int_eq(json_scan_next(&scan), JSON_END);
}
END_TEST

START_TEST(test_from_an_offset)
{
    open_text("[10, 20, 30]", 5);
    expect(JSON_NUMBER, "20");
    ck_assert_int_eq(scan.at, 5);
}
END_TEST

START_TEST(test_bad_text)
{
    static const char *const bad[] = { "01", "1.", "-", "1e", "nan", "\"open", "\"a\\x\"", "@", "\"\\u12g4\"" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        teardown();
        open_text(bad[i], 0);
        ck_assert_msg(json_scan_next(&scan) == JSON_ERROR, "accepted %s", bad[i]);
        ck_assert_ptr_nonnull(scan.error);
    }
    teardown();
    open_text("{\"a\": [1, {\"b\": 2}], \"c\": 3}", 0);
    ck_assert_int_eq(json_scan_skip(&scan, json_scan_next(&scan)), 0);
    ck_assert_int_eq(json_scan_next(&scan), JSON_END);
    teardown();
    open_text("[1, 2 3]", 0);
    ck_assert_int_eq(json_scan_skip(&scan, json_scan_next(&scan)), -1);
    teardown();
    open_text("{\"a\" 1}", 0);
    ck_assert_int_eq(json_scan_skip(&scan, json_scan_next(&scan)), -1);
}
END_TEST

START_TEST(test_token_longer_than_the_buffer)
{
    size_t n = 200000;
    char *text = malloc(n + 8);
    text[0] = '[';
    text[1] = '"';
    memset(text + 2, 'x', n);
    strcpy(text + 2 + n, "\", 7]");
    open_text(text, 0);
    expect(JSON_OPEN_ARRAY, "[");
    ck_assert_int_eq(json_scan_next(&scan), JSON_STRING);
    ck_assert_uint_eq(scan.n, n + 2);
    ck_assert_int_eq(scan.text[n + 1], '"');
    json_scan_next(&scan);
    expect(JSON_NUMBER, "7");
    free(text);
}
END_TEST

/* The stream writer gives json_print's bytes. */
START_TEST(test_stream_layout)
{
    cJSON *tree = json_parse_typed("{\"a\": {\"list\": [1, 2.5, \"x\"], \"none\": []}, \"b\": {}, \"c\": 3}");
    struct strbuf want = STRBUF_INIT;
    json_print(&want, tree);
    char *got = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&got, &len);
    struct json_stream js;
    json_stream_init(&js, out);
    json_stream_open(&js, NULL, '{');
    json_stream_open(&js, "a", '{');
    json_stream_open(&js, "list", '[');
    json_stream_value(&js, NULL, "1", 1);
    json_stream_value(&js, NULL, "2.5", 3);
    json_stream_value(&js, NULL, "\"x\"", 3);
    json_stream_close(&js, ']');
    json_stream_open(&js, "none", '[');
    json_stream_close(&js, ']');
    json_stream_close(&js, '}');
    json_stream_open(&js, "b", '{');
    json_stream_close(&js, '}');
    json_stream_value(&js, "c", "3", 1);
    json_stream_close(&js, '}');
    fclose(out);
    ck_assert_str_eq(got, want.buf);
    free(got);
    strbuf_release(&want);
    cJSON_Delete(tree);
}
END_TEST

/* json_scan_double gives exactly what strtod gives, on the shapes metrics take. */
START_TEST(test_numbers_as_strtod)
{
    static const char *const fixed[] = { "0", "-0", "0.1", "1e-07", "2.5E+3", "123456789012345678",
                                         "9007199254740993", "0.30000000000000004", "-17.25",
                                         "1e308", "4.9e-324", "0.000000000000000000000001" };
    char text[64];
    for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++) {
        double d = 1;
        ck_assert_int_eq(json_scan_double(fixed[i], strlen(fixed[i]), &d), 0);
        ck_assert_msg(d == strtod(fixed[i], NULL) && signbit(d) == signbit(strtod(fixed[i], NULL)), "%s", fixed[i]);
    }
    unsigned seed = 7;
    for (int i = 0; i < 100000; i++) {
        double v = (double)rand_r(&seed) / RAND_MAX * pow(10, rand_r(&seed) % 16 - 8);
        int n = snprintf(text, sizeof(text), "%.*g", 12 + i % 6, i % 2 ? v : -v), ok;
        double d;
        ok = json_scan_double(text, (size_t)n, &d) == 0;
        ck_assert_msg(ok && d == strtod(text, NULL), "%s", text);
    }
    for (int i = 0; i < 100000; i++) { /* random decimal texts: 1-19 digits, exponents -30..30 */
        char digits[24];
        int nd = 1 + rand_r(&seed) % 19, point = rand_r(&seed) % (nd + 1);
        for (int k = 0; k < nd; k++)
            digits[k] = (char)('0' + (k == 0 ? 1 + rand_r(&seed) % 9 : rand_r(&seed) % 10));
        int n = snprintf(text, sizeof(text), "%.*s%s%.*se%d", point ? point : 1, point ? digits : "0",
                         point < nd ? "." : "", nd - point, digits + point, rand_r(&seed) % 61 - 30);
        double d;
        ck_assert_msg(json_scan_double(text, (size_t)n, &d) == 0 && d == strtod(text, NULL), "%s", text);
    }
    long long v;
    ck_assert(json_scan_integer("-42", 3, &v) && v == -42);
    ck_assert(json_scan_integer("123456789012345678", 18, &v) && v == 123456789012345678LL);
    ck_assert(!json_scan_integer("1234567890123456789", 19, &v));
    ck_assert(!json_scan_integer("1.5", 3, &v) && !json_scan_integer("-", 1, &v));
    double d;
    ck_assert_int_eq(json_scan_double("1x", 2, &d), -1);
}
END_TEST

Suite *json_scan_suite(void);
Suite *json_scan_suite(void)
{
    Suite *s = suite_create("json_scan");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_tokens);
    tcase_add_test(tc, test_from_an_offset);
    tcase_add_test(tc, test_bad_text);
    tcase_add_test(tc, test_token_longer_than_the_buffer);
    tcase_add_test(tc, test_stream_layout);
    tcase_add_test(tc, test_numbers_as_strtod);
    suite_add_tcase(s, tc);
    return s;
}
