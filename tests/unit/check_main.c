/* check_main.c: runs every unit suite of the launcher (built with ASan and UBSan) and
 * exits non-zero if any check failed. Check prints its summary line last. */
#include <check.h>
#include <stdlib.h>

Suite *bsfilter_suite(void);
Suite *json_suite(void);
Suite *runid_suite(void);
Suite *redact_suite(void);
Suite *cout_suite(void);
Suite *metrics_suite(void);
Suite *store_suite(void);
Suite *config_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(bsfilter_suite());
    srunner_add_suite(sr, json_suite());
    srunner_add_suite(sr, runid_suite());
    srunner_add_suite(sr, redact_suite());
    srunner_add_suite(sr, cout_suite());
    srunner_add_suite(sr, metrics_suite());
    srunner_add_suite(sr, store_suite());
    srunner_add_suite(sr, config_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
