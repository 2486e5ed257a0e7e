#!/usr/bin/env python3
"""bench-dashboard.py: `sacred-run serve` on large storages, against baselines measured in
the same run, on tmpfs where there is one. Pages are driven in Debian's Chromium headless by
bench-dashboard.js (playwright-core, installed in tests/browser by the test command).

  runs_api:   GET /api/runs of a 10,000-run storage (make-storage.py): the first request and
              the median of the later ones, against cat of every run.json and config.json to
              a file. Targets: later requests under 0.3 s; serve's peak memory under 150 MB.
  plots:      a fresh server, then the run page of one run with 10 metrics of 1,000,000
              points (bench-series.py's layout, a 726 MiB metrics.json) until all 10 plots
              are drawn, against cat of that metrics.json to a file. Targets: under 2 s, and
              each plot request under 100 KB.
  live:       a program under `sacred-run -b B` prints a metric point every 0.25 s; the open
              run page's plot must show each point within 2 heartbeat intervals.
Environment: BENCH_RUNS (10000), BENCH_POINTS (1000000), BENCH_REPS (3), BENCH_LIVE_BEATS
("1 10"), BENCH_ONLY (runs_api,plots,live).
"""
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from importlib import import_module

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
core = import_module("bench-core")
series = import_module("bench-series")
DRIVER = os.path.join(core.ROOT, "scripts", "bench-dashboard.js")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """sacred-run serve -F storage on a free loopback port, stopped by pid."""

    def __init__(self, storage):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.proc = subprocess.Popen([core.SR, "serve", "-F", storage, "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                urllib.request.urlopen(self.url + "/", timeout=1).read()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("sacred-run serve did not answer on " + self.url)

    def get(self, path):
        t0 = time.perf_counter()
        body = urllib.request.urlopen(self.url + path, timeout=120).read()
        return time.perf_counter() - t0, len(body)

    def peak_mb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            kb = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
        return kb / 1024

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def timed_cat(paths, out):
    with open(out, "wb") as o:
        t0 = time.perf_counter()
        subprocess.run(["cat"] + paths, stdout=o, check=True)
        return time.perf_counter() - t0


def browser(mode, url, **extra):
    env = dict(os.environ, MODE=mode, URL=url, **{k: str(v) for k, v in extra.items()})
    out = subprocess.run(["node", DRIVER], env=env, capture_output=True, text=True, timeout=300)
    if out.returncode:
        raise SystemExit("bench-dashboard.js: " + out.stderr.strip())
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_runs_api(scratch, reps):
    n = int(os.environ.get("BENCH_RUNS", "10000"))
    storage = os.path.join(scratch, "runs")
    subprocess.run([sys.executable, os.path.join(core.ROOT, "scripts", "make-storage.py"),
                    storage, str(n)], check=True)
    files = [os.path.join(storage, d, f) for d in os.listdir(storage) if d.isdigit()
             for f in ("run.json", "config.json")]
    srv = Server(storage)
    try:
        first, size = srv.get("/api/runs")
        later, base = [], []
        for _ in range(max(reps, 5)):
            base.append(timed_cat(files, os.path.join(scratch, "out")))
            later.append(srv.get("/api/runs")[0])
        tl, tb = statistics.median(later), statistics.median(base)
        print("runs_api_%d: first %.3f s, later %.3f s (target < 0.3 s), %d KB; baseline cat of "
              "run.json+config.json %.3f s; ratio %.2f" % (n, first, tl, size // 1024, tb, tl / tb))
        print("serve_memory_%d: peak %.0f MB (target < 150 MB)" % (n, srv.peak_mb()))
    finally:
        srv.stop()
        shutil.rmtree(storage, ignore_errors=True)


def bench_plots(scratch, reps):
    points = int(os.environ.get("BENCH_POINTS", "1000000"))
    storage = os.path.join(scratch, "big")
    series.make_run(storage, 10, points)
    metrics = os.path.join(storage, "1", "metrics.json")
    timed_cat([metrics], os.path.join(scratch, "out"))  # warm the page cache
    got, base, mem = [], [], []
    for _ in range(reps):
        base.append(timed_cat([metrics], os.path.join(scratch, "out")))
        srv = Server(storage)
        try:
            got.append(browser("plots", srv.url + "/#/run/1", PLOTS=10))
            mem.append(srv.peak_mb())
        finally:
            srv.stop()
    t = statistics.median(g["seconds"] for g in got)
    tb = statistics.median(base)
    biggest = max(g["max_bytes"] for g in got)
    print("plots_10x%d: all 10 plots drawn in %.2f s (target < 2 s), cold server, %d plot requests "
          "of at most %.1f KB (target < 100 KB); baseline cat of metrics.json (%d MiB) %.3f s; "
          "ratio %.1f; serve peak %.0f MB"
          % (points, t, got[0]["requests"], biggest / 1024, os.path.getsize(metrics) >> 20, tb,
             t / tb, max(mem)))
    shutil.rmtree(storage, ignore_errors=True)


PRINTER = """
import sys, time
for i in range(int(sys.argv[2])):
    time.sleep(0.25)
    print("loss: %.3f" % (1.0 / (i + 1)), flush=True)
    with open(sys.argv[1], "a") as f:
        f.write("%.6f\\n" % time.time())
"""


def bench_live(scratch, beat):
    storage = os.path.join(scratch, "live%s" % beat)
    points_file = os.path.join(scratch, "points%s" % beat)
    prog = os.path.join(scratch, "printer.py")
    with open(prog, "w") as f:
        f.write(PRINTER)
    seconds = max(8, 3 * beat)
    os.makedirs(storage)
    srv = Server(storage)
    run = subprocess.Popen([core.SR, "-F", storage, "-b", str(beat), "-l", "ERROR", "--no-files",
                            sys.executable, prog, points_file, str(int(seconds / 0.25))],
                           stdout=subprocess.DEVNULL)
    try:
        while not os.path.exists(os.path.join(storage, "1", "run.json")):
            time.sleep(0.02)
        got = browser("live", srv.url + "/#/run/1", METRIC="loss", POINTS_FILE=points_file,
                      LIVE_SECONDS=seconds + beat + 3)
    finally:
        run.wait()
        srv.stop()
    lat = got["latencies"]
    if os.environ.get("BENCH_VERBOSE"):
        print(" ".join("%.2f" % x for x in lat))
    print("live_b%s: %d points shown; latency median %.2f s, max %.2f s (target < %.0f s = 2 "
          "heartbeats)" % (beat, len(lat), statistics.median(lat), max(lat), 2 * beat))
    shutil.rmtree(storage, ignore_errors=True)


def main():
    if not os.path.exists(core.SR):
        raise SystemExit("build sacred-run first (make)")
    if not os.path.exists(os.path.join(core.ROOT, "tests", "browser", "node_modules", "playwright-core")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=os.path.join(core.ROOT, "tests", "browser"), check=True)
    reps = int(os.environ.get("BENCH_REPS", "3"))
    only = os.environ.get("BENCH_ONLY", "runs_api,plots,live").split(",")
    scratch = core.scratch_dir()
    try:
        if "runs_api" in only:
            bench_runs_api(scratch, reps)
        if "plots" in only:
            bench_plots(scratch, reps)
        if "live" in only:
            for beat in os.environ.get("BENCH_LIVE_BEATS", "1 10").split():
                bench_live(scratch, float(beat) if "." in beat else int(beat))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
