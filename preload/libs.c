/* libs.c: the shared objects each process loads, reported at start and after every
 * dlopen that loaded something new (the loader's add counter says so); the launcher
 * turns them into experiment.dependencies. */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <string.h>

#include "channel.h"
#include "libs.h"
#include "real.h"
#include "sr_protocol.h"

static unsigned long long last_adds;

static int add_path(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size;
    struct sr_chunker *c = ctx;
    if (info->dlpi_name && info->dlpi_name[0] == '/')
        sr_chunk_add(c, info->dlpi_name, strlen(info->dlpi_name) + 1);
    return 0;
}

static int adds(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size;
    *(unsigned long long *)ctx = info->dlpi_adds;
    return 1;
}

void sr_libs_add(struct sr_chunker *c)
{
    unsigned long long now = 0;
    dl_iterate_phdr(adds, &now);
    __atomic_store_n(&last_adds, now, __ATOMIC_RELAXED);
    dl_iterate_phdr(add_path, c);
}

void sr_libs_report(void)
{
    unsigned long long now = 0;
    dl_iterate_phdr(adds, &now);
    if (now == __atomic_load_n(&last_adds, __ATOMIC_RELAXED))
        return;
    struct sr_chunker c = { .type = SR_EV_LIBS };
    sr_libs_add(&c);
    sr_chunk_end(&c);
}

SR_EXPORT void *dlopen(const char *file, int mode)
{
    void *h = REAL(dlopen)(file, mode);
    if (h) {
        int saved = errno;
        sr_libs_report();
        errno = saved;
    }
    return h;
}
