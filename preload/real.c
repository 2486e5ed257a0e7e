/* real.c: resolution of the real functions behind our hooks, each on its first use (a
 * process pays dlsym only for what it calls; two threads racing store the same pointer).
 * It aborts on a circular lookup (our own hook returned), as proxychains does. */
#include "real.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
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

/* Each real function: our struct field, the symbol behind it, and our own hook (a lookup
 * that returns our hook would recurse forever). */
static const struct {
    const char *field, *symbol;
    void *ours;
} table[] = {
    { "execve", "execve", (void *)execve },
    { "execvpe", "execvpe", (void *)execvpe },
    { "fexecve", "fexecve", (void *)fexecve },
    { "posix_spawn", "posix_spawn", (void *)posix_spawn },
    { "posix_spawnp", "posix_spawnp", (void *)posix_spawnp },
    { "system", "system", (void *)system },
    { "popen", "popen", (void *)popen },
    { "pclose", "pclose", (void *)pclose },
    { "sigaction", "sigaction", (void *)sigaction },
    { "signal", "signal", (void *)signal },
    { "open", "open", (void *)open },
    { "open64", "open64", (void *)open64 },
    { "openat", "openat", (void *)openat },
    { "openat64", "openat64", (void *)openat64 },
    { "creat", "creat", (void *)creat },
    { "creat64", "creat64", (void *)creat64 },
    { "fopen", "fopen", (void *)fopen },
    { "fopen64", "fopen64", (void *)fopen64 },
    { "freopen", "freopen", (void *)freopen },
    { "freopen64", "freopen64", (void *)freopen64 },
    { "rename", "rename", (void *)rename },
    { "renameat", "renameat", (void *)renameat },
    { "renameat2", "renameat2", (void *)renameat2 },
    { "link", "link", (void *)link },
    { "linkat", "linkat", (void *)linkat },
    { "mkstemp", "mkstemp", (void *)mkstemp },
    { "mkstemp64", "mkstemp64", (void *)mkstemp64 },
    { "mkostemp", "mkostemp", (void *)mkostemp },
    { "mkostemp64", "mkostemp64", (void *)mkostemp64 },
    { "mkstemps", "mkstemps", (void *)mkstemps },
    { "mkstemps64", "mkstemps64", (void *)mkstemps64 },
    { "mkostemps", "mkostemps", (void *)mkostemps },
    { "mkostemps64", "mkostemps64", (void *)mkostemps64 },
    { "syscall", "syscall", (void *)syscall },
    { "chdir", "chdir", (void *)chdir },
    { "dlopen", "dlopen", (void *)dlopen },
    { "waitpid", "waitpid", (void *)waitpid },
    { "wait", "wait", (void *)wait },
    { "wait3", "wait3", (void *)wait3 },
    { "wait4", "wait4", (void *)wait4 },
    { "waitid", "waitid", (void *)waitid },
    { "fork", "fork", (void *)fork },
    { "fchdir", "fchdir", (void *)fchdir },
    { "open_2", "__open_2", (void *)__open_2 },
    { "open64_2", "__open64_2", (void *)__open64_2 },
    { "openat_2", "__openat_2", (void *)__openat_2 },
    { "openat64_2", "__openat64_2", (void *)__openat64_2 },
};

void **sr_slot(void **slot, const char *field)
{
    if (__atomic_load_n(slot, __ATOMIC_ACQUIRE))
        return slot;
    for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++)
        if (!strcmp(table[i].field, field)) {
            __atomic_store_n(slot, next_symbol(table[i].symbol, table[i].ours), __ATOMIC_RELEASE);
            break;
        }
    return slot;
}
