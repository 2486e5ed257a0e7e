/* elfdeps.c: shared-library resolution with libelf. It reads files only; it never runs
 * the program or ld.so (ldd would execute the program's loader on untrusted input). */
#include "prov/elfdeps.h"

#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json/json.h"
#include "util/elffile.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/subproc.h"

struct dyninfo {
    char **needed;
    size_t nneeded;
    char *rpath, *runpath, *soname;
    int elf64;
};

static void dyninfo_release(struct dyninfo *di)
{
    for (size_t i = 0; i < di->nneeded; i++)
        free(di->needed[i]);
    free(di->needed);
    free(di->rpath);
    free(di->runpath);
    free(di->soname);
}

/* Reads the dynamic section of an open ELF file into di (zeroed first). */
static void dynamic_of(Elf *e, struct dyninfo *di)
{
    memset(di, 0, sizeof(*di));
    di->elf64 = gelf_getclass(e) == ELFCLASS64;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        for (size_t i = 0; data && i < sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : 1); i++) {
            GElf_Dyn dyn;
            if (!gelf_getdyn(data, (int)i, &dyn))
                break;
            const char *s = elf_strptr(e, sh.sh_link, dyn.d_un.d_val);
            if (!s)
                continue;
            if (dyn.d_tag == DT_NEEDED) {
                di->needed = xrealloc(di->needed, (di->nneeded + 1) * sizeof(*di->needed));
                di->needed[di->nneeded++] = xstrdup(s);
            } else if (dyn.d_tag == DT_RPATH)
                di->rpath = xstrdup(s);
            else if (dyn.d_tag == DT_RUNPATH)
                di->runpath = xstrdup(s);
            else if (dyn.d_tag == DT_SONAME)
                di->soname = xstrdup(s);
        }
    }
}

/* Reads the dynamic section of path; 0, or -1 (di zeroed) when it is no readable ELF. */
static int read_dynamic(const char *path, struct dyninfo *di)
{
    struct elf_file f;
    memset(di, 0, sizeof(*di));
    if (elf_file_open(&f, path) != 1)
        return -1;
    dynamic_of(f.e, di);
    elf_file_close(&f);
    return 0;
}

/* Directories from /etc/ld.so.conf and its includes, then the defaults. */
static void system_dirs(struct strbuf *dirs, const char *conf, int depth)
{
    FILE *f = depth < 8 ? fopen(conf, "re") : NULL;
    char line[PATH_MAX];
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "#\n")] = '\0';
        char *s = line + strspn(line, " \t");
        if (!strncmp(s, "include", 7) && (s[7] == ' ' || s[7] == '\t')) {
            glob_t g;
            char *pat = s + 8 + strspn(s + 8, " \t");
            if (glob(pat, 0, NULL, &g) == 0)
                for (size_t i = 0; i < g.gl_pathc; i++)
                    system_dirs(dirs, g.gl_pathv[i], depth + 1);
            globfree(&g);
        } else if (*s)
            strbuf_addf(dirs, "%s:", s);
    }
    if (f)
        fclose(f);
    if (depth == 0)
        strbuf_addstr(dirs, "/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/usr/lib64:/lib:/usr/lib");
}

/* Finds soname in the ':'-separated dirs ($ORIGIN is origin); returns the path or NULL. */
static char *search(const char *dirs, const char *soname, const char *origin)
{
    for (const char *p = dirs; p && *p;) {
        size_t n = strcspn(p, ":");
        char *dir = xstrndup(p, n);
        char *o = strstr(dir, "$ORIGIN");
        char *full = o ? xasprintf("%.*s%s%s/%s", (int)(o - dir), dir, origin, o + 7, soname)
                       : xasprintf("%s/%s", dir, soname);
        free(dir);
        struct dyninfo di;
        if (access(full, R_OK) == 0 && read_dynamic(full, &di) == 0) {
            int ok = di.elf64;
            dyninfo_release(&di);
            if (ok)
                return full;
        }
        free(full);
        p += n + (p[n] == ':');
    }
    return NULL;
}

static char *resolve(const char *soname, const struct dyninfo *needer, const char *needer_path,
                     const char *sysdirs)
{
    if (strchr(soname, '/'))
        return access(soname, R_OK) == 0 ? xstrdup(soname) : NULL;
    char *origin = xstrdup(needer_path);
    *strrchr(origin, '/') = '\0';
    const char *ld = getenv("LD_LIBRARY_PATH");
    const char *order[] = { needer->runpath ? NULL : needer->rpath, ld, needer->runpath, sysdirs };
    char *found = NULL;
    for (size_t i = 0; i < 4 && !found; i++)
        found = order[i] ? search(order[i], soname, origin) : NULL;
    free(origin);
    return found;
}

/* A version from the file the soname resolved to: libfoo.so.1 -> libfoo.so.1.2.3 gives
 * "1.2.3", libelf.so.1 -> libelf-0.188.so gives "0.188"; NULL when the file name says no
 * more than the soname. */
