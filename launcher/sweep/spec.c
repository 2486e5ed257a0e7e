/* spec.c: the sweep syntax. Strict: every word is a fixed update, a grid axis, a
 * distribution or a configuration file, and anything else is a one-line error before
 * anything runs. Values are split at the commas outside brackets and quotes, so a list
 * [1,2] or a string 'a,b' is one value. */
#include "sweep/spec.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/pyliteral.h"
#include "json/json.h"
#include "util/error.h"

static const char *const kind_names[] = { "grid", "uniform", "loguniform", "randint", "choice" };

static void push(char ***v, size_t *n, const char *s, size_t len)
{
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = xstrndup(s, len);
}

/* Splits text at its top-level commas into values. -1 with err on an empty value or an
 * unclosed bracket or quote. */
static int split_values(const char *text, const char *word, char ***vals, size_t *n, char *err,
                        size_t errlen)
{
    int depth = 0;
    char quote = 0;
    const char *start = text;
    for (const char *p = text;; p++) {
        if (quote && *p == '\\' && p[1])
            p++;
        else if (quote && *p == quote)
            quote = 0;
        else if (!quote && (*p == '\'' || *p == '"') && (p == start || depth))
            quote = *p; /* a string starts a value, or stands in a list or dict */
        else if (!quote && strchr("([{", *p) && *p)
            depth++;
        else if (!quote && strchr(")]}", *p) && *p)
            depth--;
        else if (!*p || (*p == ',' && !depth && !quote)) {
            if (!*p && (depth || quote))
                return error_text(err, errlen, "'%s': unclosed %s", word, quote ? "quote" : "bracket");
            if (p == start)
                return error_text(err, errlen, "'%s': an empty value; write KEY=V1,V2,... with a value "
                                  "between every two commas", word);
            push(vals, n, start, (size_t)(p - start));
            if (!*p)
                return 0;
            start = p + 1;
        }
    }
}

/* A value text must be one "with" value (what a run would accept after KEY=). */
static cJSON *value_of(const char *text, const char *word, char *err, size_t errlen)
{
    char why[256];
    cJSON *v = pyliteral_parse(text, why, sizeof(why));
    if (!v)
        error_text(err, errlen, "'%s': malformed value '%s': %s", word, text, why);
    return v;
}

static int number_arg(const char *text, const char *word, int integer, double *out, char *err,
                      size_t errlen)
{
    cJSON *v = value_of(text, word, err, errlen);
    if (!v)
        return -1;
    int ok = cJSON_IsRaw(v) || (cJSON_IsNumber(v) && !integer);
    *out = cJSON_IsRaw(v) ? strtod(v->valuestring, NULL) : v->valuedouble;
    cJSON_Delete(v);
    if (!ok || !isfinite(*out))
        return error_text(err, errlen, "'%s': '%s' is not %s", word, text, integer ? "a whole number" : "a number");
    return 0;
}

/* NAME(ARGS) at value: the distribution's kind and its arguments' text, or 0 when value is
 * no call. -1 with err for an unknown name. */
static int call_at(const char *value, const char *word, char **args, char *err, size_t errlen)
{
    size_t n = 0;
    while (isalnum((unsigned char)value[n]) || value[n] == '_')
        n++;
    size_t len = strlen(value);
    if (!n || isdigit((unsigned char)value[0]) || value[n] != '(' || value[len - 1] != ')')
        return 0;
    for (int k = AXIS_UNIFORM; k <= AXIS_CHOICE; k++)
        if (strlen(kind_names[k]) == n && !strncmp(value, kind_names[k], n)) {
            *args = xstrndup(value + n + 1, len - n - 2);
            return k;
        }
    return error_text(err, errlen, "'%s': unknown distribution '%.*s'; use uniform(a,b), loguniform(a,b), "
                      "randint(a,b) or choice(V1,V2,...)", word, (int)n, value);
}

