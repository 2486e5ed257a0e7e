/* unixsock.h: Unix-domain sockets at a path, for the launcher's event and report sockets
 * and for "sacred-run log". A path too long for sun_path fails with ENAMETOOLONG. */
#ifndef SR_UNIXSOCK_H
#define SR_UNIXSOCK_H

/* A new socket of type (SOCK_STREAM or SOCK_DGRAM, with SOCK_* flags) bound to path, or
 * -1 with errno. */
int unix_socket_bound(const char *path, int type);
/* A new socket of type connected to path, or -1 with errno. */
int unix_socket_connected(const char *path, int type);

#endif
