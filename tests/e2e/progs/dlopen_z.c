/* dlopen_z.c: loads libz at run time (not in DT_NEEDED), as plugins and Python modules do. */
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
    void *h = dlopen("libz.so.1", RTLD_NOW);
    const char *(*version)(void) = h ? (const char *(*)(void))dlsym(h, "zlibVersion") : NULL;
    printf("zlib %s\n", version ? version() : "missing");
    return 0;
}
