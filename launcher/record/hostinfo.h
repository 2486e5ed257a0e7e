/* hostinfo.h: run.json's host object as Sacred fills it (hostname, os, cpu, gpus) plus
 * cpu_count and memory_total; ENV is filled by the caller. */
#ifndef SR_HOSTINFO_H
#define SR_HOSTINFO_H

#include <stddef.h>

#include <cjson/cJSON.h>

cJSON *host_info(void);

/* Who keeps a record current (run.json's "launcher"), so that a reader can tell a run whose
 * keeper is gone (DIED) from one that is only slow: this process's host, pid, its start
 * time in ticks, the boot's id. */
cJSON *process_identity(void);

/* Python's platform.platform() on Linux, e.g. "Linux-6.1.0-x86_64-with-glibc2.36". */
void host_platform(char *buf, size_t len);

#endif
