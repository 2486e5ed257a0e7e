/* exit3.c: writes to both streams and exits with status 3. */
#include <stdio.h>

int main(void)
{
    for (int i = 1; i <= 15; i++)
        printf("line %d\n", i);
    fprintf(stderr, "about to fail\n");
    return 3;
}
