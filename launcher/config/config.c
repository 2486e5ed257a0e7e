/* config.c: resolving the configuration. Every failure is a one-line reason for status
 * 125 before anything runs; without updates the program's argv is left exactly as given. */
#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "config/config_file.h"
#include "config/pyliteral.h"
#include "json/json.h"
#include "util/error.h"
#include "util/nameindex.h"
#include "util/strbuf.h"

cJSON *config_get(const cJSON *tree, const char *path)
{
    char *copy = xstrdup(path), *save = NULL;
    const cJSON *cur = tree;
    for (char *part = strtok_r(copy, ".", &save); part && cur; part = strtok_r(NULL, ".", &save))
        cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, part) : NULL;
    free(copy);
    return (cJSON *)cur;
}

char *config_text(const cJSON *v)
{
    struct strbuf sb = STRBUF_INIT;
    if (cJSON_IsString(v))
        strbuf_addstr(&sb, v->valuestring);
    else if (!cJSON_IsNull(v))
        json_print_compact(&sb, v);
    strbuf_grow(&sb, 0);
    return strbuf_detach(&sb);
}

/* Records where key's value came from: "option --lr", "file a.yaml", "update lr=1". */
static void set_origin(struct config *c, const char *key, const char *what, const char *detail)
{
    char *text = xasprintf("%s %s", what, detail);
    json_index_set(&c->ix, c->origins, key, cJSON_CreateString(text));
    free(text);
}

static int seed_ok(const cJSON *seed);

/* --name VALUE, --name=VALUE, --flag, --no-flag: the program's options as the base. */
static void read_options(struct config *c, char *const *argv)
{
    size_t cap = 0;
    for (int i = 1; argv[i] && strcmp(argv[i], "--"); i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) || !isalpha((unsigned char)a[2]))
            continue;
        const char *eq = strchr(a, '='), *next = argv[i + 1];
        int has_value = eq || (next && (next[0] != '-' || isdigit((unsigned char)next[1])
                                        || next[1] == '.'));
        struct argv_option o = { i, eq || !has_value ? -1 : i + 1, NULL, NULL, !has_value };
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        int negated = o.is_flag && !strncmp(a + 2, "no-", 3) && len > 3;
        o.name = xstrndup(a + 2 + (negated ? 3 : 0), len - (negated ? 3 : 0));
        o.key = xstrdup(o.name);
        for (char *k = o.key; *k; k++)
            if (*k == '-')
                *k = '_';
        cJSON *v = o.is_flag ? cJSON_CreateBool(!negated)
                             : pyliteral_parse_lenient(eq ? eq + 1 : next);
        if (!strcmp(o.key, "seed") && !seed_ok(v)) { /* the program's own, not Sacred's */
            free(c->seed_note);
            c->seed_note = xasprintf("the program's option '%s%s%s' is no Sacred seed (an integer from 0 "
                                     "to 2**32 - 1): it goes to the program as given, and the run's "
                                     "seed is drawn at random", a, eq ? "" : " ", eq ? "" : next);
            cJSON_Delete(v);
            free(o.name);
            free(o.key);
            i += o.value_index > 0;
            continue;
        }
        if (json_index_set_dotted(&c->ix, c->tree, o.key, v) < 0) /* "--a..b": kept, not nested */
            json_index_set(&c->ix, c->tree, o.key, cJSON_CreateString(a));
        set_origin(c, o.key, "option", a);
        if (c->nopts == cap)
            c->opts = xrealloc(c->opts, (cap = cap ? 2 * cap : 16) * sizeof(*c->opts));
        c->opts[c->nopts++] = o;
        if (o.value_index > 0)
            i++;
    }
}

static int is_ident_char(char ch, int first)
{
    return isalpha((unsigned char)ch) || ch == '_' || (!first && isdigit((unsigned char)ch));
}

/* Length of a placeholder "{a.b}" at s, or 0. */
static size_t placeholder_at(const char *s)
{
    size_t i = 1;
    if (s[0] != '{' || !is_ident_char(s[1], 1))
        return 0;
    while (is_ident_char(s[i], 0) || (s[i] == '.' && is_ident_char(s[i + 1], 1)))
        i++;
    return s[i] == '}' ? i + 1 : 0;
}

static void read_placeholders(struct config *c, char *const *argv)
{
    for (int i = 1; argv[i]; i++)
        for (const char *p = argv[i]; *p; p++) {
            size_t n;
            if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}'))
                p++;
            else if ((n = placeholder_at(p))) {
                char *key = xstrndup(p + 1, n - 2);
                if (!json_index_get_path(&c->ix, c->tree, key))
                    set_origin(c, key, "placeholder", key);
                free(key);
                p += n - 1;
            }
        }
}

