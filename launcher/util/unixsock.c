/* unixsock.c: binding and connecting Unix-domain sockets by path (see unixsock.h). A
 * failed call leaves no descriptor open and errno as the failing call set it. */
#include "util/unixsock.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int at_path(const char *path, int type, int (*op)(int, const struct sockaddr *, socklen_t))
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(a.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, type, 0);
    if (fd >= 0 && op(fd, (const struct sockaddr *)&a, sizeof(a)) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int unix_socket_bound(const char *path, int type)
{
    return at_path(path, type, bind);
}

int unix_socket_connected(const char *path, int type)
{
    return at_path(path, type, connect);
}
