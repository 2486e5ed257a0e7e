/* mhd.c: loads libmicrohttpd by its soname (MHD_SONAME, from the build) on first use and
 * resolves the functions the HTTP layer calls. Never loaded by a run. */
#include "dashboard/mhd.h"

#include <dlfcn.h>
#include <stdio.h>

#ifndef MHD_SONAME
#define MHD_SONAME "libmicrohttpd.so.12"
#endif

static struct mhd_api api;

static int resolve(void *lib, void **slot, const char *name, char *err, size_t n)
{
    *slot = dlsym(lib, name);
    if (!*slot)
        snprintf(err, n, "%s has no %s", MHD_SONAME, name);
    return *slot ? 0 : -1;
}

const struct mhd_api *mhd_load(char *err, size_t n)
{
    if (api.start_daemon)
        return &api;
    void *lib = dlopen(MHD_SONAME, RTLD_NOW);
    if (!lib) {
        snprintf(err, n, "%s", dlerror());
        return NULL;
    }
    struct mhd_api a;
    int bad = resolve(lib, (void **)&a.start_daemon, "MHD_start_daemon", err, n)
              || resolve(lib, (void **)&a.stop_daemon, "MHD_stop_daemon", err, n)
              || resolve(lib, (void **)&a.lookup_connection_value, "MHD_lookup_connection_value", err, n)
              || resolve(lib, (void **)&a.get_connection_values, "MHD_get_connection_values", err, n)
              || resolve(lib, (void **)&a.create_response_from_fd64, "MHD_create_response_from_fd64", err, n)
              || resolve(lib, (void **)&a.create_response_from_buffer, "MHD_create_response_from_buffer", err, n)
              || resolve(lib, (void **)&a.add_response_header, "MHD_add_response_header", err, n)
              || resolve(lib, (void **)&a.queue_response, "MHD_queue_response", err, n)
              || resolve(lib, (void **)&a.destroy_response, "MHD_destroy_response", err, n);
    if (bad) {
        dlclose(lib);
        return NULL;
    }
    api = a;
    return &api;
}
