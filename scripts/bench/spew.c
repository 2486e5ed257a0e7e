/* spew.c: benchmark load: writes TOTAL bytes through stdio, as LEN-byte lines or (with
 * "oneline") as one line with no newline at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    long long total = argc > 1 ? atoll(argv[1]) : 1LL << 30;
    int oneline = argc > 2 && !strcmp(argv[2], "oneline");
    char line[80];
    memset(line, 'x', sizeof(line));
    if (!oneline)
        line[79] = '\n';
    for (long long done = 0; done < total; done += (long long)sizeof(line))
        fwrite(line, 1, sizeof(line), stdout);
    return 0;
}
