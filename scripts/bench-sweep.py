#!/usr/bin/env python3
"""bench-sweep.py: what a local sweep adds per point, as a ratio against a baseline
measured in the same run (A B A B alternation, median of the ratios), on tmpfs.

  baseline: the same N sacred-run commands in a shell loop, J at a time
            (sacred-run -F DIR -l WARNING /bin/true --x 0 with x=I)
  ours:     sacred-run sweep -F DIR -j J --quiet /bin/true --x 0 with x=0,1,...,N-1

The program exits at once, so the ratio is the sweep's own cost per point (target <= 1.2).
BENCH_POINTS (default 200), BENCH_JOBS (default 2), BENCH_REPS (default 3) pairs.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SR = os.path.join(ROOT, "build", "sacred-run")

LOOP = r'''n=0
for i in $(seq 0 $(($POINTS - 1))); do
    "$SR" -F "$STORE" -l WARNING /bin/true --x 0 with x=$i > /dev/null 2>&1 &
    n=$((n + 1))
    if [ $n -ge $JOBS ]; then wait -n; n=$((n - 1)); fi
done
wait
'''


def timed(cmd, env=None):
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def count_runs(store):
    return sum(1 for d in os.listdir(store) if d.isdigit())


def main():
    points = int(os.environ.get("BENCH_POINTS", 200))
    jobs = int(os.environ.get("BENCH_JOBS", 2))
    reps = int(os.environ.get("BENCH_REPS", 3))
    scratch = tempfile.mkdtemp(prefix="sacred-bench.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    values = "x=" + ",".join(str(i) for i in range(points))
    a, b, ratios = [], [], []
    try:
        for rep in range(reps):
            loop_store, sweep_store = os.path.join(scratch, "loop%d" % rep), os.path.join(scratch, "sweep%d" % rep)
            env = dict(os.environ, SR=SR, STORE=loop_store, POINTS=str(points), JOBS=str(jobs))
            ta = timed(["bash", "-c", LOOP], env)
            tb = timed([SR, "sweep", "-F", sweep_store, "-j", str(jobs), "--quiet", "/bin/true", "--x", "0", "with", values])
            if count_runs(loop_store) != points or count_runs(sweep_store) != points:
                raise SystemExit("bench-sweep: a run is missing (%d, %d of %d)"
                                 % (count_runs(loop_store), count_runs(sweep_store), points))
            a.append(ta)
            b.append(tb)
            ratios.append(tb / ta)
            shutil.rmtree(loop_store)
            shutil.rmtree(sweep_store)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("sweep_%d_points_j%d: shell loop %.2f s, sweep %.2f s, ratio %.2f (target <= 1.20)"
          % (points, jobs, statistics.median(a), statistics.median(b), statistics.median(ratios)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
