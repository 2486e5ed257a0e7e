/* run_json.h: the run.json tree of a starting run, with Sacred's keys and value types,
 * plus the keys we add (program, processes, launcher; host.ENV holds the redacted
 * environment). */
#ifndef SR_RUN_JSON_H
#define SR_RUN_JSON_H

#include <cjson/cJSON.h>

#include "cli.h"
#include "prov/target.h"

/* sources is the experiment.sources list (taken over). */
cJSON *run_json_new(const struct options *o, const struct target *t, const char *base_dir,
                    const char *cwd, cJSON *sources, char *const *environ_);

/* The redacted environment as a JSON object. */
cJSON *run_json_env(const struct options *o, char *const *env);

#endif
