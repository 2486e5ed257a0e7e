/* bsonval.c: JSON values into BSON documents (bsonval.h), with pymongo's choices of
 * types. Works on any text: what BSON cannot hold (invalid UTF-8, keys with '.' or a
 * leading '$', integers past int64) is made storable, never refused. */
#include "store/bsonval.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/utf8.h"

const char *bsonval_index(uint32_t i, char buf[16])
{
    const char *key;
    bson_uint32_to_string(i, &key, buf, 16);
    return key;
}

void bsonval_append_text(bson_t *b, const char *key, const char *text, size_t n)
{
    if (bson_utf8_validate(text, n, true)) {
        bson_append_utf8(b, key, -1, text, (int)n);
        return;
    }
    char *clean = utf8_clean(text, n, "\xEF\xBF\xBD", 0);
    bson_append_utf8(b, key, -1, clean, -1);
    free(clean);
}

/* Sacred's force_valid_bson_key: a leading '$' becomes '@', each '.' a ','; and the
 * key valid UTF-8. Newly allocated. */
static char *valid_key(const char *key)
{
    char *k = utf8_clean(key, strlen(key), "\xEF\xBF\xBD", 0);
    if (k[0] == '$')
        k[0] = '@';
    for (char *p = k; (p = strchr(p, '.')); p++)
        *p = ',';
    return k;
}

void bsonval_append_number(bson_t *b, const char *key, const char *text, size_t n)
{
    char buf[64];
    if (!memchr(text, '.', n) && !memchr(text, 'e', n) && !memchr(text, 'E', n) && n < sizeof(buf)) {
        memcpy(buf, text, n);
        buf[n] = 0;
        errno = 0;
        char *end;
        long long v = strtoll(buf, &end, 10);
        if (errno == ERANGE || *end)
            bson_append_utf8(b, key, -1, buf, -1);
        else if (v >= INT32_MIN && v <= INT32_MAX)
            bson_append_int32(b, key, -1, (int32_t)v);
        else
            bson_append_int64(b, key, -1, v);
        return;
    }
    char *copy = xstrndup(text, n);
    bson_append_double(b, key, -1, strtod(copy, NULL));
    free(copy);
}

void bsonval_append_time(bson_t *b, const char *key, const char *iso)
{
    double t;
    if (time_iso_parse(iso, &t)) {
        bsonval_append_text(b, key, iso, strlen(iso));
        return;
    }
    double s = floor(t);
    long long us = llround((t - s) * 1e6); /* exact: the text has at most six digits */
    bson_append_date_time(b, key, -1, (long long)s * 1000 + us / 1000);
}

void bsonval_append_member(bson_t *b, const cJSON *member)
{
    char *k = valid_key(member->string ? member->string : "");
    bsonval_append(b, k, member);
    free(k);
}

static void append_children(bson_t *b, const cJSON *item, int is_array)
{
    char buf[16];
    uint32_t i = 0;
    for (const cJSON *c = item->child; c; c = c->next, i++)
        if (is_array)
            bsonval_append(b, bsonval_index(i, buf), c);
        else
            bsonval_append_member(b, c);
}

void bsonval_append(bson_t *b, const char *key, const cJSON *item)
{
    bson_t child;
    if (cJSON_IsRaw(item))
        bsonval_append_number(b, key, item->valuestring, strlen(item->valuestring));
    else if (cJSON_IsNumber(item))
        bson_append_double(b, key, -1, item->valuedouble);
    else if (cJSON_IsBool(item))
        bson_append_bool(b, key, -1, cJSON_IsTrue(item));
    else if (cJSON_IsString(item))
        bsonval_append_text(b, key, item->valuestring, strlen(item->valuestring));
    else if (cJSON_IsArray(item) || cJSON_IsObject(item)) {
        int is_array = cJSON_IsArray(item);
        if (is_array)
            bson_append_array_begin(b, key, -1, &child);
        else
            bson_append_document_begin(b, key, -1, &child);
        append_children(&child, item, is_array);
        if (is_array)
            bson_append_array_end(b, &child);
        else
            bson_append_document_end(b, &child);
    } else
        bson_append_null(b, key, -1);
}
