/* rerun.c: reproduction of a recorded run. It re-executes sacred-run itself with the
 * recorded program, options and "with RUN/config.json", so the new run is recorded like
 * any other and names the run it reproduces (meta.rerun_of). */
#include "rerun.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "json/json_parse.h"
#include "prov/gitinfo.h"
#include "record/redact.h"
#include "record/runfiles.h"
#include "record/runid.h"
#include "record/sacred_files.h"
#include "store/dbread.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"

static cJSON *item(const cJSON *o, const char *path)
{
    char *copy = xstrdup(path), *save = NULL;
    for (char *p = strtok_r(copy, ".", &save); p && o; p = strtok_r(NULL, ".", &save))
        o = cJSON_GetObjectItemCaseSensitive(o, p);
    free(copy);
    return (cJSON *)o;
}

static const char *str(const cJSON *o, const char *path)
{
    const cJSON *v = item(o, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Item i of a recorded [path, stored] pair, if it is a string (a record may be damaged). */
static const char *pair_str(const cJSON *pair, int i)
{
    const cJSON *v = cJSON_GetArrayItem(pair, i);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A non-empty list of strings (program.argv must be one to be run again). */
static int is_string_list(const cJSON *v)
{
    if (!cJSON_IsArray(v) || !v->child)
        return 0;
    for (const cJSON *e = v->child; e; e = e->next)
        if (!cJSON_IsString(e))
            return 0;
    return 1;
}

static void compare_file(struct strbuf *diffs, const char *what, const char *path, const char *want)
{
    char now[33];
    if (md5_file(path, now) < 0)
        strbuf_addf(diffs, "%s '%s' is missing now\n", what, path);
    else if (strcmp(now, want))
        strbuf_addf(diffs, "%s '%s' changed (MD5 %s, recorded %s)\n", what, path, now, want);
}

static void compare_files(struct strbuf *diffs, const cJSON *run, const char *storage)
{
    const char *exe = str(run, "program.realpath"), *md5 = str(run, "program.md5");
    const char *base = str(run, "experiment.base_dir");
    char want[33];
    if (exe && md5)
        compare_file(diffs, "executable", exe, md5);
    const cJSON *sources = item(run, "experiment.sources");
    for (const cJSON *s = sources ? sources->child : NULL; s; s = s->next) {
        const char *rel = pair_str(s, 0), *stored = pair_str(s, 1);
        if (!rel || !stored)
            continue;
        char *path = rel[0] == '/' || !base ? xstrdup(rel) : xasprintf("%s/%s", base, rel);
        if (run_file_stored_md5(stored, want) == 0)
            compare_file(diffs, "source", path, want);
        free(path);
    }
    const cJSON *res = item(run, "resources");
    for (const cJSON *r = res ? res->child : NULL; r; r = r->next) {
        const char *path = pair_str(r, 0), *stored = pair_str(r, 1);
        if (path && stored && run_file_stored_md5(stored, want) == 0)
            compare_file(diffs, "resource", path, want);
    }
    (void)storage;
}

static void compare_repositories(struct strbuf *diffs, const cJSON *run)
{
    const cJSON *repos = item(run, "experiment.repositories");
    const char *base = str(run, "experiment.base_dir");
    cJSON *now = base ? git_repository(base) : NULL;
    for (const cJSON *r = repos ? repos->child : NULL; r; r = r->next) {
        const char *commit = str(r, "commit");
        if (!commit || !str(r, "url"))
            continue;
        if (!now)
            strbuf_addf(diffs, "repository '%s' is not found any more\n", str(r, "url"));
        else if (strcmp(commit, str(now, "commit")))
            strbuf_addf(diffs, "repository '%s' is at commit %s, recorded %s\n", str(r, "url"),
                        str(now, "commit"), commit);
        if (now && cJSON_IsTrue(item(now, "dirty")) && !cJSON_IsTrue(item(r, "dirty")))
            strbuf_addf(diffs, "repository '%s' has uncommitted changes now\n", str(r, "url"));
    }
    cJSON_Delete(now);
}

static void compare_host(struct strbuf *diffs, const cJSON *run)
{
    struct utsname u;
    uname(&u);
    const char *host = str(run, "host.hostname");
    if (host && strcmp(host, u.nodename))
        strbuf_addf(diffs, "host is '%s', recorded '%s'\n", u.nodename, host);
}

/* The recorded environment; redacted values come from the current environment (a note,
 * printed but not counted as a difference; a redacted variable missing now is one). */
/* What rerun gives back of the values the record holds redacted. */
struct redacted {
    char **updates;     /* KEY='value' words after "with RUN/config.json" */
    size_t nupdates;
    cJSON *restored;    /* the keys they set */
    struct strbuf missing;
};

static char **recorded_env(const cJSON *run, struct strbuf *diffs, const char *id)
{
    const cJSON *env = item(run, "host.ENV");
    if (!cJSON_IsObject(env))
        env = NULL;
    size_t n = (size_t)cJSON_GetArraySize(env), k = 0;
    char **out = xcalloc(n + 1, sizeof(*out));
    struct strbuf taken = STRBUF_INIT, missing = STRBUF_INIT;
    for (const cJSON *e = env ? env->child : NULL; e; e = e->next) {
        const char *v = cJSON_IsString(e) ? e->valuestring : "";
        if (strstr(v, REDACTED_MARKER)) {
            v = getenv(e->string);
            strbuf_addf(v ? &taken : &missing, " %s", e->string);
            if (!v)
                continue;
        }
        out[k++] = xasprintf("%s=%s", e->string, v);
    }
    if (taken.len)
        warning("rerun %s: redacted variables taken from the current environment:%s", id,
                taken.buf);
    if (missing.len)
        strbuf_addf(diffs, "redacted variables not set now (left out):%s\n", missing.buf);
    strbuf_release(&taken);
    strbuf_release(&missing);
    return out;
}

static void push(char ***v, size_t *n, const char *s)
{
    if (!(*n & (*n + 1))) /* n + 1 a power of two: double the room (n + 2 slots are needed) */
        *v = xrealloc(*v, (2 * *n + 2) * sizeof(**v));
    (*v)[(*n)++] = xstrdup(s);
    (*v)[*n] = NULL;
}

/* KEY='value' as an update word: a Python string whatever value holds. */
static char *string_update(const char *key, const char *value)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s='", key);
    for (const char *p = value; *p; p++) {
        if (*p == '\\' || *p == '\'')
            strbuf_addch(&sb, '\\');
        strbuf_addch(&sb, *p);
    }
    strbuf_addch(&sb, '\'');
    return strbuf_detach(&sb);
}

/* The configuration's redacted values, from the variables they were exported as (db.password
 * from $db_password), as updates after the recorded config.json; keys found go to restored,
 * keys not set now to missing. */
static void restore_config(const cJSON *node, const char *prefix, struct redacted *red)
{
    for (const cJSON *e = node ? node->child : NULL; e; e = e->next) {
        char *key = *prefix ? xasprintf("%s.%s", prefix, e->string) : xstrdup(e->string);
        if (cJSON_IsObject(e))
            restore_config(e, key, red);
        else if (cJSON_IsString(e) && strstr(e->valuestring, REDACTED_MARKER)) {
            char *var = xstrdup(key);
            for (char *p = var; *p; p++)
                if (*p == '.')
                    *p = '_';
            const char *v = getenv(var);
            if (v) {
                char *word = string_update(key, v);
                push(&red->updates, &red->nupdates, word);
                free(word);
                cJSON_AddItemToArray(red->restored, cJSON_CreateString(key));
            } else
                strbuf_addf(&red->missing, " %s (set $%s)", key, var);
            free(var);
        }
        free(key);
    }
}

/* The configuration key of an option word "--NAME" or "--NAME=...". */
static char *option_key(const char *w)
{
    if (strncmp(w, "--", 2))
        return NULL;
    char *key = xstrndup(w + 2, strcspn(w + 2, "="));
    for (char *p = key; *p; p++)
        if (*p == '-')
            *p = '_';
    return key;
}

static int restored(const struct redacted *red, const char *key)
{
    for (const cJSON *e = red->restored->child; key && e; e = e->next)
        if (!strcmp(e->valuestring, key))
            return 1;
    return 0;
}

/* Redacted words of program.argv that no restored option value gives back. */
static void check_argv(const cJSON *argv, struct redacted *red)
{
    const char *prev = "";
    int i = 0;
    for (const cJSON *a = argv->child; a; a = a->next, i++) {
        const char *w = a->valuestring;
        if (strstr(w, REDACTED_MARKER)) {
            char *key = option_key(strchr(w, '=') && !strncmp(w, "--", 2) ? w : prev);
            if (!restored(red, key))
                strbuf_addf(&red->missing, " argument %d", i);
            free(key);
        }
        prev = w;
    }
}

/* sacred-run's own options as recorded in meta.options. */
static void recorded_options(const cJSON *opts, char ***v, size_t *n)
{
    static const char *const valued[] = { "--beat-interval", "--capture", "--name", "--comment",
                                          "--result", "--base-dir" };
    static const char *const sizes[] = { "--resource-limit", "--artifact-limit" };
    static const char *const flags[] = { "--no-filter", "--no-default-metrics", "--no-sys-metrics",
                                         "--no-files", "--list-private" };
    static const char *const lists[] = { "--metric", "--env-allow", "--env-deny", "--source",
                                         "--exclude", "--include", "--artifact" };
    for (size_t i = 0; i < sizeof(valued) / sizeof(*valued); i++) {
        const char *s = str(opts, valued[i]);
        if (s) {
            push(v, n, valued[i]);
            push(v, n, s);
        }
    }
    for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
        const cJSON *k = item(opts, sizes[i]); /* an integer: a json_int (raw) node */
        if (cJSON_IsRaw(k)) {
            push(v, n, sizes[i]);
            push(v, n, k->valuestring);
        }
    }
    for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++)
        if (cJSON_IsTrue(item(opts, flags[i])))
            push(v, n, flags[i]);
    for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++) {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(opts, lists[i]);
        for (const cJSON *e = l ? l->child : NULL; e; e = e->next) {
            if (!cJSON_IsString(e))
                continue;
            push(v, n, lists[i]);
            push(v, n, e->valuestring);
        }
    }
}

