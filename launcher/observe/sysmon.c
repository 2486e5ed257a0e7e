/* sysmon.c: /proc sampling of the launcher's descendants. CPU of processes that already
 * ended is counted through their parents' cutime/cstime and our own RUSAGE_CHILDREN, so
 * the total only grows; I/O of a process is known as of its last sample, and once the
 * whole tree has ended, from RUSAGE_CHILDREN. An empty tree has no resident memory to
 * sample: its peak is the largest process's at its end (ru_maxrss). */
#include "observe/sysmon.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "json/numtext.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/subproc.h"
#include "util/timefmt.h"

struct pstat {
    pid_t pid, ppid;
    unsigned long long ticks; /* utime + stime + cutime + cstime */
    long long rss_pages;
};

static int read_stat(pid_t pid, struct pstat *ps)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    unsigned long long ut, st;
    long long cut, cst, rss;
    int ppid;
    if (!p || sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld "
                            "%*d %*d %*d %*d %*u %*u %lld", &ppid, &ut, &st, &cut, &cst, &rss) != 6)
        return -1;
    *ps = (struct pstat){ pid, ppid, ut + st + (unsigned long long)(cut + cst), rss };
    return 0;
}

/* Appends the children of every thread of pid (from /proc/PID/task/TID/children). */
static void children_of(pid_t pid, pid_t **list, size_t *n, size_t *cap)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char file[300];
        snprintf(file, sizeof(file), "/proc/%d/task/%s/children", (int)pid, e->d_name);
        FILE *f = fopen(file, "re");
        int child;
        while (f && fscanf(f, "%d", &child) == 1) {
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 64;
                *list = xrealloc(*list, *cap * sizeof(**list));
            }
            (*list)[(*n)++] = (pid_t)child;
        }
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
}

/* Every descendant of the launcher, breadth first, with its /proc stat. Only the tree's
 * own /proc entries are read, however busy the machine is. */
static struct pstat *descendants(size_t *count)
{
    pid_t *pids = NULL;
    size_t n = 0, cap = 0;
    children_of(getpid(), &pids, &n, &cap);
    for (size_t i = 0; i < n && i < 100000; i++)
        children_of(pids[i], &pids, &n, &cap);
    struct pstat *all = xcalloc(n ? n : 1, sizeof(*all));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (read_stat(pids[i], &all[k]) == 0)
            k++;
    free(pids);
    *count = k;
    return all;
}

static struct io_seen *seen_slot(struct sysmon *m, pid_t pid)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->seen[i].pid == pid)
            return &m->seen[i];
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->seen = xrealloc(m->seen, m->cap * sizeof(*m->seen));
    }
    m->seen[m->n] = (struct io_seen){ pid, 0, 0 };
    return &m->seen[m->n++];
}

static void add_io(struct sysmon *m, pid_t pid)
{
    char path[64], line[128];
    unsigned long long rd = 0, wr = 0;
    snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        sscanf(line, "read_bytes: %llu", &rd);
        sscanf(line, "write_bytes: %llu", &wr);
    }
    fclose(f);
    struct io_seen *s = seen_slot(m, pid);
    if (rd > s->rd)
        m->io_read += rd - s->rd;
    if (wr > s->wr)
        m->io_write += wr - s->wr;
    s->rd = rd;
    s->wr = wr;
}

void sysmon_init(struct sysmon *m, int gpu)
{
    memset(m, 0, sizeof(*m));
    m->gpu = gpu;
    clock_gettime(CLOCK_MONOTONIC, &m->last);
}

static void add_text(struct metrics *ms, const char *name, const char *text)
{
    char buf[NUMTEXT_MAX], stamp[TIME_ISO_LEN];
    int is_int;
    time_iso_now(stamp);
    if (numtext_json(text, strlen(text), buf, &is_int))
        metrics_add(ms, name, strlen(name), buf, 0, 0, stamp);
}

static void add_int(struct metrics *ms, const char *name, long long v)
{
    char buf[NUMTEXT_MAX];
    snprintf(buf, sizeof(buf), "%lld", v);
    add_text(ms, name, buf);
}

/* One point per GPU and quantity; GPU i is line i of nvidia-smi's CSV answer. */
static void sample_gpus(struct metrics *ms)
{
    char *argv[] = { "nvidia-smi", "--query-gpu=utilization.gpu,memory.used",
                     "--format=csv,noheader,nounits", NULL };
    struct strbuf csv = STRBUF_INIT;
    subproc_output(argv, NULL, &csv);
    strbuf_grow(&csv, 0); /* a string even when it printed nothing */
    char *line = csv.buf, *end = csv.buf + csv.len;
    for (int i = 0; line < end; i++) {
        char *nl = memchr(line, '\n', (size_t)(end - line)), util[64], mem[64], name[64];
        if (nl)
            *nl = '\0';
        if (sscanf(line, " %63[^,], %63s", util, mem) == 2) {
            snprintf(name, sizeof(name), "sys.gpu%d.utilization_percent", i);
            add_text(ms, name, util);
            snprintf(name, sizeof(name), "sys.gpu%d.memory_used_mib", i);
            add_text(ms, name, mem);
        }
        line = nl ? nl + 1 : end;
    }
    strbuf_release(&csv);
}

/* What the ended processes' own accounting says (every descendant was waited for, by us
 * or by a parent we waited for): their largest resident set, and, when none is left,
 * their I/O (in 512-byte blocks) where it exceeds what the samples saw. */
static void add_ended(struct sysmon *m, const struct rusage *ru, int tree_empty)
{
    long long maxrss = (long long)ru->ru_maxrss * 1024;
    if (maxrss > m->peak_rss)
        m->peak_rss = maxrss;
    unsigned long long rd = (unsigned long long)ru->ru_inblock * 512, wr = (unsigned long long)ru->ru_oublock * 512;
    if (tree_empty && rd > m->io_read)
        m->io_read = rd;
    if (tree_empty && wr > m->io_write)
        m->io_write = wr;
}

void sysmon_sample(struct sysmon *m, struct metrics *ms)
{
    size_t n;
    struct pstat *all = descendants(&n);
    unsigned long long ticks = 0;
    long long rss = 0;
    for (size_t i = 0; i < n; i++) {
        ticks += all[i].ticks;
        rss += all[i].rss_pages;
        add_io(m, all[i].pid);
    }
    free(all);
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    add_ended(m, &ru, n == 0);
    double cpu = (double)ticks / (double)sysconf(_SC_CLK_TCK) + (double)ru.ru_utime.tv_sec
                 + (double)ru.ru_stime.tv_sec + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double wall = (double)(now.tv_sec - m->last.tv_sec) + (double)(now.tv_nsec - m->last.tv_nsec) / 1e9;
    char pct[32];
    snprintf(pct, sizeof(pct), "%.1f", wall > 0 && cpu > m->last_cpu ? 100.0 * (cpu - m->last_cpu) / wall : 0.0);
    add_text(ms, "sys.cpu_percent", pct);
    m->last_cpu = cpu > m->last_cpu ? cpu : m->last_cpu;
    m->last = now;
    rss *= sysconf(_SC_PAGESIZE);
    if (rss > m->peak_rss)
        m->peak_rss = rss;
    if (n) /* not an empty tree's 0 */
        add_int(ms, "sys.rss_bytes", rss);
    add_int(ms, "sys.read_bytes", (long long)m->io_read);
    add_int(ms, "sys.write_bytes", (long long)m->io_write);
    if (m->gpu && n)
        sample_gpus(ms);
}

void sysmon_release(struct sysmon *m)
{
    free(m->seen);
    memset(m, 0, sizeof(*m));
}
