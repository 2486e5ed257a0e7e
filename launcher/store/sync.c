/* sync.c: the sync command (sync.h). Each pending entry whose launcher has ended is
 * replayed into its database as one final pass (dbsync.c), which applies nothing twice;
 * the entry is removed only once the database has the whole run. */
#include "store/sync.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json_parse.h"
#include "record/runedit.h"
#include "record/sacred_files.h"
#include "store/db.h"
#include "store/dbsync.h"
#include "store/journal.h"
#include "store/schema.h"
#include "util/error.h"

static const char usage[] = "usage: sacred-run sync [-s URL]";

/* 1 when the launcher that wrote dir/run.json still runs. */
static int still_running(const char *dir)
{
    char *path = xasprintf("%s/%s", dir, RUN_JSON);
    cJSON *run = json_load_file(path);
    int alive = run && run_launcher_alive(run) == 1;
    cJSON_Delete(run);
    free(path);
    return alive;
}

/* The URL to connect with: the one given (it may hold a password) when it is the entry's. */
static int entry_url(const struct journal_entry *e, const struct db_url *given, struct db_url *u,
                     char *err, size_t errlen)
{
    if (given && !strcmp(given->shown, e->url))
        return db_url_parse(given->target, u, err, errlen);
    return db_url_parse(e->url, u, err, errlen);
}

/* The journal as sync read it. */
struct journal {
    struct journal_entry *e;
    size_t n;
};

/* One entry of j into its database: 0 when it is done (or its run is gone), -1 when not. */
static int replay(struct journal *j, struct journal_entry *e, const struct db_url *given)
{
    char err[2048];
    if (access(e->dir, F_OK)) {
        warning("journal entry %s: the run directory %s is gone; nothing to record", e->path, e->dir);
        journal_done(e, j->e, j->n);
        return 0;
    }
    struct db_url u;
    if (entry_url(e, given, &u, err, sizeof(err)))
        return error("journal entry %s: %s", e->path, err);
    struct db *d = schema_connect(&u, err, sizeof(err));
    int rc = d ? 0 : -1;
    if (!rc && !e->id && (e->id = dbsync_claim(d, e->file_id, err, sizeof(err))) > 0)
        journal_write(e);
    struct dbsync s;
    dbsync_init(&s, e->id, e->dir);
    s.file_storage = e->file_storage ? xstrdup(e->file_storage) : NULL;
    s.file_id = e->file_id ? xstrdup(e->file_id) : NULL;
    if (!rc && e->id > 0)
        rc = dbsync_pass(d, &s, 1, err, sizeof(err));
    else
        rc = -1;
    if (rc)
        error("%s: run %s not recorded: %s", u.shown, e->dir, err);
    else
        printf("%s: recorded %s as run %lld\n", u.shown, e->dir, e->id);
    if (!rc)
        journal_done(e, j->e, j->n);
    dbsync_release(&s);
    db_close(d);
    db_url_release(&u);
    return rc;
}

static int parse(int argc, char **argv, struct db_url *given, int *has)
{
    static const struct option opts[] = { { "sql", required_argument, NULL, 's' }, { NULL, 0, NULL, 0 } };
    int c;
    char err[1024];
    *has = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+s:", opts, NULL)) != -1) {
        if (c != 's')
            die("unknown or incomplete option '%s'; %s", argv[optind - 1], usage);
        if (*has)
            die("-s given twice; %s", usage);
        if (db_url_parse(optarg, given, err, sizeof(err)))
            die("-s: %s", err);
        *has = 1;
    }
    if (optind < argc)
        die("unexpected '%s'; %s", argv[optind], usage);
    return 0;
}

int sync_command(int argc, char **argv)
{
    set_program_name("sacred-run sync");
    struct db_url given;
    int has;
    parse(argc, argv, &given, &has);
    struct journal j;
    if (journal_list(&j.e, &j.n))
        die("cannot read the journal: %m");
    int left = 0, busy = 0;
    for (size_t i = 0; i < j.n; i++) {
        if (has && strcmp(given.shown, j.e[i].url))
            ;
        else if (still_running(j.e[i].dir))
            busy++;
        else if (replay(&j, &j.e[i], has ? &given : NULL))
            left++;
    }
    for (size_t i = 0; i < j.n; i++)
        journal_entry_release(&j.e[i]);
    free(j.e);
    if (busy)
        printf("%d run%s still being recorded by a running sacred-run: left to it\n", busy, busy == 1 ? "" : "s");
    if (has)
        db_url_release(&given);
    return left ? 1 : 0;
}
