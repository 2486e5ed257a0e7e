/* enqueue.c: -q/--queue: the run recorded as QUEUED in its database (Sacred's queued
 * run.json and config.json) with the start spec a worker needs (store/queue.h). Nothing
 * runs and no file is written. A command line holding a secret is refused: a queued run
 * never stores one, and without it the worker could not run the same command. */
#include "enqueue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config/config.h"
#include "json/json.h"
#include "prov/target.h"
#include "record/redact.h"
#include "run_json.h"
#include "store/queue.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

extern char **environ;

/* The words after sacred-run that start the same run: the options but -s and -i, then
 * the program as typed and its updates, and the seed when it was drawn at random here (the
 * run gets the seed its queued configuration shows). */
static cJSON *start_words(const struct enqueue *q)
{
    const struct options *o = q->opt;
    cJSON *w = json_string_list(o->replay ? o->replay : (char *[]){ NULL });
    cJSON_AddItemToArray(w, cJSON_CreateString("--"));
    for (char **a = q->given_argv; *a; a++)
        cJSON_AddItemToArray(w, cJSON_CreateString(*a));
    if (o->with)
        cJSON_AddItemToArray(w, cJSON_CreateString("with"));
    for (char **a = o->with ? o->with_words : (char *[]){ NULL }; *a; a++)
        cJSON_AddItemToArray(w, cJSON_CreateString(*a));
    const char *from = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q->cfg->origins, "seed"));
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(q->cfg->tree, "seed");
    if (from && !strncmp(from, "random", 6) && cJSON_IsRaw(seed) && !o->no_with) {
        char *word = xasprintf("seed=%s", seed->valuestring);
        if (!o->with)
            cJSON_AddItemToArray(w, cJSON_CreateString("with"));
        cJSON_AddItemToArray(w, cJSON_CreateString(word));
        free(word);
    }
    return w;
}

/* Dies when redaction would change a word: the worker could not run it as typed. */
static void refuse_secrets(const cJSON *words, const struct redact_rules *rules)
{
    cJSON *copy = cJSON_Duplicate(words, 1);
    redact_argv(rules, copy);
    const cJSON *a = words->child, *b = copy->child;
    for (; a && b && cJSON_Compare(a, b, 1); a = a->next, b = b->next)
        ;
    if (a && b) {
        char *shown = xstrdup(b->valuestring);
        cJSON_Delete(copy);
        die("-q/--queue: '%s' holds a secret, which a queued run does not store; give it to the "
            "program in an environment variable (a worker takes redacted variables from its own)", shown);
    }
    cJSON_Delete(copy);
}

/* A file whose content the worker checks: {"path", "md5"} (md5 null: unreadable). */
static cJSON *file_entry(const char *path)
{
    char md5[33];
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "path", path);
    cJSON_AddItemToObject(f, "md5", md5_file(path, md5) == 0 ? cJSON_CreateString(md5) : cJSON_CreateNull());
    return f;
}

/* Sacred's queue_time: a jsonpickled datetime (its pickle: year, month, day, hour, minute,
 * second, microseconds, big-endian). */
static cJSON *pickled_time(const struct timespec *ts)
{
    struct tm tm;
    gmtime_r(&ts->tv_sec, &tm);
    long us = ts->tv_nsec / 1000;
    unsigned char b[10] = { (unsigned char)((tm.tm_year + 1900) >> 8), (unsigned char)(tm.tm_year + 1900),
                            (unsigned char)(tm.tm_mon + 1), (unsigned char)tm.tm_mday,
                            (unsigned char)tm.tm_hour, (unsigned char)tm.tm_min, (unsigned char)tm.tm_sec,
                            (unsigned char)(us >> 16), (unsigned char)(us >> 8), (unsigned char)us };
    struct strbuf sb = STRBUF_INIT;
    strbuf_add_base64(&sb, b, sizeof(b));
    cJSON *t = cJSON_CreateObject(), *reduce = cJSON_CreateArray(), *type = cJSON_CreateObject();
    cJSON *args = cJSON_CreateArray();
    cJSON_AddStringToObject(type, "py/type", "datetime.datetime");
    cJSON_AddItemToArray(reduce, type);
    cJSON_AddItemToArray(args, cJSON_CreateString(sb.buf));
    cJSON_AddItemToArray(reduce, args);
    cJSON_AddItemToObject(t, "__reduce__", reduce);
    cJSON_AddStringToObject(t, "py/object", "datetime.datetime");
    strbuf_release(&sb);
    return t;
}

