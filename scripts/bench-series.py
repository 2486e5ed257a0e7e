#!/usr/bin/env python3
"""bench-series.py: `sacred-run metrics` on a run with many points, as a ratio against
reading the same metrics.json with cat (A B A B pairs, median of the ratios), on tmpfs,
and its peak resident memory.

  metrics ID          (CSV, every metric)    vs  cat metrics.json
  metrics --json ID                          vs  cat metrics.json

Size: BENCH_SERIES metrics (default 10) of BENCH_POINTS points each (default 1,000,000),
written in Python's json.dump(indent=2, sort_keys=True) layout by make_run below (also
usable alone: bench-series.py --make DIR writes run 1 of the storage DIR and exits).
BENCH_REPS pairs (default 3).
"""
import json
import os
import random
import shutil
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SR = os.path.join(ROOT, "build", "sacred-run")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from importlib import import_module  # noqa: E402

core = import_module("bench-core")


def write_list(f, name, items, last):
    f.write('    "%s": [\n      ' % name)
    f.write(",\n      ".join(items))
    f.write("\n    ]%s\n" % ("" if last else ","))


def make_run(storage, nseries, npoints):
    """STORAGE/1: a COMPLETED run.json and a metrics.json of nseries x npoints."""
    rd = os.path.join(storage, "1")
    os.makedirs(rd, exist_ok=True)
    with open(os.path.join(rd, "run.json"), "w") as f:
        json.dump({"status": "COMPLETED", "experiment": {"name": "bench"},
                   "start_time": "2026-01-01T00:00:00.000000",
                   "stop_time": "2026-01-01T01:00:00.000000"}, f, indent=2, sort_keys=True)
    rng = random.Random(1)
    t0 = time.mktime((2026, 1, 1, 0, 0, 0, 0, 0, 0))
    with open(os.path.join(rd, "metrics.json"), "w") as f:
        f.write("{\n")
        for s in range(nseries):
            f.write('  "metric%02d": {\n' % s)
            steps = range(npoints)
            write_list(f, "steps", map(str, steps), False)
            stamps = ('"%s.%06d"' % (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t0 + i // 1000)),
                                     (i % 1000) * 1000) for i in steps)
            write_list(f, "timestamps", stamps, False)
            write_list(f, "values", (repr(rng.random()) for _ in steps), True)
            f.write("  }%s\n" % ("," if s + 1 < nseries else ""))
        f.write("}")
    return os.path.join(rd, "metrics.json")


def main():
    nseries = int(os.environ.get("BENCH_SERIES", "10"))
    npoints = int(os.environ.get("BENCH_POINTS", "1000000"))
    if len(sys.argv) == 3 and sys.argv[1] == "--make":
        make_run(sys.argv[2], nseries, npoints)
        return 0
    if not os.path.exists(SR):
        raise SystemExit("build sacred-run first (make)")
    reps = int(os.environ.get("BENCH_REPS", "3"))
    shm = core.scratch_dir()
    try:
        runs = os.path.join(shm, "runs")
        path = make_run(runs, nseries, npoints)
        size = os.path.getsize(path) / (1 << 20)
        label = "%dx%s" % (nseries, "%dM" % (npoints // 1000000) if npoints >= 1000000 else npoints)
        for name, extra in (("csv", []), ("json", ["--json"])):
            cmd = [SR, "metrics", "-F", runs] + extra + ["1"]
            a, b, r = core.pair(["cat", path], cmd, reps)
            peak = core.peak_kib(cmd)
            print("metrics_%s_%s: cat of the %.0f MiB file %.2f s, sacred-run metrics %.2f s, "
                  "ratio %.2f; peak RSS %d KiB" % (name, label, size, a, b, r, peak))
    finally:
        shutil.rmtree(shm, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
