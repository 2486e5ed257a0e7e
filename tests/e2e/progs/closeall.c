/* closeall.c: closes every descriptor above 2 at start (as daemons do), then reads a file
 * and writes one: the preload library must still report both. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    for (int fd = 3; fd < 4096; fd++)
        close(fd);
    int in = open("input.txt", O_RDONLY);
    char buf[64];
    ssize_t n = in >= 0 ? read(in, buf, sizeof(buf)) : -1;
    int out = open("output.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0 && n > 0)
        (void)!write(out, buf, (size_t)n);
    printf("copied %zd\n", n);
    return 0;
}
