#!/usr/bin/env python3
"""Test helper: starts a sweep, waits until N of its runs print "ready" (their cout.txt),
sends SIGNAL to the sweep process itself, and prints the sweep's exit status.

  sweep_signal.py STORAGE N SIGNAL -- SACRED-RUN SWEEP ARGS...
"""
import os
import signal
import subprocess
import sys
import time


def ready_runs(storage):
    if not os.path.isdir(storage):
        return 0
    n = 0
    for d in os.listdir(storage):
        cout = os.path.join(storage, d, "cout.txt")
        if d.isdigit() and os.path.exists(cout) and b"ready" in open(cout, "rb").read():
            n += 1
    return n


def main():
    storage, want, sig = sys.argv[1], int(sys.argv[2]), getattr(signal, sys.argv[3])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    # the signal at its default in the sweep even when this test runs in the background
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         preexec_fn=lambda: signal.signal(sig, signal.SIG_DFL))
    deadline = time.time() + 30
    while ready_runs(storage) < want:
        if time.time() > deadline or p.poll() is not None:
            p.kill()
            raise SystemExit("the sweep's runs never became ready")
        time.sleep(0.05)
    os.kill(p.pid, sig)
    print(p.wait(timeout=30))


if __name__ == "__main__":
    main()
