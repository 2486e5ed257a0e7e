/* hostinfo.c: facts about the machine for run.json's host object. Reads /proc and uname;
 * runs nvidia-smi (through subproc: argv, no shell) when it is on PATH; the Slurm job's ids
 * from its environment. Failures leave a field null, never abort. */
#include "record/hostinfo.h"

#include <ctype.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "json/json.h"
#include "util/error.h"
#include "util/proc.h"
#include "util/strbuf.h"
#include "util/subproc.h"

void host_platform(char *buf, size_t len)
{
    struct utsname u;
    uname(&u);
    char raw[512];
    snprintf(raw, sizeof(raw), "%s-%s-%s-with-glibc%s", u.sysname, u.release, u.machine,
             gnu_get_libc_version());
    /* platform._platform(): spaces become '_', runs of '-' collapse, no trailing '-'. */
    size_t o = 0;
    for (const char *p = raw; *p && o + 1 < len; p++) {
        char c = *p == ' ' ? '_' : *p;
        if (c == '-' && o && buf[o - 1] == '-')
            continue;
        buf[o++] = c;
    }
    while (o && buf[o - 1] == '-')
        o--;
    buf[o] = '\0';
}

/* The value of the first "key<spaces>: value" line of a /proc file, or NULL. */
static char *proc_field(const char *path, const char *key)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    char line[1024], *out = NULL;
    size_t klen = strlen(key);
    while (!out && fgets(line, sizeof(line), f)) {
        if (strncmp(line, key, klen) || (line[klen] != ':' && !isspace((unsigned char)line[klen])))
            continue;
        char *v = strchr(line, ':');
        if (!v)
            continue;
        for (v++; isspace((unsigned char)*v); v++)
            ;
        v[strcspn(v, "\n")] = '\0';
        for (char *e = v + strlen(v); e > v && isspace((unsigned char)e[-1]); )
            *--e = '\0';
        out = xstrdup(v);
    }
    fclose(f);
    return out;
}

static cJSON *cpu_model(void)
{
    /* x86 names the model; ARM kernels often only give "Hardware" or "CPU part". */
    static const char *const keys[] = { "model name", "Hardware", "Processor", "cpu model" };
    for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
        char *v = proc_field("/proc/cpuinfo", keys[i]);
        if (v && *v) {
            cJSON *s = cJSON_CreateString(v);
            free(v);
            return s;
        }
        free(v);
    }
    struct utsname u;
    return uname(&u) == 0 ? cJSON_CreateString(u.machine) : cJSON_CreateNull();
}

static cJSON *memory_total(void)
{
    char *v = proc_field("/proc/meminfo", "MemTotal");
    long long kib = v ? atoll(v) : 0;
    free(v);
    return kib ? json_int(kib * 1024) : cJSON_CreateNull();
}

/* Sacred's gpus object from nvidia-smi's CSV query; NULL when there is no usable GPU
 * (no nvidia-smi on PATH, or it fails). */
static cJSON *gpus(void)
{
    char *argv[] = { "nvidia-smi", "--query-gpu=driver_version,name,persistence_mode,memory.total",
                     "--format=csv,noheader,nounits", NULL };
    struct strbuf csv = STRBUF_INIT;
    int status = subproc_output(argv, NULL, &csv);
    cJSON *list = cJSON_CreateArray(), *out = NULL;
    char driver[128] = "", *lines = NULL;
    strbuf_grow(&csv, 0); /* a string even when it printed nothing */
    for (char *line = strtok_r(csv.buf, "\n", &lines); line; line = strtok_r(NULL, "\n", &lines)) {
        char *f[4] = { 0 }, *save = NULL, *t = strtok_r(line, ",", &save);
        for (int i = 0; i < 4 && t; i++, t = strtok_r(NULL, ",", &save))
            f[i] = t + strspn(t, " ");
        if (!f[3])
            continue;
        snprintf(driver, sizeof(driver), "%s", f[0]);
        cJSON *g = cJSON_CreateObject();
        cJSON_AddStringToObject(g, "model", f[1]);
        cJSON_AddBoolToObject(g, "persistence_mode", !strncasecmp(f[2], "Enabled", 7));
        cJSON_AddItemToObject(g, "total_memory", json_int(atoll(f[3])));
        cJSON_AddItemToArray(list, g);
    }
    strbuf_release(&csv);
    if (status == 0 && cJSON_GetArraySize(list) > 0) {
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "driver_version", driver);
        cJSON_AddItemToObject(out, "gpus", list);
    } else
        cJSON_Delete(list);
    return out;
}

/* host.slurm, for a run started by a Slurm job: its ids, node and partition from the
 * job's environment (SLURM_JOB_ID, SLURM_ARRAY_JOB_ID, SLURM_ARRAY_TASK_ID, SLURMD_NODENAME,
 * SLURM_JOB_PARTITION); NULL outside Slurm. */
static cJSON *slurm_facts(void)
{
    static const char *const keys[][2] = {
        { "job_id", "SLURM_JOB_ID" }, { "array_job_id", "SLURM_ARRAY_JOB_ID" },
        { "array_task_id", "SLURM_ARRAY_TASK_ID" }, { "node", "SLURMD_NODENAME" },
        { "partition", "SLURM_JOB_PARTITION" },
    };
    if (!getenv("SLURM_JOB_ID"))
        return NULL;
    cJSON *s = cJSON_CreateObject();
    for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
        const char *v = getenv(keys[i][1]);
        cJSON_AddItemToObject(s, keys[i][0], v ? cJSON_CreateString(v) : cJSON_CreateNull());
    }
    return s;
}

cJSON *host_info(void)
{
    cJSON *h = cJSON_CreateObject();
    struct utsname u;
    char plat[512];
    uname(&u);
    host_platform(plat, sizeof(plat));
    cJSON_AddStringToObject(h, "hostname", u.nodename);
    cJSON *os = cJSON_AddArrayToObject(h, "os");
    cJSON_AddItemToArray(os, cJSON_CreateString(u.sysname));
    cJSON_AddItemToArray(os, cJSON_CreateString(plat));
    cJSON_AddItemToObject(h, "cpu", cpu_model());
    cJSON_AddItemToObject(h, "cpu_count", json_int(sysconf(_SC_NPROCESSORS_ONLN)));
    cJSON_AddItemToObject(h, "memory_total", memory_total());
    cJSON *g = gpus();
    if (g)
        cJSON_AddItemToObject(h, "gpus", g);
    cJSON *slurm = slurm_facts();
    if (slurm)
        cJSON_AddItemToObject(h, "slurm", slurm);
    cJSON_AddItemToObject(h, "ENV", cJSON_CreateObject());
    return h;
}

cJSON *process_identity(void)
{
    cJSON *l = cJSON_CreateObject();
    unsigned long long ticks = 0;
    char boot[40], host[256];
    proc_boot_id(boot);
    if (gethostname(host, sizeof(host)) < 0)
        host[0] = '\0';
    host[sizeof(host) - 1] = '\0';
    cJSON_AddStringToObject(l, "host", host);
    cJSON_AddItemToObject(l, "pid", json_int(getpid()));
    cJSON_AddItemToObject(l, "start_ticks",
                          proc_start_ticks(getpid(), &ticks) == 0 ? json_int((long long)ticks)
                                                                  : cJSON_CreateNull());
    cJSON_AddStringToObject(l, "boot_id", boot);
    return l;
}
