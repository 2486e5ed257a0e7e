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

/* Whether id is a plain name a run may have: not empty, at most 255 bytes, no '/' and no
 * control character, not starting with '.' (".", "..", hidden) or '_' (_sources). */
int runid_valid(const char *id);
/* The rule above, in words, for messages. */
#define RUNID_RULE "a plain name: no '/' or control characters, not starting with '.' or '_', at most 255 bytes"

#endif
