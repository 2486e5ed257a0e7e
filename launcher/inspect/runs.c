/* runs.c: the query model over a storage: effective status, column values, roll-ups,
 * conditions, filters, sorting, differing config keys. Reads the storage only; every value
 * it hands out stays owned by its row. */
#include "inspect/runs.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "config/pyliteral.h"
#include "json/json.h"
#include "record/metrics_read.h"
#include "record/runedit.h"
#include "record/sweeprec.h"
#include "store/dbread.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/utf8.h"


static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A number node's value (cJSON numbers and the raw integers of json_int). */
static int number_of(const cJSON *v, double *d)
{
    if (cJSON_IsNumber(v)) {
        *d = v->valuedouble;
        return 1;
    }
    if (cJSON_IsRaw(v) && v->valuestring) {
        char *end;
        *d = strtod(v->valuestring, &end);
        return end != v->valuestring;
    }
    return 0;
}

static double time_of(const cJSON *run, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(run, key);
    double t;
    return cJSON_IsString(v) && time_iso_parse(v->valuestring, &t) == 0 ? t : NAN;
}

static void effective_status(struct run_row *row)
{
    const cJSON *run = row->doc.run;
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(run, "status");
    const char *status = !run ? "ERROR" : cJSON_IsString(s) ? s->valuestring : "UNKNOWN";
    if (!strcmp(status, "RUNNING")) {
        double limit;
        if (run_launcher_alive(run) == 0) /* known to be gone from this host */
            status = "DIED";
        else if (run_beat_lateness(run, now_seconds(), &limit) > 0)
            status = "PROBABLY_DEAD";
    }
    snprintf(row->status, sizeof(row->status), "%s", status);
}

/* The times and the effective status of a row whose doc is set. */
static void row_facts(struct run_row *row)
{
    row->start = time_of(row->doc.run, "start_time");
    row->stop = time_of(row->doc.run, "stop_time");
    row->heartbeat = time_of(row->doc.run, "heartbeat");
    row->derived = cJSON_CreateObject();
    effective_status(row);
}

/* A row over doc, which it takes. */
static void row_adopt(struct run_row *row, const struct run_doc *doc)
{
    memset(row, 0, sizeof(*row));
    row->doc = *doc;
    row_facts(row);
}

void run_row_load(struct run_row *row, const char *storage, const char *id)
{
    struct run_doc d;
    run_doc_load(&d, storage, id);
    row_adopt(row, &d);
}

void run_row_borrow(struct run_row *row, const struct run_doc *doc)
{
    row_adopt(row, doc);
    row->borrowed = 1;
}

void run_row_release(struct run_row *row)
{
    if (!row->borrowed)
        run_doc_release(&row->doc);
    cJSON_Delete(row->derived);
    cJSON_Delete(row->metrics);
    memset(row, 0, sizeof(*row));
}

int runs_load(const char *storage, struct run_set *set, char *err, size_t errlen)
{
    char **ids;
    size_t n;
    memset(set, 0, sizeof(*set));
    if (storage_run_ids(storage, &ids, &n) < 0)
        return error_text(err, errlen, "cannot read storage '%s': %s; give the storage with -F DIR",
                          storage, strerror(errno));
    set->rows = xcalloc(n ? n : 1, sizeof(*set->rows));
    for (size_t i = 0; i < n; i++)
        run_row_load(&set->rows[i], storage, ids[i]);
    set->n = n;
    run_ids_free(ids, n);
    return 0;
}

static int refresh_copy(void *arg, char *err, size_t errlen)
{
    struct dbread *db = arg;
    return db->fresh ? 0 : dbread_refresh(db, err, errlen);
}

struct db_rows_load {
    struct dbread *db;
    struct run_set *set;
    size_t cap;
};

