#!/usr/bin/env python3
"""Test helper: runs a command on a new pseudo-terminal of ROWS x COLS, as a user's
terminal would, and writes everything the terminal received to OUT; prints the status.

  tty_run.py ROWS COLS OUT [RESIZE_ROWS RESIZE_COLS] -- COMMAND...

With a resize, the terminal changes size once the output contains "ready".
"""
import fcntl
import os
import pty
import struct
import sys
import termios


def main():
    rows, cols, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    sep = sys.argv.index("--")
    resize = [int(v) for v in sys.argv[4:sep]]
    cmd = sys.argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvp(cmd[0], cmd)
    data = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
        if resize and b"ready" in data:
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", resize[0], resize[1], 0, 0))
            resize = None
    _, status = os.waitpid(pid, 0)
    with open(out, "wb") as f:
        f.write(data)
    print(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
