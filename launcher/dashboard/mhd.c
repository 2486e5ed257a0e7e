/* mhd.c: loads libmicrohttpd by its soname (MHD_SONAME, from the build) on first use and
 * resolves the functions the HTTP layer calls. Never loaded by a run. */
#include "dashboard/mhd.h"


#ifndef MHD_SONAME
#define MHD_SONAME "libmicrohttpd.so.12"
#endif

static struct mhd_api api;
DYNLIB_DEFINE(lib, MHD_FUNCTIONS, api, MHD_SONAME, "libmicrohttpd12");

const struct mhd_api *mhd_load(char *err, size_t n)
{
    return dynlib_load(&lib, "the dashboard", err, n) ? NULL : &api;
}