static void add_db_row(void *arg, const char *id, const char *run, const char *config, const char *info)
{
    struct db_rows_load *l = arg;
    if (l->set->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->set->rows = xrealloc(l->set->rows, l->cap * sizeof(*l->set->rows));
    }
    struct run_doc d;
    run_doc_parse(&d, l->db->cache, id, run, config, info);
    struct run_row *row = &l->set->rows[l->set->n++];
    row_adopt(row, &d);
    row->fetch = refresh_copy;
    row->fetch_arg = l->db;
}

int runs_load_db(struct dbread *db, struct run_set *set, char *err, size_t errlen)
{
    memset(set, 0, sizeof(*set));
    struct db_rows_load l = { db, set, 0 };
    return dbread_docs(db, add_db_row, &l, err, errlen);
}

void runs_release(struct run_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        run_row_release(&set->rows[i]);
    free(set->rows);
    memset(set, 0, sizeof(*set));
}

/* --- column values ------------------------------------------------------------------ */

/* Caches v (taken) in the row under key and returns it. */
static const cJSON *remember(struct run_row *row, const char *key, cJSON *v)
{
    json_set(row->derived, key, v);
    return v;
}

static const cJSON *metric_rollup(struct run_row *row, const char *name, const char *what,
                                  char *err, size_t errlen);

/* A roll-up key "min(NAME)": fills fn and name; 1 when key has that shape, 0 when not,
 * -1 (err) when it is malformed. */
static int rollup_key(const char *key, char fn[8], const char **name, size_t *namelen,
                      char *err, size_t errlen)
{
    static const char *const fns[] = { "last", "first", "min", "max", "count" };
    const char *open = strchr(key, '(');
    if (!open)
        return 0;
    size_t k = (size_t)(open - key);
    for (size_t i = 0; i < sizeof(fns) / sizeof(*fns); i++)
        if (strlen(fns[i]) == k && !strncmp(key, fns[i], k)) {
            size_t len = strlen(key);
            if (key[len - 1] != ')' || len - k - 2 == 0)
                return error_text(err, errlen, "malformed column '%s': write %s(METRIC)", key, fns[i]);
            snprintf(fn, 8, "%s", fns[i]);
            *name = open + 1;
            *namelen = len - k - 2;
            return 1;
        }
    return 0;
}

/* The fixed columns that are a value of run.json, and where it is. */
static const struct { const char *column, *path; } run_columns[] = {
    { "name", "experiment.name" }, { "start", "start_time" }, { "stop", "stop_time" },
    { "heartbeat", "heartbeat" },  { "result", "result" },    { "comment", "meta.comment" },
    { "tags", "omniboard.tags" },  { "notes", "omniboard.notes" }, { "point", "meta.sweep.index" },
};

static const cJSON *fixed_column(struct run_row *row, const char *key)
{
    for (size_t i = 0; i < sizeof(run_columns) / sizeof(*run_columns); i++)
        if (!strcmp(key, run_columns[i].column))
            return json_get_dotted(row->doc.run, run_columns[i].path);
    if (!strcmp(key, "id"))
        return remember(row, key, cJSON_CreateString(row->doc.id));
    if (!strcmp(key, "status"))
        return remember(row, key, cJSON_CreateString(row->status));
    double end = !isnan(row->stop) ? row->stop : !strcmp(row->status, "RUNNING") ? now_seconds()
               : row->heartbeat; /* duration */
    return isnan(row->start) || isnan(end) ? NULL
                                          : remember(row, key, cJSON_CreateNumber(end - row->start));
}

int run_column_fixed(const char *key)
{
    for (size_t i = 0; i < sizeof(run_columns) / sizeof(*run_columns); i++)
        if (!strcmp(key, run_columns[i].column))
            return 1;
    return !strcmp(key, "id") || !strcmp(key, "status") || !strcmp(key, "duration");
}

