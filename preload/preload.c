/* preload.c: the constructor of libsacred-preload.so. In every process image of the tree
 * it saves what must survive exec and tells the launcher who it is (hello + argv).
 * Outside sacred-run (no SACRED_PRELOAD) it does nothing at all. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "crash.h"
#include "libs.h"
#include "env.h"
#include "real.h"
#include "sr_protocol.h"

static void send_hello(void)
{
    char buf[2 * PATH_MAX + 2];
    ssize_t n = readlink("/proc/self/exe", buf, PATH_MAX);
    size_t len = n > 0 ? (size_t)n : 0;
    buf[len++] = '\0';
    if (!getcwd(buf + len, PATH_MAX))
        buf[len] = '\0';
    len += strlen(buf + len) + 1;
    sr_send(SR_EV_HELLO, 0, 0, buf, len);
}

__attribute__((constructor)) static void sr_preload_init(int argc, char **argv, char **envp)
{
    (void)argc;
    sr_real_init();
    if (sr_env_save(envp) < 0)
        return;
    if (sr_channel_init(getenv(SR_ENV_SOCKET)) < 0)
        return;
    send_hello();
    sr_send_args(SR_EV_ARGV, 0, NULL, argv);
    sr_libs_report();
    sr_crash_arm();
}
