/* api.h: the dashboard's JSON API (documented in docs/dashboard.md): the runs list, one
 * run, its console output from an offset, a metric's reduced series, and the tag/note
 * edit. Reads the storage through record/ and inspect/; the edit goes through record/. */
#ifndef SR_DASH_API_H
#define SR_DASH_API_H

#include "dashboard/http.h"

/* Answers a request for /api/PATH; path is what follows "/api" ("/runs/3/cout"). */
void api_route(const struct request *rq, const char *path, struct reply *rp);

/* GET /api/runs and /api/keys (runlist.c). */
void api_runs(const struct request *rq, struct reply *rp);
void api_keys(const struct request *rq, struct reply *rp);

#endif
