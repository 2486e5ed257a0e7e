/* sysmon.h: system measurements of the program's process tree (every descendant of the
 * launcher), taken at each heartbeat as sys.* metrics: CPU use, resident memory, bytes
 * read and written, and, with nvidia-smi, GPU use and memory. */
#ifndef SR_SYSMON_H
#define SR_SYSMON_H

#include <sys/types.h>
#include <time.h>

#include "record/metrics.h"

struct io_seen {
    pid_t pid;
    unsigned long long rd, wr;
};

struct sysmon {
    struct io_seen *seen;
    size_t n, cap;
    unsigned long long io_read, io_write; /* accumulated over every process seen */
    double last_cpu;                      /* CPU seconds of the tree at the last sample */
    struct timespec last;
    long long peak_rss;                   /* largest sampled tree RSS, or largest single
                                             process RSS at its end (ru_maxrss), bytes */
    int gpu;                              /* query nvidia-smi */
};

void sysmon_init(struct sysmon *m, int gpu);
/* Samples the tree and adds sys.* points to ms (no sys.rss_bytes or GPU point once the
 * tree is empty). */
void sysmon_sample(struct sysmon *m, struct metrics *ms);
void sysmon_release(struct sysmon *m);

#endif
