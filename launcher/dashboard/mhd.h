/* mhd.h: GNU libmicrohttpd, loaded (dlopen) when `serve` starts, not linked: every run and
 * every other command then starts without it and the TLS libraries it pulls in (about
 * 2 ms per start, mostly symbol binding). Only dashboard/http.c calls it. */
#ifndef SR_DASH_MHD_H
#define SR_DASH_MHD_H

#include <stddef.h>

#include <microhttpd.h>

struct mhd_api {
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_get_connection_values) *get_connection_values;
    __typeof__(MHD_create_response_from_fd64) *create_response_from_fd64;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_destroy_response) *destroy_response;
};

/* The library's functions, loaded on the first call; NULL with err filled when it cannot
 * be loaded. */
const struct mhd_api *mhd_load(char *err, size_t n);

#endif
