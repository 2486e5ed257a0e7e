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

cJSON *json_parse_typed(const char *text)
{
    int any;
    char *plain = python_specials(text, &any);
    cJSON *root = cJSON_Parse(plain);
    size_t pos = 0;
    if (root)
        retype(root, plain, any ? text : NULL, &pos);
    free(plain);
    return root;
}
