/* provenance.c: classifying the files the tree used. Hashing and copying happen here, in
 * the launcher after the program ended, never in the hooks. MD5s are cached per storage
 * by (device, inode, size, mtime), so a large dataset is hashed once across runs. Private
 * files are never hashed or copied, only listed (with --list-private). */
#include "prov/provenance.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "json/json.h"
#include "preload/sr_protocol.h"
#include "prov/dependencies.h"
#include "prov/dwarfsrc.h"
#include "prov/gitinfo.h"
#include "record/artifact.h"
#include "record/md5cache.h"
#include "record/private.h"
#include "record/sources.h"
#include "util/error.h"
#include "util/path.h"
#include "util/timefmt.h"

static const char *const interpreter_trees[] = { "/site-packages/", "/dist-packages/", "/lib/python",
                                                 "/__pycache__/" };
/* Version control's own directories: the repository is recorded under repositories, its
 * internals are never sources, resources or artifacts. */
static const char *const vcs_dirs[] = { "/.git/", "/.hg/", "/.svn/", "/.bzr/", "/_darcs/", "/CVS/",
                                        "/.pijul/", "/.jj/" };
static const char *const source_exts[] = {
    "py", "pyx", "sh", "bash", "zsh", "R", "r", "jl", "lua", "pl", "pm", "rb", "js", "mjs", "ts",
    "m", "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "cu", "cuh", "f", "f90", "f95", "go", "rs",
    "java", "scala", "kt", "swift", "sql", "mk", "cmake", "ipynb",
};
static const char *const source_names[] = {
    "Makefile", "makefile", "GNUmakefile", "CMakeLists.txt", "Dockerfile", "Snakefile", "Rakefile",
};

static int matches_any(char **globs, int n, const char *rel)
{
    for (int i = 0; i < n; i++)
        if (fnmatch(globs[i], rel, 0) == 0)
            return 1;
    return 0;
}

/* A hidden directory outside the experiment (~/.pyenv, ~/.cache, ~/.local, .venv): tool
 * installations, caches and settings rather than the experiment's inputs. */
static int in_hidden_dir(const struct provenance *p, const char *path)
{
    if (path_under(path, p->base_dir) || path_under(path, p->cwd))
        return 0;
    const char *last = strrchr(path, '/');
    for (const char *c = strstr(path, "/."); c && c < last; c = strstr(c + 1, "/."))
        return 1;
    return 0;
}

static int ours(const struct provenance *p, const struct record *r, const char *path)
{
    return path_under(path, r->basedir) || (p->skip_dir && path_under(path, p->skip_dir));
}

static int in_vcs_dir(const char *path)
{
    for (size_t i = 0; i < sizeof(vcs_dirs) / sizeof(*vcs_dirs); i++)
        if (strstr(path, vcs_dirs[i]))
            return 1;
    return 0;
}

/* Home configuration and credentials (record/private.h), and any file directly in the
 * home directory unless that is the working or base directory. */
static int is_private(const struct provenance *p, const char *path)
{
    return private_file(path)
        || (private_home_top(path) && !path_under(path, p->cwd) && !path_under(path, p->base_dir));
}

/* Not recorded: our own files, private files, version control's directories and --exclude
 * always; system locations, interpreter trees and hidden directories unless --include
 * names them. */
static int excluded(const struct provenance *p, const struct record *r, const char *path)
{
    if (ours(p, r, path) || is_private(p, path) || in_vcs_dir(path)
        || matches_any(p->rules->exclude, p->rules->nexclude, path))
        return 1;
    if (matches_any(p->rules->include, p->rules->ninclude, path))
        return 0;
    if (path_in_system_dir(path))
        return 1;
    for (size_t i = 0; i < sizeof(interpreter_trees) / sizeof(*interpreter_trees); i++)
        if (strstr(path, interpreter_trees[i]))
            return 1;
    return in_hidden_dir(p, path);
}

static int starts_with_shebang(const char *path)
{
    char b[2];
    FILE *f = fopen(path, "re");
    int yes = f && fread(b, 1, 2, f) == 2 && b[0] == '#' && b[1] == '!';
    if (f)
        fclose(f);
    return yes;
}

