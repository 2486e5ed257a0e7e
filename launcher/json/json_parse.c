/* json_parse.c: cJSON parsing plus integer recovery. cJSON keeps every number as a double;
 * walking the tree in document order alongside the number tokens of the text tells which
 * were integers, and their exact digits. NaN and Infinity, which Python writes and cJSON
 * refuses, are read as Python reads them. */
#include "json/json_parse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/error.h"
#include "util/strbuf.h"

/* The index just after the string literal that starts at text[i] (a '"'). */
static size_t skip_string(const char *text, size_t i)
{
    for (i++; text[i] && text[i] != '"'; i++)
        if (text[i] == '\\' && text[i + 1])
            i++;
    return text[i] ? i + 1 : i;
}

/* The next number token in text at or after *pos (strings skipped); its bounds. */
static int next_number(const char *text, size_t *pos, size_t *start, size_t *end)
{
    size_t i = *pos;
    while (text[i]) {
        char c = text[i];
        if (c == '"') {
            i = skip_string(text, i);
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            *start = i;
            while (text[i] && strchr("+-0123456789.eE", text[i]))
                i++;
            *end = *pos = i;
            return 1;
        }
        i++;
    }
    return 0;
}

/* Python's NaN, Infinity and -Infinity outside strings become number tokens cJSON reads
 * ("0", "1e999", "-1e999"), blank-padded to the same length, so a token's offset is the
 * same in both texts and retype can tell a NaN from a real 0 by the original. */
static char *python_specials(const char *text, int *any)
{
    static const struct { const char *word, *as; } map[] = {
        { "-Infinity", "-1e999   " }, { "Infinity", "1e999   " }, { "NaN", "0  " },
    };
    char *out = xstrdup(text);
    *any = 0;
    for (size_t i = 0; out[i];) {
        if (out[i] == '"') {
            i = skip_string(out, i);
            continue;
        }
        if (out[i] != 'N' && out[i] != 'I' && out[i] != '-') {
            i++;
            continue;
        }
        for (size_t k = 0; k < sizeof(map) / sizeof(*map); k++)
            if (!strncmp(out + i, map[k].word, strlen(map[k].word))) {
                memcpy(out + i, map[k].as, strlen(map[k].as));
                *any = 1;
            }
        i++;
    }
    return out;
}

/* Whether the number token at text[s] stood for NaN in the original text. */
static int was_nan(const char *orig, size_t s)
{
    return orig && !strncmp(orig + s, "NaN", 3);
}

static void retype(cJSON *item, const char *text, const char *orig, size_t *pos)
{
    for (cJSON *c = item; c; c = c->next) {
        if (cJSON_IsNumber(c)) {
            size_t s, e;
            if (!next_number(text, pos, &s, &e))
                return;
            if (was_nan(orig, s))
                c->valuedouble = NAN;
            else if (!memchr(text + s, '.', e - s) && !memchr(text + s, 'e', e - s)
                && !memchr(text + s, 'E', e - s)) {
                char *digits = xstrndup(text + s, e - s);
                c->type = cJSON_Raw;
                c->valuestring = digits;
            }
        } else if (c->child)
            retype(c->child, text, orig, pos);
    }
}

/* The \uXXXX escape at s (after the backslash), or -1. */
static long escape_at(const char *s)
{
    if (s[0] != 'u')
        return -1;
    long v = 0;
    for (int i = 1; i <= 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* One escape at text[i] (a backslash) into out; returns its length in text. A lone
 * surrogate, which cJSON refuses, is what Python reads it as: \udc80-\udcff (how the
 * launcher and Python's surrogateescape write a byte that is no UTF-8) the byte itself,
 * any other U+FFFD. */
static size_t put_escape(const char *text, size_t i, struct strbuf *out)
{
    long v = escape_at(text + i + 1);
    int high = v >= 0xD800 && v < 0xDC00;
    long w = high && text[i + 6] == '\\' ? escape_at(text + i + 7) : -1;
    if (high && w >= 0xDC00 && w < 0xE000) { /* a pair, as it was */
        strbuf_add(out, text + i, 12);
        return 12;
    }
    if (v < 0xD800 || v >= 0xE000) { /* no surrogate (or another escape): as it was */
        size_t n = text[i + 1] ? 2 : 1;
        strbuf_add(out, text + i, n);
        return n;
    }
    if (v >= 0xDC80 && v < 0xDD00)
        strbuf_addch(out, (char)(v - 0xDC00));
    else
        strbuf_addstr(out, "\xef\xbf\xbd");
    return 6;
}

/* text with lone surrogate escapes in its strings replaced (put_escape), or NULL when it
 * has none. */
static char *lone_surrogates(const char *text)
{
    if (!strstr(text, "\\ud") && !strstr(text, "\\uD"))
        return NULL;
    struct strbuf out = STRBUF_INIT;
    int in_string = 0;
    for (size_t i = 0; text[i];) {
        if (in_string && text[i] == '\\') {
            i += put_escape(text, i, &out);
            continue;
        }
        if (text[i] == '"')
            in_string = !in_string;
        strbuf_addch(&out, text[i++]);
    }
    return strbuf_detach(&out);
}

cJSON *json_parse_typed(const char *given)
{
    int any;
    char *fixed = lone_surrogates(given);
    const char *text = fixed ? fixed : given;
    char *plain = python_specials(text, &any);
    cJSON *root = cJSON_Parse(plain);
    size_t pos = 0;
    if (root)
        retype(root, plain, any ? text : NULL, &pos);
    free(plain);
    free(fixed);
    return root;
}

cJSON *json_load_file(const char *path)
{
    struct strbuf sb = STRBUF_INIT;
    cJSON *v = strbuf_read_file(&sb, path) == 0 ? json_parse_typed(sb.buf) : NULL;
    strbuf_release(&sb);
    return v;
}
