/* mhd.h: GNU libmicrohttpd, loaded (dlopen) when `serve` starts, not linked: every run and
 * every other command then starts without it and the TLS libraries it pulls in (about
 * 2 ms per start, mostly symbol binding). Only dashboard/http.c calls it. */
#ifndef SR_DASH_MHD_H
#define SR_DASH_MHD_H

#include <stddef.h>

#include <microhttpd.h>

#include "util/dynlib.h"

#define MHD_FUNCTIONS(X) X(MHD_start_daemon) X(MHD_stop_daemon) X(MHD_lookup_connection_value) \
    X(MHD_get_connection_values) X(MHD_create_response_from_fd64) \
    X(MHD_create_response_from_buffer) X(MHD_add_response_header) X(MHD_queue_response) \
    X(MHD_destroy_response)

struct mhd_api {
    MHD_FUNCTIONS(DYNLIB_SLOT)
};

/* The library's functions, loaded on the first call; NULL with err filled when it cannot
 * be loaded. */
const struct mhd_api *mhd_load(char *err, size_t n);

#endif
