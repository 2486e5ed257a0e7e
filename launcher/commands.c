/* commands.c: print_config and save_config. Both resolve the configuration exactly as a
 * run would (same errors, status 125) and create no run directory. */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/config_file.h"
#include "config/config_print.h"
#include "prov/elfdeps.h"
#include "prov/facts.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/path.h"

const char *take_config_filename(struct options *opt)
{
    const char *name = CONFIG_JSON;
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
        else {
            log_setup(opt->loglevel, "save_config");
            log_msg(LOG_INFO, "Saving config to \"%s\"", file);
        }
    } else
        config_print(stdout, &cfg, isatty(STDOUT_FILENO));
    config_release(&cfg);
    return rc < 0 ? SR_EXIT_TOOL : 0;
}

static void print_repositories(const cJSON *repos, int colour)
{
    if (!cJSON_GetArraySize(repos))
        return;
    printf("\nVersion Control:\n");
    for (const cJSON *r = repos->child; r; r = r->next) {
        int dirty = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "dirty"));
        printf("%s %-43s  %s%s\n", dirty ? (colour ? "\033[31mM" : "M") : " ",
               cJSON_GetObjectItemCaseSensitive(r, "url")->valuestring,
               cJSON_GetObjectItemCaseSensitive(r, "commit")->valuestring, colour ? "\033[0m" : "");
    }
}

int print_dependencies(const struct target *t, const char *base_dir)
{
    char md5[33];
    struct elf_deps deps;
    const char *elf = t->interpreter ? t->interpreter : t->real;
    printf("Executable:\n  %-43s  %s\n", t->real, md5_file(t->real, md5) == 0 ? md5 : "(unreadable)");
    printf("\nDependencies:\n");
    if (elf_deps_collect(elf, &deps) == 0) {
        for (size_t i = 0; i < deps.n; i++)
            printf("  %-20s == %s\n", deps.d[i].soname,
                   !deps.d[i].path ? "(not found)" : deps.d[i].version ? deps.d[i].version : "(unknown)");
        elf_deps_release(&deps);
    }
    printf("\nSources:\n");
    if (t->main_is_source) {
        char *rel = path_relative_to(t->mainfile, base_dir);
        printf("  %-43s  %s\n", rel, md5_file(t->mainfile, md5) == 0 ? md5 : "(unreadable)");
        free(rel);
    }
    cJSON *repos = run_repositories(t, base_dir);
    print_repositories(repos, isatty(STDOUT_FILENO));
    cJSON_Delete(repos);
    printf("\n");
    return 0;
}

