/* pyindex.c: each site directory's Python distributions, read once: the name and version
 * from METADATA/PKG-INFO, top_level.txt and namespace_packages.txt at the first question
 * about the site, a namespace distribution's RECORD at the first question that needs it.
 * Never reads a file twice in a run, never imports or executes anything. */
#include "prov/pyindex.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/error.h"

struct lines {
    char **v;
    size_t n;
    int present;                /* the file existed */
};

struct dist {
    char *info;                 /* the *.dist-info / *.egg-info directory's path */
    char *dep;                  /* "name==version" */
    char dotted[256];           /* the name as a module path: "zope.interface" */
    struct lines top, ns, record;
    int record_read;
};

struct site {
    char *path;
    struct dist *d;
    size_t n;
};

struct pyindex {
    struct site *s;
    size_t n;
};

struct pyindex *pyindex_new(void)
{
    return xcalloc(1, sizeof(struct pyindex));
}

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

void pyindex_free(struct pyindex *ix)
{
    for (size_t i = 0; ix && i < ix->n; i++) {
        for (size_t j = 0; j < ix->s[i].n; j++) {
            struct dist *d = &ix->s[i].d[j];
            lines_free(&d->top);
            lines_free(&d->ns);
            lines_free(&d->record);
            free(d->info);
            free(d->dep);
        }
        free(ix->s[i].d);
        free(ix->s[i].path);
    }
    if (ix)
        free(ix->s);
    free(ix);
}

/* The lines of info/name, each without its line ending. */
static struct lines read_lines(const char *info, const char *name)
{
    struct lines l = { 0 };
    char *path = xasprintf("%s/%s", info, name), line[4096];
    FILE *f = fopen(path, "re");
    free(path);
    l.present = f != NULL;
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        l.v = xrealloc(l.v, (l.n + 1) * sizeof(*l.v));
        l.v[l.n++] = xstrdup(line);
    }
    if (f)
        fclose(f);
    return l;
}

/* 1 if l has a line equal to want (or, with prefix, starting with it). */
static int has_line(const struct lines *l, const char *want, int prefix)
{
    size_t n = strlen(want);
    for (size_t i = 0; i < l->n; i++)
        if (prefix ? !strncmp(l->v[i], want, n) : !strcmp(l->v[i], want))
            return 1;
    return 0;
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

/* The distribution name as a dotted module path: "zope.interface", "lazr.uri". */
static void dotted_name(const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s", name);
    for (char *c = out; *c; c++)
        *c = *c == '-' || *c == '_' ? '.' : (char)tolower((unsigned char)*c);
}

/* Adds the distribution in s->path/entry, if it is one with a name and a version. */
static void read_dist(struct site *s, const char *entry)
{
    size_t n = strlen(entry);
    int dist = n > 10 && !strcmp(entry + n - 10, ".dist-info");
    int egg = n > 9 && !strcmp(entry + n - 9, ".egg-info");
    if (!dist && !egg)
        return;
    char *info = xasprintf("%s/%s", s->path, entry), name[256], version[256];
    char *meta = xasprintf("%s/%s", info, dist ? "METADATA" : "PKG-INFO");
    int ok = read_metadata(meta, name, version, sizeof(name)) == 0;
    free(meta);
    if (!ok) {
        free(info);
        return;
    }
    s->d = xrealloc(s->d, (s->n + 1) * sizeof(*s->d));
    struct dist *d = &s->d[s->n++];
    *d = (struct dist){ .info = info, .dep = xasprintf("%s==%s", name, version) };
    dotted_name(name, d->dotted, sizeof(d->dotted));
    d->top = read_lines(info, "top_level.txt");
    d->ns = read_lines(info, "namespace_packages.txt");
}

static struct site *site_of(struct pyindex *ix, const char *path)
{
    for (size_t i = 0; i < ix->n; i++)
        if (!strcmp(ix->s[i].path, path))
            return &ix->s[i];
    ix->s = xrealloc(ix->s, (ix->n + 1) * sizeof(*ix->s));
    struct site *s = &ix->s[ix->n++];
    *s = (struct site){ .path = xstrdup(path) };
    DIR *dir = opendir(path);
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        read_dist(s, e->d_name);
    if (dir)
        closedir(dir);
    return s;
}

/* 1 if the distribution's RECORD lists a file under entry (a prefix). */
static int recorded(struct dist *d, const char *entry)
{
    if (!d->record_read) {
        d->record = read_lines(d->info, "RECORD");
        d->record_read = 1;
    }
    return has_line(&d->record, entry, 1);
}

/* 1 if d provides the module mod ("top" or "top.sub"). A namespace package (zope, lazr:
 * one top shared by several distributions) is told apart by the second name: the
 * distribution's own name or a RECORD entry under top/sub. */
static int provides(struct dist *d, const char *mod)
{
    char top[256], entry[300];
    snprintf(top, sizeof(top), "%.*s", (int)strcspn(mod, "."), mod);
    if (!has_line(&d->top, top, 0)) {
        char flat[256]; /* no top_level.txt: the name, normalised */
        snprintf(flat, sizeof(flat), "%s", d->dotted);
        for (char *c = flat; *c; c++)
            *c = *c == '.' ? '_' : *c;
        return !strcasecmp(flat, top);
    }
    if (!has_line(&d->ns, top, 0))
        return 1;
    size_t n = strlen(d->dotted);
    if (!strncasecmp(mod, d->dotted, n) && (mod[n] == '\0' || mod[n] == '.'))
        return 1;
    if (!strcmp(mod, top))
        return 0;
    snprintf(entry, sizeof(entry), "%s/%s/", top, mod + strlen(top) + 1); /* a package */
    if (recorded(d, entry))
        return 1;
    entry[strlen(entry) - 1] = '.'; /* a module file */
    return recorded(d, entry);
}

void pyindex_providers(struct pyindex *ix, const char *site, const char *mod,
                       void (*add)(void *ctx, const char *dep), void *ctx)
{
    struct site *s = site_of(ix, site);
    for (size_t i = 0; i < s->n; i++)
        if (provides(&s->d[i], mod))
            add(ctx, s->d[i].dep);
}