/* meta.* host.* experiment.* program.* omniboard.* launcher.* (run.json), info.*. */
static const cJSON *document_column(struct run_row *row, const char *key, int *matched)
{
    static const char *const run_parts[] = { "meta.", "host.", "experiment.", "program.",
                                             "omniboard.", "launcher.", "processes." };
    *matched = 1;
    if (!strncmp(key, "config.", 7))
        return json_get_dotted(row->doc.config, key + 7);
    if (!strncmp(key, "info.", 5))
        return json_get_dotted(row->doc.info, key + 5);
    for (size_t i = 0; i < sizeof(run_parts) / sizeof(*run_parts); i++)
        if (!strncmp(key, run_parts[i], strlen(run_parts[i])))
            return json_get_dotted(row->doc.run, key);
    *matched = 0;
    return NULL;
}

const cJSON *run_value(struct run_row *row, const char *key, char *err, size_t errlen)
{
    const cJSON *cached = cJSON_GetObjectItemCaseSensitive(row->derived, key);
    if (cached)
        return cached;
    if (run_column_fixed(key))
        return fixed_column(row, key);
    int matched;
    const cJSON *v = document_column(row, key, &matched);
    if (matched)
        return v;
    char fn[8];
    const char *name = NULL;
    size_t namelen = 0;
    int r = rollup_key(key, fn, &name, &namelen, err, errlen);
    if (r < 0)
        return NULL;
    if (r) {
        char *metric = xstrndup(name, namelen);
        v = metric_rollup(row, metric, fn, err, errlen);
        free(metric);
        return v;
    }
    v = json_get_dotted(row->doc.config, key);
    return v ? v : metric_rollup(row, key, "last", err, errlen);
}

/* --- metric roll-ups ------------------------------------------------------------------ */

const cJSON *run_metric_summaries(struct run_row *row, char *err, size_t errlen)
{
    char why[512];
    if (!row->metrics && row->fetch && row->fetch(row->fetch_arg, err, errlen) < 0)
        return NULL;
    row->fetch = NULL;
    if (!row->metrics && !(row->metrics = metrics_file_summaries(row->doc.dir, why, sizeof(why))))
        snprintf(err, errlen, "run %s: %s", row->doc.id, why);
    return row->metrics;
}

static const cJSON *metric_rollup(struct run_row *row, const char *name, const char *what,
                                  char *err, size_t errlen)
{
    const cJSON *all = run_metric_summaries(row, err, errlen);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(all, name), what);
    return cJSON_IsNull(v) ? NULL : v;
}

/* --- value text and order --------------------------------------------------------------- */

char *run_value_text(const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return xstrdup("");
    if (cJSON_IsString(v))
        return xstrdup(v->valuestring);
    if (cJSON_IsArray(v) && v->child && cJSON_IsString(v->child)) {
        struct strbuf sb = STRBUF_INIT;
        for (const cJSON *c = v->child; c; c = c->next)
            strbuf_addf(&sb, "%s%s", c == v->child ? "" : ",",
                        cJSON_IsString(c) ? c->valuestring : "?");
        return strbuf_detach(&sb);
    }
    struct strbuf sb = STRBUF_INIT;
    json_print_compact(&sb, v);
    return strbuf_detach(&sb);
}

/* Kinds in the order values of different kinds sort: numbers, strings, the rest. */
static int kind(const cJSON *v)
{
    double d;
    return number_of(v, &d) ? 0 : cJSON_IsString(v) ? 1 : cJSON_IsBool(v) ? 2 : 3;
}

int run_value_cmp(const cJSON *a, const cJSON *b)
{
    int ka = kind(a), kb = kind(b);
    if (ka != kb)
        return ka < kb ? -1 : 1;
    double x, y;
    if (ka == 0 && number_of(a, &x) && number_of(b, &y))
        return x < y ? -1 : x > y ? 1 : 0;
    if (ka == 1)
        return utf8_cmp(a->valuestring, b->valuestring);
    char *ta = run_value_text(a), *tb = run_value_text(b);
    int c = strcmp(ta, tb);
    free(ta);
    free(tb);
    return c;
}

