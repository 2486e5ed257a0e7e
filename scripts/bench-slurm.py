#!/usr/bin/env python3
"""bench-slurm.py: a Slurm sweep of N points (default 100, BENCH_POINTS) of /bin/true on a
one-node test cluster started here (tests/e2e/slurm_local.sh; root only), with -j J
(BENCH_JOBS, default: no throttle). Prints the submit time (the sweep command's wall time)
and the time from the submit to the last point's end (its run's stop_time), after checking
that every point was recorded COMPLETED. The cluster is stopped by pid whatever happens.
"""
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SR = os.path.join(ROOT, "build", "sacred-run")
LIB = os.path.join(ROOT, "tests", "e2e", "slurm_local.sh")


def cluster(verb, d):
    return subprocess.run(["bash", "-c", '. "$0"; slurm_%s "$1"' % verb, LIB, d]).returncode


def seconds(iso):
    return datetime.datetime.fromisoformat(iso).replace(tzinfo=datetime.timezone.utc).timestamp()


def main():
    if os.geteuid() != 0 or not shutil.which("slurmctld"):
        print("bench-slurm: skipped (needs root and slurm-wlm, munge)")
        return 0
    points = int(os.environ.get("BENCH_POINTS", 100))
    jobs = os.environ.get("BENCH_JOBS")
    d = tempfile.mkdtemp(prefix="sacred-slurm.")
    store = tempfile.mkdtemp(prefix="sacred-bench.")
    os.environ["SLURM_CONF"] = os.path.join(d, "slurm.conf")
    try:
        if cluster("start", d):
            raise SystemExit("bench-slurm: the cluster did not start")
        cmd = [SR, "sweep", "-F", store] + (["-j", jobs] if jobs else []) + ["--slurm", "/bin/true", "--x", "0", "with",
               "x=" + ",".join(str(i) for i in range(points))]
        t0 = time.time()
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
        submit = time.time() - t0
        record = os.path.join(store, "_sweeps", "1", "sweep.json")
        while json.load(open(record))["state"] == "SUBMITTED":
            if time.time() - t0 > 1800:
                raise SystemExit("bench-slurm: the sweep did not end in 30 minutes")
            time.sleep(0.5)
        s = json.load(open(record))
        runs = [json.load(open(os.path.join(store, p["run_id"], "run.json"))) for p in s["points"] if p["run_id"]]
        done = sum(r["status"] == "COMPLETED" for r in runs)
        if done != points:
            raise SystemExit("bench-slurm: %d of %d points completed" % (done, points))
        last = max(seconds(r["stop_time"]) for r in runs)
        print("slurm_sweep_%d_points: submit %.2f s, submit to the last point's end %.1f s (%.2f s a point)"
              % (points, submit, last - t0, (last - t0) / points))
    finally:
        cluster("stop", d)
        shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(store, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
