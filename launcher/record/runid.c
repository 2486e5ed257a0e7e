/* runid.c: run-id allocation for the file storage, safe against concurrent launchers:
 * a listing only gives a starting point, mkdir decides. Only ASCII digits count as ids. */
#include "record/runid.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MAX_RETRIES = 1000 };

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int is_dir_at(const char *basedir, const char *name)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", basedir, name);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int largest_id(const char *basedir, unsigned long long *max)
{
    DIR *d = opendir(basedir);
    if (!d)
        return -1;
    *max = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!all_digits(e->d_name) || strlen(e->d_name) > 18)
            continue;
        unsigned long long v = strtoull(e->d_name, NULL, 10);
        if (v > *max && is_dir_at(basedir, e->d_name))
            *max = v;
    }
    closedir(d);
    return 0;
}

int runid_claim(const char *basedir, char *id, size_t idlen)
{
    unsigned long long next;
    if (largest_id(basedir, &next) < 0)
        return -1;
    for (int i = 0; i <= MAX_RETRIES; i++) {
        char path[4096];
        next++;
        snprintf(id, idlen, "%llu", next);
        snprintf(path, sizeof(path), "%s/%s", basedir, id);
        if (mkdir(path, 0777) == 0)
            return 0;
        if (errno != EEXIST)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

int runid_valid(const char *id)
{
    if (!*id || id[0] == '_' || id[0] == '.' || strlen(id) > 255)
        return 0;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p == '/' || *p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

int runid_force(const char *basedir, const char *id)
{
    if (!runid_valid(id)) {
        errno = EINVAL;
        return -1;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", basedir, id);
    return mkdir(path, 0777);
}
