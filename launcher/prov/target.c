/* target.c: program resolution and inspection before anything is created. It reads files
 * and ELF headers only; it never executes the program. */
#include "prov/target.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/elffile.h"
#include "util/error.h"
#include "util/subproc.h"

static const char *const interpreters[] = {
    "python", "pypy", "bash", "sh", "dash", "zsh", "ksh", "mksh", "fish", "perl", "ruby",
    "node", "nodejs", "Rscript", "julia", "lua", "luajit", "php", "tclsh", "wish", "octave",
};

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* "python3.11" matches "python": the name, then only digits, dots or dashes. */
static int is_interpreter(const char *path)
{
    const char *b = base_name(path);
    for (size_t i = 0; i < sizeof(interpreters) / sizeof(*interpreters); i++) {
        size_t n = strlen(interpreters[i]);
        if (strncmp(b, interpreters[i], n))
            continue;
        if (strspn(b + n, "0123456789.-") == strlen(b + n))
            return 1;
    }
    return 0;
}

/* Drops "." and empty components and resolves ".." lexically, in place. */
static char *normalise(char *path)
{
    char *out = path, *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if ((n == 1 && p[0] == '.') || n == 0) {
            p += n;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (out > path && *--out != '/')
                ;
            p += n;
            continue;
        }
        *out++ = '/';
        memmove(out, p, n);
        out += n;
        p += n;
    }
    if (out == path)
        *out++ = '/';
    *out = '\0';
    return path;
}

static char *absolute(const char *p)
{
    char cwd[PATH_MAX];
    if (p[0] == '/' || !getcwd(cwd, sizeof(cwd)))
        return normalise(xstrdup(p));
    return normalise(xasprintf("%s/%s", cwd, p));
}

/* "active" unless the ELF file cannot take a 64-bit preload library. */
static const char *elf_preload_state(const char *path)
{
    struct elf_file f;
    int kind = elf_file_open(&f, path);
    if (kind != 1)
        return kind < 0 ? "unknown" : "not-loaded-not-elf";
    size_t n = 0;
    int has_interp = 0;
    elf_getphdrnum(f.e, &n);
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(f.e, (int)i, &ph) && ph.p_type == PT_INTERP)
            has_interp = 1;
    }
    const char *state = gelf_getclass(f.e) != ELFCLASS64 ? "not-loaded-32bit"
                        : has_interp                     ? "active"
                                                         : "not-loaded-static";
    elf_file_close(&f);
    return state;
}

/* The interpreter of a "#!" script, or NULL. */
static char *shebang(const char *path)
{
    char line[512];
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    char *got = fgets(line, sizeof(line), f);
    fclose(f);
    if (!got || strncmp(line, "#!", 2))
        return NULL;
    char *p = line + 2 + strspn(line + 2, " \t");
    p[strcspn(p, " \t\r\n")] = '\0';
    return *p ? xstrdup(p) : NULL;
}

static const char *preload_state(const struct target *t)
{
    struct stat st;
    if (stat(t->real, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)) && getuid() != 0)
        return "not-loaded-setuid";
    return elf_preload_state(t->interpreter ? t->interpreter : t->real);
}

/* The interpreter's first argument that names an existing file, as its main file. */
static char *script_argument(char *const *argv)
{
    for (int i = 1; argv[i]; i++) {
        struct stat st;
        if (argv[i][0] == '-')
            continue;
        if (stat(argv[i], &st) == 0 && S_ISREG(st.st_mode))
            return absolute(argv[i]);
        return NULL;
    }
    return NULL;
}

/* python's MODULE in `python [options] -m MODULE ...` (also -mMODULE, -um MODULE), or
 * NULL when the options end without -m (a script, -c, --). */
static const char *python_module(char *const *argv)
{
    for (int i = 1; argv[i] && argv[i][0] == '-' && strcmp(argv[i], "--"); i++)
        for (const char *c = argv[i] + 1; *c; c++) {
            if (*c == 'm')
                return c[1] ? c + 1 : argv[i + 1];
            if (*c == 'c' || *c == '-')
                return NULL;
            if (*c == 'W' || *c == 'X') { /* takes an argument: the rest, or the next word */
                i += !c[1] && argv[i + 1];
                break;
            }
        }
    return NULL;
}

