/* facts.h: the facts about the program that cost milliseconds (its executable's MD5, the
 * git repositories, the ELF facts of what runs), gathered by two threads (one waits for
 * git) that start once the target is resolved and run beside the run's creation and the
 * program, so a short program's end waits for git only as long as git outlasts it. The thread never touches the record; facts_add moves its answers in. */
#ifndef SR_FACTS_H
#define SR_FACTS_H

#include <pthread.h>

#include <cjson/cJSON.h>

#include "prov/target.h"
#include "record/md5cache.h"

struct program_facts {
    pthread_t thread, repos_thread; /* the executable's facts; git */
    int running, repos_running;
    const struct target *t;   /* both kept alive by the caller until facts_add */
    const char *base_dir;
    struct md5_cache *cache;  /* the storage's: an unchanged executable is not read again */
    struct md5_cache *system_cache; /* the user's, for executables in system locations */
    cJSON *md5, *repos, *elf; /* the answers */
};

/* experiment.repositories at the start: the git repository of the main file's directory
 * (or of base_dir), listed once. */
cJSON *run_repositories(const struct target *t, const char *base_dir);

/* Starts gathering (in this thread when no thread can be made); repos, when not NULL, are
 * the repositories already known (checked by -e), taken. An executable in a system
 * location (/usr/bin/python3) takes its MD5 from system_cache, so a new storage does not
 * hash it again; others from cache. */
void facts_start(struct program_facts *f, const struct target *t, const char *base_dir,
                 struct md5_cache *cache, struct md5_cache *system_cache, cJSON *repos);

/* Waits for the facts and moves them into run (program.md5, program.elf,
 * experiment.repositories, first, before those already listed there); later calls do
 * nothing. */
void facts_add(struct program_facts *f, cJSON *run);

/* Frees facts never added. */
void facts_release(struct program_facts *f);

#endif
