/* pyliteral.c: a recursive-descent parser for the Python literal subset Sacred accepts in
 * updates. Numbers become exact JSON text (json_int for integers); tuples become lists and
 * non-string dict keys become strings, as Sacred's JSON round trip makes them. */
#include "config/pyliteral.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "json/numtext.h"
#include "util/error.h"
#include "util/strbuf.h"

struct parser {
    const char *s;
    size_t i;
    char *err;
    size_t errlen;
};

static cJSON *fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static cJSON *fail(struct parser *p, const char *fmt, ...)
{
    if (p->err && !p->err[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err, p->errlen, fmt, ap);
        va_end(ap);
    }
    return NULL;
}

static void skip_ws(struct parser *p)
{
    while (isspace((unsigned char)p->s[p->i]))
        p->i++;
}

static int is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '+' || c == '-';
}

/* A Python number (ints with 0x/0o/0b prefixes and '_' separators, floats). */
static cJSON *number(const char *w, size_t n)
{
    char clean[128], json[NUMTEXT_MAX];
    size_t k = 0;
    if (n >= sizeof(clean) || w[0] == '_' || w[n - 1] == '_')
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (w[i] != '_')
            clean[k++] = w[i];
    clean[k] = '\0';
    const char *d = clean + (clean[0] == '-' || clean[0] == '+');
    if (d[0] == '0' && strchr("xXoObB", d[1]) && d[1]) {
        char *end;
        errno = 0;
        long long v = strtoll(d + 2, &end, d[1] == 'x' || d[1] == 'X' ? 16 : d[1] == 'o' || d[1] == 'O' ? 8 : 2);
        return *end || errno || end == d + 2 ? NULL : json_int(clean[0] == '-' ? -v : v);
    }
    int is_int;
    if (!strpbrk(clean, "0123456789") || strpbrk(clean, "nNiI") /* nan/inf are names */)
        return NULL;
    if (d[0] == '0' && isdigit((unsigned char)d[1]) && !strpbrk(clean, ".eE"))
        return NULL; /* Python rejects 007 */
    size_t len = numtext_json(clean, k, json, &is_int);
    if (!len)
        return NULL;
    return is_int ? cJSON_CreateRaw(json) : cJSON_CreateNumber(strtod(clean, NULL));
}

