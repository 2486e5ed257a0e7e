/* config_file.c: JSON and YAML configuration files. YAML plain scalars are typed as
 * PyYAML's safe_load types them (null/~, true/yes/on, 12, 0x1f, 1.5, .inf); quoted ones
 * are strings. Nothing here decides precedence; config.c does. */
#include "config/config_file.h"

#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "json/json.h"
#include "json/json_parse.h"
#include "json/numtext.h"
#include "util/error.h"

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

static cJSON *load_json(const char *path, const char *text, char *err, size_t errlen)
{
    cJSON *v = json_parse_typed(text);
    if (!v) {
        int line, col;
        const char *at = cJSON_GetErrorPtr();
        line_col(text, at ? (size_t)(at - text) : 0, &line, &col);
        snprintf(err, errlen, "'%s': invalid JSON at line %d, column %d", path, line, col);
    }
    return v;
}

static int matches(const char *re, const char *s)
{
    regex_t r;
    if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB))
        return 0;
    int m = regexec(&r, s, 0, NULL, 0) == 0;
    regfree(&r);
    return m;
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
    if (matches("^[-+]?(0|[1-9][0-9_]*)$", s)) {
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
    if (matches("^[-+]?0x[0-9a-fA-F_]+$", s))
        return json_int(strtoll(s, NULL, 16));
    if (matches("^[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?$", s) && strpbrk(s, "0123456789"))
        return cJSON_CreateNumber(strtod(s, NULL));
    if (matches("^[-+]?\\.(inf|Inf|INF)$", s))
        return cJSON_CreateNumber(s[0] == '-' ? -HUGE_VAL : HUGE_VAL);
    if (matches("^\\.(nan|NaN|NAN)$", s))
        return cJSON_CreateNumber(NAN);
    return cJSON_CreateString(s);
}

static cJSON *yaml_node(yaml_document_t *doc, yaml_node_t *n, int depth)
{
    if (!n || depth > 100)
        return cJSON_CreateNull();
    if (n->type == YAML_SCALAR_NODE) {
        const char *v = (const char *)n->data.scalar.value;
        /* libyaml's loader tags every untagged scalar !!str, so only the style tells a
         * plain scalar (typed) from a quoted one (a string). */
        return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? plain_scalar(v)
                                                              : json_bytes(v, n->data.scalar.length);
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        cJSON *a = cJSON_CreateArray();
        for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
            cJSON_AddItemToArray(a, yaml_node(doc, yaml_document_get_node(doc, *i), depth + 1));
        return a;
    }
    cJSON *o = cJSON_CreateObject();
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        const char *key = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "?";
        json_set(o, key, yaml_node(doc, yaml_document_get_node(doc, p->value), depth + 1));
    }
    return o;
}

static cJSON *load_yaml(const char *path, const char *text, size_t n, char *err, size_t errlen)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    cJSON *v = NULL;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(err, errlen, "'%s': invalid YAML at line %zu, column %zu: %s", path,
                 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                 parser.problem ? parser.problem : "parse error");
    } else {
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        v = root ? yaml_node(&doc, root, 0) : cJSON_CreateObject();
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
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
