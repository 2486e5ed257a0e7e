/* read_file.c: benchmark load: reads a file (argv[1]) to the end in 1 MiB blocks, then
 * computes for argv[2] seconds (default 0), as a training program would after loading. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static char buf[1 << 20];
    int fd = open(argv[1], O_RDONLY);
    long long total = 0;
    ssize_t n;
    while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
        total += n;
    double secs = argc > 2 ? atof(argv[2]) : 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    volatile unsigned long spin = 0;
    do {
        for (int i = 0; i < 100000; i++)
            spin += (unsigned long)i;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
    printf("%lld\n", total);
    return fd < 0;
}
