/* static_hello.c: built with -static, so the preload library cannot load into it. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("static says %s\n", argc > 1 ? argv[1] : "hello");
    return 0;
}