/* experiment.sources of a queued run: [name, md5] tuples, as Sacred writes them. */
static cJSON *queued_sources(const struct enqueue *q)
{
    cJSON *list = cJSON_CreateArray();
    const struct target *t = q->tgt;
    char md5[33];
    if (!t->main_is_source || md5_file(t->mainfile, md5))
        return list;
    cJSON *pair = cJSON_CreateArray(), *tuple = cJSON_CreateObject();
    char *rel = path_relative_to(t->mainfile, q->base_dir);
    cJSON_AddItemToArray(pair, cJSON_CreateString(rel));
    cJSON_AddItemToArray(pair, cJSON_CreateString(md5));
    cJSON_AddItemToObject(tuple, "py/tuple", pair);
    cJSON_AddItemToArray(list, tuple);
    free(rel);
    return list;
}

/* run.json of the queued run: Sacred's keys of a queued run, and program. */
static cJSON *queued_doc(const struct enqueue *q, const struct timespec *now, const struct redact_rules *rules)
{
    cJSON *doc = run_json_new(q->opt, q->tgt, q->base_dir, q->cwd, queued_sources(q), environ);
    run_json_add_config(doc, q->cfg, q->given_argv);
    static const char *const not_queued[] = { "start_time", "heartbeat", "resources", "artifacts",
                                              "processes", "launcher" };
    for (size_t i = 0; i < sizeof(not_queued) / sizeof(*not_queued); i++)
        cJSON_DeleteItemFromObjectCaseSensitive(doc, not_queued[i]);
    json_set(doc, "status", cJSON_CreateString("QUEUED"));
    json_set(cJSON_GetObjectItemCaseSensitive(doc, "meta"), "queue_time", pickled_time(now));
    redact_run(rules, doc);
    return doc;
}

static cJSON *start_spec(const struct enqueue *q, cJSON *words, const cJSON *doc, const cJSON *config,
                         const struct timespec *now)
{
    char iso[TIME_ISO_LEN];
    time_iso(now, iso);
    cJSON *spec = cJSON_CreateObject(), *files = cJSON_CreateArray();
    cJSON_AddItemToArray(files, file_entry(q->tgt->real));
    if (q->tgt->interpreter)
        cJSON_AddItemToArray(files, file_entry(q->tgt->interpreter));
    if (q->tgt->main_is_source && strcmp(q->tgt->mainfile, q->tgt->real))
        cJSON_AddItemToArray(files, file_entry(q->tgt->mainfile));
    cJSON_AddItemToObject(spec, QSPEC_ARGV, words);
    cJSON_AddStringToObject(spec, QSPEC_CWD, q->cwd);
    cJSON_AddItemToObject(spec, QSPEC_FILES, files);
    cJSON_AddStringToObject(spec, QSPEC_TIME, iso);
    cJSON_AddItemToObject(spec, QSPEC_ATTEMPT, json_int(1));
    cJSON_AddItemToObject(spec, QSPEC_DOC, cJSON_Duplicate(doc, 1));
    cJSON_AddItemToObject(spec, QSPEC_CONFIG, cJSON_Duplicate(config, 1));
    return spec;
}

int enqueue_run(const struct enqueue *q)
{
    const struct options *o = q->opt;
    struct redact_rules rules = { o->env_deny, o->ndeny, o->env_allow, o->nallow };
    cJSON *words = start_words(q);
    refuse_secrets(words, &rules);
    char err[2048];
    struct db_url u;
    struct db *d = queue_connect(o->db[0], &u, err, sizeof(err));
    if (!d)
        die("%s; start the database or fix -s", err);
    log_msg(LOG_INFO, "Queuing-up command 'main'");
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    cJSON *doc = queued_doc(q, &now, &rules), *config = cJSON_Duplicate(q->cfg->tree, 1);
    redact_config(&rules, config);
    cJSON *spec = start_spec(q, words, doc, config, &now);
    long long id = queue_insert(d, o->id, doc, config, spec, o->priority_str ? &o->priority : NULL, err, sizeof(err));
    if (id < 0)
        die("%s: cannot queue the run: %s", u.shown, err);
    log_msg(LOG_INFO, "Queued-up run with ID \"%lld\"", id);
    printf("%lld\n", id);
    db_close(d);
    db_url_release(&u);
    cJSON_Delete(doc);
    cJSON_Delete(config);
    cJSON_Delete(spec);
    return 0;
}
