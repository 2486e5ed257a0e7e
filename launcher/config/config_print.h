/* config_print.h: print_config in Sacred's layout: "key = value" lines (Python repr),
 * nested blocks indented, sorted, entries coloured as modified (blue), added (green) or
 * type-changed (red) when writing to a terminal; the doc column says where each came from. */
#ifndef SR_CONFIG_PRINT_H
#define SR_CONFIG_PRINT_H

#include <stdio.h>

#include "config/config.h"
#include "util/strbuf.h"

void config_print(FILE *out, const struct config *c, int colour);
/* The entries of tree alone in that layout (no title, no colours), with the doc column
 * from origins (dotted key -> text, or NULL): a recorded configuration, info.json. */
void config_print_tree(FILE *out, const cJSON *tree, const cJSON *origins);

/* Python repr() of a JSON value (strings quoted as Python quotes them, True/None, ...). */
void config_repr(struct strbuf *sb, const cJSON *v);

#endif