/* --- conditions ------------------------------------------------------------------------- */

static const struct { const char *text; enum cond_op op; } ops[] = {
    { "==", COND_EQ }, { "!=", COND_NE }, { "<=", COND_LE }, { ">=", COND_GE },
    { "<", COND_LT },  { ">", COND_GT },  { "~", COND_MATCH }, { "=", COND_EQ },
};

/* Finds the first operator outside a roll-up's parentheses; its index in ops, or -1. */
static int find_op(const char *text, size_t *at)
{
    int depth = 0;
    for (size_t i = 0; text[i]; i++) {
        depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
        for (int k = 0; depth == 0 && k < (int)(sizeof(ops) / sizeof(*ops)); k++)
            if (!strncmp(text + i, ops[k].text, strlen(ops[k].text))) {
                *at = i;
                return k;
            }
    }
    return -1;
}

static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return xstrndup(s, n);
}

int run_cond_parse(const char *text, struct run_cond *c, char *err, size_t errlen)
{
    size_t at;
    int k = find_op(text, &at);
    memset(c, 0, sizeof(*c));
    if (k < 0)
        return error_text(err, errlen, "condition '%s' has no operator; write KEY OP VALUE with OP "
                          "one of == != < <= > >= ~", text);
    c->key = trimmed(text, at);
    c->op = ops[k].op;
    char *value = trimmed(text + at + strlen(ops[k].text), strlen(text + at + strlen(ops[k].text)));
    if (!*c->key || !*value) {
        free(value);
        run_cond_release(c);
        return error_text(err, errlen, "condition '%s' needs a key and a value (KEY OP VALUE)", text);
    }
    c->value = c->op == COND_MATCH ? cJSON_CreateString(value) : pyliteral_parse_lenient(value);
    free(value);
    return 0;
}

void run_cond_release(struct run_cond *c)
{
    free(c->key);
    cJSON_Delete(c->value);
    memset(c, 0, sizeof(*c));
}

static int regex_match(const char *pattern, const char *text, char *err, size_t errlen)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code,
                                   &off, NULL);
    if (!re)
        return error_text(err, errlen, "bad regular expression '%s' in a condition", pattern);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0;
}

int run_cond_match(struct run_row *row, const struct run_cond *c, char *err, size_t errlen)
{
    err[0] = '\0';
    const cJSON *v = run_value(row, c->key, err, errlen);
    if (!v)
        return *err ? -1 : c->op == COND_NE;
    if (c->op == COND_MATCH) {
        char *text = run_value_text(v);
        int m = regex_match(c->value->valuestring, text, err, errlen);
        free(text);
        return m;
    }
    if (c->op == COND_EQ || c->op == COND_NE) {
        int eq = kind(v) == kind(c->value) && run_value_cmp(v, c->value) == 0;
        return c->op == COND_EQ ? eq : !eq;
    }
    if (kind(v) != kind(c->value) || kind(v) > 1)
        return 0; /* an order between a number and a text: never true */
    int cmp = run_value_cmp(v, c->value);
    return c->op == COND_LT ? cmp < 0 : c->op == COND_LE ? cmp <= 0 : c->op == COND_GT ? cmp > 0
                                                                                   : cmp >= 0;
}

/* --- filters, order ---------------------------------------------------------------------- */

static int any_equal(const char *s, const char **list, size_t n, int glob)
{
    for (size_t i = 0; i < n; i++)
        if (glob ? fnmatch(list[i], s, 0) == 0 : !strcmp(s, list[i]))
            return 1;
    return 0;
}

static int has_tags(const cJSON *tags, const char **want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (const cJSON *t = cJSON_IsArray(tags) ? tags->child : NULL; t && !found; t = t->next)
            found = cJSON_IsString(t) && !strcmp(t->valuestring, want[i]);
        if (!found)
            return 0;
    }
    return 1;
}

