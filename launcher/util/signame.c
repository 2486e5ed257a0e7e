/* signame.c: signal names from glibc's sigabbrev_np, with a fallback for unnamed ones. */
#include "util/signame.h"

#include <stdio.h>
#include <string.h>

const char *signal_name(int sig, char buf[SIGNAME_LEN])
{
    const char *abbrev = sigabbrev_np(sig);
    snprintf(buf, SIGNAME_LEN, "SIG%s", abbrev ? abbrev : "?");
    return buf;
}
