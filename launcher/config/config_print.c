/* config_print.c: Sacred's print_config output. The layout rules (order, indentation,
 * padding of the doc column to 35) follow commands.py:_format_config. */
#include "config/config_print.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "json/json_index.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#define BLUE "\033[34m"
#define GREEN "\033[32m"
#define RED "\033[31m"
#define DIM "\033[2m"
#define RESET "\033[0m"

static void repr_string(struct strbuf *sb, const char *s)
{
    char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    strbuf_addch(sb, q);
    while (left) {
        uint32_t cp;
        size_t n = utf8_char(p, left, 0, &cp);
        if (cp == (uint32_t)q || cp == '\\')
            strbuf_addf(sb, "\\%c", (char)cp);
        else if (cp == '\n' || cp == '\r' || cp == '\t')
            strbuf_addstr(sb, cp == '\n' ? "\\n" : cp == '\r' ? "\\r" : "\\t");
        else if (cp < 0x20 || cp == 0x7f || (cp >= 0xDC80 && cp <= 0xDCFF))
            strbuf_addf(sb, cp > 0xff ? "\\udc%02x" : "\\x%02x", cp & 0xff);
        else
            strbuf_add(sb, p, n);
        p += n;
        left -= n;
    }
    strbuf_addch(sb, q);
}

static int by_key(const void *a, const void *b)
{
    return utf8_cmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* The children of an object, sorted by key (caller frees). */
static const cJSON **sorted(const cJSON *obj, size_t *n)
{
    *n = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        (*n)++;
    const cJSON **v = xcalloc(*n ? *n : 1, sizeof(*v));
    size_t i = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        v[i++] = c;
    qsort(v, *n, sizeof(*v), by_key);
    return v;
}

void config_repr(struct strbuf *sb, const cJSON *v)
{
    if (cJSON_IsString(v))
        repr_string(sb, v->valuestring);
    else if (cJSON_IsBool(v))
        strbuf_addstr(sb, cJSON_IsTrue(v) ? "True" : "False");
    else if (cJSON_IsNull(v))
        strbuf_addstr(sb, "None");
    else if (cJSON_IsNumber(v) && (isnan(v->valuedouble) || isinf(v->valuedouble)))
        strbuf_addstr(sb, isnan(v->valuedouble) ? "nan" : v->valuedouble > 0 ? "inf" : "-inf");
    else if (cJSON_IsArray(v)) {
        strbuf_addch(sb, '[');
        for (const cJSON *c = v->child; c; c = c->next) {
            config_repr(sb, c);
            if (c->next)
                strbuf_addstr(sb, ", ");
        }
        strbuf_addch(sb, ']');
    } else if (cJSON_IsObject(v)) {
        size_t n;
        const cJSON **kids = sorted(v, &n);
        strbuf_addch(sb, '{');
        for (size_t i = 0; i < n; i++) {
            repr_string(sb, kids[i]->string);
            strbuf_addstr(sb, ": ");
            config_repr(sb, kids[i]);
            if (i + 1 < n)
                strbuf_addstr(sb, ", ");
        }
        strbuf_addch(sb, '}');
        free(kids);
    } else
        json_print(sb, v); /* numbers: JSON text is Python's repr */
}

static int same_type(const cJSON *a, const cJSON *b)
{
    if (cJSON_IsNull(a))
        return 1; /* a change from None is not a type change (Sacred) */
    int na = cJSON_IsNumber(a) || cJSON_IsRaw(a), nb = cJSON_IsNumber(b) || cJSON_IsRaw(b);
    if (na && nb)
        return 1; /* int <-> float neither */
    return (cJSON_IsBool(a) && cJSON_IsBool(b)) || (a->type & 0xFF) == (b->type & 0xFF);
}

struct printer {
    FILE *out;
    const cJSON *origins; /* dotted key -> where it came from, or NULL */
    int colour;
    struct json_index ix; /* lookups in the trees, the base and the origins */
};

/* The colour of an entry: added, type-changed, modified, or none. */
static const char *colour_of(struct printer *pr, const cJSON *now, const cJSON *before)
{
    if (!before)
        return GREEN;
    if (!same_type(before, now))
        return RED;
    return json_index_equal(&pr->ix, now, before) ? NULL : BLUE;
}

static void emit(struct printer *pr, const char *colour, const char *line, const char *doc)
{
    struct strbuf sb = STRBUF_INIT;
    int use = pr->colour && colour;
    if (use)
        strbuf_addstr(&sb, colour);
    strbuf_addstr(&sb, line);
    if (doc) {
        size_t len = strlen(line);
        strbuf_addf(&sb, "%*s", len > 35 ? 4 : (int)(35 - len + 2), "");
        strbuf_addf(&sb, "%s# %s%s", pr->colour ? DIM : "", doc, pr->colour ? RESET : "");
    }
    if (use)
        strbuf_addstr(&sb, RESET);
    fprintf(pr->out, "%s\n", sb.buf);
    strbuf_release(&sb);
}

static void walk(struct printer *pr, const cJSON *obj, const cJSON *base, const char *prefix, int depth)
{
    size_t n;
    const cJSON **kids = sorted(obj, &n);
    for (int pass = 0; pass < 2; pass++) /* leaves first, then non-empty dicts, as Sacred */
        for (size_t i = 0; i < n; i++) {
            const cJSON *v = kids[i];
            int is_block = cJSON_IsObject(v) && v->child;
            if (is_block != pass)
                continue;
            const cJSON *b = base ? json_index_get(&pr->ix, base, v->string) : NULL;
            char *path = *prefix ? xasprintf("%s.%s", prefix, v->string) : xstrdup(v->string);
            const cJSON *doc = json_index_get(&pr->ix, pr->origins, path);
            struct strbuf line = STRBUF_INIT;
            strbuf_addf(&line, "%*s%s", 2 + 2 * depth, "", v->string);
            if (is_block) {
                strbuf_addch(&line, ':');
                emit(pr, !b ? GREEN : json_index_equal(&pr->ix, v, b) ? NULL : BLUE, line.buf,
                     doc ? doc->valuestring : NULL);
                walk(pr, v, b && cJSON_IsObject(b) ? b : NULL, path, depth + 1);
            } else {
                strbuf_addstr(&line, " = ");
                config_repr(&line, v);
                emit(pr, colour_of(pr, v, b), line.buf, doc ? doc->valuestring : NULL);
            }
            strbuf_release(&line);
            free(path);
        }
    free(kids);
}

void config_print(FILE *out, const struct config *c, int colour)
{
    struct printer pr = { out, c->origins, colour, JSON_INDEX_INIT };
    if (colour)
        fprintf(out, "Configuration (" BLUE "modified" RESET ", " GREEN "added" RESET ", " RED
                     "typechanged" RESET ", " DIM "doc" RESET "):\n");
    else
        fprintf(out, "Configuration (modified, added, typechanged, doc):\n");
    walk(&pr, c->tree, c->base, "", 0);
    json_index_release(&pr.ix);
}

void config_print_tree(FILE *out, const cJSON *tree, const cJSON *origins)
{
    struct printer pr = { out, origins, 0, JSON_INDEX_INIT };
    walk(&pr, tree, NULL, "", 0);
    json_index_release(&pr.ix);
}
