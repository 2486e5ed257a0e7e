/* facts.c: the program facts thread (see facts.h). It blocks every signal (they stay with
 * the main thread's signalfd) and runs helpers (git) through subproc, which waits for its
 * own child by pid. */
#include "prov/facts.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "prov/elfdeps.h"
#include "prov/gitinfo.h"
#include "util/error.h"
#include "util/fs.h"

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

static void *gather(void *arg)
{
    struct program_facts *f = arg;
    char md5[33];
    if (md5_file(f->t->real, md5) == 0)
        f->md5 = cJSON_CreateString(md5);
    if (!f->repos)
        f->repos = run_repositories(f->t, f->base_dir);
    /* the executable that runs: the interpreter of a #! script */
    f->elf = elf_facts(f->t->interpreter ? f->t->interpreter : f->t->real);
    return NULL;
}

void facts_start(struct program_facts *f, const struct target *t, const char *base_dir, cJSON *repos)
{
    *f = (struct program_facts){ .t = t, .base_dir = base_dir, .repos = repos };
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    f->running = pthread_create(&f->thread, NULL, gather, f) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!f->running)
        gather(f);
}

void facts_add(struct program_facts *f, cJSON *run)
{
    if (!f->t)
        return;
    if (f->running)
        pthread_join(f->thread, NULL);
    f->running = 0;
    cJSON *prog = cJSON_GetObjectItemCaseSensitive(run, "program");
    if (f->md5)
        json_set(prog, "md5", f->md5);
    json_set(cJSON_GetObjectItemCaseSensitive(run, "experiment"), "repositories", f->repos);
    if (f->elf)
        json_set(prog, "elf", f->elf);
    *f = (struct program_facts){ 0 };
}

void facts_release(struct program_facts *f)
{
    if (f->running)
        pthread_join(f->thread, NULL);
    cJSON_Delete(f->md5);
    cJSON_Delete(f->repos);
    cJSON_Delete(f->elf);
    *f = (struct program_facts){ 0 };
}
