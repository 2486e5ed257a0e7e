/* artifact.c: artifact names and copies. The rules keep every artifact inside the run
 * directory and away from the five Sacred files (sacred_files.h). */
#include "record/artifact.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "record/private.h"
#include "record/sacred_files.h"
#include "util/error.h"
#include "util/fs.h"

int artifact_name_check(const char *name, char *err, size_t errlen)
{
    if (!*name || name[0] == '/') {
        snprintf(err, errlen, "artifact name '%s' must be a relative path inside the run", name);
        return -1;
    }
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || p[0] == '.' || n > 255) {
            snprintf(err, errlen, "artifact name '%s' has an empty, hidden, '.' or '..' component",
                     name);
            return -1;
        }
        p += n + (p[n] == '/');
    }
    for (size_t i = 0; i < SACRED_NFILES; i++)
        if (!strcmp(name, sacred_files[i])) {
            snprintf(err, errlen, "artifact name '%s' would overwrite a record file; choose another",
                     name);
            return -1;
        }
    return 0;
}

int artifact_copy(const char *rundir, const char *src, const char *name, char *err, size_t errlen)
{
    struct stat st;
    if (artifact_name_check(name, err, errlen) < 0 || private_refuse(src, err, errlen) < 0)
        return -1;
    if (stat(src, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "artifact '%s' is not a readable regular file", src);
        return -1;
    }
    char *dest = xasprintf("%s/%s", rundir, name);
    int rc = copy_file_mkdir(src, dest);
    if (rc < 0)
        snprintf(err, errlen, "cannot copy artifact '%s' to '%s': %s", src, dest, strerror(errno));
    free(dest);
    return rc;
}
