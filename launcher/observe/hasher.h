/* hasher.h: a thread that hashes the files the program reads while it runs, into the MD5
 * cache, so the end of a long run does not wait for hashing its inputs. It never touches
 * the program and never blocks the launcher's loop (offering is a queue push). */
#ifndef SR_HASHER_H
#define SR_HASHER_H

#include <pthread.h>
#include <stddef.h>

#include "record/md5cache.h"

struct hasher {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    char **queue;
    size_t head, n, cap;
    int stop, running;
    struct md5_cache *cache;
};

/* Starts the thread (with every signal blocked). 0, or -1 (then offers are ignored). */
int hasher_start(struct hasher *h, struct md5_cache *cache);
/* Queues path for hashing. */
void hasher_offer(struct hasher *h, const char *path);
/* Lets the thread finish what is queued, then joins it. */
void hasher_finish(struct hasher *h);

#endif
