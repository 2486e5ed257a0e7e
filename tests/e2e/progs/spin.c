/* spin.c: says it is ready, then waits forever (for signal tests). With an argument it
 * prints a progress line without newline first. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    printf("ready\n");
    if (argc > 1)
        printf("working %s", argv[1]);
    fflush(stdout);
    for (;;)
        pause();
}
