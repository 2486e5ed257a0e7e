/* report_header.c: reports through sacred-report.h: N scalars (argv[1]), info, a result,
 * an artifact, one bad report, then waits for the launcher with sacred_sync. */
#include <stdio.h>
#include <stdlib.h>

#include "sacred-report.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 5;
    for (long i = 0; i < n; i++)
        sacred_log_scalar("c.loss", 1.0 / (double)(i + 1), -1);
    sacred_log_scalar("c.explicit", 0.5, 42);
    sacred_log_info("compiler", "{\"name\": \"gcc\", \"flags\": [\"-O1\"]}");
    sacred_log_result("0.125");
    FILE *f = fopen("weights.bin", "w");
    fputs("weights", f);
    fclose(f);
    sacred_log_artifact("weights.bin", "model/weights.bin");
    sacred_report("scalar c.bad notanumber");
    int errors = sacred_sync();
    printf("sync errors %d\n", errors);
    return 0;
}
