#!/usr/bin/env python3
"""fault_sweep.py: runs a program under sacred-run with the launcher's own file writes failing
(build/progs/libfault.so: ENOSPC, EIO or EROFS at the Nth write to the storage), for every N
up to the number of such calls a run makes, and checks at each N that the program was
undisturbed and the record tells the truth. Used by tests/e2e/t_faults.sh and
scripts/reliability.py.

    fault_sweep.py SACRED_RUN LIBFAULT WORKDIR [KIND...]     KIND: enospc-once, eio-once,
                                                             enospc-from, eio-from, erofs-from
Prints one line per kind (N range, runs, true and valid records) and the faults survived;
exits 1 if any run was disturbed or left a false record."""
import json
import os
import shutil
import subprocess
import sys

KINDS = ["enospc-once", "eio-once", "enospc-from", "eio-from", "erofs-from"]
LINES, POINTS, STATUS = 60, 20, 7

PROGRAM = """#!/bin/sh
i=0
while [ $i -lt %d ]; do
  echo "line $i of the program's output"
  [ $i -lt %d ] && echo "loss: 0.$i"
  i=$((i+1))
done
exit %d
""" % (LINES, POINTS, STATUS)


def expected_output():
    out = []
    for i in range(LINES):
        out.append("line %d of the program's output\n" % i)
        if i < POINTS:
            out.append("loss: 0.%d\n" % i)
    return "".join(out).encode()


def run(sr, lib, work, kind, at):
    storage = os.path.join(work, "st")
    shutil.rmtree(storage, ignore_errors=True)
    os.makedirs(storage)
    err, mode = kind.split("-")
    env = dict(os.environ, LD_PRELOAD=lib, FAULT_PATH=storage, FAULT_AT=str(at),
               FAULT_ERRNO=err.upper(), FAULT_MODE=mode, FAULT_COUNT=os.path.join(work, "count"))
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "detect_leaks=1") + ":verify_asan_link_order=0"
    prog = os.path.join(work, "job.sh")
    p = subprocess.run([sr, "-F", storage, "-b", "0.05", prog], cwd=work, env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    with open(os.path.join(work, "count")) as f:
        calls = int(f.read())
    return p, storage, calls


def load(path):
    with open(path, "rb") as f:
        return json.loads(f.read())


def check_incomplete(run, cout, metrics, want):
    """What is wrong with record_incomplete (or its absence), as a list of strings."""
    bad = []
    inc = run.get("record_incomplete")
    points = sum(len(m["values"]) for m in metrics.values())
    loss = len(metrics.get("loss", {}).get("values", []))
    if inc is None:
        if cout != want:
            bad.append("cout.txt differs from the output and no record_incomplete says so")
        if loss != POINTS:
            bad.append("metrics.json has %d loss points of %d and no record_incomplete" % (loss, POINTS))
        return bad
    if not inc.get("reason") or not inc.get("files"):
        bad.append("record_incomplete without reason or files")
    if inc["output_bytes_recorded"] != len(cout) or not want.startswith(cout):
        bad.append("cout.txt is not the first output_bytes_recorded bytes of the output")
    if inc["output_bytes_recorded"] + inc["output_bytes_lost"] != len(want):
        bad.append("output bytes recorded + lost != the output's length")
    if inc["metric_points_recorded"] != points:
        bad.append("metric_points_recorded %d, metrics.json has %d" % (inc["metric_points_recorded"], points))
    if loss < POINTS and inc["metric_points_lost"] < POINTS - loss:
        bad.append("metric_points_lost %d, but %d loss points are missing" % (inc["metric_points_lost"], POINTS - loss))
    return bad


def check(p, storage, kind, want):
    """The problems of one run: the program disturbed, or a record that is invalid or lies."""
    bad = []
    rd = os.path.join(storage, "1")
    stderr = p.stderr.decode(errors="replace")
    if p.returncode == 125:  # failed before the program started: nothing ran, nothing left
        if p.stdout or os.path.exists(rd):
            bad.append("status 125 but the program ran or a run directory is left")
        return bad, "before start"
    if p.returncode != STATUS or p.stdout != want:
        return ["program disturbed: status %d, %d bytes of output" % (p.returncode, len(p.stdout))], "run"
    try:
        run = load(os.path.join(rd, "run.json"))
        metrics = load(os.path.join(rd, "metrics.json"))
        load(os.path.join(rd, "info.json"))
        with open(os.path.join(rd, "cout.txt"), "rb") as f:
            cout = f.read()
    except (OSError, ValueError) as e:
        return ["record unreadable: %s" % e], "run"
    for name, m in metrics.items():
        if not (len(m["steps"]) == len(m["timestamps"]) == len(m["values"])):
            bad.append("metrics.json: %s has unequal steps, timestamps and values" % name)
    if run.get("status") == "RUNNING":
        if kind.endswith("once"):
            bad.append("a single failed write left run.json RUNNING")
        if "still says RUNNING" not in stderr:
            bad.append("run.json says RUNNING and stderr does not say so")
        return bad, "run"
    prog = run.get("program", {})
    if run.get("status") != "FAILED" or prog.get("exit_code") != STATUS or not run.get("stop_time"):
        bad.append("final run.json: status %s, exit code %s" % (run.get("status"), prog.get("exit_code")))
    bad += check_incomplete(run, cout, metrics, want)
    if run.get("record_incomplete") and "is incomplete" not in stderr:
        bad.append("record_incomplete but stderr does not say the record is incomplete")
    return bad, "run"


def sweep(sr, lib, work, kind):
    """{"kind", "calls", "runs", "true", "problems": [(N, text)], "before_start": n}"""
    want = expected_output()
    _, _, calls = run(sr, lib, work, kind, 0)
    res = {"kind": kind, "calls": calls, "runs": 0, "true": 0, "problems": [], "before_start": 0}
    for at in range(1, calls + 3):
        p, storage, _ = run(sr, lib, work, kind, at)
        bad, phase = check(p, storage, kind, want)
        res["runs"] += 1
        res["before_start"] += phase == "before start"
        if bad:
            res["problems"] += [(at, b) for b in bad]
        else:
            res["true"] += 1
    return res


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    sr, lib, work = (os.path.abspath(a) for a in argv[1:4])
    kinds = argv[4:] or KINDS
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "job.sh"), "w") as f:
        f.write(PROGRAM)
    os.chmod(os.path.join(work, "job.sh"), 0o755)
    ok = True
    for kind in kinds:
        r = sweep(sr, lib, work, kind)
        print("%-12s N=1..%-4d %4d runs: %4d true and valid (%d failed before the start, 125), %d problems"
              % (kind, r["runs"], r["runs"], r["true"], r["before_start"], len(r["problems"])))
        for at, b in r["problems"][:10]:
            print("    N=%d: %s" % (at, b))
        ok &= not r["problems"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
