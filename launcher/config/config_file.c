/* config_file.c: JSON and YAML configuration files. YAML plain scalars are typed as
 * PyYAML's safe_load types them (null/~, true/yes/on, 12, 0x1f, 1.5, .inf); quoted ones
 * are strings. Nothing here decides precedence; config.c does. */
#include "config/config_file.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "json/json.h"
#include "json/json_index.h"
#include "json/json_parse.h"
#include "json/numtext.h"
#include "util/error.h"
#include "util/nameindex.h"
#include "util/strbuf.h"

/* What a configuration file may hold: nesting, and what aliases may expand to (a file
 * of nested aliases, "billion laughs", would otherwise expand a few hundred bytes into
 * gigabytes). */
enum { MAX_DEPTH = 100, MAX_ALIASES = 10000, MAX_ALIAS_VALUES = 100000, MAX_ALIAS_MIB = 16 };

static const char *ext(const char *p)
{
    const char *dot = strrchr(p, '.'), *slash = strrchr(p, '/');
    return dot && (!slash || dot > slash) ? dot : "";
}

int config_file_kind(const char *word)
{
    const char *e = ext(word);
    return !strcasecmp(e, ".json") ? 1 : !strcasecmp(e, ".yaml") || !strcasecmp(e, ".yml") ? 2 : 0;
}

static void line_col(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else
            (*col)++;
    }
}

/* The offset where text first nests deeper than MAX_DEPTH (outside strings), or -1. */
static long too_deep(const char *text)
{
    int depth = 0, in_string = 0;
    for (size_t i = 0; text[i]; i++) {
        char c = text[i];
        if (in_string && c == '\\' && text[i + 1])
            i++;
        else if (c == '"')
            in_string = !in_string;
        else if (!in_string && (c == '[' || c == '{') && ++depth > MAX_DEPTH)
            return (long)i;
        else if (!in_string && (c == ']' || c == '}'))
            depth--;
    }
    return -1;
}

static cJSON *load_json(const char *path, const char *text, char *err, size_t errlen)
{
    int line, col;
    long deep = too_deep(text);
    if (deep >= 0) {
        line_col(text, (size_t)deep, &line, &col);
        snprintf(err, errlen, "'%s', line %d, column %d: nested deeper than %d levels", path, line,
                 col, MAX_DEPTH);
        return NULL;
    }
    cJSON *v = json_parse_typed(text);
    if (!v) {
        const char *at = cJSON_GetErrorPtr();
        line_col(text, at ? (size_t)(at - text) : 0, &line, &col);
        snprintf(err, errlen, "'%s': invalid JSON at line %d, column %d", path, line, col);
    }
    return v;
}

/* The forms of PyYAML's typed plain scalars, compiled once (configuration is read on
 * the main thread only). */
enum { RE_INT, RE_HEX, RE_FLOAT, RE_INF, RE_NAN, RE_COUNT };

static int matches(int which, const char *s)
{
    static const char *const forms[RE_COUNT] = {
        [RE_INT] = "^[-+]?(0|[1-9][0-9_]*)$",
        [RE_HEX] = "^[-+]?0x[0-9a-fA-F_]+$",
        [RE_FLOAT] = "^[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?$",
        [RE_INF] = "^[-+]?\\.(inf|Inf|INF)$",
        [RE_NAN] = "^\\.(nan|NaN|NAN)$",
    };
    static regex_t re[RE_COUNT];
    static int compiled[RE_COUNT];
    if (!compiled[which]) {
        if (regcomp(&re[which], forms[which], REG_EXTENDED | REG_NOSUB))
            return 0;
        compiled[which] = 1;
    }
    return regexec(&re[which], s, 0, NULL, 0) == 0;
}

