/* sacred_files.h: the five files Sacred's FileStorageObserver keeps in a run directory,
 * named once. Only record/ writes them (record.c, cout.c, metrics.c); others name them. */
#ifndef SR_SACRED_FILES_H
#define SR_SACRED_FILES_H

#define RUN_JSON "run.json"
#define CONFIG_JSON "config.json"
#define COUT_TXT "cout.txt"
#define INFO_JSON "info.json"
#define METRICS_JSON "metrics.json"

/* Not Sacred's: space kept for the final writes while the launcher runs (record.c). */
#define RESERVE_FILE ".reserve"

enum { SACRED_NFILES = 5 };
/* All five, in the order above (defined in record.c). */
extern const char *const sacred_files[SACRED_NFILES];

#endif
