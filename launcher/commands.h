/* commands.h: Sacred's commands that run nothing: print_config (the resolved
 * configuration, Sacred's layout) and save_config (to config_filename, default
 * config.json, as JSON or YAML by its extension). */
#ifndef SR_COMMANDS_H
#define SR_COMMANDS_H

#include "cli.h"

/* Resolves the configuration and carries out opt->command; returns the exit status. */
int run_command(struct options *opt);

/* For save_config: removes "config_filename=NAME" from the words after "with" and
 * returns NAME (default "config.json"). */
const char *take_config_filename(struct options *opt);

#endif
