/* config_file.h: configuration files named after "with": JSON (.json) and YAML (.yaml,
 * .yml), read into cJSON trees with integers kept exact; errors name file, line, column. */
#ifndef SR_CONFIG_FILE_H
#define SR_CONFIG_FILE_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* 1 if word names a configuration file by its extension. */
int config_file_kind(const char *word);
/* Reads path; NULL with a one-line reason in err. The top level must be an object. */
cJSON *config_file_load(const char *path, char *err, size_t errlen);
/* Writes tree to path as JSON (Sacred's layout) or YAML by extension. 0 or -1 + err. */
int config_file_save(const char *path, const cJSON *tree, char *err, size_t errlen);

#endif
