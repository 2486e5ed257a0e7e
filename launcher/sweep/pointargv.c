/* pointargv.c: one point's sacred-run command line, from the sweep record. It adds
 * nothing the record does not hold, and it never runs anything. */
#include "sweep/pointargv.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "util/error.h"
#include "util/proc.h"
#include "util/strbuf.h"

char *sweep_self(void)
{
    char *self = proc_self_exe();
    if (!self)
        die("cannot read /proc/self/exe to start the sweep's runs: %s", strerror(errno));
    return self;
}

static void push(char ***v, size_t *n, const char *s)
{
    *v = xrealloc(*v, (*n + 2) * sizeof(**v));
    (*v)[(*n)++] = xstrdup(s);
    (*v)[*n] = NULL;
}

static void push_strings(char ***v, size_t *n, const cJSON *list)
{
    for (const cJSON *e = list ? list->child : NULL; e; e = e->next)
        if (cJSON_IsString(e))
            push(v, n, e->valuestring);
}

/* meta.sweep of the point: {"id", "index", "count", "axes"}, as one-line JSON. */
static char *sweep_meta(const cJSON *doc, const cJSON *point)
{
    cJSON *m = cJSON_CreateObject();
    struct strbuf sb = STRBUF_INIT;
    cJSON_AddItemToObject(m, "id", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(doc, "id"), 1));
    cJSON_AddItemToObject(m, "index", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(point, "index"), 1));
    cJSON_AddItemToObject(m, "count", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(doc, "count"), 1));
    cJSON_AddItemToObject(m, "axes", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(point, "axes"), 1));
    json_print_compact(&sb, m);
    cJSON_Delete(m);
    return strbuf_detach(&sb);
}

char **sweep_point_argv(const cJSON *doc, const cJSON *point, const char *self)
{
    char **v = NULL, *meta = sweep_meta(doc, point);
    size_t n = 0;
    const cJSON *fixed = cJSON_GetObjectItemCaseSensitive(doc, "fixed");
    const cJSON *updates = cJSON_GetObjectItemCaseSensitive(point, "updates");
    push(&v, &n, self);
    push(&v, &n, "-F");
    push(&v, &n, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "storage")));
    push_strings(&v, &n, cJSON_GetObjectItemCaseSensitive(doc, "run_args"));
    push(&v, &n, "--sweep-point");
    push(&v, &n, meta);
    push(&v, &n, "--");
    push_strings(&v, &n, cJSON_GetObjectItemCaseSensitive(doc, "program"));
    if (cJSON_GetArraySize(fixed) || cJSON_GetArraySize(updates))
        push(&v, &n, "with");
    push_strings(&v, &n, fixed);
    push_strings(&v, &n, updates);
    free(meta);
    return v;
}

void sweep_argv_free(char **argv)
{
    for (char **a = argv; a && *a; a++)
        free(*a);
    free(argv);
}
