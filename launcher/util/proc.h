/* proc.h: facts about processes on this host from /proc: whether a pid is still the
 * process that was recorded (its start time), and this boot's id. Reads only. */
#ifndef SR_PROC_H
#define SR_PROC_H

#include <sys/types.h>

/* The start time of pid in clock ticks since boot (field 22 of /proc/PID/stat).
 * 0, or -1 with errno (ENOENT: no such process). */
int proc_start_ticks(pid_t pid, unsigned long long *ticks);

/* This boot's id (/proc/sys/kernel/random/boot_id) into buf; "" when unknown. */
void proc_boot_id(char buf[40]);

/* Whether the process recorded as pid, started at ticks during the boot boot ("" when not
 * known), still runs: 1, 0 when it is gone (the pid free or another process's, or the
 * machine restarted since), -1 when that cannot be told. */
int proc_still_runs(pid_t pid, unsigned long long ticks, const char *boot);

/* This process's executable (/proc/self/exe), newly allocated; NULL with errno. */
char *proc_self_exe(void);

#endif