/* 1 when row passes f, 0 when not, -1 with err. */
static int passes(struct run_row *row, const struct run_filter *f, char *err, size_t errlen)
{
    const cJSON *name = json_get_dotted(row->doc.run, "experiment.name");
    if (f->nstatus && !any_equal(row->status, f->status, f->nstatus, 0))
        return 0;
    if (f->nname && !(cJSON_IsString(name) && any_equal(name->valuestring, f->name, f->nname, 1)))
        return 0;
    if (f->ntag && !has_tags(json_get_dotted(row->doc.run, "omniboard.tags"), f->tag, f->ntag))
        return 0;
    const cJSON *sweep = json_get_dotted(row->doc.run, "meta.sweep.id");
    if (f->sweep && !(cJSON_IsString(sweep) && !strcmp(sweep->valuestring, f->sweep)))
        return 0;
    if ((!isnan(f->since) && !(row->start >= f->since)) || (!isnan(f->until) && !(row->start <= f->until)))
        return 0;
    for (size_t i = 0; i < f->nwhere; i++) {
        int m = run_cond_match(row, &f->where[i], err, errlen);
        if (m <= 0)
            return m;
    }
    return 1;
}

int runs_filter(struct run_set *set, const struct run_filter *f, char *err, size_t errlen)
{
    size_t kept = 0;
    for (size_t i = 0; i < set->n; i++) {
        int p = passes(&set->rows[i], f, err, errlen);
        if (p < 0)
            return -1;
        if (p)
            set->rows[kept++] = set->rows[i];
        else
            run_row_release(&set->rows[i]);
    }
    set->n = kept;
    return 0;
}

static const char *sort_key;
static int sort_desc;

static int by_key(const void *a, const void *b)
{
    struct run_row *x = (struct run_row *)a, *y = (struct run_row *)b;
    char err[8];
    const cJSON *vx = run_value(x, sort_key, err, sizeof(err));
    const cJSON *vy = run_value(y, sort_key, err, sizeof(err));
    if (!vx || !vy)
        return !vx && !vy ? 0 : !vx ? 1 : -1;
    int c = run_value_cmp(vx, vy);
    return sort_desc ? -c : c;
}

int runs_sort(struct run_set *set, const char *key, char *err, size_t errlen)
{
    sort_desc = key[0] == '-';
    sort_key = key + sort_desc;
    err[0] = '\0';
    for (size_t i = 0; i < set->n; i++) /* fills the caches; fails on a malformed key */
        if (!run_value(&set->rows[i], sort_key, err, errlen) && *err)
            return -1;
    /* Stable: runs are in id order, and equal keys keep it (a merge of one-element runs). */
    struct run_row *tmp = xcalloc(set->n ? set->n : 1, sizeof(*tmp));
    for (size_t width = 1; width < set->n; width *= 2) {
        for (size_t lo = 0; lo < set->n; lo += 2 * width) {
            size_t mid = lo + width < set->n ? lo + width : set->n;
            size_t hi = lo + 2 * width < set->n ? lo + 2 * width : set->n, i = lo, j = mid, k = lo;
            while (i < mid || j < hi)
                tmp[k++] = j >= hi || (i < mid && by_key(&set->rows[i], &set->rows[j]) <= 0)
                               ? set->rows[i++] : set->rows[j++];
        }
        memcpy(set->rows, tmp, set->n * sizeof(*tmp));
    }
    free(tmp);
    return 0;
}

void runs_keep_last(struct run_set *set, size_t n)
{
    if (n >= set->n)
        return;
    size_t drop = set->n - n;
    for (size_t i = 0; i < drop; i++)
        run_row_release(&set->rows[i]);
    memmove(set->rows, set->rows + drop, n * sizeof(*set->rows));
    set->n = n;
}

/* --- differing config -------------------------------------------------------------------- */

