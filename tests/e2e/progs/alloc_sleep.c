/* alloc_sleep.c: holds 64 MiB of touched memory for a while (for sys.rss_bytes). */
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    size_t n = 64 << 20;
    volatile char *p = malloc(n);
    for (size_t i = 0; i < n; i += 4096)
        p[i] = 1;
    usleep(800000);
    int sum = 0;
    for (size_t i = 0; i < n; i += 4096)
        sum += p[i];
    free((void *)p);
    return sum == (int)(n / 4096) ? 0 : 1;
}