static int check_bounds(struct axis *ax, const char *word, char *err, size_t errlen)
{
    if (ax->nvalues != 2)
        return error_text(err, errlen, "'%s': %s takes two bounds, (a,b)", word, kind_names[ax->kind]);
    int integer = ax->kind == AXIS_RANDINT;
    if (number_arg(ax->values[0], word, integer, &ax->a, err, errlen) < 0
        || number_arg(ax->values[1], word, integer, &ax->b, err, errlen) < 0)
        return -1;
    if (integer ? ax->a > ax->b : ax->a >= ax->b)
        return error_text(err, errlen, "'%s': the bounds are swapped; write %s(a,b) with a %s b", word,
                          kind_names[ax->kind], integer ? "<=" : "<");
    if (ax->kind == AXIS_LOGUNIFORM && ax->a <= 0)
        return error_text(err, errlen, "'%s': loguniform needs bounds above 0", word);
    return 0;
}

/* The values of a grid or choice axis must each be a "with" value. */
static int check_values(const struct axis *ax, const char *word, char *err, size_t errlen)
{
    for (size_t i = 0; i < ax->nvalues; i++) {
        cJSON *v = value_of(ax->values[i], word, err, errlen);
        if (!v)
            return -1;
        cJSON_Delete(v);
    }
    return 0;
}

/* KEY=... as an axis in ax (0), a fixed update (1), or -1 with err. */
static int parse_axis(struct axis *ax, const char *word, int random, char *err, size_t errlen)
{
    const char *eq = strchr(word, '='), *value = eq + 1;
    char *args = NULL;
    memset(ax, 0, sizeof(*ax));
    int kind = call_at(value, word, &args, err, errlen);
    if (kind < 0)
        return -1;
    ax->key = xstrndup(word, (size_t)(eq - word));
    ax->kind = (enum axis_kind)kind;
    int rc = split_values(kind ? args : value, word, &ax->values, &ax->nvalues, err, errlen);
    free(args);
    if (rc < 0)
        return -1;
    if (kind == AXIS_UNIFORM || kind == AXIS_LOGUNIFORM || kind == AXIS_RANDINT ? check_bounds(ax, word, err, errlen) < 0
                                                                                : check_values(ax, word, err, errlen) < 0)
        return -1;
    if (kind && !random)
        return error_text(err, errlen, "'%s': %s samples values; give --random N", word, kind_names[kind]);
    return kind == AXIS_GRID && ax->nvalues == 1;
}

static void axis_release(struct axis *ax)
{
    for (size_t i = 0; i < ax->nvalues; i++)
        free(ax->values[i]);
    free(ax->values);
    free(ax->key);
}

static int key_taken(const struct sweep_spec *s, const char *word)
{
    size_t n = strcspn(word, "=");
    for (size_t i = 0; i < s->naxes; i++)
        if (strlen(s->axes[i].key) == n && !strncmp(s->axes[i].key, word, n))
            return 1;
    for (size_t i = 0; i < s->nfixed; i++)
        if (strchr(s->fixed[i], '=') && strcspn(s->fixed[i], "=") == n && !strncmp(s->fixed[i], word, n))
            return 1;
    return 0;
}

int spec_parse(struct sweep_spec *s, char *const *words, int random, char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    for (; *words; words++) {
        const char *w = *words;
        if (w[0] == '-' && w[1])
            return error_text(err, errlen, "'%s' after 'with': in a sweep, options go before the program", w);
        if (!strchr(w, '=')) {
            push(&s->fixed, &s->nfixed, w, strlen(w));
            continue;
        }
        if (key_taken(s, w))
            return error_text(err, errlen, "'%s': the key is given twice", w);
        struct axis ax;
        int r = parse_axis(&ax, w, random, err, errlen);
        if (r < 0) {
            axis_release(&ax);
            return -1;
        }
        if (r) {
            axis_release(&ax);
            push(&s->fixed, &s->nfixed, w, strlen(w));
            continue;
        }
        s->axes = xrealloc(s->axes, (s->naxes + 1) * sizeof(*s->axes));
        s->axes[s->naxes++] = ax;
    }
    return 0;
}

