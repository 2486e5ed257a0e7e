/* json.c: Python-compatible JSON printing of cJSON trees, and writing them to files.
 * Layout must match json.dump(sort_keys=True, indent=2) byte for byte; never tabs, never
 * insertion order, never a trailing newline. */
#include "json/json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/fs.h"
#include "util/utf8.h"

void json_quote(struct strbuf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    strbuf_addch(out, '"');
    while (left) {
        size_t plain = 0; /* printable ASCII is copied as it is, in one piece */
        while (plain < left && p[plain] >= 0x20 && p[plain] <= 0x7E && p[plain] != '"' && p[plain] != '\\')
            plain++;
        strbuf_add(out, p, plain);
        p += plain;
        left -= plain;
        if (!left)
            break;
        uint32_t cp;
        size_t n = utf8_char(p, left, 0, &cp);
        p += n;
        left -= n;
        switch (cp) {
        case '"': strbuf_addstr(out, "\\\""); continue;
        case '\\': strbuf_addstr(out, "\\\\"); continue;
        case '\n': strbuf_addstr(out, "\\n"); continue;
        case '\r': strbuf_addstr(out, "\\r"); continue;
        case '\t': strbuf_addstr(out, "\\t"); continue;
        case '\b': strbuf_addstr(out, "\\b"); continue;
        case '\f': strbuf_addstr(out, "\\f"); continue;
        }
        if (cp >= 0x20 && cp <= 0x7E)
            strbuf_addch(out, (char)cp);
        else if (cp < 0x10000)
            strbuf_addf(out, "\\u%04x", cp);
        else {
            uint32_t v = cp - 0x10000;
            strbuf_addf(out, "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
        }
    }
    strbuf_addch(out, '"');
}

static int round_trips(double v, int prec, char tmp[40])
{
    snprintf(tmp, 40, "%.*e", prec - 1, v);
    return strtod(tmp, NULL) == v;
}

/* Shortest digit string that reads back as v, with its decimal exponent. Round-tripping
 * is monotone in the precision, so a binary search finds the shortest. */
static int shortest_digits(double v, char digits[24], int *decpt)
{
    char tmp[40];
    int lo = 1, hi = 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (round_trips(v, mid, tmp))
            hi = mid;
        else
            lo = mid + 1;
    }
    round_trips(v, lo, tmp);
    int n = 0;
    char *e = strchr(tmp, 'e');
    for (char *p = tmp; p < e; p++)
        if (*p >= '0' && *p <= '9')
            digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    *decpt = atoi(e + 1) + 1;
    return n;
}

