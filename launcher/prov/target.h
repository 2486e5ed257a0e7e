/* target.h: what is about to run: the program found as execvp would find it, whether our
 * preload library can load into it (ELF inspection with libelf), and its main file. */
#ifndef SR_TARGET_H
#define SR_TARGET_H

#include <stddef.h>

struct target {
    char *path;         /* the path exec will use (absolute) */
    char *real;         /* canonical path of the executable */
    char *interpreter;  /* for a #! script: the interpreter path, else NULL */
    const char *preload;/* "active", "not-loaded-static", "not-loaded-setuid", ... */
    char *mainfile;     /* absolute path of the experiment's main file */
    char *module;       /* python -m MODULE: MODULE, else NULL */
    int main_is_source; /* the main file is a script to store in _sources */
};

/* Resolves argv[0]. On failure returns 126 or 127 (the exit status) and writes a one-line
 * message to err; returns 0 on success. */
int target_resolve(struct target *t, char *const *argv, char *err, size_t errlen);
void target_release(struct target *t);

/* Name for the experiment: with python -m, the module's last component; else the main
 * script's stem, else the program's basename. */
char *target_experiment_name(const struct target *t, const char *argv0);

#endif
