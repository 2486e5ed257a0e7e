/* report_verbs.c: applying reports to the run. Every bad report is refused with a reason
 * and changes nothing; a good one never blocks on the reporter. */
#include "report/report_verbs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/metric_parse.h"
#include "json/json.h"
#include "json/json_parse.h"
#include "json/numtext.h"
#include "record/artifact.h"
#include "record/private.h"
#include "record/sources.h"
#include "util/error.h"
#include "util/timefmt.h"

/* Splits off the next space-separated word of *rest (NULL if none). */
static char *word(char **rest)
{
    char *w = *rest;
    if (!w || !*w)
        return NULL;
    char *sp = strchr(w, ' ');
    *rest = sp ? sp + 1 : NULL;
    if (sp)
        *sp = '\0';
    return w;
}

static int do_scalar(struct run_state *s, char *rest, char *err, size_t errlen)
{
    char *name = word(&rest), *value = word(&rest), *step = word(&rest);
    char json[NUMTEXT_MAX], *end;
    int is_int;
    if (!name || !value || rest)
        return error_text(err, errlen, "usage: scalar NAME VALUE [STEP]");
    if (!*name)
        return error_text(err, errlen, "empty metric name");
    if (strlen(name) > METRIC_NAME_MAX)
        return error_text(err, errlen, "metric name '%.40s...' is longer than 200 bytes", name);
    if (!metric_name_valid(name, strlen(name))) /* not echoed: it holds control characters */
        return error_text(err, errlen, "a metric name holds a control character; use printable names");
    if (!numtext_json(value, strlen(value), json, &is_int))
        return error_text(err, errlen, "value '%s' is not a number", value);
    long long st = step ? strtoll(step, &end, 10) : 0;
    if (step && (*end || !*step))
        return error_text(err, errlen, "step '%s' is not an integer", step);
    char stamp[TIME_ISO_LEN];
    time_iso_now(stamp);
    metrics_add(s->ms, name, strlen(name), json, step != NULL, st, stamp);
    return 0;
}

static int do_info(struct run_state *s, char *rest, char *err, size_t errlen)
{
    char *key = word(&rest);
    if (!key || !rest)
        return error_text(err, errlen, "usage: info KEY JSON");
    cJSON *val = json_parse_typed(rest);
    if (!val)
        return error_text(err, errlen, "the value for info '%s' is not valid JSON", key);
    if (json_set_dotted(s->info, key, val) < 0)
        return error_text(err, errlen, "info key '%s' is malformed or crosses a non-object value", key);
    s->info_dirty = 1;
    return 0;
}

static int do_result(struct run_state *s, char *rest, char *err, size_t errlen)
{
    cJSON *val = rest ? json_parse_typed(rest) : NULL;
    if (!val)
        return error_text(err, errlen, "usage: result JSON (got '%s')", rest ? rest : "");
    json_set(s->rec->run, "result", val);
    return 0;
}

static int absolute_file(const char *path, char *err, size_t errlen)
{
    if (!path || path[0] != '/')
        return error_text(err, errlen, "path '%s' must be absolute", path ? path : "");
    return 0;
}

static int do_artifact(struct run_state *s, char *rest, char *err, size_t errlen)
{
    char *name = word(&rest);
    if (!name || absolute_file(rest, err, errlen) < 0)
        return name ? -1 : error_text(err, errlen, "usage: artifact NAME|- PATH");
    if (!strcmp(name, "-"))
        name = strrchr(rest, '/') + 1;
    if (artifact_copy(s->rec->dir, rest, name, err, errlen) < 0)
        return -1;
    json_add_unique(cJSON_GetObjectItemCaseSensitive(s->rec->run, "artifacts"), cJSON_CreateString(name));
    record_write_run(s->rec);
    return 0;
}

static int do_resource(struct run_state *s, char *rest, char *err, size_t errlen)
{
    char stored[PATH_MAX];
    if (absolute_file(rest, err, errlen) < 0 || private_refuse(rest, err, errlen) < 0)
        return -1;
    if (store_file(s->rec->basedir, "_resources", rest, NULL, stored, sizeof(stored)) < 0) {
        snprintf(err, errlen, "cannot store resource '%s': %s", rest, strerror(errno));
        return -1;
    }
    cJSON *pair = cJSON_CreateArray();
    cJSON_AddItemToArray(pair, cJSON_CreateString(rest));
    cJSON_AddItemToArray(pair, cJSON_CreateString(stored));
    json_add_unique(cJSON_GetObjectItemCaseSensitive(s->rec->run, "resources"), pair);
    record_write_run(s->rec);
    return 0;
}

int report_apply(void *ctx, char *line, char *err, size_t errlen)
{
    static const struct {
        const char *verb;
        int (*fn)(struct run_state *, char *, char *, size_t);
    } verbs[] = {
        { "scalar", do_scalar }, { "info", do_info }, { "result", do_result },
        { "artifact", do_artifact }, { "resource", do_resource },
    };
    char *rest = line, *verb = word(&rest);
    for (size_t i = 0; verb && i < sizeof(verbs) / sizeof(*verbs); i++)
        if (!strcmp(verb, verbs[i].verb))
            return verbs[i].fn(ctx, rest, err, errlen);
    return error_text(err, errlen, "unknown report '%s'; use scalar, info, result, artifact, resource or sync",
                verb ? verb : "");
}