static int is_source(const struct provenance *p, const char *path)
{
    const char *base = strrchr(path, '/') + 1, *dot = strrchr(base, '.');
    size_t rel = path_under(path, p->base_dir);
    if (!rel)
        return 0;
    if (matches_any(p->rules->source, p->rules->nsource, path + rel))
        return 1;
    for (size_t i = 0; dot && i < sizeof(source_exts) / sizeof(*source_exts); i++)
        if (!strcmp(dot + 1, source_exts[i]))
            return 1;
    for (size_t i = 0; i < sizeof(source_names) / sizeof(*source_names); i++)
        if (!strcmp(base, source_names[i]))
            return 1;
    return starts_with_shebang(path);
}

/* Written under the working directory and, with --artifact, matching one of its globs
 * (by the path relative to the working directory). */
static int is_artifact(const struct provenance *p, const char *path)
{
    size_t rel = path_under(path, p->cwd);
    return rel && (!p->rules->nartifact || matches_any(p->rules->artifact, p->rules->nartifact, path + rel));
}

/* --- recording ------------------------------------------------------------------------- */

static void add_source(const struct provenance *p, struct record *r, const char *path)
{
    char stored[PATH_MAX];
    cJSON *exp = cJSON_GetObjectItemCaseSensitive(r->run, "experiment");
    if (store_file(r->basedir, "_sources", path, NULL, stored, sizeof(stored)) < 0) {
        warning("cannot store source '%s': %s", path, strerror(errno));
        return;
    }
    cJSON *pair = cJSON_CreateArray();
    char *rel = path_relative_to(path, p->base_dir);
    cJSON_AddItemToArray(pair, cJSON_CreateString(rel));
    cJSON_AddItemToArray(pair, cJSON_CreateString(stored));
    json_add_unique(cJSON_GetObjectItemCaseSensitive(exp, "sources"), pair);
    free(rel);
    char *dir = xstrdup(path);
    *strrchr(dir, '/') = '\0';
    cJSON *repo = git_repository(*dir ? dir : "/");
    if (repo)
        json_add_unique(cJSON_GetObjectItemCaseSensitive(exp, "repositories"), repo);
    free(dir);
}

struct dwarf_ctx {
    const struct provenance *p;
    struct record *r;
};

static void dwarf_source(void *ctx, const char *path)
{
    struct dwarf_ctx *d = ctx;
    if (path_under(path, d->p->base_dir))
        add_source(d->p, d->r, path);
}

/* The project's own executables and libraries built with -g: their compile units. */
static void add_dwarf_sources(const struct provenance *p, struct record *r, const char *elf)
{
    struct dwarf_ctx d = { p, r };
    dwarf_sources(elf, dwarf_source, &d);
}

/* How many resources and artifacts the run had before provenance_record (reported ones):
 * the files it adds have distinct paths, so only those can repeat one of them. */
struct earlier {
    size_t resources, artifacts;
};

static void add_resource(const struct provenance *p, struct record *r, const char *path,
                         const struct stat *st, const struct earlier *e)
{
    char md5[33], stored[PATH_MAX], mtime[TIME_ISO_LEN];
    if (md5_cache_get(p->cache, path, st, md5) < 0)
        return;
    int store = st->st_size <= p->rules->resource_limit;
    if (store && store_file(r->basedir, "_resources", path, md5, stored, sizeof(stored)) < 0) {
        warning("cannot store resource '%s': %s", path, strerror(errno));
        store = 0;
    }
    if (store) {
        cJSON *pair = cJSON_CreateArray();
        cJSON_AddItemToArray(pair, cJSON_CreateString(path));
        cJSON_AddItemToArray(pair, cJSON_CreateString(stored));
        json_add_unique_among(cJSON_GetObjectItemCaseSensitive(r->run, "resources"), e->resources, pair);
    }
    time_iso(&st->st_mtim, mtime);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "path", path);
    cJSON_AddItemToObject(d, "size", json_int(st->st_size));
    cJSON_AddStringToObject(d, "mtime", mtime);
    cJSON_AddStringToObject(d, "md5", md5);
    cJSON_AddItemToObject(d, "stored", store ? cJSON_CreateString(stored) : cJSON_CreateNull());
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(r->run, "resource_files"), d);
}

static void add_artifact(const struct provenance *p, struct record *r, const char *path,
                         const struct stat *st, const struct earlier *e)
{
    char err[512], *rel = path_relative_to(path, p->cwd);
    if (st->st_size > p->rules->artifact_limit)
        warning("artifact '%s' is larger than --artifact-limit; not copied", rel);
    else if (artifact_copy(r->dir, path, rel, err, sizeof(err)) < 0)
        warning("%s", err);
    else
        json_add_unique_among(cJSON_GetObjectItemCaseSensitive(r->run, "artifacts"), e->artifacts,
                              cJSON_CreateString(rel));
    free(rel);
}

