/* json_index.h: constant-time key lookups in cJSON objects. cJSON's objects are lists, so
 * a lookup costs their length and building an object of n keys one set at a time costs
 * n²; through an index both stay linear. An index covers every object it is asked about
 * (each is indexed on first use) and stays true while those objects change only through
 * it. The items it replaces are kept, not freed, until json_index_release, so no entry
 * ever points at freed memory. */
#ifndef SR_JSON_INDEX_H
#define SR_JSON_INDEX_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct json_index_slot {
    const cJSON *parent; /* NULL: empty */
    cJSON *item;         /* NULL: the mark that parent's children are all in the index */
    const char *key;     /* item's name (or ""), kept here to spare a memory access */
    size_t hash;
};

struct json_index {
    struct json_index_slot *slot;
    size_t nslot, n;
    cJSON *replaced; /* items set over, freed at release */
};

#define JSON_INDEX_INIT { NULL, 0, 0, NULL }

/* The first item named key in obj, or NULL (also when obj is not an object). */
cJSON *json_index_get(struct json_index *ix, const cJSON *obj, const char *key);
/* Replaces key in obj with val, in the same place, or adds it at the end. Takes val. */
void json_index_set(struct json_index *ix, cJSON *obj, const char *key, cJSON *val);
/* The item at a dotted path ("a.b.c"; empty parts are skipped), or NULL. */
cJSON *json_index_get_path(struct json_index *ix, const cJSON *tree, const char *path);
/* json_set_dotted (json.h) through the index: -1 if a part of the path is not an object
 * or the key is malformed. Takes val. */
int json_index_set_dotted(struct json_index *ix, cJSON *obj, const char *key, cJSON *val);
/* cJSON_Compare(a, b, 1) through the index: objects are equal when each item of either
 * equals the other's first item of its name; arrays item by item; scalars as cJSON. */
int json_index_equal(struct json_index *ix, const cJSON *a, const cJSON *b);
/* Frees the index and the items it replaced; the objects it covered stay as they are. */
void json_index_release(struct json_index *ix);

#endif
