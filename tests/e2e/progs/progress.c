/* progress.c: stdio output without newlines, \r progress bars and a \b spinner. */
#include <stdio.h>

int main(void)
{
    printf("start");
    fflush(stdout);
    printf("\n");
    for (int i = 0; i <= 100; i += 10) {
        printf("\rprogress %3d%%", i);
        fflush(stdout);
    }
    printf("\nspinner: |\b/\b-\b\\\b|\bdone\n");
    fprintf(stderr, "to stderr\n");
    printf("no newline at end");
    return 0;
}
