/* clock.c: writes the wall clock (seconds since the epoch) to the file argv[1] at once,
 * whatever else it is given: the moment a program started, for bench-inputs.py. */
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    FILE *f = argc > 1 ? fopen(argv[1], "w") : NULL;
    if (!f)
        return 1;
    fprintf(f, "%lld.%09ld\n", (long long)t.tv_sec, t.tv_nsec);
    return fclose(f) != 0;
}
