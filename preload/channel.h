/* channel.h: sending events to the launcher, from any process, thread, vfork child or
 * signal handler: stack buffers only, one datagram per chunk, errno kept, failures dropped. */
#ifndef SR_CHANNEL_H
#define SR_CHANNEL_H

#include <stddef.h>

#include "sr_protocol.h"

#define SR_EXPORT __attribute__((visibility("default")))

/* Sets the socket path (from the constructor); returns 0 if events can be sent. */
int sr_channel_init(const char *socket_path);

/* 1 once the constructor set up the channel (under sacred-run), else 0. */
int sr_channel_on(void);

/* Sends one event (payload up to SR_EVENT_PAYLOAD_MAX bytes). */
void sr_send(int type, int flags, int other, const void *payload, size_t len);

/* A payload sent in chunks as it is produced (stack only; usable in a signal handler). */
struct sr_chunker {
    int type, other, sent;
    size_t n;
    char buf[SR_EVENT_PAYLOAD_MAX];
};

void sr_chunk_add(struct sr_chunker *c, const char *s, size_t len);
/* Sends the last chunk. */
void sr_chunk_end(struct sr_chunker *c);

/* Sends type with the payload "path NUL argv[0] NUL argv[1] NUL ...", chunked.
 * path may be NULL (then only the arguments). */
void sr_send_args(int type, int other, const char *path, char *const argv[]);

#endif
