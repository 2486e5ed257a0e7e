/* runid.h: Sacred's run ids in a file storage: the largest numeric directory + 1, claimed
 * with an atomic mkdir and retried upward on EEXIST; or a forced id. */
#ifndef SR_RUNID_H
#define SR_RUNID_H

#include <stddef.h>

/* Claims the next id in basedir (which must exist); writes it to id. 0 or -1 with errno. */
int runid_claim(const char *basedir, char *id, size_t idlen);

/* Creates basedir/id for a forced id. -1 with errno (EEXIST if taken, EINVAL if the id
 * is not a plain directory name). */
int runid_force(const char *basedir, const char *id);

#endif
