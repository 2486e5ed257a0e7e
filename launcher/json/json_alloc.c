/* json_alloc.c: the cJSON allocation hooks. cJSON 1.7's hooks take malloc and free only;
 * with a malloc_fn other than the C library's, cJSON_InitHooks leaves cJSON without
 * realloc, and cJSON grows and trims its print buffers by allocating anew, copying and
 * freeing: every allocation it makes comes through here. free_fn is free() itself, so
 * cJSON_Delete may free strings the launcher put into nodes with xmalloc (json_parse.c). */
#include "json/json_alloc.h"

#include <stdlib.h>

#include <cjson/cJSON.h>

#include "util/error.h"

/* Per thread, so counting needs no lock whichever thread builds JSON. */
static _Thread_local unsigned long allocations;

static void *CJSON_CDECL json_malloc(size_t n)
{
    allocations++;
    return xmalloc(n);
}

void json_init(void)
{
    cJSON_Hooks hooks = { json_malloc, free };
    cJSON_InitHooks(&hooks);
}

unsigned long json_alloc_count(void)
{
    return allocations;
}
