/* schema.h: the tables sacred-run keeps runs in, created on first use and versioned.
 * A database with a newer schema than this program knows is refused, never changed. */
#ifndef SR_SCHEMA_H
#define SR_SCHEMA_H

#include <stddef.h>

struct db;

/* 1: runs, metrics, cout, files; 2: runs.queue_spec and runs.queue_priority (-q);
 * 3: metrics.run_id without a foreign key (bulk loads at half the cost). */
enum { SCHEMA_VERSION = 3 };

/* Creates the schema when the database has none, or adds what an older version lacks (one
 * at a time), else checks its version. 0, or -1 with a one-line message in err. */
int schema_ensure(struct db *d, const char *shown, char *err, size_t errlen);

/* A connection to u whose schema is there and known (schema_ensure), or NULL with the
 * reason in err. Every user of a database connects through it. */
struct db_url;
struct db *schema_connect(const struct db_url *u, char *err, size_t errlen);

#endif
