#!/usr/bin/env python3
"""bench-programs.py: real programs from Debian's packages with and without sacred-run,
alternating (A B A B), and the median of the per-pair ratios, storage and work files on
tmpfs. Prints one table row per program:

  xz, zstd        compress an 8 MiB file of text
  cp -r, rsync -a copy a tree of 2,000 files
  make -j2        build a C project of 40 files from scratch
  git clone       clone this repository from the local disk (--no-local: a real transfer)
  python3         import numpy and scikit-learn and fit a small model (/usr/bin/python3)
  pipeline        seq | awk | sort | uniq -c, in sh
  2,000 execs     a shell loop starting /bin/true 2,000 times
  hello (C), python3 -c, sh script: programs of a few milliseconds (the start-up)

BENCH_REPS pairs (default 5); BENCH_ONLY, a comma-separated list of row names (the first
word of each, "2,000" for the execs), runs only those. The work files are recorded as
resources and artifacts (--include), as they would be outside /dev/shm. Target: every ratio <= 1.15. Wall time on a shared machine
is noisy: read the median of several pairs, not one run.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SR = os.path.join(ROOT, "build", "sacred-run")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from importlib import import_module  # noqa: E402

core = import_module("bench-core")
PY = "/usr/bin/python3"
FIT = ("import numpy as np\nfrom sklearn.linear_model import SGDClassifier\n"
       "x = np.random.RandomState(0).rand(2000, 20)\n"
       "print(SGDClassifier(max_iter=20, tol=None).fit(x, x[:, 0] > 0.5).score(x, x[:, 0] > 0.5))\n")


def make_inputs(work):
    """The inputs every row reads: a text file, a tree, a C project, scripts."""
    with open(os.path.join(work, "text.txt"), "w") as f:
        for i in range(150000):
            f.write("line %d of the benchmark text, value=%d, sum=%d\n" % (i, i * 7919 % 10007, i * i % 65521))
    tree = os.path.join(work, "tree")
    for d in range(40):
        os.makedirs(os.path.join(tree, "d%02d" % d))
        for i in range(50):
            with open(os.path.join(tree, "d%02d" % d, "f%02d.txt" % i), "w") as f:
                f.write(("file %d %d\n" % (d, i)) * (20 + i * 8))
    proj = os.path.join(work, "proj")
    os.makedirs(proj)
    for i in range(40):
        with open(os.path.join(proj, "m%02d.c" % i), "w") as f:
            f.write("#include <stdio.h>\n#include <string.h>\n")
            f.write("int f%d(int x) { char b[64]; snprintf(b, sizeof b, \"%%d\", x); return (int)strlen(b) + x * %d; }\n" % (i, i))
    with open(os.path.join(proj, "main.c"), "w") as f:
        f.write("".join("int f%d(int);\n" % i for i in range(40)))
        f.write("int main(void) { int s = 0;\n" + "".join("s += f%d(%d);\n" % (i, i) for i in range(40)) + "return s == 1; }\n")
    with open(os.path.join(proj, "Makefile"), "w") as f:
        f.write("OBJ := $(patsubst %.c,%.o,$(wildcard *.c))\nprog: $(OBJ)\n\t$(CC) -o $@ $^\n"
                "%.o: %.c\n\t$(CC) -O2 -c -o $@ $<\nclean:\n\trm -f *.o prog\n")
    with open(os.path.join(work, "fit.py"), "w") as f:
        f.write(FIT)
    with open(os.path.join(work, "hello.c"), "w") as f:
        f.write("#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n")
    subprocess.check_call(["cc", "-O2", "-o", os.path.join(work, "hello"), os.path.join(work, "hello.c")])
    with open(os.path.join(work, "script.sh"), "w") as f:
        f.write("#!/bin/sh\nn=0\nfor i in 1 2 3 4 5; do n=$((n + i)); done\necho \"$n\"\n")
    os.chmod(os.path.join(work, "script.sh"), 0o755)


def rows(work):
    """(name, command run in work, clean-up command or None)."""
    sh = lambda s: ["sh", "-c", s]
    return [
        ("xz -3", ["xz", "-T1", "-3", "-k", "-f", "text.txt"], ["rm", "-f", "text.txt.xz"]),
        ("zstd -3", ["zstd", "-q", "-f", "-3", "text.txt"], ["rm", "-f", "text.txt.zst"]),
        ("cp -r (2,000 files)", ["cp", "-r", "tree", "copy"], ["rm", "-rf", "copy"]),
        ("rsync -a (2,000 files)", ["rsync", "-a", "tree/", "synced/"], ["rm", "-rf", "synced"]),
        ("make -j2 (41 C files)", ["make", "-s", "-j2", "-C", "proj"], ["make", "-s", "-C", "proj", "clean"]),
        ("git clone --no-local", ["git", "clone", "-q", "--no-local", ROOT, "clone"], ["rm", "-rf", "clone"]),
        ("python3 numpy+sklearn", [PY, "fit.py"], None),
        ("pipeline seq|awk|sort|uniq", sh("seq 1 300000 | awk '{ print $1 % 1000 }' | sort | uniq -c | wc -l"), None),
        ("2,000 execs (sh loop)", sh("i=0; while [ $i -lt 2000 ]; do /bin/true; i=$((i + 1)); done"), None),
        ("hello (C)", ["./hello"], None),
        ("python3 -c", [PY, "-c", "print(1)"], None),
        ("sh script", ["./script.sh"], None),
    ]


def timed(cmd, cwd):
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def measure(cmd, clean, work, runs, reps):
    # The work files are on tmpfs under /dev/shm, a system location whose files are never
    # recorded: --include makes them count as they would anywhere else.
    ours = [SR, "-F", runs, "-l", "ERROR", "--include", os.path.join(work, "*")] + cmd
    tidy = lambda: (clean and subprocess.run(clean, cwd=work, stdout=subprocess.DEVNULL),
                    shutil.rmtree(runs, ignore_errors=True))
    a, b = [], []
    timed(cmd, work)  # warm the page cache
    tidy()
    for _ in range(reps):
        a.append(timed(cmd, work))
        tidy()
        b.append(timed(ours, work))
        tidy()
    return statistics.median(a), statistics.median(b), statistics.median([y / x for x, y in zip(a, b)])


def main():
    if not os.path.exists(SR):
        raise SystemExit("build sacred-run first (make)")
    reps = int(os.environ.get("BENCH_REPS", "5"))
    only = os.environ.get("BENCH_ONLY")
    shm = core.scratch_dir()
    work, runs = os.path.join(shm, "work"), os.path.join(shm, "runs")
    os.makedirs(work)
    try:
        make_inputs(work)
        print("| program | alone | under sacred-run | ratio (median of %d pairs) |" % reps)
        print("| --- | ---: | ---: | ---: |")
        for name, cmd, clean in rows(work):
            if only and name.split()[0] not in re.findall(r"\d+,\d+|[^,]+", only):
                continue
            a, b, r = measure(cmd, clean, work, runs, reps)
            print("| %s | %.1f ms | %.1f ms | %.2f |" % (name, a * 1e3, b * 1e3, r), flush=True)
    finally:
        shutil.rmtree(shm, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
