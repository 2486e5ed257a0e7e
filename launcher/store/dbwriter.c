/* dbwriter.c: one thread per database of a run (dbwriter.h). The launcher's side only
 * appends points and signals under a short lock; the thread does the passes (dbsync.c),
 * reconnects with backoff, and at the end makes the final pass. Points go at each
 * heartbeat, as Sacred's observers send them, so a program printing a burst of them does
 * not share the machine with their loading while it runs. Prints only in
 * dbwriters_open (before the run) and dbwriters_finish (after it). */
#include "store/dbwriter.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "json/json.h"
#include "store/db.h"
#include "store/dbsync.h"
#include "store/journal.h"
#include "store/schema.h"
#include "util/error.h"
#include "util/log.h"

struct dbw {
    struct db_url url;
    struct db *db;
    struct dbsync sync;
    struct journal_entry journal;
    pthread_t thread, connector;
    int running, connecting;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int wake, ending, done;
    double deadline, backoff;
    double retry_at; /* a pass is due then without a wake (a retry, the first pass); 0: none */
    char error[1024];
};

enum { FIRST_PASS_DELAY_MS = 100, WRITER_NICE = 10 };

struct dbwriters {
    struct dbw *w;
    size_t n;
    int retry;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A condition whose timed waits measure CLOCK_MONOTONIC, as now_s does (the default is
 * CLOCK_REALTIME). */
static void cond_init_monotonic(pthread_cond_t *cv)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(cv, &a);
    pthread_condattr_destroy(&a);
}

static void *connect_main(void *arg)
{
    struct dbw *w = arg;
    w->db = schema_connect(&w->url, w->error, sizeof(w->error));
    return NULL;
}

struct dbwriters *dbwriters_open(char *const *urls, size_t n, int retry)
{
    if (!n)
        return NULL;
    struct dbwriters *ws = xcalloc(1, sizeof(*ws));
    ws->w = xcalloc(n, sizeof(*ws->w));
    ws->n = n;
    ws->retry = retry;
    for (size_t i = 0; i < n; i++) {
        struct dbw *w = &ws->w[i];
        char err[1024];
        if (db_url_parse(urls[i], &w->url, err, sizeof(err)))
            die("-s: %s", err);
        pthread_mutex_init(&w->mu, NULL);
        cond_init_monotonic(&w->cv);
        w->connecting = pthread_create(&w->connector, NULL, connect_main, w) == 0;
        if (!w->connecting)
            connect_main(w);
    }
    return ws;
}

/* Waits for the connections dbwriters_open started. */
static void connected(struct dbwriters *ws)
{
    for (size_t i = 0; i < ws->n; i++) {
        struct dbw *w = &ws->w[i];
        if (w->connecting)
            pthread_join(w->connector, NULL);
        w->connecting = 0;
    }
}

void dbwriters_claim(struct dbwriters *ws, const char *forced, long long claimed, char *id, size_t idlen)
{
    *id = 0;
    connected(ws);
    for (size_t i = 0; i < ws->n; i++)
        if (!ws->w[i].db && !ws->retry)
            die("%s; start the database, fix -s, or give --db-retry to record the run later",
                ws->w[i].error);
    for (size_t i = 0; i < ws->n; i++) {
        struct dbw *w = &ws->w[i];
        char err[1024];
        long long got = i == 0 && claimed > 0 ? claimed
                      : w->db ? dbsync_claim(w->db, *id ? id : forced, err, sizeof(err)) : -1;
        if (got < 0 && w->db && !ws->retry)
            die("%s: %s; give --db-retry to record the run later", w->url.shown, err);
        dbsync_init(&w->sync, got > 0 ? got : 0, "");
        w->sync.known = got > 0 && !(i == 0 && claimed > 0); /* a queued run's row holds it */
        if (got > 0 && !*id)
            snprintf(id, idlen, "%lld", got);
    }
}

void dbwriters_abandon(struct dbwriters *ws)
{
    for (size_t i = 0; ws && i < ws->n; i++) {
        struct dbw *w = &ws->w[i];
        char key[24];
        snprintf(key, sizeof(key), "%lld", w->sync.id);
        struct db_param p = DB_TEXT(key);
        if (w->db && w->sync.id)
            db_exec(w->db, "DELETE FROM runs WHERE id = $1 AND doc_text = '{}'", 1, &p, NULL);
    }
}

void dbwriters_annotate(const struct dbwriters *ws, cJSON *run)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < ws->n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "url", ws->w[i].url.shown);
        cJSON_AddItemToObject(o, "id", ws->w[i].sync.id ? json_int(ws->w[i].sync.id) : cJSON_CreateNull());
        cJSON_AddItemToArray(list, o);
    }
    json_set(run, "databases", list);
}

/* Connects when needed and claims the id when the run has none there yet. */
static int ready(struct dbw *w, char *err, size_t errlen)
{
    if (w->db && db_broken(w->db)) {
        db_close(w->db);
        w->db = NULL;
    }
    if (!w->db && !(w->db = schema_connect(&w->url, err, errlen)))
        return -1;
    if (!w->sync.id) {
        long long id = dbsync_claim(w->db, w->sync.file_id, err, errlen);
        if (id < 0)
            return -1;
        w->sync.id = id;
        w->sync.known = 1;
        w->journal.id = id;
        journal_write(&w->journal);
    }
    return 0;
}

