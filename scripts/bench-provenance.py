#!/usr/bin/env python3
"""bench-provenance.py: the cost of watching a program from inside, as ratios against the
same program without sacred-run, measured in the same run (A B A B pairs, medians).

  1,000,000 open/close pairs of one file (C)               target <= 1.2
  a shell script starting 2,000 short processes             target <= 1.3
  a program reading a 1 GiB input file (first run: the launcher hashes it after the
  program ends; later runs: the MD5 cache by device/inode/size/mtime)  target <= 1.05

BENCH_REPS pairs (default 3); BENCH_READ_MB (default 1024).
"""
import os
import shutil
import sys
import tempfile
from importlib import import_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
core = import_module("bench-core")
SR = core.SR
BENCH = core.BENCH


def main():
    for prog in ("open_close", "read_file"):
        core.build_prog(prog)
    shm = core.scratch_dir()
    runs = os.path.join(shm, "runs")
    reps = int(os.environ.get("BENCH_REPS", "3"))
    clean = lambda: shutil.rmtree(runs, ignore_errors=True)
    ours = [SR, "-F", runs, "-l", "ERROR", "--no-sys-metrics"]
    try:
        prog = [BENCH + "/open_close", "1000000", "/etc/hostname"]
        a, b, r = core.pair(prog, ours + prog, reps, clean=clean)
        print("open_close_1M: native %.2f s, sacred-run %.2f s, ratio %.2f (target <= 1.2)" % (a, b, r))

        script = os.path.join(shm, "spawn.sh")
        with open(script, "w") as f:
            f.write("i=0; while [ $i -lt 2000 ]; do /bin/true; i=$((i+1)); done\n")
        a, b, r = core.pair(["sh", script], ours + ["sh", script], reps, clean=clean)
        print("spawn_2000: native %.2f s, sacred-run %.2f s, ratio %.2f (target <= 1.3)" % (a, b, r))

        fd, data = tempfile.mkstemp(prefix="sacred-bench-input.", suffix=".bin")  # on disk, not tmpfs
        with os.fdopen(fd, "wb") as f:
            for _ in range(int(os.environ.get("BENCH_READ_MB", "1024"))):
                f.write(os.urandom(1 << 20))
        try:
            reader = [BENCH + "/read_file", data]
            base = core.run(reader)[0]
            first = core.run(ours + reader)[0]  # keeps the runs dir: its MD5 cache stays
            a, b, r = core.pair(reader, ours + reader, reps)
            clean()
            print("read_1GiB: native %.2f s; first sacred-run %.2f s (ratio %.2f, hashing after the "
                  "program); cached %.2f s vs %.2f s, ratio %.2f (target <= 1.05)" % (base, first, first / base, b, a, r))
            train = [BENCH + "/read_file", data, "3"]
            base = core.run(train)[0]
            first = core.run(ours + train)[0]
            clean()
            print("read_1GiB_then_compute_3s: native %.2f s, first sacred-run %.2f s, ratio %.2f "
                  "(the launcher hashes while the program computes)" % (base, first, first / base))
        finally:
            os.unlink(data)
    finally:
        shutil.rmtree(shm, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
