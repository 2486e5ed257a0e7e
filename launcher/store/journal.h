/* journal.h: what a database still lacks. Each run that records into a database has an
 * entry in $XDG_STATE_HOME/sacred-run/journal/ (else ~/.local/state/...) from its start
 * until the database has all of it; the entry names the database (no password) and the
 * run directory that holds the whole run, from which `sacred-run sync` completes it.
 * Runs recorded only into databases are kept in the spool beside it meanwhile. */
#ifndef SR_JOURNAL_H
#define SR_JOURNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* $XDG_STATE_HOME/sacred-run/NAME (created); NULL with errno when it cannot be made. */
char *state_dir(const char *name);

struct journal_entry {
    char *path;         /* the entry's file */
    char *url;          /* the database, as recorded */
    long long id;       /* the run's id there, 0 when none was claimed yet */
    char *dir;          /* the run directory */
    int spool;          /* dir is in the spool: removed once the database has the run */
    char *file_storage; /* the file storage the run is also in, or NULL */
    char *file_id;
    int done;           /* journal_done was called for it */
};

/* Writes the entry (its path is set). 0, or -1 with errno. */
int journal_write(struct journal_entry *e);
/* Reads every entry, oldest first. 0, or -1 with errno (no journal: 0 entries). */
int journal_list(struct journal_entry **out, size_t *n);
/* Removes the entry and, for a spooled run that no other entry names (another database
 * still lacking it), its directory. others[0..n) are the entries already read (sync's
 * list, which e is in; those done are passed over), or NULL to read the journal again. */
void journal_done(struct journal_entry *e, const struct journal_entry *others, size_t n);
void journal_entry_release(struct journal_entry *e);

#endif