/* The redacted values of run dir's config.json and argv: restored from the environment,
 * or a difference (a rerun cannot start without them). */
static void redacted_values(struct redacted *red, const cJSON *run, const char *dir,
                            struct strbuf *diffs)
{
    char *path = xasprintf("%s/" CONFIG_JSON, dir);
    cJSON *config = json_load_file(path);
    memset(red, 0, sizeof(*red));
    red->restored = cJSON_CreateArray();
    restore_config(cJSON_IsObject(config) ? config : NULL, "", red);
    check_argv(item(run, "program.argv"), red);
    if (red->missing.len)
        strbuf_addf(diffs, "redacted values not set now:%s\n", red->missing.buf);
    cJSON_Delete(config);
    free(path);
}

static void redacted_release(struct redacted *red)
{
    for (size_t i = 0; i < red->nupdates; i++)
        free(red->updates[i]);
    free(red->updates);
    cJSON_Delete(red->restored);
    strbuf_release(&red->missing);
}

/* The storage the run is read from: -F, else with -s the first database's local copy. */
static const char *source_storage(const struct options *opt, int *from_db)
{
    static struct dbread db;
    char err[2048];
    *from_db = opt->ndb && !opt->storage;
    if (!*from_db)
        return opt->storage_used;
    if (dbread_open(&db, opt->db[0], err, sizeof(err)))
        die("%s; check -s and that the database is up", err);
    return db.cache;
}