static cJSON *bare_word(struct parser *p)
{
    size_t start = p->i;
    while (is_word_char(p->s[p->i]))
        p->i++;
    size_t n = p->i - start;
    const char *w = p->s + start;
    static const struct { const char *w; int type; } names[] = {
        { "True", cJSON_True }, { "true", cJSON_True }, { "False", cJSON_False },
        { "false", cJSON_False }, { "None", cJSON_NULL }, { "null", cJSON_NULL },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (strlen(names[i].w) == n && !strncmp(w, names[i].w, n))
            return names[i].type == cJSON_True ? cJSON_CreateTrue()
                 : names[i].type == cJSON_False ? cJSON_CreateFalse() : cJSON_CreateNull();
    cJSON *v = n ? number(w, n) : NULL;
    return v ? v : fail(p, "'%.*s' is not a Python literal (quote strings inside lists and dicts)",
                       (int)(n ? n : 1), w);
}

static int escape(struct parser *p, struct strbuf *sb)
{
    char c = p->s[p->i++];
    static const char from[] = "nrtbfav0\\'\"", to[] = "\n\r\t\b\f\a\v\0\\'\"";
    const char *k = c ? strchr(from, c) : NULL;
    if (k) {
        strbuf_addch(sb, to[k - from]);
        return 0;
    }
    if (c == 'x' || c == 'u') {
        char hex[5] = { 0 };
        int n = c == 'x' ? 2 : 4;
        for (int i = 0; i < n; i++)
            if (!isxdigit((unsigned char)(hex[i] = p->s[p->i++])))
                return -1;
        unsigned cp = (unsigned)strtoul(hex, NULL, 16);
        unsigned char out[4];
        size_t len = cp < 0x80 ? (out[0] = (unsigned char)cp, 1)
                   : cp < 0x800 ? (out[0] = (unsigned char)(0xC0 | cp >> 6), out[1] = (unsigned char)(0x80 | (cp & 63)), 2)
                   : (out[0] = (unsigned char)(0xE0 | cp >> 12), out[1] = (unsigned char)(0x80 | ((cp >> 6) & 63)),
                      out[2] = (unsigned char)(0x80 | (cp & 63)), 3);
        strbuf_add(sb, out, len);
        return 0;
    }
    return -1;
}

static cJSON *string(struct parser *p)
{
    char q = p->s[p->i++];
    struct strbuf sb = STRBUF_INIT;
    strbuf_grow(&sb, 0);
    while (p->s[p->i] && p->s[p->i] != q) {
        if (p->s[p->i] == '\\') {
            p->i++;
            if (escape(p, &sb) < 0) {
                strbuf_release(&sb);
                return fail(p, "bad escape in a quoted string");
            }
        } else
            strbuf_addch(&sb, p->s[p->i++]);
    }
    if (p->s[p->i] != q) {
        strbuf_release(&sb);
        return fail(p, "unbalanced quote %c", q);
    }
    p->i++;
    cJSON *v = json_bytes(sb.buf, sb.len);
    strbuf_release(&sb);
    return v;
}

static cJSON *value(struct parser *p, int depth);

/* Items of a list, tuple or dict up to the closing character. */
static cJSON *container(struct parser *p, char close, int is_dict, int depth)
{
    cJSON *c = is_dict ? cJSON_CreateObject() : cJSON_CreateArray();
    p->i++;
    for (;;) {
        skip_ws(p);
        if (p->s[p->i] == close) {
            p->i++;
            return c;
        }
        cJSON *k = is_dict ? value(p, depth + 1) : NULL, *v = NULL;
        if (is_dict && k) {
            skip_ws(p);
            if (p->s[p->i++] != ':')
                k = (cJSON_Delete(k), fail(p, "missing ':' in a dict"));
        }
        if (!is_dict || k)
            v = value(p, depth + 1);
        if (!v || (is_dict && !k)) {
            cJSON_Delete(k);
            cJSON_Delete(v);
            cJSON_Delete(c);
            return NULL;
        }
        if (is_dict) {
            char *key = cJSON_IsString(k) ? xstrdup(k->valuestring)
                      : cJSON_IsRaw(k) ? xstrdup(k->valuestring) : cJSON_PrintUnformatted(k);
            json_set(c, key, v);
            free(key);
            cJSON_Delete(k);
        } else
            cJSON_AddItemToArray(c, v);
        skip_ws(p);
        if (p->s[p->i] == ',')
            p->i++;
        else if (p->s[p->i] != close) {
            cJSON_Delete(c);
            return fail(p, p->s[p->i] ? "expected ',' or '%c'" : "unbalanced brackets: missing '%c'", close);
        }
    }
}

static cJSON *value(struct parser *p, int depth)
{
    skip_ws(p);
    char c = p->s[p->i];
    if (depth > 100)
        return fail(p, "nested too deeply");
    if (c == '\'' || c == '"')
        return string(p);
    if (c == '[')
        return container(p, ']', 0, depth);
    if (c == '(')
        return container(p, ')', 0, depth);
    if (c == '{')
        return container(p, '}', 1, depth);
    if (!c)
        return fail(p, "a value is missing");
    return bare_word(p);
}

cJSON *pyliteral_parse(const char *text, char *err, size_t errlen)
{
    struct parser p = { text, 0, err, errlen };
    err[0] = '\0';
    while (isspace((unsigned char)text[p.i]))
        p.i++;
    if (!text[p.i]) {
        snprintf(err, errlen, "the value is empty");
        return NULL;
    }
    if (!strchr("[({'\"", text[p.i])) {
        size_t save = p.i;
        cJSON *v = bare_word(&p);
        skip_ws(&p);
        if (v && !text[p.i])
            return v;
        cJSON_Delete(v);
        err[0] = '\0';
        const char *s = text + save, *e = text + strlen(text);
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        return json_bytes(s, (size_t)(e - s)); /* a bare word or words: a string, as in Sacred */
    }
    cJSON *v = value(&p, 0);
    skip_ws(&p);
    if (v && text[p.i]) {
        cJSON_Delete(v);
        snprintf(err, errlen, "unexpected '%s' after the value", text + p.i);
        return NULL;
    }
    return v;
}

cJSON *pyliteral_parse_lenient(const char *text)
{
    char err[256];
    cJSON *v = pyliteral_parse(text, err, sizeof(err));
    return v ? v : cJSON_CreateString(text);
}
