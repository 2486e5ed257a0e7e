/* runs.h: the runs of a storage as the inspect commands and the dashboard show them: each
 * with its effective status (PROBABLY_DEAD, DIED), times, column values and, on demand,
 * metric roll-ups; conditions, filters, sorting and the config keys that differ. Reads only. */
#ifndef SR_RUNS_H
#define SR_RUNS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "record/runread.h"

struct run_row {
    struct run_doc doc;
    char status[16];  /* as recorded, or PROBABLY_DEAD, DIED; ERROR when run.json is unreadable */
    double start;     /* start_time, seconds since the epoch (UTC); NAN when absent */
    double stop;      /* stop_time, else NAN */
    double heartbeat; /* heartbeat, else NAN */
    cJSON *derived;   /* values computed for columns (duration, roll-ups), owned */
    cJSON *metrics;   /* the metrics' roll-ups once one was needed (run_metric_summaries), owned */
    int borrowed;     /* doc belongs to someone else (a cache): release leaves it */
    /* Called before the run's files past its documents are first read (metrics.json):
     * brings doc.dir up to date (a database's local copy). NULL: it is. */
    int (*fetch)(void *arg, char *err, size_t errlen);
    void *fetch_arg;
};

struct run_set {
    struct run_row *rows;
    size_t n;
};

/* Loads every run of storage (ids ascending). 0, or -1 with a message in err when the
 * storage cannot be read; unreadable runs are rows with status ERROR. */
int runs_load(const char *storage, struct run_set *set, char *err, size_t errlen);
/* The runs of a database (inspect_ctx.db) from its runs table, without writing its local
 * copy; the copy is brought up to date only when a column needs a run's metrics. 0, or -1
 * with err. */
struct dbread;
int runs_load_db(struct dbread *db, struct run_set *set, char *err, size_t errlen);
/* Loads one run into row (status and times included). */
void run_row_load(struct run_row *row, const char *storage, const char *id);
/* A row over a document read before and kept by the caller (status and times computed
 * now); releasing the row leaves doc alone. */
void run_row_borrow(struct run_row *row, const struct run_doc *doc);
void run_row_release(struct run_row *row);
void runs_release(struct run_set *set);

/* The value of a column for a row, or NULL when the run has none. Columns:
 *   id name status start stop duration heartbeat result comment tags notes point
 *   (point: meta.sweep.index, the run's point in its sweep)
 *   config keys, bare ("lr", "optim.lr") or as "config.lr"
 *   meta.* host.* experiment.* program.* omniboard.* (run.json), info.* (info.json)
 *   NAME, last(NAME), first(NAME), min(NAME), max(NAME), count(NAME) for a metric NAME
 *   (a bare name that is no config key is the metric's last value)
 * The value stays owned by the row. err is set (and NULL returned) only when the key
 * itself is malformed ("min(" without ")"), or metrics.json is corrupt. */
const cJSON *run_value(struct run_row *row, const char *key, char *err, size_t errlen);
/* 1 when key is one of the fixed columns (id name status ... notes), which a config key of
 * the same name is not: that one is "config.KEY". */
int run_column_fixed(const char *key);
/* The roll-ups of every metric of the row, {name: {count, first, last, min, max}} (null
 * where there is none), read once from metrics.json as a stream (memory does not grow with
 * the points). NULL with err ("run ID: ...") when metrics.json is damaged. */
const cJSON *run_metric_summaries(struct run_row *row, char *err, size_t errlen);
/* The value as text for a table cell ("" for none); a string is shown without quotes. */
char *run_value_text(const cJSON *v);
/* Compares two values: numbers by value, strings by code points, others by kind. */
int run_value_cmp(const cJSON *a, const cJSON *b);

enum cond_op { COND_EQ, COND_NE, COND_LT, COND_LE, COND_GT, COND_GE, COND_MATCH };
struct run_cond {
    char *key;
    enum cond_op op;  /* == != < <= > >= ~ (regular expression on the text) */
    cJSON *value;     /* a Python/JSON literal, else the text as a string */
};
/* Parses "KEY OP VALUE" (one word or three). 0, or -1 with a message in err. */
int run_cond_parse(const char *text, struct run_cond *c, char *err, size_t errlen);
/* 1 when the row satisfies c, 0 when not, -1 with err (corrupt metrics, bad regex). */
int run_cond_match(struct run_row *row, const struct run_cond *c, char *err, size_t errlen);
void run_cond_release(struct run_cond *c);

struct run_filter {
    const char **status;  /* effective statuses, any of */
    size_t nstatus;
    const char **name;    /* experiment.name globs, any of */
    size_t nname;
    const char **tag;     /* omniboard.tags, all of */
    size_t ntag;
    struct run_cond *where; /* all of */
    size_t nwhere;
    double since, until;  /* start time bounds (seconds since the epoch); NAN for none */
    const char *sweep;    /* meta.sweep.id, or NULL for any run */
};
/* Keeps the rows that pass f. 0, or -1 with err. */
int runs_filter(struct run_set *set, const struct run_filter *f, char *err, size_t errlen);
/* Sorts by a column ("-KEY": descending); rows without a value go last. Ties keep id
 * order. 0, or -1 with err (malformed key). */
int runs_sort(struct run_set *set, const char *key, char *err, size_t errlen);
/* Keeps the last n rows (n > 0). */
void runs_keep_last(struct run_set *set, size_t n);

/* The runs of sweep id, by point (then id), with the sweep's keys (its axes, in the order
 * written) in keys. 0, or -1 with err (no such sweep, the storage unreadable). */
int runs_load_sweep(const char *storage, const char *id, struct run_set *set, cJSON **keys,
                    char *err, size_t errlen);

/* The dotted config keys of the rows, leaves only, each once (sorted). */
cJSON *runs_config_keys(const struct run_set *set);
/* The dotted config keys whose values are not the same in every row (sorted). */
cJSON *runs_differing_config(const struct run_set *set);

/* Parses a time bound: an ISO date or date-time (UTC), or an age ("30m", "2h", "7d")
 * before now. 0, or -1 with err. */
int parse_time_bound(const char *text, double *t, char *err, size_t errlen);

#endif
