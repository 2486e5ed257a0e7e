/* run_json.h: the run.json tree of a starting run, with Sacred's keys and value types,
 * plus the keys we add (program, processes, launcher). Secrets are left in: record/redact
 * removes them from every file it writes. */
#ifndef SR_RUN_JSON_H
#define SR_RUN_JSON_H

#include <cjson/cJSON.h>

#include "cli.h"
#include "prov/target.h"

/* sources is the experiment.sources list (taken over). */
cJSON *run_json_new(const struct options *o, const struct target *t, const char *base_dir,
                    const char *cwd, cJSON *sources, char *const *environ_);

struct config;
/* meta.config_updates, named_configs and where each entry came from; program.argv_given
 * (the argv as typed) when the configuration changed it. */
void run_json_add_config(cJSON *run, const struct config *cfg, char **given);

#endif