/* A plain YAML scalar, typed as PyYAML (YAML 1.1) types it. */
static cJSON *plain_scalar(const char *s)
{
    static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
    static const char *const trues[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
    static const char *const falses[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };
    for (size_t i = 0; i < sizeof(nulls) / sizeof(*nulls); i++)
        if (!strcmp(s, nulls[i]))
            return cJSON_CreateNull();
    for (size_t i = 0; i < sizeof(trues) / sizeof(*trues); i++)
        if (!strcmp(s, trues[i]))
            return cJSON_CreateTrue();
    for (size_t i = 0; i < sizeof(falses) / sizeof(*falses); i++)
        if (!strcmp(s, falses[i]))
            return cJSON_CreateFalse();
    if (!strchr("+-.0123456789", s[0]))
        return cJSON_CreateString(s); /* no number starts otherwise: spare the patterns */
    if (matches(RE_INT, s)) {
        char digits[64], json[NUMTEXT_MAX];
        size_t k = 0;
        int is_int;
        for (const char *p = s; *p && k + 1 < sizeof(digits); p++)
            if (*p != '_')
                digits[k++] = *p;
        digits[k] = '\0';
        if (numtext_json(digits, k, json, &is_int) && is_int)
            return cJSON_CreateRaw(json);
    }
    if (matches(RE_HEX, s))
        return json_int(strtoll(s, NULL, 16));
    if (matches(RE_FLOAT, s) && strpbrk(s, "0123456789"))
        return cJSON_CreateNumber(strtod(s, NULL));
    if (matches(RE_INF, s))
        return cJSON_CreateNumber(s[0] == '-' ? -HUGE_VAL : HUGE_VAL);
    if (matches(RE_NAN, s))
        return cJSON_CreateNumber(NAN);
    return cJSON_CreateString(s);
}

struct anchor {
    char *name;
    const cJSON *node;    /* in the tree being built, in spare, or replaced (kept by ix) */
    char *text;           /* a scalar's text, for an alias used as a key; else NULL */
    size_t values, bytes; /* what one use of it expands to */
};

/* One YAML file, read event by event. After a failure nothing is looked up any more, so
 * the trees freed on the way out leave no entry of ix or anchors in use. */
struct yaml_load {
    yaml_parser_t parser;
    const char *path;
    char *err;
    size_t errlen;
    struct anchor *anchors;
    size_t nanchors, cap;
    struct name_index by_name;
    size_t aliases, alias_values, alias_bytes;
    struct json_index ix; /* the keys of mappings; keeps the values it replaced */
    cJSON *spare;         /* the nodes of keys, which anchors may point into */
};

static int yaml_fail(struct yaml_load *y, const yaml_mark_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* err = "'PATH', line L, column C: WHAT"; returns -1. */
static int yaml_fail(struct yaml_load *y, const yaml_mark_t *at, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(y->err, y->errlen, "'%s', line %zu, column %zu: %s", y->path, at->line + 1,
             at->column + 1, what);
    return -1;
}

static int next_event(struct yaml_load *y, yaml_event_t *ev)
{
    if (yaml_parser_parse(&y->parser, ev))
        return 0;
    return yaml_fail(y, &y->parser.problem_mark, "invalid YAML: %s",
                     y->parser.problem ? y->parser.problem : "parse error");
}

/* Adds the values of the node v (itself and all below it) and the bytes of their text. */
static void measure(const cJSON *v, size_t *values, size_t *bytes)
{
    (*values)++;
    *bytes += (v->string ? strlen(v->string) : 0) + (v->valuestring ? strlen(v->valuestring) : 0);
    for (const cJSON *c = v->child; c; c = c->next)
        measure(c, values, bytes);
}

static const struct anchor *find_anchor(const struct yaml_load *y, const char *name)
{
    long at = name_index_get(&y->by_name, name, strlen(name));
    return at < 0 ? NULL : &y->anchors[at];
}

/* name now stands for node; an anchor defined again replaces the earlier one, as in YAML. */
static void remember(struct yaml_load *y, const char *name, const cJSON *node, const char *text)
{
    long at = name_index_get(&y->by_name, name, strlen(name));
    if (at < 0) {
        if (y->nanchors == y->cap)
            y->anchors = xrealloc(y->anchors, (y->cap = 2 * y->cap + 16) * sizeof(*y->anchors));
        at = (long)y->nanchors++;
        y->anchors[at] = (struct anchor){ xstrdup(name), NULL, NULL, 0, 0 };
        name_index_put(&y->by_name, y->anchors[at].name, (size_t)at);
    }
    struct anchor *a = &y->anchors[at];
    free(a->text);
    *a = (struct anchor){ a->name, node, text ? xstrdup(text) : NULL, 0, 0 };
    measure(node, &a->values, &a->bytes);
}

/* A copy of the anchored node, within the limits on aliases. */
static cJSON *alias(struct yaml_load *y, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    const struct anchor *a = find_anchor(y, name);
    if (!a) {
        yaml_fail(y, &ev->start_mark, "alias *%.64s names no anchor defined before it", name);
        return NULL;
    }
    y->aliases++;
    y->alias_values += a->values;
    y->alias_bytes += a->bytes;
    if (y->aliases > MAX_ALIASES || y->alias_values > MAX_ALIAS_VALUES
        || y->alias_bytes > (size_t)MAX_ALIAS_MIB << 20) {
        yaml_fail(y, &ev->start_mark, "aliases expand to more than %d values or %d MiB in all, "
                  "or are used more than %d times; write the values out", MAX_ALIAS_VALUES, MAX_ALIAS_MIB,
                  MAX_ALIASES);
        return NULL;
    }
    return cJSON_Duplicate(a->node, 1);
}

static cJSON *yaml_value(struct yaml_load *y, yaml_event_t *ev, int depth);

/* The items of a sequence, up to its end event. */
static cJSON *sequence(struct yaml_load *y, int depth)
{
    cJSON *a = cJSON_CreateArray();
    yaml_event_t ev;
    while (next_event(y, &ev) == 0) {
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return a;
        }
        cJSON *v = yaml_value(y, &ev, depth);
        if (!v)
            break;
        cJSON_AddItemToArray(a, v);
    }
    cJSON_Delete(a);
    return NULL;
}

/* A key's text: a scalar's, or that of the scalar an alias names; NULL for anything else. */
static char *key_text(const struct yaml_load *y, const yaml_event_t *ev)
{
    if (ev->type == YAML_SCALAR_EVENT)
        return xstrdup((const char *)ev->data.scalar.value);
    const struct anchor *a = ev->type == YAML_ALIAS_EVENT
                                 ? find_anchor(y, (const char *)ev->data.alias.anchor) : NULL;
    return a && a->text ? xstrdup(a->text) : NULL;
}

/* The pairs of a mapping, up to its end event; a key given again replaces the value. */
static cJSON *mapping(struct yaml_load *y, int depth)
{
    cJSON *o = cJSON_CreateObject();
    yaml_event_t ev;
    while (next_event(y, &ev) == 0) {
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            return o;
        }
        char *key = key_text(y, &ev);
        int plain = ev.type == YAML_SCALAR_EVENT && !ev.data.scalar.anchor; /* only its text counts */
        cJSON *k = plain ? (yaml_event_delete(&ev), NULL) : yaml_value(y, &ev, depth), *v = NULL;
        if (k)
            cJSON_AddItemToArray(y->spare, k);
        if (k || plain)
            v = next_event(y, &ev) == 0 ? yaml_value(y, &ev, depth) : NULL;
        if (v)
            json_index_set(&y->ix, o, key ? key : "?", v);
        free(key);
        if (!v)
            break;
    }
    cJSON_Delete(o);
    return NULL;
}

