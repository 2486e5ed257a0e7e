/* json_parse.h: parsing JSON text into cJSON trees the way Python's json.loads reads it:
 * numbers written without '.', 'e' or 'E' stay integers (exact, as json_int nodes), so a
 * value read back prints as it was written. */
#ifndef SR_JSON_PARSE_H
#define SR_JSON_PARSE_H

#include <cjson/cJSON.h>

/* Returns the tree, or NULL (invalid JSON). */
cJSON *json_parse_typed(const char *text);

/* The file at path parsed as json_parse_typed does, or NULL (unreadable, or no JSON). */
cJSON *json_load_file(const char *path);

#endif
