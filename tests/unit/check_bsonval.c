/* check_bsonval.c: JSON values must become the BSON types pymongo gives what json.loads
 * reads (int32, then int64; doubles for floats, NaN and infinities), keys renamed as Sacred's
 * force_valid_bson_key renames them, text always valid UTF-8, times cut to milliseconds. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "json/json_parse.h"
#include "store/bsonval.h"

/* The document {"v": JSON of text}. */
static bson_t *doc_of(const char *text)
{
    cJSON *v = json_parse_typed(text);
    ck_assert_ptr_nonnull(v);
    bson_t *b = bson_new();
    bsonval_append(b, "v", v);
    cJSON_Delete(v);
    return b;
}

static bson_type_t type_of(const bson_t *b, const char *path)
{
    bson_iter_t it, at;
    ck_assert(bson_iter_init(&it, b));
    ck_assert_msg(bson_iter_find_descendant(&it, path, &at), "no %s", path);
    return bson_iter_type(&at);
}

START_TEST(test_numbers_as_pymongo)
{
    bson_t *b = doc_of("[3, -2147483648, 2147483648, 12345678901234567890, 0.5, 1e3, NaN, -Infinity, true, null]");
    bson_type_t want[] = { BSON_TYPE_INT32, BSON_TYPE_INT32, BSON_TYPE_INT64, BSON_TYPE_UTF8, BSON_TYPE_DOUBLE,
                           BSON_TYPE_DOUBLE, BSON_TYPE_DOUBLE, BSON_TYPE_DOUBLE, BSON_TYPE_BOOL, BSON_TYPE_NULL };
    for (unsigned i = 0; i < sizeof(want) / sizeof(*want); i++) {
        char path[16];
        snprintf(path, sizeof(path), "v.%u", i);
        ck_assert_msg(type_of(b, path) == want[i], "element %u: type %d", i, type_of(b, path));
    }
    bson_iter_t it, at;
    bson_iter_init(&it, b);
    ck_assert(bson_iter_find_descendant(&it, "v.6", &at) && isnan(bson_iter_double(&at)));
    bson_iter_init(&it, b);
    ck_assert(bson_iter_find_descendant(&it, "v.2", &at) && bson_iter_int64(&at) == 2147483648LL);
    bson_iter_init(&it, b);
    ck_assert(bson_iter_find_descendant(&it, "v.3", &at));
    ck_assert_str_eq(bson_iter_utf8(&at, NULL), "12345678901234567890");
    bson_destroy(b);
}
END_TEST

START_TEST(test_keys_made_valid)
{
    bson_t *b = doc_of("{\"a.b\": 1, \"$x\": {\"y$.z\": 2}, \"ok\": 3}");
    ck_assert_int_eq(type_of(b, "v.a,b"), BSON_TYPE_INT32);
    ck_assert_int_eq(type_of(b, "v.@x"), BSON_TYPE_DOCUMENT);
    bson_iter_t it, at;
    bson_iter_init(&it, b);
    ck_assert(bson_iter_find_descendant(&it, "v.@x", &at));
    bson_iter_t in;
    ck_assert(bson_iter_recurse(&at, &in) && bson_iter_next(&in));
    ck_assert_str_eq(bson_iter_key(&in), "y$,z");
    bson_destroy(b);
}
END_TEST

START_TEST(test_text_always_utf8)
{
    bson_t *b = bson_new();
    bsonval_append_text(b, "t", "a\xff\xc3\xa9z", 5);
    bson_iter_t it;
    ck_assert(bson_iter_init_find(&it, b, "t"));
    uint32_t n;
    const char *s = bson_iter_utf8(&it, &n);
    ck_assert_uint_eq(n, 7);
    ck_assert(!memcmp(s, "a\xef\xbf\xbd\xc3\xa9z", 7));
    bson_destroy(b);
}
END_TEST

START_TEST(test_times_to_milliseconds)
{
    bson_t *b = bson_new();
    bsonval_append_time(b, "t", "2026-11-29T13:31:57.632999");
    bsonval_append_time(b, "old", "1969-12-31T23:59:59.999500");
    bsonval_append_time(b, "bad", "yesterday");
    bson_iter_t it;
    ck_assert(bson_iter_init_find(&it, b, "t"));
    ck_assert_int_eq(bson_iter_date_time(&it), 1795959117632LL); /* 13:31:57.632, not .633 */
    ck_assert(bson_iter_init_find(&it, b, "old"));
    ck_assert_int_eq(bson_iter_date_time(&it), -1); /* pymongo: floor, -0.0005 s is -1 ms */
    ck_assert(bson_iter_init_find(&it, b, "bad") && BSON_ITER_HOLDS_UTF8(&it));
    bson_destroy(b);
}
END_TEST

Suite *bsonval_suite(void);
Suite *bsonval_suite(void)
{
    Suite *s = suite_create("bsonval");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_numbers_as_pymongo);
    tcase_add_test(tc, test_keys_made_valid);
    tcase_add_test(tc, test_text_always_utf8);
    tcase_add_test(tc, test_times_to_milliseconds);
    suite_add_tcase(s, tc);
    return s;
}