/* One pass; the lock is not held. */
static int attempt(struct dbw *w, int final)
{
    char err[1024];
    int rc = ready(w, err, sizeof(err));
    if (!rc)
        rc = dbsync_pass(w->db, &w->sync, final, err, sizeof(err));
    pthread_mutex_lock(&w->mu);
    if (rc)
        snprintf(w->error, sizeof(w->error), "%s", err);
    pthread_mutex_unlock(&w->mu);
    return rc;
}

static void wait_for_work(struct dbw *w)
{
    while (!w->wake && !w->ending) {
        if (!w->retry_at) {
            pthread_cond_wait(&w->cv, &w->mu);
            continue;
        }
        double t = w->retry_at;
        struct timespec ts = { (time_t)t, (long)((t - (double)(time_t)t) * 1e9) };
        if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
            break;
    }
}

static void *writer_main(void *arg)
{
    struct dbw *w = arg;
    /* On a busy machine the program and the launcher's own loop come first. */
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WRITER_NICE);
    pthread_mutex_lock(&w->mu);
    for (;;) {
        wait_for_work(w);
        int final = w->ending;
        w->wake = 0;
        dbsync_take_points(&w->sync);
        pthread_mutex_unlock(&w->mu);
        int rc = attempt(w, final);
        pthread_mutex_lock(&w->mu);
        if (!rc) {
            w->retry_at = 0;
            w->backoff = 0;
            if (final) {
                w->done = 1;
                break;
            }
            continue;
        }
        w->backoff = w->backoff ? (w->backoff * 2 < 10 ? w->backoff * 2 : 10) : 0.25;
        w->retry_at = now_s() + w->backoff;
        if (final && w->retry_at > w->deadline)
            break;
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

void dbwriters_start(struct dbwriters *ws, const char *dir, const char *file_storage,
                     const char *file_id, int spool)
{
    for (size_t i = 0; i < ws->n; i++) {
        struct dbw *w = &ws->w[i];
        free(w->sync.dir);
        w->sync.dir = xstrdup(dir);
        w->sync.file_storage = file_storage ? xstrdup(file_storage) : NULL;
        w->sync.file_id = xstrdup(file_id);
        w->sync.live = 1;
        w->journal = (struct journal_entry){ .url = xstrdup(w->url.shown), .id = w->sync.id,
                                             .dir = xstrdup(dir), .spool = spool,
                                             .file_storage = file_storage ? xstrdup(file_storage) : NULL,
                                             .file_id = xstrdup(file_id) };
        if (journal_write(&w->journal))
            warning("cannot write the journal entry for %s: %s; the run is in %s", w->url.shown,
                    strerror(errno), dir);
        /* The run's row as it starts, a moment after the start: a program that is done
         * by then costs the database one pass, the end's. */
        w->retry_at = now_s() + FIRST_PASS_DELAY_MS / 1000.0;
        w->running = pthread_create(&w->thread, NULL, writer_main, w) == 0;
    }
}

void dbwriters_point(void *arg, const char *name, long long seq, long long step, const char *stamp,
                     const char *value)
{
    struct dbwriters *ws = arg;
    for (size_t i = 0; i < ws->n; i++) {
        struct dbw *w = &ws->w[i];
        pthread_mutex_lock(&w->mu);
        dbsync_point(&w->sync, name, seq, step, stamp, value);
        pthread_mutex_unlock(&w->mu);
    }
}

void dbwriters_wake(struct dbwriters *ws)
{
    for (size_t i = 0; i < ws->n; i++) {
        pthread_mutex_lock(&ws->w[i].mu);
        ws->w[i].wake = 1;
        pthread_cond_signal(&ws->w[i].cv);
        pthread_mutex_unlock(&ws->w[i].mu);
    }
}

int dbwriters_finish(struct dbwriters *ws, double wait)
{
    int lacking = 0;
    for (size_t i = 0; i < ws->n; i++) {
        struct dbw *w = &ws->w[i];
        pthread_mutex_lock(&w->mu);
        w->ending = 1;
        w->deadline = now_s() + wait;
        pthread_cond_signal(&w->cv);
        pthread_mutex_unlock(&w->mu);
    }
    for (size_t i = 0; i < ws->n; i++) {
        struct dbw *w = &ws->w[i];
        if (w->running)
            pthread_join(w->thread, NULL);
        w->running = 0;
        if (w->done) {
            w->journal.spool = w->journal.spool && i + 1 == ws->n && !lacking;
            journal_done(&w->journal, NULL, 0);
            continue;
        }
        lacking++;
        /* a log line like every other line of a run (-l CRITICAL leaves it out) */
        log_msg(LOG_ERROR, "the database %s lacks this run (%s); it is kept in %s and 'sacred-run sync' "
                "records it (journal entry %s)", w->url.shown, w->error, w->journal.dir,
                w->journal.path ? w->journal.path : "not written");
    }
    return lacking;
}

void dbwriters_free(struct dbwriters *ws)
{
    if (!ws)
        return;
    connected(ws);
    for (size_t i = 0; i < ws->n; i++) {
        struct dbw *w = &ws->w[i];
        db_close(w->db);
        db_url_release(&w->url);
        dbsync_release(&w->sync);
        journal_entry_release(&w->journal);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
    }
    free(ws->w);
    free(ws);
}