/* The new run's storages: those given (the source's file storage, the databases). */
static void storage_options(const struct options *opt, int from_db, const char *parent, char ***argv,
                            size_t *n)
{
    push(argv, n, "sacred-run");
    if (!from_db) {
        push(argv, n, "-F");
        push(argv, n, parent);
    }
    for (int i = 0; i < opt->ndb; i++) {
        push(argv, n, "-s");
        push(argv, n, opt->db[i]);
    }
}

int rerun_command(const struct options *opt)
{
    if (!runid_valid(opt->rerun_id)) /* not echoed: it may hold a newline */
        die("invalid run id for rerun: a run id is " RUNID_RULE "; give it as 'sacred-run ls' shows it");
    int from_db;
    const char *storage = source_storage(opt, &from_db);
    char *dir = xasprintf("%s/%s", storage, opt->rerun_id), *path = xasprintf("%s/" RUN_JSON, dir);
    cJSON *run = json_load_file(path);
    free(path);
    if (!run)
        die("cannot read the record of run '%s' in '%s'; check %s and the id", opt->rerun_id,
            from_db ? opt->db_shown[0] : storage, from_db ? "-s" : "-F");
    if (!is_string_list(item(run, "program.argv")) || !str(run, "program.cwd"))
        die("run '%s' cannot be rerun: its run.json has no program.argv as a non-empty list of "
            "strings, or no program.cwd (a damaged or foreign record)", opt->rerun_id);
    struct strbuf diffs = STRBUF_INIT;
    compare_files(&diffs, run, storage);
    compare_repositories(&diffs, run);
    compare_host(&diffs, run);
    char **env = recorded_env(run, &diffs, opt->rerun_id);
    struct redacted red;
    redacted_values(&red, run, dir, &diffs);
    for (char *line = diffs.buf, *nl; line && (nl = strchr(line, '\n')); line = nl + 1)
        warning("rerun %s: %.*s", opt->rerun_id, (int)(nl - line), line);
    if (opt->rerun_check) {
        printf("run %s: %s\n", opt->rerun_id, diffs.len ? "differences found (see above)" : "no differences found");
        for (char **e = env; *e; e++)
            free(*e);
        free(env);
        redacted_release(&red);
        strbuf_release(&diffs);
        cJSON_Delete(run);
        free(dir);
        return 0;
    }
    if (red.missing.len)
        die("rerun %s: the record holds redacted values that are not set now (see above); "
            "set them in the environment, or run the program again yourself", opt->rerun_id);
    const char *cwd = str(run, "program.cwd");
    char abs[PATH_MAX], self[PATH_MAX];
    if (!realpath(dir, abs) || chdir(cwd) < 0)
        die("cannot enter the recorded working directory '%s': %s", cwd, strerror(errno));
    ssize_t k = readlink("/proc/self/exe", self, sizeof(self) - 1);
    self[k > 0 ? k : 0] = '\0';
    char **argv = NULL, *cfg = xasprintf("%s/" CONFIG_JSON, abs), *parent = xstrdup(abs);
    size_t n = 0;
    *strrchr(parent, '/') = '\0';
    storage_options(opt, from_db, parent, &argv, &n);
    push(&argv, &n, "--rerun-of");
    push(&argv, &n, abs);
    recorded_options(item(run, "meta.options"), &argv, &n);
    if (opt->loglevel_str) { /* how chatty this rerun is, is today's choice */
        push(&argv, &n, "-l");
        push(&argv, &n, opt->loglevel_str);
    }
    push(&argv, &n, "--");
    for (const cJSON *a = item(run, "program.argv")->child; a; a = a->next)
        push(&argv, &n, a->valuestring);
    push(&argv, &n, "with");
    push(&argv, &n, cfg);
    for (size_t i = 0; i < red.nupdates; i++)
        push(&argv, &n, red.updates[i]);
    execve(self, argv, env);
    die("cannot re-execute '%s': %s", self, strerror(errno));
}
