/* dash.h: the state of one `sacred-run serve`: the storage it shows, the access rules in
 * force, where Chart.js is, and the caches. Set up before the server starts and read-only
 * afterwards, except the caches (each has its own lock). */
#ifndef SR_DASH_H
#include <pthread.h>

#define SR_DASH_H

struct row_cache;
struct series_cache;

struct dash {
    const char *storage;     /* as given (-F DIR) */
    char *storage_real;      /* its real path: only files below it are served */
    char *token;             /* needed on every request when set */
    char *cookie;            /* the cookie that carries the token: "sacred_run_token_PORT" */
    const char *host;        /* the bound address as given (--host) */
    unsigned port;           /* the bound port */
    const char *chartjs;     /* the Chart.js file served at /static/chart.js */
    struct series_cache *cache;
    struct row_cache *rows;  /* the runs list's parsed runs */
    struct dbread *db;       /* -s: storage is this database's local copy, refreshed each second */
    pthread_mutex_t *db_lock; /* around every use of db (the refresh, an edit) */
};

#endif
