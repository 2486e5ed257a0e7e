/* facts.c: the program facts thread (see facts.h). It blocks every signal (they stay with
 * the main thread's signalfd) and runs helpers (git) through subproc, which waits for its
 * own child by pid. */
#include "prov/facts.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json/json.h"
#include "prov/elfdeps.h"
#include "prov/gitinfo.h"
#include "util/error.h"
#include "util/path.h"

cJSON *run_repositories(const struct target *t, const char *base_dir)
{
    cJSON *list = cJSON_CreateArray();
    char *dir = xstrdup(t->main_is_source ? t->mainfile : base_dir);
    if (t->main_is_source)
        *strrchr(dir, '/') = '\0';
    cJSON *r = git_repository(*dir ? dir : "/");
    if (r)
        cJSON_AddItemToArray(list, r);
    free(dir);
    return list;
}

/* path's MD5 from the storage's cache, or the user's for a system file (computed and
 * cached on a miss); 0 or -1. */
static int cached_md5(const struct program_facts *f, const char *path, char md5[33])
{
    struct stat st;
    struct md5_cache *c = path_in_system_dir(path) ? f->system_cache : f->cache;
    return stat(path, &st) == 0 ? md5_cache_get(c, path, &st, md5) : -1;
}

/* The repositories: one git status, in its own thread, while the other reads the ELF. */
static void *gather_repos(void *arg)
{
    struct program_facts *f = arg;
    if (!f->repos)
        f->repos = run_repositories(f->t, f->base_dir);
    return NULL;
}

static void *gather(void *arg)
{
    struct program_facts *f = arg;
    char md5[33], imd5[33];
    int known = cached_md5(f, f->t->real, md5) == 0;
    if (known)
        f->md5 = cJSON_CreateString(md5);
    /* the executable that runs: the interpreter of a #! script */
    const char *interp = f->t->interpreter;
    if (interp)
        f->elf = elf_facts(interp, cached_md5(f, interp, imd5) == 0 ? imd5 : NULL);
    else
        f->elf = elf_facts(f->t->real, known ? md5 : NULL);
    return NULL;
}

void facts_start(struct program_facts *f, const struct target *t, const char *base_dir,
                 struct md5_cache *cache, struct md5_cache *system_cache, cJSON *repos)
{
    *f = (struct program_facts){ .t = t, .base_dir = base_dir, .cache = cache,
                                 .system_cache = system_cache, .repos = repos };
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    f->repos_running = !repos && pthread_create(&f->repos_thread, NULL, gather_repos, f) == 0;
    f->running = pthread_create(&f->thread, NULL, gather, f) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!f->repos_running)
        gather_repos(f);
    if (!f->running)
        gather(f);
}

/* Waits for both threads. */
static void join(struct program_facts *f)
{
    if (f->repos_running)
        pthread_join(f->repos_thread, NULL);
    if (f->running)
        pthread_join(f->thread, NULL);
    f->running = f->repos_running = 0;
}

void facts_add(struct program_facts *f, cJSON *run)
{
    if (!f->t)
        return;
    join(f);
    cJSON *prog = cJSON_GetObjectItemCaseSensitive(run, "program");
    if (f->md5)
        json_set(prog, "md5", f->md5);
    cJSON *exp = cJSON_GetObjectItemCaseSensitive(run, "experiment");
    const cJSON *had = cJSON_GetObjectItemCaseSensitive(exp, "repositories");
    for (const cJSON *r = had ? had->child : NULL; r; r = r->next) /* the sources' (provenance) */
        json_add_unique(f->repos, cJSON_Duplicate(r, 1));
    json_set(exp, "repositories", f->repos);
    if (f->elf)
        json_set(prog, "elf", f->elf);
    *f = (struct program_facts){ 0 };
}

void facts_release(struct program_facts *f)
{
    join(f);
    cJSON_Delete(f->md5);
    cJSON_Delete(f->repos);
    cJSON_Delete(f->elf);
    *f = (struct program_facts){ 0 };
}
