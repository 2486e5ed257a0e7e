/* metric_lines.c: benchmark load: N lines through stdio, every other one a metric line
 * ("step 12: loss=0.1234"), the others plain text. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000000;
    for (long i = 0; i < n; i++) {
        if (i % 2)
            printf("step %ld: loss=%.4f\n", i / 2, 1.0 / (double)(i + 1));
        else
            printf("processing batch %ld of the training data\n", i / 2);
    }
    return 0;
}
