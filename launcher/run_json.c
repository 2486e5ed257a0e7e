/* run_json.c: assembling run.json at the started event. It only builds a tree; the
 * record module writes it. Sacred's meaning of every key is kept. */
#include "run_json.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "json/json.h"
#include "record/hostinfo.h"
#include "util/error.h"
#include "util/path.h"
#include "util/timefmt.h"

static cJSON *run_json_env(char *const *env)
{
    cJSON *obj = cJSON_CreateObject();
    for (; env && *env; env++) {
        const char *eq = strchr(*env, '=');
        if (!eq || eq == *env)
            continue;
        char *name = xstrndup(*env, (size_t)(eq - *env));
        json_set(obj, name, cJSON_CreateString(eq + 1));
        free(name);
    }
    return obj;
}

static cJSON *experiment(const struct options *o, const struct target *t, const char *cwd,
                         cJSON *sources)
{
    cJSON *e = cJSON_CreateObject();
    char *main_rel = path_relative_to(t->mainfile, cwd);
    char *name = o->name ? xstrdup(o->name) : target_experiment_name(t, o->argv[0]);
    cJSON_AddStringToObject(e, "base_dir", cwd);
    cJSON_AddItemToObject(e, "dependencies", cJSON_CreateArray());
    cJSON_AddStringToObject(e, "mainfile", main_rel);
    cJSON_AddStringToObject(e, "name", name);
    cJSON_AddItemToObject(e, "repositories", cJSON_CreateArray());
    cJSON_AddItemToObject(e, "sources", sources);
    free(main_rel);
    free(name);
    return e;
}

static cJSON *meta(const struct options *o)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "command", "main");
    cJSON_AddItemToObject(m, "config_updates", cJSON_CreateObject());
    cJSON_AddItemToObject(m, "named_configs", cJSON_CreateArray());
    cJSON_AddItemToObject(m, "options", cli_meta_options(o));
    if (o->comment)
        cJSON_AddStringToObject(m, "comment", o->comment);
    if (o->priority_str)
        cJSON_AddNumberToObject(m, "priority", o->priority);
    if (o->rerun_of) { /* added: the run this one reproduces */
        cJSON *r = cJSON_AddObjectToObject(m, "rerun_of");
        cJSON_AddStringToObject(r, "id", strrchr(o->rerun_of, '/') ? strrchr(o->rerun_of, '/') + 1 : o->rerun_of);
        cJSON_AddStringToObject(r, "run_dir", o->rerun_of);
    }
    if (o->sweep) /* added: the sweep this run is a point of */
        cJSON_AddItemToObject(m, "sweep", cJSON_Duplicate(o->sweep, 1));
    if (o->queued) /* added: when it was queued, the worker that started it */
        cJSON_AddItemToObject(m, "queue", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(o->queued, "queue"), 1));
    return m;
}

static cJSON *program(const struct options *o, const struct target *t, const char *cwd)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToObject(p, "argv", json_string_list(o->argv));
    cJSON_AddStringToObject(p, "executable", t->path);
    cJSON_AddStringToObject(p, "realpath", t->real);
    cJSON_AddItemToObject(p, "interpreter",
                          t->interpreter ? cJSON_CreateString(t->interpreter) : cJSON_CreateNull());
    cJSON_AddStringToObject(p, "cwd", cwd);
    cJSON_AddStringToObject(p, "preload", t->preload);
    cJSON_AddStringToObject(p, "capture", o->capture ? "fd" : "no");
    return p;
}

cJSON *run_json_new(const struct options *o, const struct target *t, const char *base_dir,
                    const char *cwd, cJSON *sources, char *const *environ_)
{
    char now[TIME_ISO_LEN];
    time_iso_now(now);
    cJSON *run = cJSON_CreateObject();
    cJSON_AddItemToObject(run, "artifacts", cJSON_CreateArray());
    cJSON_AddStringToObject(run, "command", "main");
    cJSON_AddItemToObject(run, "experiment", experiment(o, t, base_dir, sources));
    cJSON_AddNullToObject(run, "heartbeat");
    cJSON *host = host_info();
    json_set(host, "ENV", run_json_env(environ_));
    cJSON_AddItemToObject(run, "host", host);
    cJSON_AddItemToObject(run, "meta", meta(o));
    cJSON_AddItemToObject(run, "resources", cJSON_CreateArray());
    cJSON_AddStringToObject(run, "start_time", now);
    cJSON_AddStringToObject(run, "status", "RUNNING");
    cJSON_AddItemToObject(run, "program", program(o, t, cwd));
    cJSON_AddItemToObject(run, "processes", cJSON_CreateArray());
    cJSON_AddItemToObject(run, "launcher", process_identity());
    return run;
}

void run_json_add_config(cJSON *run, const struct config *cfg, char **given)
{
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(run, "meta");
    json_set(meta, "config_updates", cJSON_Duplicate(cfg->updates, 1));
    json_set(meta, "named_configs", cJSON_Duplicate(cfg->named, 1));
    json_set(meta, "config_sources", cJSON_Duplicate(cfg->origins, 1));
    int same = 1;
    for (size_t i = 0; given[i] || cfg->argv[i]; i++)
        same &= given[i] && cfg->argv[i] && !strcmp(given[i], cfg->argv[i]);
    if (!same)
        json_set(cJSON_GetObjectItemCaseSensitive(run, "program"), "argv_given", json_string_list(given));
}
