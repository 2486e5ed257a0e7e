/* dependencies.h: experiment.dependencies as Sacred writes it ("name==version", sorted
 * case-insensitively): every shared object the tree loaded (soname and version) and every
 * Python package whose files it opened (distribution name and version from dist-info). */
#ifndef SR_DEPENDENCIES_H
#define SR_DEPENDENCIES_H

#include <cjson/cJSON.h>

#include "observe/files.h"

/* skip: our own preload library, which the program did not ask for. */
cJSON *dependencies_collect(const struct files *fs, const char *skip);

#endif
