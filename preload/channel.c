/* channel.c: the datagram channel to the launcher. The socket is created in the
 * constructor, moved to a high fd and re-created if the program closes or reuses it.
 * Nothing here allocates, locks, prints, or leaves errno changed. */
#include "channel.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sr_protocol.h"

static struct sockaddr_un sr_addr;
static socklen_t sr_addrlen;
static int sr_fd = -1;

enum { HIGH_FD = 900 };

static int open_socket(void)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = { 1, 0 }; /* never block the program long on a stuck launcher */
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    int high = fcntl(fd, F_DUPFD_CLOEXEC, HIGH_FD);
    if (high >= 0) {
        close(fd);
        fd = high;
    }
    int expected = -1;
    if (!__atomic_compare_exchange_n(&sr_fd, &expected, fd, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        close(fd);
        fd = expected;
    }
    return fd;
}

int sr_channel_init(const char *socket_path)
{
    size_t n = socket_path ? strlen(socket_path) : 0;
    if (n == 0 || n >= sizeof(sr_addr.sun_path))
        return -1;
    sr_addr.sun_family = AF_UNIX;
    memcpy(sr_addr.sun_path, socket_path, n + 1);
    sr_addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    return open_socket() < 0 ? -1 : 0;
}

int sr_channel_on(void)
{
    return sr_addrlen != 0;
}

static int send_once(int fd, const void *buf, size_t len)
{
    ssize_t r;
    do
        r = sendto(fd, buf, len, MSG_NOSIGNAL, (const struct sockaddr *)&sr_addr, sr_addrlen);
    while (r < 0 && errno == EINTR);
    return r < 0 ? errno : 0;
}

void sr_send(int type, int flags, int other, const void *payload, size_t len)
{
    if (!sr_addrlen)
        return;
    int saved = errno;
    union {
        struct sr_event ev;
        char raw[SR_EVENT_MAX];
    } u;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (len > (size_t)SR_EVENT_PAYLOAD_MAX)
        len = SR_EVENT_PAYLOAD_MAX;
    u.ev = (struct sr_event){ SR_EVENT_MAGIC, (uint16_t)type, (uint16_t)flags, getpid(),
                              getppid(), other, (uint32_t)len,
                              (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec };
    memcpy(u.raw + sizeof(u.ev), payload, len);
    int fd = __atomic_load_n(&sr_fd, __ATOMIC_ACQUIRE);
    int err = fd < 0 ? EBADF : send_once(fd, u.raw, sizeof(u.ev) + len);
    if (err == EBADF || err == ENOTSOCK || err == EISCONN || err == EPROTOTYPE || err == EINVAL) {
        /* The program closed or reused our fd: forget it and try once on a new socket. */
        __atomic_compare_exchange_n(&sr_fd, &fd, -1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
        fd = open_socket();
        if (fd >= 0)
            send_once(fd, u.raw, sizeof(u.ev) + len);
    }
    errno = saved;
}

void sr_chunk_add(struct sr_chunker *c, const char *s, size_t len)
{
    while (len) {
        if (c->n == sizeof(c->buf)) {
            sr_send(c->type, SR_EVF_MORE | (c->sent ? SR_EVF_CONT : 0), c->other, c->buf, c->n);
            c->sent = 1;
            c->n = 0;
        }
        size_t k = sizeof(c->buf) - c->n < len ? sizeof(c->buf) - c->n : len;
        memcpy(c->buf + c->n, s, k);
        c->n += k;
        s += k;
        len -= k;
    }
}

void sr_chunk_end(struct sr_chunker *c)
{
    sr_send(c->type, c->sent ? SR_EVF_CONT : 0, c->other, c->buf, c->n);
}

void sr_send_args(int type, int other, const char *path, char *const argv[])
{
    struct sr_chunker c = { .type = type, .other = other };
    if (path)
        sr_chunk_add(&c, path, strlen(path) + 1);
    for (size_t i = 0; argv && argv[i]; i++)
        sr_chunk_add(&c, argv[i], strlen(argv[i]) + 1);
    sr_chunk_end(&c);
}
