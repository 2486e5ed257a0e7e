#!/usr/bin/env python3
"""reliability.py: the figures of the README's Reliability section.

Faults: the launcher's own writes to the storage fail (build/progs/libfault.so, preloaded
into build/sacred-run) with ENOSPC, EIO or EROFS at the Nth call (once, or from the Nth on),
for every N up to the number of such calls a run makes (tests/e2e/fault_sweep.py); and, as
root, a program printing 10 MiB and exiting 7 on 2 MiB and 64 KiB tmpfs storages. For each
it prints whether the program was undisturbed and the record true and valid, then the list
of faults survived. Run after `make tests`; exits 1 if any case failed."""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import fault_sweep  # noqa: E402

SR = os.path.join(ROOT, "build", "sacred-run")
LIB = os.path.join(ROOT, "build", "progs", "libfault.so")
BIG = """#!/bin/sh
python3 -c '
import sys
for i in range(163840):
    sys.stdout.write("line %08d of ten mebibytes of output, all to be relayed....\\n" % i)
    if i % 1024 == 0:
        sys.stdout.write("loss: %d\\n" % i)
'
exit 7
"""
DESCRIBE = {
    "enospc-once": "one write fails with ENOSPC",
    "eio-once": "one write fails with EIO",
    "enospc-from": "the storage fills up (ENOSPC from then on)",
    "eio-from": "the storage fails (EIO from then on)",
    "erofs-from": "the storage becomes read-only (EROFS from then on)",
}


def sweeps(work):
    rows, ok = [], True
    with open(os.path.join(work, "job.sh"), "w") as f:
        f.write(fault_sweep.PROGRAM)
    os.chmod(os.path.join(work, "job.sh"), 0o755)
    for kind in fault_sweep.KINDS:
        r = fault_sweep.sweep(SR, LIB, work, kind)
        good = not r["problems"]
        ok &= good
        rows.append((kind, r, good))
        print("%-12s N=1..%-4d %4d runs, %4d true and valid records (%d failed before the start: 125, "
              "no run left), %s" % (kind, r["runs"], r["runs"], r["true"], r["before_start"],
                                    "survived" if good else "%d PROBLEMS" % len(r["problems"])))
        for at, b in r["problems"][:5]:
            print("    N=%d: %s" % (at, b))
    return rows, ok


def tmpfs_case(work, size):
    st = os.path.join(work, "st-" + size)
    os.makedirs(st, exist_ok=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", st],
                                           stderr=subprocess.DEVNULL).returncode != 0:
        print("tmpfs %-4s skipped (needs root to mount)" % size)
        return None
    try:
        want = subprocess.run([os.path.join(work, "big.sh")], capture_output=True).stdout
        p = subprocess.run([SR, "-F", st, os.path.join(work, "big.sh")], capture_output=True, cwd=work)
        with open(os.path.join(st, "1", "run.json")) as f:
            run = json.load(f)
        with open(os.path.join(st, "1", "metrics.json")) as f:
            points = sum(len(m["values"]) for m in json.load(f).values())
    finally:
        subprocess.run(["umount", st])
    inc = run.get("record_incomplete", {})
    good = (p.returncode == 7 and p.stdout == want and run["status"] == "FAILED"
            and run["program"]["exit_code"] == 7 and bool(inc)
            and inc["output_bytes_recorded"] + inc["output_bytes_lost"] == len(want)
            and inc["metric_points_recorded"] == points)
    print("tmpfs %-4s 10 MiB of output, exit 7: status %d, output %s; run.json %s exit %s; cout.txt %d "
          "bytes recorded, %d lost; metrics.json %d points, %d lost: %s"
          % (size, p.returncode, "intact" if p.stdout == want else "DISTURBED", run["status"],
             run["program"].get("exit_code"), inc.get("output_bytes_recorded", 0),
             inc.get("output_bytes_lost", 0), points, inc.get("metric_points_lost", 0),
             "true" if good else "FALSE"))
    return good


def main():
    if not (os.access(SR, os.X_OK) and os.path.exists(LIB)):
        sys.exit("reliability.py: build first: make tests")
    with tempfile.TemporaryDirectory(prefix="sacred-reliability.") as work:
        print("== faults in the launcher's own writes (%s)" % os.path.relpath(LIB, ROOT))
        rows, ok = sweeps(work)
        print("== a full storage")
        with open(os.path.join(work, "big.sh"), "w") as f:
            f.write(BIG)
        os.chmod(os.path.join(work, "big.sh"), 0o755)
        full = [(size, tmpfs_case(work, size)) for size in ("2m", "64k")]
        ok &= all(g is not False for _, g in full)
    print("== faults survived (program undisturbed, record true and valid JSON at every N)")
    for kind, r, good in rows:
        if good:
            print("- %s, at every one of the %d writes a run makes" % (DESCRIBE[kind], r["calls"]))
    for size, good in full:
        if good:
            print("- a %s storage filled by the program's output" % size.replace("m", " MiB").replace("k", " KiB"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