/* The node that ev starts (ev is deleted). Plain scalars are typed; quoted ones are
 * strings: libyaml tags every untagged scalar !!str, so only the style tells them apart. */
static cJSON *yaml_value(struct yaml_load *y, yaml_event_t *ev, int depth)
{
    cJSON *v = NULL;
    const char *anchor = NULL, *text = NULL;
    int nested = ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT;
    if (nested && depth >= MAX_DEPTH)
        yaml_fail(y, &ev->start_mark, "nested deeper than %d levels", MAX_DEPTH);
    else if (ev->type == YAML_ALIAS_EVENT)
        v = alias(y, ev);
    else if (ev->type == YAML_SCALAR_EVENT) {
        anchor = (const char *)ev->data.scalar.anchor;
        text = (const char *)ev->data.scalar.value;
        v = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? plain_scalar(text)
                                                             : json_bytes(text, ev->data.scalar.length);
    } else if (ev->type == YAML_SEQUENCE_START_EVENT) {
        anchor = (const char *)ev->data.sequence_start.anchor;
        v = sequence(y, depth + 1);
    } else if (ev->type == YAML_MAPPING_START_EVENT) {
        anchor = (const char *)ev->data.mapping_start.anchor;
        v = mapping(y, depth + 1);
    } else
        yaml_fail(y, &ev->start_mark, "unexpected YAML event");
    if (v && anchor)
        remember(y, anchor, v, text);
    yaml_event_delete(ev);
    return v;
}

