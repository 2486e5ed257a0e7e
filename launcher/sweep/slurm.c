/* slurm.c: Slurm job arrays for sweeps. It submits with sbatch (util/subproc, argv, no
 * shell; sbatch's own messages go to stderr unchanged), asks squeue, and never records a
 * run itself: each task runs an ordinary sacred-run for its point. */
#include "sweep/slurm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json/json.h"
#include "record/sweeprec.h"
#include "sweep/pointargv.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/subproc.h"
#include "util/timefmt.h"

/* The indices as Slurm's --array list: "0-7", "1,3,5-7"; then "%N" for a throttle. */
static void array_spec(struct strbuf *sb, const long *v, size_t n, long throttle)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && v[j + 1] == v[j] + 1)
            j++;
        strbuf_addf(sb, "%s%ld", i ? "," : "", v[i]);
        if (j > i)
            strbuf_addf(sb, "-%ld", v[j]);
        i = j + 1;
    }
    if (throttle)
        strbuf_addf(sb, "%%%ld", throttle);
}

/* exec SELF sweep -F STORAGE VERB ID [ARG] */
static void sweep_call(struct strbuf *sb, const char *self, const struct slurm_submit *s, const char *verb,
                       const char *arg)
{
    strbuf_addstr(sb, "exec ");
    strbuf_add_shell_word(sb, self);
    strbuf_addstr(sb, " sweep -F ");
    strbuf_add_shell_word(sb, s->storage);
    strbuf_addf(sb, " %s ", verb);
    strbuf_add_shell_word(sb, s->id);
    if (arg)
        strbuf_addf(sb, " %s", arg);
}

char *slurm_script(const struct slurm_submit *s, const char *self)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "#!/bin/sh\n# sacred-run sweep %s: %zu points, one array task each\n", s->id, s->ntodo);
    strbuf_addf(&sb, "#SBATCH --job-name=sacred-sweep-%s\n#SBATCH --array=", s->id);
    array_spec(&sb, s->todo, s->ntodo, s->throttle);
    strbuf_addf(&sb, "\n#SBATCH --output=%s/" SWEEPS_DIR "/%s/slurm-%%A_%%a.out\n", s->storage, s->id);
    for (size_t i = 0; i < s->nargs; i++) /* the options after --slurm -- */
        strbuf_addf(&sb, "#SBATCH %s\n", s->sbatch_args[i]);
    sweep_call(&sb, self, s, "--point", "\"$SLURM_ARRAY_TASK_ID\"");
    strbuf_addch(&sb, '\n');
    return strbuf_detach(&sb);
}

/* Runs sbatch with extra, the user's arguments when with_args, then file or --wrap; its
 * stdout ("JOBID" or "JOBID;CLUSTER") gives the job id. NULL when it failed. */
