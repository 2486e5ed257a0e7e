/* gitinfo.h: the git repository a directory belongs to, as Sacred's repositories entry:
 * {"url", "commit", "dirty"} (dirty ignores untracked files, as Sacred). Unlike Sacred the
 * URL is well formed: the first remote's URL, else file:// and the work tree's path. */
#ifndef SR_GITINFO_H
#define SR_GITINFO_H

#include <cjson/cJSON.h>

/* The entry for dir's repository, or NULL when dir is not in one (or git is missing). */
cJSON *git_repository(const char *dir);

#endif
