/* journal.c: the journal entries (journal.h): small JSON files written atomically, one
 * per run and database. Never prints; never removes a run directory outside the spool. */
#include "store/journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"

char *state_dir(const char *name)
{
    return xdg_dir("XDG_STATE_HOME", ".local/state", name);
}

static void add_str(cJSON *o, const char *k, const char *v)
{
    cJSON_AddItemToObject(o, k, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

int journal_write(struct journal_entry *e)
{
    char *dir = state_dir("journal");
    if (!dir)
        return -1;
    if (!e->path) {
        static unsigned serial;
        e->path = xasprintf("%s/%ld-%d-%u.json", dir, (long)time(NULL), (int)getpid(), serial++);
    }
    cJSON *o = cJSON_CreateObject();
    add_str(o, "url", e->url);
    cJSON_AddItemToObject(o, "id", e->id ? json_int(e->id) : cJSON_CreateNull());
    add_str(o, "dir", e->dir);
    cJSON_AddBoolToObject(o, "spool", e->spool);
    add_str(o, "file_storage", e->file_storage);
    add_str(o, "file_id", e->file_id);
    struct strbuf sb = STRBUF_INIT;
    json_print(&sb, o);
    cJSON_Delete(o);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const char *name = strrchr(e->path, '/') + 1;
    int rc = fd < 0 ? -1 : write_file_atomic(fd, name, sb.buf, sb.len);
    if (fd >= 0)
        close(fd);
    strbuf_release(&sb);
    free(dir);
    return rc;
}

static char *dup_str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static int read_entry(const char *path, struct journal_entry *e)
{
    cJSON *o = json_load_file(path);
    memset(e, 0, sizeof(*e));
    e->url = dup_str(o, "url");
    e->dir = dup_str(o, "dir");
    if (!e->url || !e->dir) {
        journal_entry_release(e);
        cJSON_Delete(o);
        return -1;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    e->id = cJSON_IsRaw(id) ? strtoll(id->valuestring, NULL, 10) : 0; /* integers parse as raw text */
    e->spool = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "spool"));
    e->file_storage = dup_str(o, "file_storage");
    e->file_id = dup_str(o, "file_id");
    e->path = xstrdup(path);
    cJSON_Delete(o);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strverscmp((*a)->d_name, (*b)->d_name);
}

static int is_entry(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

int journal_list(struct journal_entry **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char *dir = state_dir("journal");
    if (!dir)
        return -1;
    struct dirent **names;
    int k = scandir(dir, &names, is_entry, by_name);
    if (k < 0) {
        free(dir);
        return -1;
    }
    *out = xcalloc((size_t)k + 1, sizeof(**out));
    for (int i = 0; i < k; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]->d_name);
        if (read_entry(path, &(*out)[*n]) == 0)
            (*n)++;
        free(path);
        free(names[i]);
    }
    free(names);
    free(dir);
    return 0;
}

/* 1 when another entry not done names e's run directory. */
static int named_elsewhere(const struct journal_entry *e, const struct journal_entry *all, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (&all[i] != e && !all[i].done && !strcmp(all[i].dir, e->dir)
            && (!e->path || strcmp(all[i].path, e->path)))
            return 1;
    return 0;
}

/* The same over the journal as it is now (or 1 when it cannot be read: the directory is
 * kept). */
static int dir_shared(const struct journal_entry *e)
{
    struct journal_entry *all;
    size_t n;
    if (journal_list(&all, &n))
        return 1;
    int shared = named_elsewhere(e, all, n);
    for (size_t i = 0; i < n; i++)
        journal_entry_release(&all[i]);
    free(all);
    return shared;
}

void journal_done(struct journal_entry *e, const struct journal_entry *others, size_t n)
{
    if (e->path)
        unlink(e->path);
    e->done = 1;
    if (e->spool && !(others ? named_elsewhere(e, others, n) : dir_shared(e))) {
        /* the last database that lacked the run has it */
        char *spool = state_dir("spool");
        size_t k = spool ? strlen(spool) : 0;
        if (spool && !strncmp(e->dir, spool, k) && e->dir[k] == '/' && !strchr(e->dir + k + 1, '/'))
            remove_tree(AT_FDCWD, e->dir);
        free(spool);
    }
}

void journal_entry_release(struct journal_entry *e)
{
    free(e->path);
    free(e->url);
    free(e->dir);
    free(e->file_storage);
    free(e->file_id);
    memset(e, 0, sizeof(*e));
}
