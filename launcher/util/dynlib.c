/* dynlib.c: loading a library on first use (dynlib.h). The table is filled through
 * memcpy of each dlsym result, the one way to store a function's address that C allows. */
#include "util/dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "util/error.h"

_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers are object-sized");

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int resolve(struct dynlib *l, const char *need, char *err, size_t errlen)
{
    void *lib = dlopen(l->soname, RTLD_NOW);
    if (!lib)
        return error_text(err, errlen, "%s needs %s (Debian's %s): %s", need, l->soname, l->package,
                          dlerror());
    for (size_t i = 0; i < l->n; i++) {
        void *f = dlsym(lib, l->names[i]);
        if (!f)
            return error_text(err, errlen, "%s needs %s with %s (Debian's %s)", need, l->soname,
                              l->names[i], l->package);
        memcpy((char *)l->table + i * sizeof(f), &f, sizeof(f));
    }
    l->loaded = 1;
    return 0;
}

int dynlib_load(struct dynlib *l, const char *need, char *err, size_t errlen)
{
    pthread_mutex_lock(&lock);
    int rc = l->loaded ? 0 : resolve(l, need, err, errlen);
    pthread_mutex_unlock(&lock);
    return rc;
}