void spec_release(struct sweep_spec *s)
{
    for (size_t i = 0; i < s->naxes; i++)
        axis_release(&s->axes[i]);
    free(s->axes);
    for (size_t i = 0; i < s->nfixed; i++)
        free(s->fixed[i]);
    free(s->fixed);
    memset(s, 0, sizeof(*s));
}

static cJSON *parsed_values(const struct axis *ax)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < ax->nvalues; i++)
        cJSON_AddItemToArray(list, pyliteral_parse_lenient(ax->values[i]));
    return list;
}

cJSON *spec_axes_json(const struct sweep_spec *s)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < s->naxes; i++) {
        const struct axis *ax = &s->axes[i];
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "key", ax->key);
        if (ax->kind == AXIS_GRID)
            cJSON_AddItemToObject(a, "values", parsed_values(ax));
        else {
            cJSON_AddStringToObject(a, "distribution", kind_names[ax->kind]);
            cJSON_AddItemToObject(a, "args", parsed_values(ax));
        }
        cJSON_AddItemToArray(list, a);
    }
    return list;
}

size_t spec_grid_size(const struct sweep_spec *s, size_t limit)
{
    size_t n = 1;
    for (size_t i = 0; i < s->naxes; i++) {
        if (s->axes[i].nvalues && n > limit / s->axes[i].nvalues)
            return 0;
        n *= s->axes[i].nvalues;
    }
    return n;
}

/* splitmix64: a small, well-mixed generator; the same seed gives the same points anywhere. */
static double next_unit(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

/* The text of one sampled value of ax. */
static char *sample(const struct axis *ax, unsigned long long *state)
{
    double u = next_unit(state);
    char buf[32];
    switch (ax->kind) {
    case AXIS_UNIFORM:
        json_repr_double(ax->a + (ax->b - ax->a) * u, buf);
        return xstrdup(buf);
    case AXIS_LOGUNIFORM:
        json_repr_double(exp(log(ax->a) + (log(ax->b) - log(ax->a)) * u), buf);
        return xstrdup(buf);
    case AXIS_RANDINT:
        return xasprintf("%lld", (long long)ax->a + (long long)(u * (ax->b - ax->a + 1)));
    default: /* a grid axis samples its values like choice */
        return xstrdup(ax->values[(size_t)(u * (double)ax->nvalues)]);
    }
}

static void add_update(cJSON *point, const char *key, const char *text)
{
    char *word = xasprintf("%s=%s", key, text);
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(point, "updates"), cJSON_CreateString(word));
    cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(point, "axes"), key, pyliteral_parse_lenient(text));
    free(word);
}

static cJSON *new_point(size_t index)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToObject(p, "index", json_int((long long)index));
    cJSON_AddItemToObject(p, "updates", cJSON_CreateArray());
    cJSON_AddItemToObject(p, "axes", cJSON_CreateObject());
    cJSON_AddStringToObject(p, "state", "QUEUED");
    cJSON_AddNullToObject(p, "run_id");
    return p;
}

cJSON *spec_points(const struct sweep_spec *s, size_t random, unsigned long long seed)
{
    cJSON *points = cJSON_CreateArray();
    size_t n = random ? random : spec_grid_size(s, (size_t)-1);
    for (size_t i = 0; i < n; i++) {
        cJSON *p = new_point(i);
        size_t rest = i, stride = n;
        for (size_t k = 0; k < s->naxes; k++) {
            const struct axis *ax = &s->axes[k];
            if (random) {
                char *text = sample(ax, &seed);
                add_update(p, ax->key, text);
                free(text);
                continue;
            }
            stride /= ax->nvalues; /* the first axis varies slowest */
            add_update(p, ax->key, ax->values[rest / stride]);
            rest %= stride;
        }
        cJSON_AddItemToArray(points, p);
    }
    return points;
}
