/* read_file.c: benchmark load: reads a file (argv[1]) to the end in 1 MiB blocks. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static char buf[1 << 20];
    int fd = open(argv[1], O_RDONLY);
    long long total = 0;
    ssize_t n;
    while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
        total += n;
    printf("%lld\n", total);
    return fd < 0;
}
