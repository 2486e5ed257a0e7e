/* report_verbs.h: what each report line does to the run (the protocol's verbs):
 *   scalar NAME VALUE [STEP]   info KEY JSON   result JSON
 *   artifact NAME|- PATH       resource PATH   sync (answered by the server) */
#ifndef SR_REPORT_VERBS_H
#define SR_REPORT_VERBS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "record/metrics.h"
#include "record/record.h"

struct run_state {
    struct record *rec;
    struct metrics *ms;
    cJSON *info;      /* info.json as it stands */
    int info_dirty;   /* info changed since info.json was written */
};

/* Applies one line (modified in place); 0, or -1 with a reason in err. */
int report_apply(void *ctx, char *line, char *err, size_t errlen);

#endif
