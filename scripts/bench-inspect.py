#!/usr/bin/env python3
"""bench-inspect.py: the inspect commands on a large storage, against a baseline that reads
the same files in the same run (A B alternation, medians), on tmpfs where there is one.

  ls_10000_runs: `sacred-run ls` of 10,000 runs (made by make-storage.py) to a file, warm,
                 against `cat` of every run.json and config.json to a file (the bytes ls
                 must read at the least). Target: under 0.5 s.
Environment: BENCH_RUNS (10000), BENCH_REPS (5).
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
core = __import__("bench-core")


def timed(cmd, out_path):
    """Seconds for cmd with stdout to a file on disk (a real consumer, not /dev/null)."""
    with open(out_path, "wb") as out:
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=out, check=True)
        return time.perf_counter() - t0


def main():
    if not os.path.exists(core.SR):
        raise SystemExit("build sacred-run first (make)")
    n = int(os.environ.get("BENCH_RUNS", "10000"))
    reps = int(os.environ.get("BENCH_REPS", "5"))
    scratch = core.scratch_dir()
    storage = os.path.join(scratch, "runs")
    try:
        subprocess.run([sys.executable, os.path.join(core.ROOT, "scripts", "make-storage.py"),
                        storage, str(n)], check=True)
        out = os.path.join(scratch, "out")
        base = ["sh", "-c", 'cat "$0"/*/run.json "$0"/*/config.json', storage]
        ours = [core.SR, "ls", "-F", storage]
        timed(ours, out)  # warm the page cache
        a, b = [], []
        for _ in range(reps):
            a.append(timed(base, out))
            b.append(timed(ours, out))
        ta, tb = statistics.median(a), statistics.median(b)
        print("ls_%d_runs: %.3f s (target < 0.5 s); baseline cat of run.json+config.json %.3f s; "
              "ratio %.2f" % (n, tb, ta, tb / ta))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
