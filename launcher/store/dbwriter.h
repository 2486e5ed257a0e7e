/* dbwriter.h: the databases a run records into (-s URL), each written by a launcher thread
 * of its own so that the program never waits for one. The file storage (-F, else the
 * spool) holds the whole run and is the journal: when a database fails, the thread tries
 * again with backoff and catches up from it; a database still failing at the end keeps
 * the run's journal entry for `sacred-run sync`. */
#ifndef SR_DBWRITER_H
#define SR_DBWRITER_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct dbwriters;

/* Starts connecting to each URL and checking its schema, a thread each, beside the
 * launcher's own start-up; dbwriters_claim waits for them. Until then the launcher must
 * leave with _exit, not exit (the TLS library's destructors would run under a connecting
 * thread). A bad URL ends the launcher at once with status 125; NULL when n is 0. */
struct dbwriters *dbwriters_open(char *const *urls, size_t n, int retry);
/* How long the end of a run waits for a database that fails, in seconds. */
#define DB_FINAL_WAIT 5.0

/* Once connected (a database that cannot be used ends the launcher with status 125, one
 * line, unless retry: then the run is journaled for it), the id the first database gives the run (forced, -i, where it is free there; claimed when it holds
 * a row for the run already, a queued run's, else 0), for the file storage to take where
 * it is free ("" when no database could give one). */
void dbwriters_claim(struct dbwriters *w, const char *forced, long long claimed, char *id, size_t idlen);
/* Before the program started: removes the rows claimed for the run (die()'s cleanup). */
void dbwriters_abandon(struct dbwriters *w);
/* Adds "databases": [{"url", "id"}] to run.json's tree. */
void dbwriters_annotate(const struct dbwriters *w, cJSON *run);
/* Starts the threads on the run directory dir (file_id its id in file_storage; spool:
 * dir is in the spool) and writes the journal entries. */
void dbwriters_start(struct dbwriters *w, const char *dir, const char *file_storage,
                     const char *file_id, int spool);
/* The metrics sink (record/metrics.h): a point for every database. */
void dbwriters_point(void *w, const char *name, long long seq, long long step,
                     const char *stamp, const char *value);
/* A heartbeat: the threads write what changed. */
void dbwriters_wake(struct dbwriters *w);
/* After the run's last write: the final passes, waiting at most wait seconds for a
 * failing database. Names on stderr each database that lacks the run and its journal
 * entry. Returns the number of such databases. */
int dbwriters_finish(struct dbwriters *w, double wait);
void dbwriters_free(struct dbwriters *w);

#endif
