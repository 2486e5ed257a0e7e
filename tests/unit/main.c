/* main.c: runs every unit suite of the launcher (built with ASan and UBSan) and exits
 * non-zero if any check failed. The suites are listed in the generated suites.h, one
 * SUITE(NAME) per tests/unit/check_NAME.c; Check prints its summary line last. */
#include <check.h>
#include <stdlib.h>

#define SUITE(name) Suite *name##_suite(void);
#include "suites.h"
#undef SUITE

int main(void)
{
    SRunner *sr = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(sr, name##_suite());
#include "suites.h"
#undef SUITE
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
