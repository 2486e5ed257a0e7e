/* redact.c: finding secrets in names and in text (words, options, URLs) for the record.
 * It only decides and rewrites copies; it never touches what the program receives. */
#include "record/redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/strbuf.h"

static const char *const builtin[] = {
    "TOKEN", "SECRET", "PASS", "CREDENTIAL", "PRIVATE", "API_KEY", "ACCESS_KEY", "AUTH",
    "COOKIE", "SESSION", "DSN", "WEBHOOK",
};

/* '-' and '.' count as '_', so --api-key and db.password match API_KEY and PASS. */
static int norm(char c)
{
    return c == '-' || c == '.' ? '_' : toupper((unsigned char)c);
}

static int contains(const char *name, size_t n, const char *pat)
{
    size_t m = strlen(pat);
    for (size_t i = 0; m && i + m <= n; i++) {
        size_t k = 0;
        while (k < m && norm(name[i + k]) == norm(pat[k]))
            k++;
        if (k == m)
            return 1;
    }
    return 0;
}

/* Exact, except that '-', '.' and '_' are one character. */
static int same_char(char a, char b)
{
    return a == b || (norm(a) == '_' && norm(b) == '_');
}

static int allowed(const struct redact_rules *r, const char *name, size_t n)
{
    for (int i = 0; r && i < r->nallow; i++) {
        size_t k = 0;
        while (k < n && r->allow[i][k] && same_char(name[k], r->allow[i][k]))
            k++;
        if (k == n && !r->allow[i][k])
            return 1;
    }
    return 0;
}

static int secret_n(const struct redact_rules *r, const char *name, size_t n)
{
    if (!n || allowed(r, name, n))
        return 0;
    for (size_t i = 0; i < sizeof(builtin) / sizeof(*builtin); i++)
        if (contains(name, n, builtin[i]))
            return 1;
    for (int i = 0; r && i < r->ndeny; i++)
        if (contains(name, n, r->deny[i]))
            return 1;
    return 0;
}

int redact_name(const struct redact_rules *r, const char *name)
{
    return secret_n(r, name, strcspn(name, "="));
}

/* --- words ------------------------------------------------------------------------------ */

static int name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static size_t word_len(const char *p)
{
    return strcspn(p, " \t\n\r");
}

/* The value a secret name loses: the marker itself (which holds spaces), else a word. */
static size_t value_len(const char *p)
{
    size_t m = strlen(REDACTED_MARKER);
    return strncmp(p, REDACTED_MARKER, m) ? word_len(p) : m;
}

/* A word that is a value, not an option: as the configuration reads argv. */
static int is_value(const char *w)
{
    return w[0] != '-' || isdigit((unsigned char)w[1]) || w[1] == '.';
}

/* "--NAME" with a secret NAME (the word is len bytes). */
static int secret_option(const struct redact_rules *r, const char *w, size_t len)
{
    if (len < 3 || w[0] != '-' || w[1] != '-')
        return 0;
    for (size_t i = 2; i < len; i++)
        if (!name_char(w[i]))
            return 0;
    return secret_n(r, w + 2, len - 2);
}

/* "NAME=VALUE" or "--NAME=VALUE" with a secret NAME: the length up to and with '=', else 0.
 * "NAME==VERSION" is a requirement, not an assignment. */
static size_t secret_assignment(const struct redact_rules *r, const char *w, size_t len)
{
    size_t d = 0, k;
    while (d < 2 && d < len && w[d] == '-')
        d++;
    for (k = d; k < len && name_char(w[k]); k++)
        ;
    if (k == d || k >= len || w[k] != '=' || (k + 1 < len && w[k + 1] == '='))
        return 0;
    return secret_n(r, w + d, k - d) ? k + 1 : 0;
}

static int scheme_char(char c)
{
    return isalnum((unsigned char)c) || c == '+' || c == '-' || c == '.';
}

/* One word (no spaces) with the password of every scheme://user:SECRET@host removed. */
static void add_url_word(struct strbuf *out, const char *w, size_t len)
{
    const char *end = w + len, *p = w;
    for (const char *c = w; c + 3 <= end; c++) {
        if (strncmp(c, "://", 3))
            continue;
        const char *s = c;
        while (s > p && scheme_char(s[-1]))
            s--;
        const char *auth = c + 3, *aend = auth;
        while (aend < end && !strchr("/?#", *aend))
            aend++;
        const char *at = NULL, *colon = NULL;
        for (const char *q = auth; q < aend; q++)
            if (*q == '@')
                at = q;
        for (const char *q = auth; at && q < at && !colon; q++)
            if (*q == ':')
                colon = q;
        if (s == c || !isalpha((unsigned char)*s) || !colon || colon + 1 == at)
            continue;
        strbuf_add(out, p, (size_t)(colon + 1 - p));
        strbuf_addstr(out, REDACTED_MARKER);
        p = at;
        c = aend - 1;
    }
    strbuf_add(out, p, (size_t)(end - p));
}

static void add_text(const struct redact_rules *r, struct strbuf *out, const char *s, int whole)
{
    size_t eq = whole ? secret_assignment(r, s, strlen(s)) : 0;
    if (eq) {
        strbuf_add(out, s, eq);
        strbuf_addstr(out, REDACTED_MARKER);
        return;
    }
    int want_value = 0;
    for (const char *p = s; *p;) {
        size_t len = word_len(p);
        if (!len) {
            strbuf_addch(out, *p++);
            continue;
        }
        if (want_value && is_value(p)) {
            strbuf_addstr(out, REDACTED_MARKER);
            p += value_len(p);
            want_value = 0;
            continue;
        }
        want_value = secret_option(r, p, len);
        if ((eq = secret_assignment(r, p, len))) {
            strbuf_add(out, p, eq);
            strbuf_addstr(out, REDACTED_MARKER);
            p += eq + value_len(p + eq);
            continue;
        }
        add_url_word(out, p, len);
        p += len;
    }
}

