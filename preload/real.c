/* real.c: resolution of the real functions behind our hooks. It runs in the constructor
 * and again, harmlessly, from any hook called before it; it aborts on a circular lookup
 * (our own hook returned), as proxychains does, because calling it would recurse forever. */
#include "real.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

struct sr_real sr_real;

static void *next_symbol(const char *name, void *ours)
{
    void *p = dlsym(RTLD_NEXT, name);
    if (p == ours) {
        static const char msg[] = "sacred-preload: circular symbol resolution\n";
        (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
        abort();
    }
    return p;
}

#define RESOLVE(name) \
    (*(void **)&sr_real.name = next_symbol(#name, (void *)name))
#define RESOLVE_AS(field, symbol, ours) \
    (*(void **)&sr_real.field = next_symbol(symbol, (void *)ours))


void sr_real_init(void)
{
    static volatile int done;
    if (__atomic_load_n(&done, __ATOMIC_ACQUIRE))
        return;
    RESOLVE(execve);
    RESOLVE(execvpe);
    RESOLVE(fexecve);
    RESOLVE(posix_spawn);
    RESOLVE(posix_spawnp);
    RESOLVE(system);
    RESOLVE(popen);
    RESOLVE(pclose);
    RESOLVE(sigaction);
    RESOLVE(signal);
    RESOLVE(open);
    RESOLVE(open64);
    RESOLVE(openat);
    RESOLVE(openat64);
    RESOLVE_AS(open_2, "__open_2", __open_2);
    RESOLVE_AS(open64_2, "__open64_2", __open64_2);
    RESOLVE_AS(openat_2, "__openat_2", __openat_2);
    RESOLVE_AS(openat64_2, "__openat64_2", __openat64_2);
    RESOLVE(creat);
    RESOLVE(creat64);
    RESOLVE(fopen);
    RESOLVE(fopen64);
    RESOLVE(freopen);
    RESOLVE(freopen64);
    RESOLVE(rename);
    RESOLVE(renameat);
    RESOLVE(renameat2);
    RESOLVE(chdir);
    RESOLVE(dlopen);
    RESOLVE(waitpid);
    RESOLVE(wait);
    RESOLVE(wait3);
    RESOLVE(wait4);
    RESOLVE(waitid);
    RESOLVE(fork);
    RESOLVE(fchdir);
    __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
}
