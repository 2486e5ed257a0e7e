/* commands.c: print_config and save_config. Both resolve the configuration exactly as a
 * run would (same errors, status 125) and create no run directory. */
#include "commands.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_file.h"
#include "config_print.h"
#include "error.h"

const char *take_config_filename(struct options *opt)
{
    const char *name = "config.json";
    char **w = opt->with_words, **out = w;
    for (; *w; w++) {
        if (!strncmp(*w, "config_filename=", 16))
            name = *w + 16;
        else
            *out++ = *w;
    }
    *out = NULL;
    return name;
}

int run_command(struct options *opt)
{
    struct config cfg;
    char err[1024];
    const char *file = !strcmp(opt->command, "save_config") ? take_config_filename(opt) : NULL;
    if (config_resolve(&cfg, opt->argv, opt->with_words, opt->with, opt->force, err, sizeof(err)) < 0)
        die("%s", err);
    int rc = 0;
    if (file) {
        if (config_file_save(file, cfg.tree, err, sizeof(err)) < 0)
            rc = error("%s", err);
        else
            fprintf(stderr, "INFO - save_config - Saving config to \"%s\"\n", file);
    } else
        config_print(stdout, &cfg, isatty(STDOUT_FILENO));
    config_release(&cfg);
    return rc < 0 ? SR_EXIT_TOOL : 0;
}
