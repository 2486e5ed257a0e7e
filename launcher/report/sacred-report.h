/* sacred-report.h: report measurements to a running sacred-run from C or C++. Header only,
 * no library; every function is a no-op returning -1 outside a run (no SACRED_REPORT_SOCKET).
 * Reports are written without waiting; sacred_sync() waits for the launcher and prints the
 * errors it reported (returns their number). Installed as $PREFIX/include/sacred-report.h.
 *
 *   sacred_log_scalar("loss", 0.25, -1);       step -1: one past the last step of "loss"
 *   sacred_log_info("optim.lr", "0.001");      JSON value, dotted keys nest
 *   sacred_log_result("{\"acc\": 0.9}");
 *   sacred_log_artifact("model.bin", NULL);    NULL: the file's own name
 */
#ifndef SACRED_REPORT_H
#define SACRED_REPORT_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int sacred_report_fd_ = -2; /* -2: not tried, -1: not in a run */
static pid_t sacred_report_pid_;

static inline int sacred_report_connect_(void)
{
    if (sacred_report_fd_ != -2 && sacred_report_pid_ == getpid())
        return sacred_report_fd_;
    const char *path = getenv("SACRED_REPORT_SOCKET");
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    sacred_report_pid_ = getpid();
    sacred_report_fd_ = -1;
    if (!path || strlen(path) >= sizeof(a.sun_path))
        return -1;
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
        sacred_report_fd_ = fd;
    else if (fd >= 0)
        close(fd);
    return sacred_report_fd_;
}

/* Sends one protocol line (without its newline). */
static inline int sacred_report(const char *line)
{
    int fd = sacred_report_connect_();
    size_t n = strlen(line);
    if (fd < 0)
        return -1;
    char *buf = (char *)malloc(n + 1);
    if (!buf)
        return -1;
    memcpy(buf, line, n);
    buf[n] = '\n';
    size_t off = 0;
    while (off <= n) {
        ssize_t w = send(fd, buf + off, n + 1 - off, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    free(buf);
    return off == n + 1 ? 0 : -1;
}

static inline int sacred_log_scalar(const char *name, double value, long long step)
{
    char line[512];
    if (step >= 0)
        snprintf(line, sizeof(line), "scalar %s %.17g %lld", name, value, step);
    else
        snprintf(line, sizeof(line), "scalar %s %.17g", name, value);
    return sacred_report(line);
}

static inline int sacred_report_join_(const char *verb, const char *a, const char *b)
{
    size_t n = strlen(verb) + strlen(a) + (b ? strlen(b) : 0) + 3;
    char *line = (char *)malloc(n);
    if (!line)
        return -1;
    snprintf(line, n, "%s %s%s%s", verb, a, b ? " " : "", b ? b : "");
    int rc = sacred_report(line);
    free(line);
    return rc;
}

static inline int sacred_log_info(const char *key, const char *json)
{
    return sacred_report_join_("info", key, json);
}

static inline int sacred_log_result(const char *json)
{
    return sacred_report_join_("result", json, NULL);
}

static inline int sacred_log_artifact(const char *path, const char *name)
{
    char abs[PATH_MAX];
    if (!realpath(path, abs))
        return -1;
    return sacred_report_join_("artifact", name ? name : "-", abs);
}

static inline int sacred_sync(void)
{
    int fd = sacred_report_connect_(), errors = 0;
    char buf[4096];
    if (fd < 0 || sacred_report("sync") < 0)
        return -1;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
        if (n <= 0)
            return -1;
        buf[n] = '\0';
        for (char *line = buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
            *nl = '\0';
            if (!strncmp(line, "ok ", 3))
                return errors;
            fprintf(stderr, "sacred-report: %s\n", line);
            errors++;
        }
    }
}

#endif
