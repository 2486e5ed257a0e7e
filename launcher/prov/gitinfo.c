/* gitinfo.c: git state with at most one git command per work tree and run: the repository is found by walking
 * up to a ".git" (no git at all outside a repository), the remote URL is read from its
 * config file, and one "git status --porcelain=v2 --branch" gives commit and dirtiness (without
 * counting commits ahead of or behind an upstream, which can take long)
 * (GIT_OPTIONAL_LOCKS=0: it never takes the index lock from a concurrent git). */
#include "prov/gitinfo.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/error.h"
#include "util/strbuf.h"
#include "util/subproc.h"

/* The work tree containing dir (the directory holding ".git"), or NULL. */
static char *work_tree(const char *dir)
{
    char path[PATH_MAX];
    if (!realpath(dir, path))
        return NULL;
    for (;;) {
        struct stat st;
        char *dotgit = xasprintf("%s/.git", path);
        int found = stat(dotgit, &st) == 0;
        free(dotgit);
        if (found)
            return xstrdup(path);
        char *slash = strrchr(path, '/');
        if (!slash || slash == path)
            return NULL;
        *slash = '\0';
    }
}

/* The URL of remote "origin", else of the first remote, from .git/config (NULL if none
 * or if .git is a file, as in worktrees and submodules). */
static char *remote_url(const char *top)
{
    char *cfg = xasprintf("%s/.git/config", top);
    FILE *f = fopen(cfg, "re");
    free(cfg);
    if (!f)
        return NULL;
    char line[4096], *first = NULL, *origin = NULL;
    int in_remote = 0, is_origin = 0;
    while (fgets(line, sizeof(line), f)) {
        char *s = line + strspn(line, " \t");
        s[strcspn(s, "\r\n")] = '\0';
        if (*s == '[') {
            in_remote = !strncmp(s, "[remote \"", 9);
            is_origin = !strcmp(s, "[remote \"origin\"]");
        } else if (in_remote && !strncmp(s, "url", 3) && strchr(s, '=')) {
            char *v = strchr(s, '=') + 1;
            v += strspn(v, " \t");
            if (!first)
                first = xstrdup(v);
            if (is_origin && !origin)
                origin = xstrdup(v);
        }
    }
    fclose(f);
    if (origin) {
        free(first);
        return origin;
    }
    return first;
}

/* Each work tree's entry, asked once per run (the first answer is the run's start state);
 * the facts thread and the main thread both ask. */
static struct {
    pthread_mutex_t lock;
    char **top;
    cJSON **entry;
    size_t n;
} known = { PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0 };

static cJSON *ask_git(char *top);

cJSON *git_repository(const char *dir)
{
    char *top = work_tree(dir);
    if (!top)
        return NULL;
    pthread_mutex_lock(&known.lock);
    size_t i = 0;
    while (i < known.n && strcmp(known.top[i], top))
        i++;
    if (i == known.n) {
        known.top = xrealloc(known.top, (i + 1) * sizeof(*known.top));
        known.entry = xrealloc(known.entry, (i + 1) * sizeof(*known.entry));
        known.top[i] = xstrdup(top);
        known.entry[i] = ask_git(top);
        known.n++;
    } else
        free(top);
    cJSON *r = known.entry[i] ? cJSON_Duplicate(known.entry[i], 1) : NULL;
    pthread_mutex_unlock(&known.lock);
    return r;
}

/* The entry from one git status in top (taken), or NULL. */
static cJSON *ask_git(char *top)
{
    char *argv[] = { "git", "-C", top, "status", "--porcelain=v2", "--branch",
                     "--untracked-files=no", "--no-ahead-behind", NULL };
    char *env[] = { "GIT_OPTIONAL_LOCKS=0", NULL };
    struct strbuf out = STRBUF_INIT;
    cJSON *r = NULL;
    char commit[41] = "";
    int dirty = 0;
    if (subproc_output(argv, env, &out) == 0 && out.buf) {
        for (char *line = out.buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
            *nl = '\0';
            if (!strncmp(line, "# branch.oid ", 13))
                snprintf(commit, sizeof(commit), "%s", line + 13);
            else if (line[0] != '#')
                dirty = 1;
        }
    }
    if (strlen(commit) == 40) { /* "(initial)" on a repository without commits */
        char *url = remote_url(top), *fallback = xasprintf("file://%s", top);
        r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "commit", commit);
        cJSON_AddBoolToObject(r, "dirty", dirty);
        cJSON_AddStringToObject(r, "url", url ? url : fallback);
        free(url);
        free(fallback);
    }
    strbuf_release(&out);
    free(top);
    return r;
}