char *redact_text(const struct redact_rules *r, const char *text, int whole)
{
    struct strbuf out = STRBUF_INIT;
    add_text(r, &out, text, whole);
    strbuf_grow(&out, 0);
    if (!strcmp(out.buf, text)) {
        strbuf_release(&out);
        return NULL;
    }
    return strbuf_detach(&out);
}

/* --- JSON ------------------------------------------------------------------------------- */

/* Puts the string s in item's place in parent (an object keeps the key). */
static void put(cJSON *parent, cJSON *item, const char *s)
{
    if (item->string)
        cJSON_ReplaceItemInObjectCaseSensitive(parent, item->string, cJSON_CreateString(s));
    else
        cJSON_ReplaceItemViaPointer(parent, item, cJSON_CreateString(s));
}

static void replace(cJSON *parent, cJSON *item, char *s)
{
    put(parent, item, s);
    free(s);
}

static int mark(cJSON *parent, cJSON *item)
{
    if (cJSON_IsString(item) && !strcmp(item->valuestring, REDACTED_MARKER))
        return 0;
    put(parent, item, REDACTED_MARKER);
    return 1;
}

/* Every string under node through redact_text; 1 if anything changed. */
static int redact_strings(const struct redact_rules *r, cJSON *node)
{
    int changed = 0;
    for (cJSON *e = node ? node->child : NULL, *next; e; e = next) {
        next = e->next;
        char *s = cJSON_IsString(e) ? redact_text(r, e->valuestring, 0) : NULL;
        if (s)
            replace(node, e, s), changed = 1;
        else
            changed |= redact_strings(r, e);
    }
    return changed;
}

void redact_argv(const struct redact_rules *r, cJSON *argv)
{
    int want_value = 0;
    for (cJSON *e = argv ? argv->child : NULL, *next; e; e = next) {
        next = e->next;
        if (!cJSON_IsString(e))
            continue;
        const char *w = e->valuestring;
        int option = secret_option(r, w, strlen(w));
        char *s;
        if (want_value && is_value(w))
            mark(argv, e);
        else if ((s = redact_text(r, w, 1)))
            replace(argv, e, s);
        want_value = option;
    }
}

static int config_node(const struct redact_rules *r, cJSON *node, const char *prefix)
{
    int changed = 0;
    for (cJSON *e = node->child, *next; e; e = next) {
        next = e->next;
        char *name = !e->string ? xstrdup(prefix)
                   : *prefix ? xasprintf("%s_%s", prefix, e->string) : xstrdup(e->string);
        int secret = secret_n(r, name, strlen(name));
        char *s;
        if (cJSON_IsObject(e) || (cJSON_IsArray(e) && !secret))
            changed |= config_node(r, e, name);
        else if (secret && !cJSON_IsBool(e) && !cJSON_IsNull(e))
            changed |= mark(node, e);
        else if (cJSON_IsString(e) && (s = redact_text(r, e->valuestring, 0)))
            replace(node, e, s), changed = 1;
        free(name);
    }
    return changed;
}

int redact_config(const struct redact_rules *r, cJSON *tree)
{
    return cJSON_IsObject(tree) ? config_node(r, tree, "") : 0;
}

static void redact_env(const struct redact_rules *r, cJSON *env)
{
    for (cJSON *e = env ? env->child : NULL, *next; e; e = next) {
        next = e->next;
        char *s;
        if (redact_name(r, e->string))
            mark(env, e);
        else if (cJSON_IsString(e) && (s = redact_text(r, e->valuestring, 0)))
            replace(env, e, s);
    }
}

/* meta.config_sources: "update KEY=VALUE", "option --KEY=VALUE": the detail is one word. */
static void redact_sources(const struct redact_rules *r, cJSON *sources)
{
    for (cJSON *e = sources ? sources->child : NULL, *next; e; e = next) {
        next = e->next;
        const char *sp = cJSON_IsString(e) ? strchr(e->valuestring, ' ') : NULL;
        char *detail = sp ? redact_text(r, sp + 1, 1) : NULL;
        if (detail) {
            replace(sources, e, xasprintf("%.*s %s", (int)(sp - e->valuestring), e->valuestring, detail));
            free(detail);
        }
    }
}

static cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

void redact_run(const struct redact_rules *r, cJSON *run)
{
    cJSON *program = get(run, "program"), *meta = get(run, "meta"), *procs = get(run, "processes");
    redact_env(r, get(get(run, "host"), "ENV"));
    redact_argv(r, get(program, "argv"));
    redact_argv(r, get(program, "argv_given"));
    for (cJSON *p = procs ? procs->child : NULL; p; p = p->next)
        redact_argv(r, get(p, "argv"));
    redact_config(r, get(meta, "config_updates"));
    redact_sources(r, get(meta, "config_sources"));
    redact_argv(r, get(get(meta, "options"), "UPDATE"));
    redact_strings(r, meta);
    redact_strings(r, get(run, "fail_trace"));
    redact_strings(r, get(get(run, "experiment"), "repositories"));
}
