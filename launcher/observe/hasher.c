/* hasher.c: the background hashing thread. */
#include "observe/hasher.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/error.h"

static void *run(void *arg)
{
    struct hasher *h = arg;
    pthread_mutex_lock(&h->lock);
    for (;;) {
        while (h->head == h->n && !h->stop)
            pthread_cond_wait(&h->wake, &h->lock);
        if (h->head == h->n)
            break;
        char *path = h->queue[h->head++];
        pthread_mutex_unlock(&h->lock);
        struct stat st;
        char md5[33];
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            md5_cache_get(h->cache, path, &st, md5);
        free(path);
        pthread_mutex_lock(&h->lock);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

int hasher_start(struct hasher *h, struct md5_cache *cache)
{
    memset(h, 0, sizeof(*h));
    h->cache = cache;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->wake, NULL);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* signals stay with the main thread */
    h->running = pthread_create(&h->thread, NULL, run, h) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return h->running ? 0 : -1;
}

void hasher_offer(struct hasher *h, const char *path)
{
    if (!h->running)
        return;
    pthread_mutex_lock(&h->lock);
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->queue = xrealloc(h->queue, h->cap * sizeof(*h->queue));
    }
    h->queue[h->n++] = xstrdup(path);
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
}

void hasher_finish(struct hasher *h)
{
    if (!h->cache)
        return; /* never started */
    if (h->running) {
        pthread_mutex_lock(&h->lock);
        h->stop = 1;
        pthread_cond_signal(&h->wake);
        pthread_mutex_unlock(&h->lock);
        pthread_join(h->thread, NULL);
    }
    for (size_t i = h->head; i < h->n; i++)
        free(h->queue[i]);
    free(h->queue);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->wake);
    memset(h, 0, sizeof(*h));
}
