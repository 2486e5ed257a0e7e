#!/usr/bin/env python3
"""Test helper: starts sacred-run, waits until the run's cout.txt contains a marker, sends a
signal to sacred-run itself or to the program, and prints sacred-run's exit status.

  signal_run.py STORAGE SIGNAL (launcher|program) -- SACRED-RUN ARGS...
"""
import os
import signal
import subprocess
import sys
import time


def main():
    storage, sig, whom = sys.argv[1], getattr(signal, sys.argv[2]), sys.argv[3]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    deadline = time.time() + 20
    cout = None
    while time.time() < deadline:
        runs = [d for d in os.listdir(storage) if d.isdigit()] if os.path.isdir(storage) else []
        if runs:
            cout = os.path.join(storage, max(runs, key=int), "cout.txt")
            if os.path.exists(cout) and b"ready" in open(cout, "rb").read():
                break
        time.sleep(0.05)
    else:
        p.kill()
        raise SystemExit("the program never became ready")
    if whom == "launcher":
        os.kill(p.pid, sig)
    else:
        kids = open("/proc/%d/task/%d/children" % (p.pid, p.pid)).read().split()
        os.kill(int(kids[0]), sig)
    print(p.wait(timeout=20))


if __name__ == "__main__":
    main()
