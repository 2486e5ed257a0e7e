/* dependencies.c: dependencies from what the tree actually loaded. Python packages are
 * found from the files opened under site-packages/dist-packages and named by the
 * *.dist-info (or *.egg-info) that declares them; nothing is imported or executed. */
#include "prov/dependencies.h"

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

/* 1 if the distribution in site/info provides the import name top. */
static int provides(const char *site, const char *info, const char *top, const char *name)
{
    char *path = xasprintf("%s/%s/top_level.txt", site, info), line[256];
    FILE *f = fopen(path, "re");
    free(path);
    int yes = 0;
    while (f && !yes && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        yes = !strcmp(line, top);
    }
    if (f)
        fclose(f);
    if (yes)
        return 1;
    char norm[256]; /* no top_level.txt: the distribution name, normalised */
    snprintf(norm, sizeof(norm), "%s", name);
    for (char *c = norm; *c; c++)
        if (*c == '-' || *c == '.')
            *c = '_';
    return !strcasecmp(norm, top);
}

static void python_package(cJSON *deps, const char *site, const char *top)
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
        if (read_metadata(meta, name, version, sizeof(name)) == 0 && provides(site, e->d_name, top, name)) {
            char *s = xasprintf("%s==%s", name, version);
            add_string(deps, s);
            free(s);
        }
        free(meta);
    }
    if (d)
        closedir(d);
}

/* For a path under site-packages/dist-packages: the site directory and the import name. */
static int python_top(const char *path, char *site, char *top, size_t n)
{
    const char *marks[] = { "/site-packages/", "/dist-packages/" }, *m = NULL;
    for (size_t i = 0; i < 2 && !m; i++)
        m = strstr(path, marks[i]);
    if (!m)
        return -1;
    size_t len = (size_t)(m - path) + strlen("/site-packages");
    snprintf(site, n, "%.*s", (int)len, path);
    const char *rest = path + len + 1;
    if (!strncmp(rest, "__pycache__/", 12))
        rest += 12;
    snprintf(top, n, "%.*s", (int)strcspn(rest, "/."), rest);
    return *top && top[0] != '_' ? 0 : -1; /* _private modules and .pth files are skipped */
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
    char site[4096], top[4096];
    for (size_t i = 0; i < fs->n; i++) {
        const struct file_use *u = &fs->f[i];
        if ((u->bits & SR_FILE_LIB) && (!skip || strcmp(u->path, skip)) && !python_extension(u->path))
            elf_deps_add_file(&libs, u->path);
        else if (python_top(u->path, site, top, sizeof(site)) == 0)
            python_package(deps, site, top);
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