static char *sbatch(const struct slurm_submit *s, char **extra, int with_args, const char *file)
{
    char **argv = xcalloc(s->nargs + 16, sizeof(*argv));
    size_t n = 0;
    argv[n++] = "sbatch";
    argv[n++] = "--parsable";
    for (size_t i = 0; with_args && i < s->nargs; i++)
        argv[n++] = s->sbatch_args[i];
    for (; *extra; extra++)
        argv[n++] = *extra;
    argv[n++] = (char *)file;
    int p[2], st = -1;
    struct strbuf out = STRBUF_INIT;
    pid_t pid = -1;
    if (pipe2(p, O_CLOEXEC) == 0) {
        int fds[3] = { -1, p[1], STDERR_FILENO };
        pid = subproc_start(argv, fds);
        close(p[1]);
        char buf[4096];
        ssize_t k;
        while ((k = read(p[0], buf, sizeof(buf))) > 0 || (k < 0 && errno == EINTR))
            if (k > 0)
                strbuf_add(&out, buf, (size_t)k);
        close(p[0]);
        while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    free(argv);
    if (pid < 0)
        error("cannot run sbatch: %s; is Slurm installed here?", strerror(errno));
    char *id = NULL;
    if (pid > 0 && WIFEXITED(st) && !WEXITSTATUS(st) && out.len && strchr("0123456789", out.buf[0]))
        id = xstrndup(out.buf, strspn(out.buf, "0123456789"));
    else if (pid > 0)
        error("sbatch failed (%s %d); its message is above", WIFEXITED(st) ? "status" : "signal",
              WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    strbuf_release(&out);
    return id;
}

struct submission {
    const char *job, *finish, *script;
    const struct slurm_submit *s;
};

static int add_submission(cJSON *doc, void *arg)
{
    const struct submission *sub = arg;
    char now[TIME_ISO_LEN];
    struct strbuf spec = STRBUF_INIT;
    time_iso_now(now);
    array_spec(&spec, sub->s->todo, sub->s->ntodo, sub->s->throttle);
    cJSON *slurm = cJSON_GetObjectItemCaseSensitive(doc, "slurm");
    cJSON *list = cJSON_GetObjectItemCaseSensitive(slurm, "submissions");
    if (!list)
        list = cJSON_AddArrayToObject(slurm, "submissions");
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "job_id", sub->job);
    cJSON_AddStringToObject(e, "finish_job_id", sub->finish);
    cJSON_AddStringToObject(e, "array", spec.buf);
    cJSON_AddStringToObject(e, "submitted", now);
    cJSON_AddStringToObject(e, "script", sub->script);
    cJSON_AddItemToArray(list, e);
    json_set(doc, "state", cJSON_CreateString("SUBMITTED"));
    strbuf_release(&spec);
    return 1;
}

int slurm_submit(const struct slurm_submit *s)
{
    char *self = sweep_self(), *script = slurm_script(s, self), err[4096];
    char *path = xasprintf("%s/" SWEEPS_DIR "/%s/slurm.sh", s->storage, s->id);
    char *finish = NULL, *job = NULL;
    if (write_file_atomic(AT_FDCWD, path, script, strlen(script)) < 0)
        die("cannot write '%s': %s", path, strerror(errno));
    char *none[] = { NULL };
    job = sbatch(s, none, 0, path); /* the script holds the user's arguments */
    if (job) {
        struct strbuf wrap = STRBUF_INIT;
        sweep_call(&wrap, self, s, "--finish", NULL);
        char *dep = xasprintf("--dependency=afterany:%s", job);
        char *name = xasprintf("--job-name=sacred-sweep-%s-finish", s->id);
        char *out = xasprintf("--output=%s/" SWEEPS_DIR "/%s/slurm-%%j-finish.out", s->storage, s->id);
        char *wrap_arg = xasprintf("--wrap=%s", wrap.buf);
        char *extra[] = { dep, name, out, NULL };
        finish = sbatch(s, extra, 1, wrap_arg);
        free(dep), free(name), free(out), free(wrap_arg);
        strbuf_release(&wrap);
    }
    struct submission sub = { job, finish ? finish : "", script, s };
    if (job && sweep_edit(s->storage, s->id, add_submission, &sub, err, sizeof(err)) < 0)
        error("%s", err);
    if (job)
        fprintf(stderr, "sweep %s: %zu points submitted as Slurm job %s (sacred-run ls --sweep %s)\n", s->id,
                s->ntodo, job, s->id);
    int status = job && finish ? 0 : SR_EXIT_TOOL;
    free(job), free(finish), free(path), free(script), free(self);
    return status;
}

int slurm_active(const cJSON *doc)
{
    const cJSON *list = json_get_dotted(doc, "slurm.submissions");
    const cJSON *last = list ? cJSON_GetArrayItem(list, cJSON_GetArraySize(list) - 1) : NULL;
    const char *job = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(last, "job_id"));
    const char *finish = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(last, "finish_job_id"));
    if (!job)
        return 0;
    char *jobs = xasprintf("%s%s%s", job, finish && *finish ? "," : "", finish ? finish : "");
    char *argv[] = { "squeue", "-h", "-o", "%i", "-j", jobs, NULL };
    struct strbuf out = STRBUF_INIT;
    int rc = subproc_output(argv, NULL, &out);
    int active = rc == 0 && out.len && strspn(out.buf, " \n") < out.len;
    strbuf_release(&out);
    free(jobs);
    return active;
}

int slurm_point(const char *storage, const char *id, long index)
{
    char err[4096];
    cJSON *doc = sweep_load(storage, id, err, sizeof(err));
    if (!doc)
        die("%s", err);
    const cJSON *point = sweep_point(doc, index);
    const char *cwd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "cwd"));
    if (!point || !cwd)
        die("sweep %s has no point %ld", id, index);
    if (chdir(cwd) < 0)
        die("sweep %s: cannot enter its working directory '%s' on this node: %s", id, cwd, strerror(errno));
    char *self = sweep_self();
    char **argv = sweep_point_argv(doc, point, self);
    execv(self, argv);
    die("cannot run '%s': %s", self, strerror(errno));
}

static int close_record(cJSON *doc, void *arg)
{
    (void)arg;
    sweep_close(doc, -1);
    return 1;
}

int slurm_finish(const char *storage, const char *id)
{
    char err[4096];
    if (sweep_edit(storage, id, close_record, NULL, err, sizeof(err)) < 0)
        die("%s", err);
    return 0;
}