/* The one document of the stream (an empty stream is an empty mapping). */
static cJSON *yaml_stream(struct yaml_load *y)
{
    cJSON *root = NULL;
    int documents = 0;
    yaml_event_t ev;
    while (next_event(y, &ev) == 0) {
        yaml_event_type_t type = ev.type;
        if (type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            return root ? root : cJSON_CreateObject();
        }
        if (type == YAML_DOCUMENT_START_EVENT && documents++) {
            yaml_fail(y, &ev.start_mark, "a second YAML document; a configuration file holds one "
                      "(remove the '---' and what follows, or split the file)");
            yaml_event_delete(&ev);
            break;
        }
        if (type == YAML_STREAM_START_EVENT || type == YAML_DOCUMENT_START_EVENT
            || type == YAML_DOCUMENT_END_EVENT)
            yaml_event_delete(&ev);
        else if (!(root = yaml_value(y, &ev, 0)))
            break;
    }
    cJSON_Delete(root);
    return NULL;
}

static cJSON *load_yaml(const char *path, const char *text, size_t n, char *err, size_t errlen)
{
    struct yaml_load y = { .path = path, .err = err, .errlen = errlen, .spare = cJSON_CreateArray() };
    yaml_parser_initialize(&y.parser);
    yaml_parser_set_input_string(&y.parser, (const unsigned char *)text, n);
    cJSON *v = yaml_stream(&y);
    yaml_parser_delete(&y.parser);
    for (size_t i = 0; i < y.nanchors; i++) {
        free(y.anchors[i].name);
        free(y.anchors[i].text);
    }
    free(y.anchors);
    name_index_release(&y.by_name);
    json_index_release(&y.ix);
    cJSON_Delete(y.spare);
    return v;
}

cJSON *config_file_load(const char *path, char *err, size_t errlen)
{
    struct strbuf text = STRBUF_INIT;
    if (strbuf_read_file(&text, path) < 0) {
        snprintf(err, errlen, "cannot read configuration file '%s': %s", path, strerror(errno));
        strbuf_release(&text);
        return NULL;
    }
    cJSON *v = config_file_kind(path) == 2 ? load_yaml(path, text.buf, text.len, err, errlen)
                                           : load_json(path, text.buf, err, errlen);
    strbuf_release(&text);
    if (v && !cJSON_IsObject(v)) {
        snprintf(err, errlen, "'%s': the top level must be a mapping of keys to values", path);
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

static void yaml_scalar(struct strbuf *sb, const cJSON *v)
{
    struct strbuf tmp = STRBUF_INIT;
    json_print(&tmp, v); /* JSON scalars are valid YAML flow scalars */
    if (cJSON_IsNumber(v) && (isnan(v->valuedouble) || isinf(v->valuedouble)))
        strbuf_addstr(sb, isnan(v->valuedouble) ? ".nan" : v->valuedouble > 0 ? ".inf" : "-.inf");
    else
        strbuf_add(sb, tmp.buf, tmp.len);
    strbuf_release(&tmp);
}

static void yaml_write(struct strbuf *sb, const cJSON *v, int indent)
{
    const cJSON **kids = NULL;
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        n++;
    if ((!cJSON_IsObject(v) && !cJSON_IsArray(v)) || n == 0) {
        if (cJSON_IsObject(v) || cJSON_IsArray(v))
            strbuf_addstr(sb, cJSON_IsObject(v) ? " {}" : " []");
        else {
            strbuf_addch(sb, ' ');
            yaml_scalar(sb, v);
        }
        strbuf_addch(sb, '\n');
        return;
    }
    strbuf_addch(sb, '\n');
    kids = xcalloc(n, sizeof(*kids));
    n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        kids[n++] = c;
    for (size_t i = 0; i < n; i++) {
        strbuf_addf(sb, "%*s", indent, "");
        if (cJSON_IsObject(v)) {
            json_quote(sb, kids[i]->string);
            strbuf_addch(sb, ':');
        } else
            strbuf_addch(sb, '-');
        yaml_write(sb, kids[i], indent + 2);
    }
    free(kids);
}

int config_file_save(const char *path, const cJSON *tree, char *err, size_t errlen)
{
    struct strbuf sb = STRBUF_INIT;
    if (config_file_kind(path) == 2) {
        strbuf_addstr(&sb, "# written by sacred-run save_config\n");
        struct strbuf body = STRBUF_INIT;
        yaml_write(&body, tree, 0);
        strbuf_add(&sb, body.buf + 1, body.len - 1); /* the top level starts without a space */
        strbuf_release(&body);
    } else
        json_print(&sb, tree);
    FILE *f = fopen(path, "we");
    int rc = f && fwrite(sb.buf, 1, sb.len, f) == sb.len ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc < 0)
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
    strbuf_release(&sb);
    return rc;
}
