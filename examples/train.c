/* train.c: a stand-in for a training program that knows nothing of Sacred: it reads its
 * options, draws a progress bar with \r, and prints one summary line per epoch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int epochs = 3;
    double lr = 0.1;
    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], "--epochs"))
            epochs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--lr"))
            lr = atof(argv[++i]);
    }
    double loss = 1.0;
    for (int e = 1; e <= epochs; e++) {
        for (int step = 0; step <= 20; step++) {
            printf("\repoch %d [%-20.*s] %3d%%", e, step, "====================", step * 5);
            fflush(stdout);
            usleep(10000);
        }
        loss *= 1.0 - lr;
        printf("\nepoch %d - loss: %.4f - lr: %g\n", e, loss, lr);
    }
    return 0;
}
