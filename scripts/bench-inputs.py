#!/usr/bin/env python3
"""bench-inputs.py: time and peak memory of sacred-run on hostile and large input, each
against a limit, as a table; with the baseline (a run of /bin/true with nothing to
resolve) measured in the same run, and each case's time as a ratio to it.

  start   seconds from spawning sacred-run to the program's first instruction (the
          program prints its clock), for the cases where the program runs
  total   seconds until sacred-run exits (refusal, or the whole recorded run)
  peak    peak RSS of sacred-run (or of the program, if larger), MiB, from GNU time

Cases: YAML billion laughs (9 levels of 9 aliases), YAML and JSON nested 100,000 deep,
20,000 program options, 100,000 arguments (50,000 options with values), 100,000
positional arguments, JSON and YAML configs of 200,000 keys, 20,000 updates after
"with", a config value of 1 MiB. Exits 1 if a case misses its limit or its status.
BENCH_REPS (default 3): runs per case, the median is shown.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SR = os.path.join(ROOT, "build", "sacred-run")
REPS = int(os.environ.get("BENCH_REPS", "3"))
TIME = "/usr/bin/time"
BENCH = os.path.join(ROOT, "build", "bench")
# The program: writes the wall clock at its start (not a shell: dash takes seconds to
# read an environment of 100,000 variables).
CLOCK = [os.path.join(BENCH, "clock")]


def build_clock():
    os.makedirs(BENCH, exist_ok=True)
    subprocess.check_call(["cc", "-O2", "-o", CLOCK[0], os.path.join(ROOT, "scripts", "bench", "clock.c")])


def write_inputs(d):
    laughs = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, c in zip("abcdefgh", "bcdefghi"):
        laughs.append("%s: &%s [%s]" % (c, c, ",".join(["*" + prev] * 9)))
    files = {
        "laughs.yaml": "\n".join(laughs) + "\n",
        "deep.yaml": "a: " + "[" * 100000 + "]" * 100000 + "\n",
        "deep.json": '{"a": ' + "[" * 100000 + "]" * 100000 + "}",
        "keys.json": json.dumps({"k%d" % i: i for i in range(200000)}),
        "keys.yaml": "".join("k%d: %d\n" % (i, i) for i in range(200000)),
        "big.json": json.dumps({"big": "x" * (1 << 20)}),
    }
    for name, text in files.items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    return {n: len(t.encode()) for n, t in files.items()}


def cases(d, sizes):
    opts20k = ["--opt%d=%d" % (i, i) for i in range(20000)]
    opts50k = [w for i in range(50000) for w in ("--o%d" % i, str(i))]
    pos100k = ["a%d" % i for i in range(100000)]
    upd20k = ["k%d=%d" % (i, i) for i in range(20000)]
    f = lambda n: os.path.join(d, n)
    kib = lambda n: "%d KiB" % (sizes[n] // 1024) if sizes[n] >= 1024 else "%d B" % sizes[n]
    # name, input size, sacred-run words before the program, after it, status, limits (s, MiB)
    return [
        ("YAML billion laughs (9x9 aliases)", kib("laughs.yaml"), [], ["with", f("laughs.yaml")], 125, 1.0, 64),
        ("YAML nested 100,000 deep", kib("deep.yaml"), [], ["with", f("deep.yaml")], 125, 1.0, 64),
        ("JSON nested 100,000 deep", kib("deep.json"), [], ["with", f("deep.json")], 125, 1.0, 64),
        ("20,000 program options", "20,000 args", [], opts20k, 0, 1.0, 256),
        ("50,000 options with values", "100,000 args", [], opts50k, 0, 1.0, 256),
        ("100,000 positional arguments", "100,000 args", [], pos100k, 0, 1.0, 256),
        ("JSON config, 200,000 keys", kib("keys.json"), [], ["with", f("keys.json")], 0, 1.0, 512),
        ("YAML config, 200,000 keys", kib("keys.yaml"), [], ["with", f("keys.yaml")], 0, 1.0, 512),
        ("20,000 updates after 'with'", "20,000 words", ["-f"], ["with"] + upd20k, 0, 1.0, 256),
        ("config value of 1 MiB", kib("big.json"), [], ["with", f("big.json")], 0, 1.0, 128),
    ]


def run_once(words_before, words_after, storage, clock_file):
    cmd = [SR, "-F", storage, "-l", "ERROR", "--no-sys-metrics", "--no-files"] + words_before + \
        CLOCK + [clock_file] + words_after
    if os.path.exists(clock_file):
        os.unlink(clock_file)
    # GNU time reports the peak of its child alone: a child of this process would count
    # this process's memory too (the high-water mark survives exec).
    peak_file = clock_file + ".rss"
    null = os.open(os.devnull, os.O_WRONLY)
    t0 = time.time()
    pid = os.posix_spawn(TIME, [TIME, "-f", "%M", "-o", peak_file] + cmd, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)])
    os.close(null)
    _, status, _ = os.wait4(pid, 0)
    total = time.time() - t0
    start = None
    if os.path.exists(clock_file):
        start = float(open(clock_file).read()) - t0
    peak = int(open(peak_file).read().split()[-1]) / 1024
    return os.waitstatus_to_exitcode(status), start, total, peak


def measure(d, before, after):
    storage = os.path.join(d, "runs")
    results = []
    for _ in range(REPS):
        results.append(run_once(before, after, storage, os.path.join(d, "clock")))
        shutil.rmtree(storage, ignore_errors=True)
    status = results[0][0]
    starts = [r[1] for r in results if r[1] is not None]
    return (status, statistics.median(starts) if starts else None,
            statistics.median(r[2] for r in results), max(r[3] for r in results))


def main():
    if not os.access(SR, os.X_OK):
        sys.exit("build sacred-run first (make)")
    if not os.access(TIME, os.X_OK):
        sys.exit("GNU time (/usr/bin/time, Debian package 'time') is needed for peak memory")
    build_clock()
    d = tempfile.mkdtemp(prefix="sacred-bench-inputs.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        sizes = write_inputs(d)
        _, base_start, base_total, base_peak = measure(d, [], [])
        print("baseline (a program that reads its clock, nothing to resolve): start %.3f s, total %.3f s, peak %.0f MiB\n"
              % (base_start, base_total, base_peak))
        head = "| input | size | status | start s | total s | x baseline | peak MiB | limit | ok |"
        print(head)
        print("|" + "---|" * (head.count("|") - 1))
        bad = 0
        for name, size, before, after, want, lim_s, lim_mb in cases(d, sizes):
            status, start, total, peak = measure(d, before, after)
            secs = start if want == 0 else total
            ok = status == want and secs is not None and secs <= lim_s and peak <= lim_mb
            bad += not ok
            limit = "%s <= %.1f s, <= %d MiB" % ("start" if want == 0 else "125 in", lim_s, lim_mb)
            print("| %s | %s | %d | %s | %.3f | %.1f | %.0f | %s | %s |" % (
                name, size, status, "%.3f" % start if start is not None else "-", total,
                total / base_total, peak, limit, "yes" if ok else "NO"))
        sys.exit(1 if bad else 0)
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