static char *file_version(const char *soname, const char *path)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        return NULL;
    const char *base = strrchr(real, '/') + 1, *so = strstr(base, ".so.");
    size_t n = strlen(base);
    if (so && n > strlen(soname))
        return xstrdup(so + 4);
    const char *dash = strrchr(base, '-');
    if (n > 3 && !strcmp(base + n - 3, ".so") && dash && dash[1] >= '0' && dash[1] <= '9')
        return xstrndup(dash + 1, (size_t)(base + n - 3 - dash - 1));
    return NULL;
}

static void add_dep(struct elf_deps *out, const char *soname, char *path)
{
    out->d = xrealloc(out->d, (out->n + 1) * sizeof(*out->d));
    out->d[out->n++] = (struct elf_dep){ xstrdup(soname), path, path ? file_version(soname, path) : NULL };
}

static int known(const struct elf_deps *out, const char *soname)
{
    for (size_t i = 0; i < out->n; i++)
        if (!strcmp(out->d[i].soname, soname))
            return 1;
    return 0;
}

/* The names dpkg may know a library by: its path, its real path, and on a merged-/usr
 * system the same under /usr (dpkg records what the package shipped). */
static size_t dpkg_names(const char *path, char names[3][PATH_MAX])
{
    size_t k = 0;
    snprintf(names[k++], PATH_MAX, "%s", path);
    if (realpath(path, names[k]) && strcmp(names[k], path))
        k++;
    if (!strncmp(path, "/lib", 4))
        snprintf(names[k++], PATH_MAX, "/usr%s", path);
    return k;
}

static int same_library(const char *path, const char *name)
{
    char names[3][PATH_MAX];
    size_t k = dpkg_names(path, names);
    for (size_t i = 0; i < k; i++)
        if (!strcmp(names[i], name))
            return 1;
    return 0;
}

static void query_package_versions(struct elf_deps *out);

/* Package versions are cached per user (${XDG_CACHE_HOME:-~/.cache}/sacred-run), keyed by
 * path, size and mtime: dpkg-query costs ~80 ms a run, a look-up nothing. */
static char *version_cache_path(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        return xasprintf("%s/sacred-run/library-versions.tsv", xdg);
    return home && *home ? xasprintf("%s/.cache/sacred-run/library-versions.tsv", home) : NULL;
}

static char *cache_key(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return NULL;
    return xasprintf("%s\t%lld\t%lld\t", path, (long long)st.st_size, (long long)st.st_mtime);
}

/* Fills versions from the cache; returns 1 if some library still has none. */
static int cached_versions(struct elf_deps *out, const char *cache)
{
    struct strbuf sb = STRBUF_INIT;
    if (cache)
        strbuf_read_file(&sb, cache); /* none yet: every library is missing */
    int missing = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (!out->d[i].path || out->d[i].version)
            continue;
        char *key = cache_key(out->d[i].path);
        const char *hit = key ? strbuf_line_value(&sb, key, strlen(key)) : NULL;
        if (hit)
            out->d[i].version = xstrndup(hit, strcspn(hit, "\n"));
        else
            missing = 1;
        free(key);
    }
    strbuf_release(&sb);
    return missing;
}

/* Appends the versions of the entries marked in asked (the ones dpkg-query answered). */
static void remember_versions(const struct elf_deps *out, const char *asked, const char *cache)
{
    char *dir = cache ? xstrdup(cache) : NULL;
    if (dir)
        *strrchr(dir, '/') = '\0';
    FILE *f = dir && mkdir_p(dir, 0755) == 0 ? fopen(cache, "ae") : NULL;
    for (size_t i = 0; f && i < out->n; i++) {
        char *key = asked[i] && out->d[i].version ? cache_key(out->d[i].path) : NULL;
        if (key)
            fprintf(f, "%s%s\n", key, out->d[i].version);
        free(key);
    }
    if (f)
        fclose(f);
    free(dir);
}

/* Versions from Debian's packages for the libraries the file names did not version. */
void elf_deps_package_versions(struct elf_deps *out)
{
    char *cache = version_cache_path();
    if (cached_versions(out, cache)) {
        char *asked = xcalloc(out->n ? out->n : 1, 1);
        for (size_t i = 0; i < out->n; i++)
            asked[i] = out->d[i].path && !out->d[i].version;
        query_package_versions(out);
        remember_versions(out, asked, cache);
        free(asked);
    }
    free(cache);
}

