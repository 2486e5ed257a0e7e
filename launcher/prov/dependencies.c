/* dependencies.c: dependencies from what the tree actually loaded. Python packages are
 * found from the module files loaded under site-packages/dist-packages (not .pth files or
 * metadata) and named by the *.dist-info (or *.egg-info) that declares them, each site's
 * read once (prov/pyindex); nothing is imported or executed. */
#include "prov/dependencies.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "preload/sr_protocol.h"
#include "prov/elfdeps.h"
#include "prov/pyindex.h"
#include "util/error.h"

static void add_string(void *ctx, const char *s)
{
    cJSON *list = ctx;
    for (cJSON *c = list->child; c; c = c->next)
        if (!strcmp(c->valuestring, s))
            return;
    cJSON_AddItemToArray(list, cJSON_CreateString(s));
}

/* A Python module's file: .py, .pyc or an extension .so, in directories that are package
 * names. Not a .pth file read at start-up, nor a dist-info's metadata or a data file. */
static int module_file(const char *rel)
{
    const char *base = strrchr(rel, '/'), *ext;
    base = base ? base + 1 : rel;
    ext = strrchr(base, '.');
    if (!ext || (strcmp(ext, ".py") && strcmp(ext, ".pyc") && strcmp(ext, ".so")))
        return 0;
    for (const char *c = rel; c < base; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '/')
            return 0;
    return 1;
}

/* The next name of a module path: "zope/event/__init__.py" -> "zope", then "event";
 * __pycache__ is passed over and a file's name ends at its first dot. */
static const char *next_name(const char *rel, char *out, size_t n)
{
    if (!strncmp(rel, "__pycache__/", 12))
        rel += 12;
    size_t len = strcspn(rel, "/.");
    snprintf(out, n, "%.*s", (int)len, rel);
    return rel[len] == '/' ? rel + len + 1 : NULL;
}

/* For a module file under site-packages/dist-packages: the site directory and the module's
 * first two names ("zope.event", "numpy.core", "six"). */
static int python_module(const char *path, char *site, char *mod, size_t n)
{
    const char *marks[] = { "/site-packages/", "/dist-packages/" }, *m = NULL;
    for (size_t i = 0; i < 2 && !m; i++)
        m = strstr(path, marks[i]);
    if (!m)
        return -1;
    size_t len = (size_t)(m - path) + strlen("/site-packages");
    snprintf(site, n, "%.*s", (int)len, path);
    const char *rest = path + len + 1;
    if (!module_file(rest))
        return -1;
    char top[256], sub[256] = "";
    rest = next_name(rest, top, sizeof(top));
    if (rest && strcmp(rest, "__init__.py") && strncmp(rest, "__pycache__/__init__.", 21))
        next_name(rest, sub, sizeof(sub));
    snprintf(mod, n, "%s%s%s", top, *sub ? "." : "", sub);
    return *top && top[0] != '_' ? 0 : -1; /* _private modules are skipped */
}

static int ci_cmp(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    int c = strcasecmp(x->valuestring, y->valuestring);
    return c ? c : strcmp(x->valuestring, y->valuestring);
}

static cJSON *sorted(cJSON *list)
{
    int n = cJSON_GetArraySize(list);
    cJSON **v = xcalloc((size_t)(n ? n : 1), sizeof(*v));
    int i = 0;
    for (cJSON *c = list->child; c; c = c->next)
        v[i++] = c;
    qsort(v, (size_t)n, sizeof(*v), ci_cmp);
    cJSON *out = cJSON_CreateArray();
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(out, cJSON_CreateString(v[i]->valuestring));
    free(v);
    cJSON_Delete(list);
    return out;
}

/* Python's extension modules belong to Python or to a package listed by its dist-info. */
static int python_extension(const char *path)
{
    return strstr(path, "/lib-dynload/") || strstr(path, "/site-packages/")
           || strstr(path, "/dist-packages/") || strstr(strrchr(path, '/'), ".cpython-");
}

cJSON *dependencies_collect(const struct files *fs, const char *skip)
{
    cJSON *deps = cJSON_CreateArray();
    struct elf_deps libs = { 0 };
    struct pyindex *py = pyindex_new();
    char site[4096], mod[4096];
    for (size_t i = 0; i < fs->n; i++) {
        const struct file_use *u = &fs->f[i];
        if ((u->bits & SR_FILE_LIB) && (!skip || strcmp(u->path, skip)) && !python_extension(u->path))
            elf_deps_add_file(&libs, u->path);
        else if (python_module(u->path, site, mod, sizeof(site)) == 0)
            pyindex_providers(py, site, mod, add_string, deps);
    }
    pyindex_free(py);
    elf_deps_package_versions(&libs);
    for (size_t i = 0; i < libs.n; i++) {
        char *s = xasprintf("%s==%s", libs.d[i].soname, libs.d[i].version ? libs.d[i].version : "unknown");
        add_string(deps, s);
        free(s);
    }
    elf_deps_release(&libs);
    return sorted(deps);
}
