#!/usr/bin/env python3
"""bench-measure.py: the cost of measurements, as ratios measured in the same run (A B A B
pairs, median of the ratios), storage on tmpfs.

  output parsing: a program printing N lines, half of them metric lines, under sacred-run
                  with the default patterns vs with --no-default-metrics
  reports:        M 'scalar' reports from one C process through sacred-report.h (wall
                  time, launcher peak memory) and, for scale, M/10 of them

N: BENCH_LINES (default 10,000,000); M: BENCH_REPORTS (default 1,000,000);
BENCH_REPS pairs (default 3).
"""
import os
import shutil
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SR = os.path.join(ROOT, "build", "sacred-run")
BENCH = os.path.join(ROOT, "build", "bench")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from importlib import import_module  # noqa: E402

core = import_module("bench-core")


def main():
    for prog in ("metric_lines", "report_many"):
        core.build_prog(prog)
    shm = core.scratch_dir()
    runs = os.path.join(shm, "runs")
    reps = int(os.environ.get("BENCH_REPS", "3"))
    lines = int(os.environ.get("BENCH_LINES", "10000000"))
    reports = int(os.environ.get("BENCH_REPORTS", "1000000"))
    clean = lambda: shutil.rmtree(runs, ignore_errors=True)
    try:
        base = [SR, "-F", runs, "-l", "ERROR", "--no-sys-metrics"]
        prog = [BENCH + "/metric_lines", str(lines)]
        a, b, r = core.pair(base + ["--no-default-metrics"] + prog, base + prog, reps, clean=clean)
        print("metric_parsing_%dM_lines: without parsing %.2f s, with default patterns %.2f s, "
              "ratio %.2f (target <= 1.15)" % (lines // 1000000, a, b, r))
        for count in (reports // 10, reports):
            t0 = time.perf_counter()
            peak = core.peak_kib(base + [BENCH + "/report_many", str(count)])
            took = time.perf_counter() - t0
            clean()
            print("reports_%d_scalars: %.2f s wall (target < 5 s for 1,000,000), launcher peak "
                  "RSS %d KiB" % (count, took, peak))
    finally:
        shutil.rmtree(shm, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
