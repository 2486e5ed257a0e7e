/* preload.c: the constructor of libsacred-preload.so. In every process image of the tree
 * it saves what must survive exec and tells the launcher who it is (hello + argv).
 * Outside sacred-run (no SACRED_PRELOAD), and in sacred-run's own executable, it does
 * nothing at all. */
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

/* One report of who this process image is: executable, cwd, argv and loaded objects. */
static void send_hello(int argc, char **argv)
{
    char buf[PATH_MAX], num[16];
    struct sr_chunker c = { .type = SR_EV_HELLO };
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = '\0';
    sr_chunk_add(&c, buf, strlen(buf) + 1);
    if (!getcwd(buf, sizeof(buf)))
        buf[0] = '\0';
    sr_chunk_add(&c, buf, strlen(buf) + 1);
    int k = 0;
    for (int i = argc; i >= 10; i /= 10)
        k++;
    num[k + 1] = '\0';
    for (int i = argc; k >= 0; i /= 10)
        num[k--] = (char)('0' + i % 10);
    sr_chunk_add(&c, num, strlen(num) + 1);
    for (int i = 0; i < argc && argv && argv[i]; i++)
        sr_chunk_add(&c, argv[i], strlen(argv[i]) + 1);
    sr_libs_add(&c);
    sr_chunk_end(&c);
}

/* Defined only by sacred-run's own executable: bound at load, no lookup at run time. */
extern const char SR_LAUNCHER_MARK[] __attribute__((weak));

__attribute__((constructor)) static void sr_preload_init(int argc, char **argv, char **envp)
{
    if (SR_LAUNCHER_MARK)
        return; /* sacred-run run inside a run: none of its processes or libraries are the run's */
    if (sr_env_save(envp) < 0)
        return;
    if (sr_channel_init(getenv(SR_ENV_SOCKET)) < 0)
        return;
    send_hello(argc, argv);
    sr_crash_arm();
}
