/* runedit.h: writing a run's run.json from two sides without losing either's update: the
 * launcher's rewrites and a user's edits (tags, notes). Every writer holds DIR/.run.lock
 * (flock) around its read-modify-write; the launcher, finding run.json replaced by someone
 * else since its own last write, first takes over what users edit. Never prints. */
#ifndef SR_RUNEDIT_H
#define SR_RUNEDIT_H

#include <stddef.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#define RUN_LOCK ".run.lock"
/* The top-level key of run.json that users edit and the launcher never writes: Omniboard's
 * {"tags": [...], "notes": "..."}. */
#define RUN_EDITABLE "omniboard"

/* What identifies the run.json a writer left: a replacement or an edit in place changes it. */
struct run_stamp {
    struct stat st; /* its device, inode, size and mtime count */
};

/* The launcher's write of its tree run to dirfd/run.json (dir is the same directory's
 * path), under the lock open on lockfd: when the file is no longer the one stamp records,
 * the user's edits in it are first taken into run; then run is written atomically and
 * stamp updated. The lock is waited for at most a second (a stuck editor never stalls the
 * run; the write then goes ahead unlocked). With spare_fd >= 0 (RESERVE_FILE, open, its
 * space allocated) the new file is written into it (atomic_adopt), which then becomes
 * run.json; spare_fd is closed either way. 0, or -1 with errno. */
int run_write_merged(int dirfd, const char *dir, int lockfd, cJSON *run, struct run_stamp *stamp,
                     int spare_fd);

/* Replaces the editable keys of ours with those of theirs (removing those theirs lacks). */
void run_take_edits(cJSON *ours, const cJSON *theirs);

/* A user's edit of the run directory dir: under its lock (waited for), run.json is read,
 * edit called on it (it returns 1 when it changed the tree, 0 when not, -1 with a message
 * in err), and a changed tree written atomically. 0, or -1 with a message in err. */
typedef int (*run_edit_fn)(cJSON *run, void *arg, char *err, size_t errlen);
int run_edit(const char *dir, run_edit_fn edit, void *arg, char *err, size_t errlen);

/* Opens (creating it) and locks the lock file of the run directory dirfd, waiting for its
 * holder. The lock's fd (closing it releases the lock), or -1 with errno. */
int run_lock(int dirfd);

/* Whether the launcher recorded in run (its "launcher" key: pid, start_ticks, boot_id)
 * still runs: 1 when this boot has that pid started at that tick, 0 when it is gone (the
 * pid is free or another process, or the machine restarted), -1 when that cannot be told
 * (no "launcher" key, as from Python Sacred; a run recorded on another host). */
int run_launcher_alive(const cJSON *run);

/* How late a running run's last beat (heartbeat, else start_time) is at now (seconds since
 * the epoch): the seconds past *limit (its age from which it counts as PROBABLY_DEAD: two
 * beat intervals and a margin), so > 0 when it is stale; NAN when it records no beats
 * (-b 0) or no time. */
double run_beat_lateness(const cJSON *run, double now, double *limit);

#endif