void json_repr_double(double v, char buf[32])
{
    if (isnan(v)) {
        strcpy(buf, "NaN");
        return;
    }
    if (isinf(v)) {
        strcpy(buf, v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    char digits[24];
    int decpt, n = shortest_digits(fabs(v), digits, &decpt);
    char *o = buf;
    if (signbit(v))
        *o++ = '-';
    if (v == 0) {
        strcpy(o, "0.0");
        return;
    }
    size_t room = 32 - (size_t)(o - buf);
    if (decpt <= -4 || decpt > 16)
        snprintf(o, room, "%c%s%se%c%02d", digits[0], n > 1 ? "." : "", digits + 1,
                 decpt - 1 < 0 ? '-' : '+', abs(decpt - 1));
    else if (decpt <= 0)
        snprintf(o, room, "0.%.*s%s", -decpt, "0000", digits);
    else if (decpt >= n)
        snprintf(o, room, "%s%.*s.0", digits, decpt - n, "0000000000000000");
    else
        snprintf(o, room, "%.*s.%s", decpt, digits, digits + decpt);
}

static int cmp_keys(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return utf8_cmp(x->string, y->string);
}

static void print_value(struct strbuf *out, const cJSON *item, int depth);

/* A newline and n spaces. */
static void newline_indent(struct strbuf *out, int n)
{
    strbuf_grow(out, (size_t)n + 1);
    out->buf[out->len++] = '\n';
    memset(out->buf + out->len, ' ', (size_t)n);
    out->len += (size_t)n;
    out->buf[out->len] = '\0';
}

static void print_container(struct strbuf *out, const cJSON *item, int depth, int is_object)
{
    size_t n = 0;
    for (const cJSON *c = item->child; c; c = c->next)
        n++;
    if (n == 0) {
        strbuf_addstr(out, is_object ? "{}" : "[]");
        return;
    }
    const cJSON **kids = xmalloc(n * sizeof(*kids));
    n = 0;
    for (const cJSON *c = item->child; c; c = c->next)
        kids[n++] = c;
    if (is_object)
        qsort(kids, n, sizeof(*kids), cmp_keys);
    strbuf_addch(out, is_object ? '{' : '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_addch(out, ',');
        newline_indent(out, 2 * (depth + 1));
        if (is_object) {
            json_quote(out, kids[i]->string);
            strbuf_addstr(out, ": ");
        }
        print_value(out, kids[i], depth + 1);
    }
    newline_indent(out, 2 * depth);
    strbuf_addch(out, is_object ? '}' : ']');
    free(kids);
}

static void print_value(struct strbuf *out, const cJSON *item, int depth)
{
    char num[32];
    switch (item->type & 0xFF) {
    case cJSON_False: strbuf_addstr(out, "false"); break;
    case cJSON_True: strbuf_addstr(out, "true"); break;
    case cJSON_NULL: strbuf_addstr(out, "null"); break;
    case cJSON_Raw: strbuf_addstr(out, item->valuestring); break;
    case cJSON_String: json_quote(out, item->valuestring); break;
    case cJSON_Array: print_container(out, item, depth, 0); break;
    case cJSON_Object: print_container(out, item, depth, 1); break;
    case cJSON_Number:
        json_repr_double(item->valuedouble, num);
        strbuf_addstr(out, num);
        break;
    default: strbuf_addstr(out, "null"); break;
    }
}

void json_print(struct strbuf *out, const cJSON *item)
{
    print_value(out, item, 0);
}

void json_print_compact(struct strbuf *out, const cJSON *item)
{
    int is_object = cJSON_IsObject(item);
    if (!is_object && !cJSON_IsArray(item)) {
        print_value(out, item, 0);
        return;
    }
    strbuf_addch(out, is_object ? '{' : '[');
    for (const cJSON *c = item->child; c; c = c->next) {
        if (is_object) {
            json_quote(out, c->string);
            strbuf_addstr(out, ": ");
        }
        json_print_compact(out, c);
        if (c->next)
            strbuf_addstr(out, ", ");
    }
    strbuf_addch(out, is_object ? '}' : ']');
}

cJSON *json_int(long long v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", v);
    return cJSON_CreateRaw(buf);
}

cJSON *json_bytes(const char *s, size_t n)
{
    char *copy = xstrndup(s, n);
    cJSON *item = cJSON_CreateString(copy);
    free(copy);
    return item;
}

cJSON *json_string_list(char *const *v)
{
    cJSON *list = cJSON_CreateArray();
    for (; v && *v; v++)
        cJSON_AddItemToArray(list, cJSON_CreateString(*v));
    return list;
}

void json_set(cJSON *obj, const char *key, cJSON *val)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, val);
    else
        cJSON_AddItemToObject(obj, key, val);
}

int json_set_dotted(cJSON *obj, const char *key, cJSON *val)
{
    char *copy = xstrdup(key), *save = NULL, *part = strtok_r(copy, ".", &save);
    int rc = -1;
    if (!*key || key[0] == '.' || key[strlen(key) - 1] == '.' || strstr(key, ".."))
        goto out;
    for (char *next; part; part = next) {
        next = strtok_r(NULL, ".", &save);
        if (!next) {
            json_set(obj, part, val);
            val = NULL;
            rc = 0;
            break;
        }
        cJSON *child = cJSON_GetObjectItemCaseSensitive(obj, part);
        if (!child)
            child = cJSON_AddObjectToObject(obj, part);
        if (!cJSON_IsObject(child))
            break;
        obj = child;
    }
out:
    cJSON_Delete(val);
    free(copy);
    return rc;
}

const cJSON *json_get_dotted(const cJSON *obj, const char *path)
{
    const char *p = path;
    while (obj && *p) {
        /* A key may hold dots itself: the longest key that prefixes the rest wins. */
        const cJSON *found = NULL;
        size_t take = 0;
        for (const cJSON *c = obj->child; c && cJSON_IsObject(obj); c = c->next) {
            size_t k = c->string ? strlen(c->string) : 0;
            if (k > take && !strncmp(p, c->string, k) && (p[k] == '.' || !p[k]))
                found = c, take = k;
        }
        if (!found)
            return NULL;
        obj = found;
        p += take + (p[take] == '.');
    }
    return *p ? NULL : obj;
}

void json_add_unique(cJSON *list, cJSON *item)
{
    json_add_unique_among(list, SIZE_MAX, item);
}

void json_add_unique_among(cJSON *list, size_t n, cJSON *item)
{
    for (cJSON *c = list->child; c && n; c = c->next, n--)
        if (cJSON_Compare(c, item, 1)) {
            cJSON_Delete(item);
            return;
        }
    cJSON_AddItemToArray(list, item);
}

int json_write_file(int dirfd, const char *name, const cJSON *item)
{
    struct strbuf sb = STRBUF_INIT;
    json_print(&sb, item);
    int rc = write_file_atomic(dirfd, name, sb.buf, sb.len);
    strbuf_release(&sb);
    return rc;
}