/* Merges src into dst: objects recursively, everything else replaced. */
static void merge(struct json_index *ix, cJSON *dst, const cJSON *src)
{
    for (const cJSON *s = src->child; s; s = s->next) {
        cJSON *d = json_index_get(ix, dst, s->string);
        if (d && cJSON_IsObject(d) && cJSON_IsObject(s))
            merge(ix, d, s);
        else
            json_index_set(ix, dst, s->string, cJSON_Duplicate(s, 1));
    }
}

static void note_origins(struct config *c, const cJSON *tree, const char *prefix, const char *file)
{
    for (const cJSON *s = tree->child; s; s = s->next) {
        char *key = *prefix ? xasprintf("%s.%s", prefix, s->string) : xstrdup(s->string);
        set_origin(c, key, "file", file);
        if (cJSON_IsObject(s) && s->child)
            note_origins(c, s, key, file);
        free(key);
    }
}

static int load_file(struct config *c, const char *word, char *err, size_t errlen)
{
    if (access(word, F_OK) < 0 || !config_file_kind(word))
        return error_text(err, errlen, "'%s' after 'with' is neither KEY=VALUE nor a .json/.yaml/.yml "
                    "file; named configs need a Python experiment", word);
    cJSON *tree = config_file_load(word, err, errlen);
    if (!tree)
        return -1;
    merge(&c->ix, c->tree, tree);
    note_origins(c, tree, "", word);
    cJSON_Delete(tree);
    cJSON_AddItemToArray(c->named, cJSON_CreateString(word));
    return 0;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(b), *row = xcalloc(n + 1, sizeof(*row));
    for (size_t j = 0; j <= n; j++)
        row[j] = j;
    for (size_t i = 1; a[i - 1]; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= n; j++) {
            size_t cur = row[j];
            size_t best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    size_t d = row[n];
    free(row);
    return d;
}

static const char *nearest_key(const cJSON *origins, const char *key)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (const cJSON *o = origins->child; o; o = o->next) {
        size_t d = edit_distance(key, o->string);
        if (d < bestd) {
            bestd = d;
            best = o->string;
        }
    }
    return best;
}

static int env_style(const char *key)
{
    int upper = 0;
    for (const char *p = key; *p; p++) {
        if (islower((unsigned char)*p) || !is_ident_char(*p, p == key))
            return 0;
        upper |= isupper((unsigned char)*p);
    }
    return upper;
}

/* The first option of that key, found by the index of the options' keys. */
static const struct argv_option *option_for(const struct config *c, const struct name_index *keys,
                                            const char *key)
{
    long i = name_index_get(keys, key, strlen(key));
    return i < 0 ? NULL : &c->opts[i];
}

/* What updates are checked against. */
struct known {
    cJSON *given;           /* the options alone (to tell which ones the updates change) */
    cJSON *tree;            /* the options and the files */
    struct name_index opts; /* the options by key */
};

/* KEY=VALUE: checked against what defines keys, then set. */
static int apply_update(struct config *c, const char *word, const struct known *known, int force,
                        char *err, size_t errlen)
{
    const char *eq = strchr(word, '=');
    char *key = xstrndup(word, (size_t)(eq - word)), *ke = key + strlen(key);
    char *k = key;
    while (isspace((unsigned char)*k))
        k++;
    while (ke > k && isspace((unsigned char)ke[-1]))
        *--ke = '\0';
    int rc = -1;
    cJSON *v = NULL;
    if (!*k || k[0] == '.' || ke[-1] == '.' || strstr(k, "..")) {
        error_text(err, errlen, "malformed update '%s': the key before '=' is missing or malformed", word);
        goto out;
    }
    if (!(v = pyliteral_parse(eq + 1, err, errlen))) {
        char why[256];
        snprintf(why, sizeof(why), "%s", err);
        error_text(err, errlen, "malformed update '%s': %s", word, why);
        goto out;
    }
    const struct argv_option *o = option_for(c, &known->opts, k);
    if (o && o->is_flag && !cJSON_IsBool(v)) {
        error_text(err, errlen, "update '%s' does not fit: --%s is an on/off option; use true or false", word, o->name);
        goto out;
    }
    if (!force && !json_index_get_path(&c->ix, known->tree, k)
        && !json_index_get_path(&c->ix, c->origins, k) && strcmp(k, "seed")
        && !env_style(k)) {
        const char *near = nearest_key(c->origins, k);
        error_text(err, errlen, "unknown configuration key '%s': no program option, placeholder or "
             "config file defines it%s%s%s; use -f to add it anyway", k, near ? " (did you mean '" : "",
             near ? near : "", near ? "'?)" : "");
        goto out;
    }
    json_index_set_dotted(&c->ix, c->updates, k, cJSON_Duplicate(v, 1));
    if (json_index_set_dotted(&c->ix, c->tree, k, v) < 0) {
        v = NULL;
        error_text(err, errlen, "update '%s' sets a key inside a value that is not a dict", word);
        goto out;
    }
    v = NULL;
    set_origin(c, k, "update", word);
    rc = 0;
out:
    cJSON_Delete(v);
    free(key);
    return rc;
}

