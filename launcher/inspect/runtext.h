/* runtext.h: parts of a run record spelled as text the same way by every inspect command:
 * its command line (words a shell reads back), the host's OS, CPU and GPUs. Works on
 * records of every writer; never reads files, never prints. */
#ifndef SR_RUNTEXT_H
#define SR_RUNTEXT_H

#include <cjson/cJSON.h>

#include "util/strbuf.h"

/* The string at a dotted path of obj, or NULL. */
const char *run_text(const cJSON *obj, const char *path);
/* Appends the strings of list as shell words (quoted when needed), separated by spaces. */
void run_add_words(struct strbuf *sb, const cJSON *list);
/* The command line: program.argv, or for a Python Sacred run its main file, command and
 * updates ("exp.py with a=1"). Newly allocated ("" when unknown). */
char *run_command_line(const cJSON *run);
/* The command as typed (program.argv_given and "with ..."), or NULL when it is command. */
char *run_command_typed(const cJSON *run, const char *command);
/* host.os as text (the platform string of Sacred's ["Linux", platform]), or NULL. */
const char *run_host_os(const cJSON *host);
/* host.cpu with host.cpu_count ("AMD EPYC (2 cores)"), or NULL. */
char *run_host_cpu(const cJSON *host);
/* host.gpus ("Tesla T4 (15360 MiB); driver 535.1"), "" when none. */
char *run_host_gpus(const cJSON *host);

#endif