/* The file `python -m module` runs, looked up where a module of the project is: the
 * working directory (sys.path[0] with -m), then $PYTHONPATH. NULL when it is elsewhere
 * (the standard library, site-packages): found at the end among the files opened. */
static char *module_file(const char *module)
{
    char cwd[PATH_MAX], *rel = xstrdup(module);
    for (char *c = rel; *c; c++)
        *c = *c == '.' ? '/' : *c;
    const char *pp = getenv("PYTHONPATH");
    char *dirs = xasprintf("%s:%s", getcwd(cwd, sizeof(cwd)) ? cwd : ".", pp ? pp : ""), *found = NULL;
    for (char *d = strtok(dirs, ":"); d && !found; d = strtok(NULL, ":"))
        for (int pkg = 0; pkg < 2 && !found; pkg++) {
            char *cand = xasprintf("%s/%s%s", d, rel, pkg ? "/__main__.py" : ".py");
            struct stat st;
            if (stat(cand, &st) == 0 && S_ISREG(st.st_mode))
                found = absolute(cand);
            free(cand);
        }
    free(dirs);
    free(rel);
    return found;
}

/* An interpreter named on the command line (python3 fit.py) has its first file argument
 * as main file, even when it is itself a wrapper script (pyenv's shims); python -m has its
 * module's file; a #! script is its own main file; anything else is represented by its
 * executable. */
static void find_main_file(struct target *t, char *const *argv)
{
    int python = !strncmp(base_name(t->path), "python", 6) || !strncmp(base_name(t->real), "python", 6);
    const char *module = python ? python_module(argv) : NULL;
    if (module && *module) {
        t->module = xstrdup(module);
        t->mainfile = module_file(module);
    } else if (is_interpreter(t->path) || is_interpreter(t->real))
        t->mainfile = script_argument(argv);
    else if (t->interpreter)
        t->mainfile = xstrdup(t->path);
    t->main_is_source = t->mainfile != NULL;
    if (!t->mainfile)
        t->mainfile = xstrdup(t->path);
}

int target_resolve(struct target *t, char *const *argv, char *err, size_t errlen)
{
    const char *name = argv[0];
    char *found = NULL;
    memset(t, 0, sizeof(*t));
    int e = strchr(name, '/') ? 0 : subproc_search(name, &found);
    if (e == ENOENT) {
        snprintf(err, errlen, "'%s': program not found on PATH; give its path or install it", name);
        return SR_EXIT_NOT_FOUND;
    }
    if (e == EACCES) {
        snprintf(err, errlen, "'%s': found on PATH but not executable; check its permissions", name);
        return SR_EXIT_CANNOT_RUN;
    }
    struct stat st;
    const char *p = found ? found : name;
    if (stat(p, &st) < 0) {
        snprintf(err, errlen, "'%s': %s; check the path", name, strerror(errno));
        free(found);
        return errno == ENOENT || errno == ENOTDIR ? SR_EXIT_NOT_FOUND : SR_EXIT_CANNOT_RUN;
    }
    if (S_ISDIR(st.st_mode) || access(p, X_OK) < 0) {
        snprintf(err, errlen, "'%s': %s; make it an executable file or run it through its interpreter",
                 name, S_ISDIR(st.st_mode) ? "is a directory" : "permission denied");
        free(found);
        return SR_EXIT_CANNOT_RUN;
    }
    t->path = absolute(p);
    free(found);
    char real[PATH_MAX];
    t->real = xstrdup(realpath(t->path, real) ? real : t->path);
    t->interpreter = shebang(t->real);
    t->preload = preload_state(t);
    find_main_file(t, argv);
    return 0;
}

void target_release(struct target *t)
{
    free(t->path);
    free(t->real);
    free(t->interpreter);
    free(t->mainfile);
    free(t->module);
    memset(t, 0, sizeof(*t));
}

char *target_experiment_name(const struct target *t, const char *argv0)
{
    if (t->module)
        return xstrdup(strrchr(t->module, '.') ? strrchr(t->module, '.') + 1 : t->module);
    if (!t->main_is_source)
        return xstrdup(base_name(argv0));
    const char *b = base_name(t->mainfile);
    const char *dot = strrchr(b, '.');
    return dot && dot != b ? xstrndup(b, (size_t)(dot - b)) : xstrdup(b);
}