static void query_package_versions(struct elf_deps *out)
{
    char *argv[256] = { "dpkg-query", "-S" }, (*names)[3][PATH_MAX] = xcalloc(out->n ? out->n : 1, sizeof(*names));
    int n = 2;
    for (size_t i = 0; i < out->n && n < 250; i++)
        if (out->d[i].path && !out->d[i].version) {
            size_t k = dpkg_names(out->d[i].path, names[i]);
            for (size_t j = 0; j < k; j++)
                argv[n++] = names[i][j];
        }
    argv[n] = NULL;
    struct strbuf sb = STRBUF_INIT;
    if (n == 2 || subproc_output(argv, NULL, &sb) < 0 || !sb.len) {
        strbuf_release(&sb);
        free(names);
        return;
    }
    for (char *line = sb.buf, *nl; line && (nl = strchr(line, '\n')); line = nl + 1) {
        *nl = '\0';
        char *sep = strstr(line, ": /"), pkg[256], ver[256];
        if (!sep)
            continue;
        snprintf(pkg, sizeof(pkg), "%.*s", (int)(sep - line), line);
        char *q[] = { "dpkg-query", "-W", "-f=${Version}", pkg, NULL };
        struct strbuf v = STRBUF_INIT;
        if (subproc_output(q, NULL, &v) == 0 && v.len) {
            snprintf(ver, sizeof(ver), "%s", v.buf);
            for (size_t i = 0; i < out->n; i++)
                if (out->d[i].path && !out->d[i].version && same_library(out->d[i].path, sep + 2))
                    out->d[i].version = xstrdup(ver);
        }
        strbuf_release(&v);
    }
    strbuf_release(&sb);
    free(names);
}

int elf_deps_collect(const char *exe, struct elf_deps *out)
{
    memset(out, 0, sizeof(*out));
    struct dyninfo di;
    if (read_dynamic(exe, &di) < 0)
        return -1;
    struct strbuf sysdirs = STRBUF_INIT;
    system_dirs(&sysdirs, "/etc/ld.so.conf", 0);
    char *path = xstrdup(exe);
    for (size_t next = 0;;) {
        for (size_t i = 0; i < di.nneeded; i++)
            if (!known(out, di.needed[i]))
                add_dep(out, di.needed[i], resolve(di.needed[i], &di, path, sysdirs.buf));
        dyninfo_release(&di);
        free(path);
        path = NULL;
        while (next < out->n && (!out->d[next].path || read_dynamic(out->d[next].path, &di) < 0))
            next++;
        if (next >= out->n)
            break;
        path = xstrdup(out->d[next++].path);
    }
    strbuf_release(&sysdirs);
    elf_deps_package_versions(out);
    return 0;
}

void elf_deps_add_file(struct elf_deps *out, const char *path)
{
    struct dyninfo di;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *soname = read_dynamic(path, &di) == 0 && di.soname ? xstrdup(di.soname) : xstrdup(base);
    if (!known(out, soname))
        add_dep(out, soname, xstrdup(path));
    dyninfo_release(&di); /* read_dynamic zeroes it first, so this is always safe */
    free(soname);
}

static char *build_id(Elf *e)
{
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        GElf_Nhdr nh;
        size_t off = 0, name_off, desc_off;
        while (d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0)
            if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4
                && !memcmp((char *)d->d_buf + name_off, "GNU", 4)) {
                struct strbuf sb = STRBUF_INIT;
                for (size_t i = 0; i < nh.n_descsz; i++)
                    strbuf_addf(&sb, "%02x", ((unsigned char *)d->d_buf)[desc_off + i]);
                return strbuf_detach(&sb);
            }
    }
    return NULL;
}

static char *interpreter(Elf *e)
{
    size_t n;
    if (elf_getphdrnum(e, &n) < 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_INTERP) {
            size_t len;
            char *raw = elf_rawfile(e, &len);
            if (raw && ph.p_offset + ph.p_filesz <= len && ph.p_filesz)
                return xstrndup(raw + ph.p_offset, ph.p_filesz - 1);
        }
    }
    return NULL;
}

cJSON *elf_facts(const char *path, const char *known_md5)
{
    struct dyninfo di;
    struct stat st;
    char md5[33] = "";
    struct elf_file ef;
    if (stat(path, &st) < 0 || elf_file_open(&ef, path) != 1)
        return NULL;
    dynamic_of(ef.e, &di);
    char *id = build_id(ef.e), *interp = interpreter(ef.e);
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "path", path);
    cJSON_AddItemToObject(f, "size", json_int((long long)st.st_size));
    if (known_md5)
        snprintf(md5, sizeof(md5), "%s", known_md5);
    cJSON_AddItemToObject(f, "md5", *md5 || md5_file(path, md5) == 0 ? cJSON_CreateString(md5) : cJSON_CreateNull());
    cJSON_AddItemToObject(f, "build_id", id ? cJSON_CreateString(id) : cJSON_CreateNull());
    cJSON_AddItemToObject(f, "interpreter", interp ? cJSON_CreateString(interp) : cJSON_CreateNull());
    cJSON *needed = cJSON_AddArrayToObject(f, "needed");
    for (size_t i = 0; i < di.nneeded; i++)
        cJSON_AddItemToArray(needed, cJSON_CreateString(di.needed[i]));
    free(id);
    free(interp);
    dyninfo_release(&di);
    elf_file_close(&ef);
    return f;
}

void elf_deps_release(struct elf_deps *deps)
{
    for (size_t i = 0; i < deps->n; i++) {
        free(deps->d[i].soname);
        free(deps->d[i].path);
        free(deps->d[i].version);
    }
    free(deps->d);
    memset(deps, 0, sizeof(*deps));
}
