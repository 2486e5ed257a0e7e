/* report_many.c: benchmark load: N scalar reports through sacred-report.h from one
 * process, then a sync (so the time includes the launcher handling them all). */
#include <stdio.h>
#include <stdlib.h>

#include "sacred-report.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    for (long i = 0; i < n; i++)
        sacred_log_scalar("loss", 1.0 / (double)(i + 1), -1);
    return sacred_sync() == 0 ? 0 : 1;
}
