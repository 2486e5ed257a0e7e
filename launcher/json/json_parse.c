/* json_parse.c: cJSON parsing plus integer recovery. cJSON keeps every number as a double;
 * walking the tree in document order alongside the number tokens of the text tells which
 * were integers, and their exact digits. */
#include "json/json_parse.h"

#include <string.h>

#include "json/json.h"
#include "util/error.h"

/* The next number token in text at or after *pos (strings skipped); its bounds. */
static int next_number(const char *text, size_t *pos, size_t *start, size_t *end)
{
    size_t i = *pos;
    while (text[i]) {
        char c = text[i];
        if (c == '"') {
            for (i++; text[i] && text[i] != '"'; i++)
                if (text[i] == '\\' && text[i + 1])
                    i++;
            if (text[i])
                i++;
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

static void retype(cJSON *item, const char *text, size_t *pos)
{
    for (cJSON *c = item; c; c = c->next) {
        if (cJSON_IsNumber(c)) {
            size_t s, e;
            if (!next_number(text, pos, &s, &e))
                return;
            if (!memchr(text + s, '.', e - s) && !memchr(text + s, 'e', e - s)
                && !memchr(text + s, 'E', e - s)) {
                char *digits = xstrndup(text + s, e - s);
                c->type = cJSON_Raw;
                c->valuestring = digits;
            }
        } else if (c->child)
            retype(c->child, text, pos);
    }
}

cJSON *json_parse_typed(const char *text)
{
    cJSON *root = cJSON_Parse(text);
    if (!root)
        return NULL;
    size_t pos = 0;
    retype(root, text, &pos);
    return root;
}
