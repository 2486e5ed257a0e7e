/* commands.h: Sacred's commands that run nothing: print_config (the resolved
 * configuration, Sacred's layout) and save_config (to config_filename, default
 * config.json, as JSON or YAML by its extension). */
#ifndef SR_COMMANDS_H
#define SR_COMMANDS_H

#include <cjson/cJSON.h>

#include "cli.h"
#include "prov/target.h"

/* Resolves the configuration and carries out opt->command; returns the exit status. */
int run_command(struct options *opt);

/* print_dependencies: the executable and its MD5, the shared libraries it will load with
 * their versions, the main source file and its MD5, the git state. Returns 0. */
int print_dependencies(const struct target *t, const char *base_dir);

/* For save_config: removes "config_filename=NAME" from the words after "with" and
 * returns NAME (default "config.json"). */
const char *take_config_filename(struct options *opt);

#endif
