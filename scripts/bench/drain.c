/* drain.c: benchmark load: the consumer of a pipeline, reading its stdin to the end in
 * 64 KiB reads (as a pager, grep or a log shipper would), and touching every byte. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    static char buf[1 << 16];
    unsigned long sum = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof(buf))) > 0)
        for (ssize_t i = 0; i < n; i += 64)
            sum += (unsigned char)buf[i];
    return sum == 1; /* never: keeps the loop */
}