/* Adds the dotted leaf keys of obj (prefix "a.b.") to keys, once each. */
static void leaf_keys(const cJSON *obj, const char *prefix, cJSON *keys)
{
    for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next) {
        char *key = xasprintf("%s%s", prefix, c->string);
        if (cJSON_IsObject(c) && c->child) {
            char *deeper = xasprintf("%s.", key);
            leaf_keys(c, deeper, keys);
            free(deeper);
        } else if (!cJSON_HasObjectItem(keys, key))
            cJSON_AddNullToObject(keys, key);
        free(key);
    }
}

static int by_text(const void *a, const void *b)
{
    return utf8_cmp(*(const char *const *)a, *(const char *const *)b);
}

cJSON *runs_config_keys(const struct run_set *set)
{
    cJSON *keys = cJSON_CreateObject(), *out = cJSON_CreateArray();
    for (size_t i = 0; i < set->n; i++)
        leaf_keys(set->rows[i].doc.config, "", keys);
    size_t n = (size_t)cJSON_GetArraySize(keys), k = 0;
    const char **names = xcalloc(n ? n : 1, sizeof(*names));
    for (const cJSON *c = keys->child; c; c = c->next)
        names[k++] = c->string;
    qsort(names, k, sizeof(*names), by_text);
    for (size_t i = 0; i < k; i++)
        cJSON_AddItemToArray(out, cJSON_CreateString(names[i]));
    free(names);
    cJSON_Delete(keys);
    return out;
}

cJSON *runs_differing_config(const struct run_set *set)
{
    cJSON *keys = runs_config_keys(set), *out = cJSON_CreateArray();
    for (const cJSON *c = set->n < 2 ? NULL : keys->child; c; c = c->next) {
        const cJSON *first = json_get_dotted(set->rows[0].doc.config, c->valuestring);
        int differs = 0;
        for (size_t i = 1; i < set->n && !differs; i++) {
            const cJSON *v = json_get_dotted(set->rows[i].doc.config, c->valuestring);
            differs = !first || !v ? first != v : !cJSON_Compare(first, v, 1);
        }
        if (differs)
            cJSON_AddItemToArray(out, cJSON_CreateString(c->valuestring));
    }
    cJSON_Delete(keys);
    return out;
}

/* --- time bounds -------------------------------------------------------------------------- */

int parse_time_bound(const char *text, double *t, char *err, size_t errlen)
{
    static const struct { char unit; double secs; } units[] = {
        { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 },
    };
    char *end;
    double n = strtod(text, &end);
    if (end != text && n >= 0 && end[0] && !end[1])
        for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++)
            if (end[0] == units[i].unit) {
                *t = now_seconds() - n * units[i].secs;
                return 0;
            }
    if (time_iso_parse(text, t) == 0)
        return 0;
    return error_text(err, errlen, "cannot read time '%s': give a UTC date or date-time "
                      "(2026-12-03, 2026-12-03T14:00) or an age (30m, 2h, 7d)", text);
}

int runs_load_sweep(const char *storage, const char *id, struct run_set *set, cJSON **keys,
                    char *err, size_t errlen)
{
    cJSON *doc = sweep_load(storage, id, err, errlen);
    if (!doc)
        return -1;
    *keys = cJSON_CreateArray();
    const cJSON *axes = cJSON_GetObjectItemCaseSensitive(doc, "axes");
    for (const cJSON *a = axes ? axes->child : NULL; a; a = a->next) {
        const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "key"));
        if (key)
            cJSON_AddItemToArray(*keys, cJSON_CreateString(key));
    }
    cJSON_Delete(doc);
    struct run_filter f = { .since = NAN, .until = NAN, .sweep = id };
    if (runs_load(storage, set, err, errlen) < 0)
        goto fail;
    if (runs_filter(set, &f, err, errlen) < 0 || runs_sort(set, "point", err, errlen) < 0) {
        runs_release(set);
        goto fail;
    }
    return 0;
fail:
    cJSON_Delete(*keys);
    *keys = NULL;
    return -1;
}
