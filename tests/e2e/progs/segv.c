/* segv.c: prints, then dereferences NULL. */
#include <stdio.h>

int main(void)
{
    printf("before the crash\n");
    fflush(stdout);
    volatile int *p = NULL;
    return *p;
}