/* Files renamed or linked into place count as written under their final names. */
static void follow_renames(struct files *fs)
{
    for (size_t i = 0; i + 1 < fs->nrenames; i += 2)
        if (files_bits(fs, fs->renames[i]) & SR_FILE_WRITE)
            files_add(fs, fs->renames[i + 1], SR_FILE_WRITE);
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

/* The source file an opened path stands for: itself, or for a compiled module
 * (DIR/__pycache__/NAME.TAG.pyc, which Python opens instead of a current NAME.py) DIR/NAME.py. */
static char *python_source(const char *path)
{
    const char *base = strrchr(path, '/') + 1, *dot = strchr(base, '.');
    size_t dir = (size_t)(base - path);
    if (dir < 13 || strncmp(base - 13, "/__pycache__/", 13) || !dot || !ends_with(base, ".pyc"))
        return xstrdup(path);
    return xasprintf("%.*s%.*s.py", (int)(dir - 12), path, (int)(dot - base), base);
}

/* python -m a.b runs .../a/b.py or .../a/b/__main__.py: the first such file the tree opened
 * (in the order opened; files_sort comes later). */
static char *module_main(const struct files *fs, const char *module)
{
    char *rel = xstrdup(module);
    for (char *c = rel; *c; c++)
        *c = *c == '.' ? '/' : *c;
    char *want[2] = { xasprintf("/%s.py", rel), xasprintf("/%s/__main__.py", rel) }, *found = NULL;
    for (size_t i = 0; i < fs->n && !found; i++) {
        char *src = python_source(fs->f[i].path);
        struct stat st;
        for (int k = 0; k < 2 && !found; k++)
            if (ends_with(src, want[k]) && stat(src, &st) == 0 && S_ISREG(st.st_mode))
                found = xstrdup(src);
        free(src);
    }
    free(want[0]);
    free(want[1]);
    free(rel);
    return found;
}

/* The main file of python -m MODULE when it was not found before the start. */
static void add_module_main(const struct provenance *p, const struct files *fs, struct record *r)
{
    char *path = p->module ? module_main(fs, p->module) : NULL;
    if (!path)
        return;
    char *rel = path_relative_to(path, p->base_dir);
    json_set(cJSON_GetObjectItemCaseSensitive(r->run, "experiment"), "mainfile", cJSON_CreateString(rel));
    add_source(p, r, path);
    free(rel);
    free(path);
}

int provenance_wanted(const struct provenance *p, const struct record *r, const char *path)
{
    return !excluded(p, r, path);
}

void provenance_record(const struct provenance *p, struct files *fs, struct record *r)
{
    follow_renames(fs);
    add_module_main(p, fs, r);
    files_sort(fs); /* Sacred lists sources by path */
    json_set(r->run, "resource_files", cJSON_CreateArray());
    struct earlier e = { (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->run, "resources")),
                         (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->run, "artifacts")) };
    cJSON *private = p->rules->list_private ? cJSON_CreateArray() : NULL;
    if (private)
        json_set(r->run, "private_files", private);
    for (size_t i = 0; i < fs->n; i++) {
        const char *path = fs->f[i].path;
        struct stat st;
        if ((fs->f[i].bits & (SR_FILE_READ | SR_FILE_WRITE)) && !ours(p, r, path) && is_private(p, path)) {
            if (private) /* by path only, never its content */
                cJSON_AddItemToArray(private, cJSON_CreateString(path));
            continue;
        }
        if ((fs->f[i].bits & (SR_FILE_LIB | SR_FILE_EXEC)) && path_under(path, p->base_dir)
            && (!p->preload || strcmp(path, p->preload)))
            add_dwarf_sources(p, r, path); /* not ours, even when run from our own checkout */
        if (!(fs->f[i].bits & (SR_FILE_READ | SR_FILE_WRITE)) || excluded(p, r, path)
            || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        if (fs->f[i].bits & SR_FILE_WRITE) {
            if (is_artifact(p, path))
                add_artifact(p, r, path, &st, &e);
        } else if (is_source(p, path))
            add_source(p, r, path);
        else
            add_resource(p, r, path, &st, &e);
    }
    json_set(cJSON_GetObjectItemCaseSensitive(r->run, "experiment"), "dependencies",
             dependencies_collect(fs, p->preload));
}
