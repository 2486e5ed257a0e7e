/* main.c: runs every unit suite of the launcher (built with ASan and UBSan), with cJSON's
 * allocation hooks installed as in the launcher, and exits non-zero if any check failed.
 * The suites are listed in the generated suites.h, one SUITE(NAME) per
 * tests/unit/check_NAME.c; Check prints its summary line last. */
#include <check.h>
#include <stdlib.h>

#include "json/json_alloc.h"

#define SUITE(name) Suite *name##_suite(void);
#include "suites.h"
#undef SUITE

int main(void)
{
    json_init(); /* as the launcher's main() does; forked checks inherit the hooks */
    SRunner *sr = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(sr, name##_suite());
#include "suites.h"
#undef SUITE
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
