/* gitinfo.c: git queries through the git command (GIT_OPTIONAL_LOCKS=0, so a query never
 * takes the index lock from a concurrent git). Never fails loudly: no repository, no entry. */
#include "gitinfo.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"
#include "subproc.h"

/* The first line of git -C dir ARGS..., or NULL if git failed; *lines counts output lines. */
static char *git(const char *dir, int *lines, const char *a1, const char *a2, const char *a3,
                 const char *a4)
{
    char *argv[] = { "git", "-C", (char *)dir, (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };
    char *env[] = { "GIT_OPTIONAL_LOCKS=0", NULL };
    struct strbuf out = STRBUF_INIT;
    int rc = subproc_output(argv, env, &out);
    if (rc != 0) {
        strbuf_release(&out);
        return NULL;
    }
    if (lines) {
        *lines = 0;
        for (size_t i = 0; i < out.len; i++)
            *lines += out.buf[i] == '\n';
    }
    char *first = xstrndup(out.buf ? out.buf : "", out.buf ? strcspn(out.buf, "\n") : 0);
    strbuf_release(&out);
    return first;
}

cJSON *git_repository(const char *dir)
{
    char *top = git(dir, NULL, "rev-parse", "--show-toplevel", NULL, NULL);
    char *commit = top ? git(dir, NULL, "rev-parse", "HEAD", NULL, NULL) : NULL;
    if (!top || !commit || strlen(commit) != 40) {
        free(top);
        free(commit);
        return NULL;
    }
    int changed = 0;
    free(git(dir, &changed, "status", "--porcelain", "--untracked-files=no", NULL));
    char *remote = git(dir, NULL, "remote", NULL, NULL, NULL);
    char *url = remote && *remote ? git(dir, NULL, "remote", "get-url", remote, NULL) : NULL;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "commit", commit);
    cJSON_AddBoolToObject(r, "dirty", changed > 0);
    char *fallback = xasprintf("file://%s", top);
    cJSON_AddStringToObject(r, "url", url && *url ? url : fallback);
    free(fallback);
    free(top);
    free(commit);
    free(remote);
    free(url);
    return r;
}
