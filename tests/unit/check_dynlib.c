/* check_dynlib.c: a library loaded on first use (util/dynlib.h): its functions resolved
 * and callable, loaded once, and a missing library or function named in one message. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "util/dynlib.h"

#define M_FUNCTIONS(X) X(cos) X(floor)

static struct {
    M_FUNCTIONS(DYNLIB_SLOT)
} m;
static const char *const m_names[] = { M_FUNCTIONS(DYNLIB_NAME) };

START_TEST(test_functions_resolved)
{
    struct dynlib lib = { "libm.so.6", "libc6", m_names, 2, &m, 0 };
    char err[256] = "";
    ck_assert_int_eq(dynlib_load(&lib, "a test", err, sizeof(err)), 0);
    ck_assert_int_eq(lib.loaded, 1);
    ck_assert(m.cos(0.0) == 1.0 && m.floor(2.5) == 2.0);
    memset(&m, 0, sizeof(m));
    ck_assert_int_eq(dynlib_load(&lib, "a test", err, sizeof(err)), 0); /* once: not again */
    ck_assert_ptr_null(m.cos);
}
END_TEST

START_TEST(test_missing_named)
{
    char err[256] = "";
    struct dynlib none = { "libsacred-no-such.so.9", "nothing", m_names, 2, &m, 0 };
    ck_assert_int_eq(dynlib_load(&none, "a test", err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "a test needs libsacred-no-such.so.9 (Debian's nothing): "), "%s", err);
    static const char *const bad[] = { "cos", "no_such_function_here" };
    struct dynlib lib = { "libm.so.6", "libc6", bad, 2, &m, 0 };
    ck_assert_int_eq(dynlib_load(&lib, "a test", err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "with no_such_function_here"), "%s", err);
    ck_assert_int_eq(lib.loaded, 0);
}
END_TEST

Suite *dynlib_suite(void);
Suite *dynlib_suite(void)
{
    Suite *s = suite_create("dynlib");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_functions_resolved);
    tcase_add_test(tc, test_missing_named);
    suite_add_tcase(s, tc);
    return s;
}