/* The files are read first; updates are checked against what options and files define. */
static int apply_with(struct config *c, char *const *words, struct known *known, int force,
                      char *err, size_t errlen)
{
    for (size_t i = 0; words && words[i]; i++) {
        cJSON_AddItemToArray(c->words, cJSON_CreateString(words[i]));
        if (*words[i] && !strchr(words[i], '=') && load_file(c, words[i], err, errlen) < 0)
            return -1;
    }
    known->tree = cJSON_Duplicate(c->tree, 1);
    for (size_t i = 0; i < c->nopts; i++)
        if (name_index_get(&known->opts, c->opts[i].key, strlen(c->opts[i].key)) < 0)
            name_index_put(&known->opts, c->opts[i].key, i);
    for (size_t i = 0; words && words[i]; i++)
        if (strchr(words[i], '=') && apply_update(c, words[i], known, force, err, errlen) < 0)
            return -1;
    return 0;
}

static void add_seed(struct config *c)
{
    if (json_index_get(&c->ix, c->tree, "seed"))
        return;
    unsigned int r = 0;
    if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
        r = (unsigned int)getpid() * 2654435761u;
    json_index_set(&c->ix, c->tree, "seed", json_int(1 + (long long)(r % 1000000000u)));
    set_origin(c, "seed", "random", "seed");
}

/* An option whose value the configuration changed gets the new value in place. */
static int rewrite_options(struct config *c, const cJSON *given, char *err, size_t errlen)
{
    for (size_t i = 0; i < c->nopts; i++) {
        const struct argv_option *o = &c->opts[i];
        const cJSON *now = json_index_get_path(&c->ix, c->tree, o->key);
        const cJSON *was = json_index_get_path(&c->ix, given, o->key);
        if (!now || json_index_equal(&c->ix, now, was))
            continue;
        if (o->is_flag && !cJSON_IsBool(now))
            return error_text(err, errlen, "'%s' does not fit: --%s is an on/off option", o->key, o->name);
        char *text = config_text(now), **slot = &c->argv[o->value_index > 0 ? o->value_index : o->index];
        free(*slot);
        if (o->is_flag)
            *slot = xasprintf("--%s%s", cJSON_IsTrue(now) ? "" : "no-", o->name);
        else if (o->value_index > 0)
            *slot = xstrdup(text);
        else
            *slot = xasprintf("--%s=%s", o->name, text);
        free(text);
    }
    return 0;
}

/* {key} becomes the key's value; {{ and }} become { and }. */
static char *fill(struct config *c, const char *arg, char *err, size_t errlen)
{
    struct strbuf sb = STRBUF_INIT;
    for (const char *p = arg; *p; p++) {
        size_t n;
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            strbuf_addch(&sb, *p++);
        } else if ((n = placeholder_at(p))) {
            char *key = xstrndup(p + 1, n - 2);
            const cJSON *v = json_index_get_path(&c->ix, c->tree, key);
            if (!v) {
                error_text(err, errlen, "placeholder {%s} has no value; set it with 'with %s=...' or "
                     "write {{%s}} for literal braces", key, key, key);
                free(key);
                strbuf_release(&sb);
                return NULL;
            }
            char *text = config_text(v);
            strbuf_addstr(&sb, text);
            free(text);
            free(key);
            p += n - 1;
        } else
            strbuf_addch(&sb, *p);
    }
    strbuf_grow(&sb, 0);
    return strbuf_detach(&sb);
}

static void add_env(struct config *c, size_t *cap, const cJSON *tree, const char *prefix)
{
    for (const cJSON *s = tree->child; s; s = s->next) {
        char *name = *prefix ? xasprintf("%s_%s", prefix, s->string) : xstrdup(s->string);
        int ok = *name != '\0';
        for (const char *p = name; *p && ok; p++)
            ok = is_ident_char(*p, p == name);
        if (ok) {
            char *text = config_text(s);
            if (c->nenv + 2 > *cap)
                c->env = xrealloc(c->env, (*cap = 2 * *cap + 16) * sizeof(*c->env));
            c->env[c->nenv++] = xasprintf("%s=%s", name, text);
            c->env[c->nenv] = NULL;
            free(text);
            if (cJSON_IsObject(s))
                add_env(c, cap, s, name);
        }
        free(name);
    }
}

