/* json_alloc.h: cJSON allocates through the launcher's allocation helpers (util/error.h), so
 * cJSON_Create*, cJSON_Duplicate, cJSON_Parse and cJSON_Print* never return NULL for lack of
 * memory: they die as xmalloc() does. They can still return NULL for other reasons (invalid
 * text, a NULL argument, cJSON_CreateString(NULL)); cJSON_Add*ToObject on a NULL object or
 * key returns NULL too. Memory cJSON hands out (cJSON_Print*'s text) is freed with free()
 * or cJSON_free(), which are the same function here. */
#ifndef SR_JSON_ALLOC_H
#define SR_JSON_ALLOC_H

/* Installs the hooks. Called first thing in main() (the launcher's and the unit tests'),
 * before any cJSON call and before any thread starts. */
void json_init(void);

/* How many allocations cJSON has made through the hooks in the calling thread (for the
 * unit tests: stays 0 without json_init()). */
unsigned long json_alloc_count(void);

#endif
