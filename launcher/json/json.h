/* json.h: the one way the launcher writes JSON. cJSON trees are printed the way Python's
 * json.dump(obj, f, sort_keys=True, indent=2) prints (ASCII escapes, repr floats, no final
 * newline). Integers are cJSON raw nodes (json_int), so 3 and 3.0 stay different. */
#ifndef SR_JSON_H
#define SR_JSON_H

#include <cjson/cJSON.h>

#include "util/strbuf.h"

/* Appends the Python-style text of item to out. */
void json_print(struct strbuf *out, const cJSON *item);

/* One-line JSON in insertion order, as json.dumps(obj) writes it (", " and ": "). */
void json_print_compact(struct strbuf *out, const cJSON *item);

/* Appends s as a JSON string literal (ASCII escapes, invalid UTF-8 as \udcXX). */
void json_quote(struct strbuf *out, const char *s);

/* Python repr() of a double ("0.1", "1e-07", "3.0", "NaN", "Infinity"). */
void json_repr_double(double v, char buf[32]);

/* An integer node printed exactly (a cJSON raw number). */
cJSON *json_int(long long v);

/* A string node holding bytes as they are; the printer escapes invalid UTF-8 as \udcXX. */
cJSON *json_bytes(const char *s, size_t n);

/* A list of strings from a NULL-terminated vector. */
cJSON *json_string_list(char *const *v);

/* Replaces (or adds) key in obj with val. */
void json_set(cJSON *obj, const char *key, cJSON *val);

/* Sets a dotted key ("a.b.c") in obj, creating objects on the way; -1 if a part of the
 * path is not an object or the key is malformed. Takes val. */
int json_set_dotted(cJSON *obj, const char *key, cJSON *val);

/* The value at a dotted path ("host.cpu", "meta.options.--name"), or NULL. A key that
 * holds dots itself ("training.loss") is found too: the longest matching key wins. */
const cJSON *json_get_dotted(const cJSON *obj, const char *path);

/* Appends item to the array list unless an equal item is there (then item is freed). */
void json_add_unique(cJSON *list, cJSON *item);
/* The same, comparing only with the first n items: for a caller adding items that differ
 * from each other, to a list that held n before (linear, where json_add_unique of many
 * items is quadratic). */
void json_add_unique_among(cJSON *list, size_t n, cJSON *item);

/* Writes item to dir/name atomically (temporary file, then rename). 0 or -1 with errno. */
int json_write_file(int dirfd, const char *name, const cJSON *item);

#endif
