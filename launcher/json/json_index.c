/* json_index.c: the (object, key) -> item hash of json_index.h: open addressing, linear
 * probing, at most half full, never a deletion. It owns its slots and the items it
 * replaced, never the objects it covers. */
#include "json/json_index.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/error.h"

/* FNV-1a over the parent's address and the key; a mark hashes as the key "". */
static size_t hash(const cJSON *parent, const char *key)
{
    uintptr_t p = (uintptr_t)parent;
    size_t h = 1469598103934665603u;
    for (size_t i = 0; i < sizeof(p); i++, p >>= 8)
        h = (h ^ (p & 0xff)) * 1099511628211u;
    for (const unsigned char *k = (const unsigned char *)key; *k; k++)
        h = (h ^ *k) * 1099511628211u;
    return h ^ (h >> 29); /* the table takes the low bits, which FNV mixes least */
}

/* The slot of (parent, key), or of the mark when key is NULL; else the empty slot where
 * it would go. The index must have slots. */
static struct json_index_slot *find(const struct json_index *ix, const cJSON *parent, const char *key,
                                    size_t h)
{
    size_t mask = ix->nslot - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct json_index_slot *s = &ix->slot[i];
        if (!s->parent || (s->hash == h && s->parent == parent && !s->item == !key
                           && (!key || !strcmp(s->key, key))))
            return s;
    }
}

static struct json_index_slot *lookup(const struct json_index *ix, const cJSON *parent, const char *key)
{
    return find(ix, parent, key, hash(parent, key ? key : ""));
}

static void grow(struct json_index *ix)
{
    if (2 * (ix->n + 1) <= ix->nslot)
        return;
    struct json_index old = *ix;
    ix->nslot = old.nslot ? old.nslot * 2 : 64;
    ix->slot = xcalloc(ix->nslot, sizeof(*ix->slot));
    for (size_t i = 0; i < old.nslot; i++) {
        const struct json_index_slot *s = &old.slot[i];
        if (s->parent)
            *find(ix, s->parent, s->item ? s->key : NULL, s->hash) = *s;
    }
    free(old.slot);
}

/* Adds (parent, item) unless an item of that name is there; item NULL adds the mark. */
static void put(struct json_index *ix, const cJSON *parent, cJSON *item)
{
    grow(ix);
    const char *key = item ? item->string : NULL;
    size_t h = hash(parent, key ? key : "");
    struct json_index_slot *s = find(ix, parent, key, h);
    if (s->parent)
        return;
    *s = (struct json_index_slot){ parent, item, key ? key : "", h };
    ix->n++;
}

/* Indexes obj's children on its first use (the first of equal names wins, as in cJSON). */
static void cover(struct json_index *ix, const cJSON *obj)
{
    if (ix->nslot && lookup(ix, obj, NULL)->parent)
        return;
    for (cJSON *c = obj->child; c; c = c->next)
        if (c->string)
            put(ix, obj, c);
    put(ix, obj, NULL);
}

cJSON *json_index_get(struct json_index *ix, const cJSON *obj, const char *key)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    cover(ix, obj);
    return lookup(ix, obj, key)->item;
}

/* Puts val where old is in obj's list (cJSON's invariant: the first child's prev is the
 * last child) and keeps old, without its name, until release. */
static void swap_in(struct json_index *ix, cJSON *obj, cJSON *old, cJSON *val)
{
    if (!(val->type & cJSON_StringIsConst))
        free(val->string); /* a duplicate comes with its name (cJSON's deallocator is free) */
    val->string = old->string;
    val->type = (val->type & ~cJSON_StringIsConst) | (old->type & cJSON_StringIsConst);
    old->string = NULL;
    old->type &= ~cJSON_StringIsConst;
    val->next = old->next;
    val->prev = old->prev;
    if (val->next)
        val->next->prev = val;
    if (obj->child == old) {
        if (old->prev == old)
            val->prev = val;
        obj->child = val;
    } else {
        val->prev->next = val;
        if (!val->next)
            obj->child->prev = val;
    }
    old->next = old->prev = NULL;
    if (!ix->replaced)
        ix->replaced = cJSON_CreateArray();
    cJSON_AddItemToArray(ix->replaced, old);
}

void json_index_set(struct json_index *ix, cJSON *obj, const char *key, cJSON *val)
{
    cover(ix, obj);
    grow(ix); /* room for one more first, so the slot found is the one to fill */
    size_t h = hash(obj, key);
    struct json_index_slot *s = find(ix, obj, key, h);
    if (s->parent) {
        swap_in(ix, obj, s->item, val);
        s->item = val;
        return;
    }
    cJSON_AddItemToObject(obj, key, val);
    *s = (struct json_index_slot){ obj, val, val->string, h };
    ix->n++;
}

cJSON *json_index_get_path(struct json_index *ix, const cJSON *tree, const char *path)
{
    char *copy = xstrdup(path), *save = NULL;
    const cJSON *cur = tree;
    for (char *part = strtok_r(copy, ".", &save); part && cur; part = strtok_r(NULL, ".", &save))
        cur = json_index_get(ix, cur, part);
    free(copy);
    return (cJSON *)cur;
}

int json_index_set_dotted(struct json_index *ix, cJSON *obj, const char *key, cJSON *val)
{
    size_t len = strlen(key);
    if (!len || key[0] == '.' || key[len - 1] == '.' || strstr(key, "..")) {
        cJSON_Delete(val);
        return -1;
    }
    char *copy = xstrdup(key), *save = NULL, *part = strtok_r(copy, ".", &save);
    for (char *next; (next = strtok_r(NULL, ".", &save)); part = next) {
        cJSON *child = json_index_get(ix, obj, part);
        if (!child) {
            child = cJSON_CreateObject();
            json_index_set(ix, obj, part, child);
        }
        if (!cJSON_IsObject(child)) {
            cJSON_Delete(val);
            free(copy);
            return -1;
        }
        obj = child;
    }
    json_index_set(ix, obj, part, val);
    free(copy);
    return 0;
}

/* Whether every item of a equals b's first item of its name. */
static int items_in(struct json_index *ix, const cJSON *a, const cJSON *b)
{
    for (const cJSON *c = a->child; c; c = c->next)
        if (!json_index_equal(ix, c, json_index_get(ix, b, c->string)))
            return 0;
    return 1;
}

int json_index_equal(struct json_index *ix, const cJSON *a, const cJSON *b)
{
    if (!a || !b || (a->type & 0xFF) != (b->type & 0xFF))
        return 0;
    if (cJSON_IsObject(a))
        return a == b || (items_in(ix, a, b) && items_in(ix, b, a));
    if (!cJSON_IsArray(a))
        return cJSON_Compare(a, b, 1);
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
        if (!json_index_equal(ix, x, y))
            return 0;
    return !x && !y;
}

void json_index_release(struct json_index *ix)
{
    free(ix->slot);
    cJSON_Delete(ix->replaced);
    *ix = (struct json_index)JSON_INDEX_INIT;
}
