/* config.h: the run's configuration for a program that only knows argv and environment.
 * Its long options are the base; then configuration files and KEY=VALUE updates given
 * after "with" (updates win, as in Sacred); then seed. The result reaches the program as
 * rewritten options, filled {key} placeholders and environment variables. */
#ifndef SR_CONFIG_H
#define SR_CONFIG_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "json/json_index.h"

struct argv_option {
    int index;        /* argv index of the option word */
    int value_index;  /* argv index of a separate value word, or -1 */
    char *name;       /* the option as written, without "--" (and without "no-") */
    char *key;        /* its configuration key ('-' becomes '_') */
    int is_flag;      /* --name or --no-name without a value */
};

struct config {
    cJSON *tree;       /* the resolved configuration (config.json) */
    cJSON *base;       /* before the updates (to mark what they changed) */
    cJSON *origins;    /* dotted key -> where it came from */
    cJSON *updates;    /* meta.config_updates */
    cJSON *named;      /* meta.named_configs: the files */
    cJSON *words;      /* meta.options.UPDATE: the words after "with" */
    int with;          /* "with" was given */
    struct argv_option *opts;
    size_t nopts;
    char **argv;       /* the program's argv as it will run (owned) */
    char **env;        /* NAME=value entries to set (owned) */
    size_t nenv;
    struct json_index ix; /* key lookups while resolving; empty afterwards */
    char *seed_note;   /* why the program's own --seed is not the run's seed, or NULL */
};

/* Resolves the configuration for prog_argv and the words after "with". force accepts
 * keys that nothing defines. Returns 0, or -1 with a one-line reason in err. */
int config_resolve(struct config *c, char *const *prog_argv, char *const *with_words,
                   int with, int force, char *err, size_t errlen);
void config_release(struct config *c);

/* The text a value takes in argv and the environment: strings as they are, numbers as
 * JSON, true/false, "" for null, lists and dicts as one-line JSON. Newly allocated. */
char *config_text(const cJSON *v);

/* The item at a dotted path, or NULL. */
cJSON *config_get(const cJSON *tree, const char *path);

#endif
