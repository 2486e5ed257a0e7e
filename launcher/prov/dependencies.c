/* dependencies.c: dependencies from what the tree actually loaded. Python packages are
 * found from the module files loaded under site-packages/dist-packages (not .pth files or
 * metadata) and named by the *.dist-info (or *.egg-info) that declares them; nothing is
 * imported or executed. */
#include "prov/dependencies.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "preload/sr_protocol.h"
#include "prov/elfdeps.h"
#include "util/error.h"

static void add_string(cJSON *list, const char *s)
{
    for (cJSON *c = list->child; c; c = c->next)
        if (!strcmp(c->valuestring, s))
            return;
    cJSON_AddItemToArray(list, cJSON_CreateString(s));
}

/* "Name: x" / "Version: y" from a METADATA or PKG-INFO file. */
static int read_metadata(const char *file, char *name, char *version, size_t n)
{
    FILE *f = fopen(file, "re");
    char line[512];
    name[0] = version[0] = '\0';
    while (f && fgets(line, sizeof(line), f) && (!name[0] || !version[0])) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!strncmp(line, "Name: ", 6) && !name[0])
            snprintf(name, n, "%.250s", line + 6);
        else if (!strncmp(line, "Version: ", 9) && !version[0])
            snprintf(version, n, "%.250s", line + 9);
        else if (!*line)
            break; /* headers end at the first empty line */
    }
    if (f)
        fclose(f);
    return name[0] && version[0] ? 0 : -1;
}

/* 1 if the file site/info/list has a line equal to want (or, with prefix, starting with it). */
static int list_has(const char *site, const char *info, const char *list, const char *want, int prefix)
{
    char *path = xasprintf("%s/%s/%s", site, info, list), line[4096];
    FILE *f = fopen(path, "re");
    free(path);
    int yes = 0;
    size_t n = strlen(want);
    while (f && !yes && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        yes = prefix ? !strncmp(line, want, n) : !strcmp(line, want);
    }
    if (f)
        fclose(f);
    return yes;
}

/* The distribution name as a dotted module path: "zope.interface", "lazr.uri". */
static void dotted_name(const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s", name);
    for (char *c = out; *c; c++)
        *c = *c == '-' || *c == '_' ? '.' : (char)tolower((unsigned char)*c);
}

/* 1 if the distribution in site/info provides the module mod ("top" or "top.sub"). A
 * namespace package (zope, lazr: one top shared by several distributions) is told apart by
 * the second name: the distribution's own name or a RECORD entry under top/sub. */
static int provides(const char *site, const char *info, const char *mod, const char *name)
{
    char top[256], dotted[256], entry[300];
    snprintf(top, sizeof(top), "%.*s", (int)strcspn(mod, "."), mod);
    dotted_name(name, dotted, sizeof(dotted));
    if (!list_has(site, info, "top_level.txt", top, 0)) {
        for (char *c = dotted; *c; c++) /* no top_level.txt: the name, normalised */
            *c = *c == '.' ? '_' : *c;
        return !strcasecmp(dotted, top);
    }
    if (!list_has(site, info, "namespace_packages.txt", top, 0))
        return 1;
    size_t n = strlen(dotted);
    if (!strncasecmp(mod, dotted, n) && (mod[n] == '\0' || mod[n] == '.'))
        return 1;
    if (!strcmp(mod, top))
        return 0;
    snprintf(entry, sizeof(entry), "%s/%s/", top, mod + strlen(top) + 1); /* a package */
    if (list_has(site, info, "RECORD", entry, 1))
        return 1;
    entry[strlen(entry) - 1] = '.'; /* a module file */
    return list_has(site, info, "RECORD", entry, 1);
}

static void python_package(cJSON *deps, const char *site, const char *mod)
{
    DIR *d = opendir(site);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        int dist = n > 10 && !strcmp(e->d_name + n - 10, ".dist-info");
        int egg = n > 9 && !strcmp(e->d_name + n - 9, ".egg-info");
        if (!dist && !egg)
            continue;
        char *meta = xasprintf("%s/%s/%s", site, e->d_name, dist ? "METADATA" : "PKG-INFO");
        char name[256], version[256];
        if (read_metadata(meta, name, version, sizeof(name)) == 0 && provides(site, e->d_name, mod, name)) {
            char *s = xasprintf("%s==%s", name, version);
            add_string(deps, s);
            free(s);
        }
        free(meta);
    }
    if (d)
        closedir(d);
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
    char site[4096], mod[4096];
    for (size_t i = 0; i < fs->n; i++) {
        const struct file_use *u = &fs->f[i];
        if ((u->bits & SR_FILE_LIB) && (!skip || strcmp(u->path, skip)) && !python_extension(u->path))
            elf_deps_add_file(&libs, u->path);
        else if (python_module(u->path, site, mod, sizeof(site)) == 0)
            python_package(deps, site, mod);
    }
    elf_deps_package_versions(&libs);
    for (size_t i = 0; i < libs.n; i++) {
        char *s = xasprintf("%s==%s", libs.d[i].soname, libs.d[i].version ? libs.d[i].version : "unknown");
        add_string(deps, s);
        free(s);
    }
    elf_deps_release(&libs);
    return sorted(deps);
}