/* Sacred passes the seed to numpy's RandomState, which takes integers 0 to 2**32 - 1. */
static int seed_ok(const cJSON *seed)
{
    char *end = NULL;
    unsigned long long v = 0;
    if (cJSON_IsRaw(seed) && seed->valuestring[0] != '-') {
        errno = 0;
        v = strtoull(seed->valuestring, &end, 10);
    }
    return end && !*end && !errno && v <= 0xffffffffu;
}

static int check_seed(struct config *c, char *err, size_t errlen)
{
    const cJSON *seed = json_index_get(&c->ix, c->tree, "seed");
    if (!seed || seed_ok(seed))
        return 0;
    char *text = config_text(seed);
    const cJSON *from = json_index_get(&c->ix, c->origins, "seed");
    error_text(err, errlen, "seed '%.64s'%s%s%s is not an integer from 0 to 4294967295 (2**32 - 1), "
               "as Sacred takes it", text, from ? " (" : "", from ? from->valuestring : "", from ? ")" : "");
    free(text);
    return -1;
}

/* The steps after reading the options; -1 with err on the first that fails. */
static int resolve_steps(struct config *c, char *const *prog_argv, char *const *with_words,
                         int force, struct known *known, char *err, size_t errlen)
{
    read_placeholders(c, prog_argv);
    if (apply_with(c, with_words, known, force, err, errlen) < 0 || check_seed(c, err, errlen) < 0)
        return -1;
    int seed_given = json_index_get(&c->ix, c->tree, "seed") != NULL;
    add_seed(c);
    if (!json_index_get(&c->ix, c->base, "seed")) /* seed is always there: unmarked, or modified if set */
        json_index_set(&c->ix, c->base, "seed", seed_given ? cJSON_CreateNull()
                       : cJSON_Duplicate(json_index_get(&c->ix, c->tree, "seed"), 1));
    if (rewrite_options(c, known->given, err, errlen) < 0)
        return -1;
    for (size_t i = 1; c->argv[i]; i++) {
        char *filled = fill(c, c->argv[i], err, errlen);
        if (!filled)
            return -1;
        free(c->argv[i]);
        c->argv[i] = filled;
    }
    size_t cap = 1;
    add_env(c, &cap, c->tree, "");
    return 0;
}

int config_resolve(struct config *c, char *const *prog_argv, char *const *with_words,
                   int with, int force, char *err, size_t errlen)
{
    memset(c, 0, sizeof(*c));
    c->tree = cJSON_CreateObject();
    c->origins = cJSON_CreateObject();
    c->updates = cJSON_CreateObject();
    c->named = cJSON_CreateArray();
    c->words = cJSON_CreateArray();
    c->with = with;
    c->env = xcalloc(1, sizeof(*c->env));
    size_t argc = 0;
    while (prog_argv[argc])
        argc++;
    c->argv = xcalloc(argc + 1, sizeof(*c->argv));
    for (size_t i = 0; i < argc; i++)
        c->argv[i] = xstrdup(prog_argv[i]);
    read_options(c, prog_argv);
    struct known known = { cJSON_Duplicate(c->tree, 1), NULL, { NULL, 0, 0 } };
    c->base = cJSON_Duplicate(c->tree, 1); /* the program's own defaults, for print_config */
    int rc = resolve_steps(c, prog_argv, with_words, force, &known, err, errlen);
    json_index_release(&c->ix); /* before the trees it covered go */
    cJSON_Delete(known.given);
    cJSON_Delete(known.tree);
    name_index_release(&known.opts);
    return rc;
}

void config_release(struct config *c)
{
    cJSON_Delete(c->tree);
    cJSON_Delete(c->base);
    cJSON_Delete(c->origins);
    free(c->seed_note);
    cJSON_Delete(c->updates);
    cJSON_Delete(c->named);
    cJSON_Delete(c->words);
    for (size_t i = 0; i < c->nopts; i++) {
        free(c->opts[i].name);
        free(c->opts[i].key);
    }
    free(c->opts);
    for (char **a = c->argv; a && *a; a++)
        free(*a);
    free(c->argv);
    for (char **e = c->env; e && *e; e++)
        free(*e);
    free(c->env);
    memset(c, 0, sizeof(*c));
}
