/* args.c: prints its arguments one per line, and the environment variables it is asked
 * about (after "--env"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int env = 0;
    for (int i = 1; i < argc; i++) {
        if (env) {
            const char *v = getenv(argv[i]);
            printf("env %s=%s\n", argv[i], v ? v : "(unset)");
        } else
            printf("arg %s\n", argv[i]);
        env |= !strcmp(argv[i], "--env");
    }
    return 0;
}
