#!/usr/bin/env python3
"""bench-core.py: speed and memory of sacred-run's core, as ratios against baselines
measured in the same run (A B A B alternation, median of the ratios), on tmpfs.

  capture, pipe mode, the output read by a consumer (build/bench/drain):
                          spew | tee FILE | drain  vs  sacred-run spew | drain
  capture, pipe mode, the output redirected to a file on disk (build/bench):
                          spew | tee FILE > OUT    vs  sacred-run spew > OUT
  capture, terminal mode: script -q -c spew FILE   vs  sacred-run spew   (both on a pty)
  filter throughput on progress-bar text (build/bench/filter_bench)
  launcher peak memory at 1 GiB of output, at 16 MiB, and at one 100 MiB line
  added start-up: sacred-run -F DIR PROG vs PROG, for /bin/true, a C hello world,
                  python3 -c, a shell script, outside and inside a git checkout

Both sides of the pipe-mode pairs do the same work: the output is copied once to a file
(tee's FILE, sacred-run's cout.txt, both on tmpfs) and once to where stdout goes.
Sizes: BENCH_MB (default 512) for pipe mode, BENCH_TTY_MB (default 256) for terminal
mode, BENCH_REPS (default 3) pairs for capture, 20 pairs per program for start-up. BENCH_ONLY, a
comma-separated subset of pipe,tty,filter,memory,startup, runs only those parts.
"""
import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SR = os.path.join(ROOT, "build", "sacred-run")
BENCH = os.path.join(ROOT, "build", "bench")
MB = 1 << 20


def build_prog(prog, launcher_sources=()):
    """Compiles scripts/bench/PROG.c (plus the named launcher/*.c) into build/bench/PROG."""
    os.makedirs(BENCH, exist_ok=True)
    subprocess.check_call(["cc", "-O2", "-std=c11", "-D_GNU_SOURCE", "-iquote", ROOT + "/launcher", "-iquote", ROOT + "/launcher/report",
                           "-o", BENCH + "/" + prog, ROOT + "/scripts/bench/%s.c" % prog]
                          + [ROOT + "/launcher/" + s for s in launcher_sources] + ["-lm"])


def scratch_dir():
    """A fresh directory on tmpfs where there is one, so storage speed does not count."""
    return tempfile.mkdtemp(prefix="sacred-bench.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)


def build():
    build_prog("spew")
    build_prog("drain")
    build_prog("filter_bench", ("capture/bsfilter.c", "util/utf8.c", "util/strbuf.c", "util/error.c", "util/log.c"))


def run(cmd, tty=False):
    """Runs cmd (stdout discarded, or read from a pty); returns (seconds, peak RSS in KiB)."""
    t0 = time.perf_counter()
    if tty:
        pid, fd = pty.fork()
        if pid == 0:
            os.execvp(cmd[0], cmd)
        while True:
            try:
                if not os.read(fd, 1 << 16):
                    break
            except OSError:
                break
        os.close(fd)
    else:
        null = os.open(os.devnull, os.O_WRONLY)
        pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)])
        os.close(null)
    _, status, ru = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("benchmark command failed: %s" % " ".join(cmd))
    return time.perf_counter() - t0, ru.ru_maxrss


def pair(base, ours, reps, tty=False, clean=None):
    a, b, ratios = [], [], []
    for _ in range(reps):
        ta, _ = run(base, tty)
        if clean:
            clean()
        tb, _ = run(ours, tty)
        if clean:
            clean()
        a.append(ta)
        b.append(tb)
        ratios.append(tb / ta)
    return statistics.median(a), statistics.median(b), statistics.median(ratios)


def main():
    build()
    if not os.path.exists(SR):
        raise SystemExit("build sacred-run first (make)")
    shm = scratch_dir()
    runs = os.path.join(shm, "runs")
    reps = int(os.environ.get("BENCH_REPS", "3"))
    size = int(os.environ.get("BENCH_MB", "512")) * MB
    tty_size = int(os.environ.get("BENCH_TTY_MB", "256")) * MB
    spew = BENCH + "/spew"
    only = os.environ.get("BENCH_ONLY", "pipe,tty,filter,memory,startup").split(",")

    def clean():
        shutil.rmtree(runs, ignore_errors=True)
        for f in ("tee.txt", "script.txt"):
            if os.path.exists(os.path.join(shm, f)):
                os.unlink(os.path.join(shm, f))

    try:
        ours = [SR, "-F", runs, "-l", "ERROR", spew, str(size)]
        if "pipe" in only:
            pipe_mode(spew, size, shm, ours, reps, clean)
        if "tty" in only:
            tty_mode(spew, tty_size, runs, shm, reps, clean)
        if "filter" in only:
            filter_speed()
        if "memory" in only:
            memory(spew, size, runs, ours, clean)
        if "startup" in only:
            startup(runs, clean)
    finally:
        shutil.rmtree(shm, ignore_errors=True)


def pipe_mode(spew, size, shm, ours, reps, clean):
    drain = BENCH + "/drain"
    out = os.path.join(BENCH, "stdout.txt")  # on disk, beside the build
    sr = " ".join(ours)
    tee = "%s %d | tee %s/tee.txt" % (spew, size, shm)
    try:
        for what, to in (("read by a consumer", "| " + drain), ("redirected to a file", "> " + out)):
            a, b, r = pair(["sh", "-c", "%s %s" % (tee, to)], ["sh", "-c", "%s %s" % (sr, to)],
                           reps, clean=clean)
            print("capture_pipe_%dMiB, output %s: tee %.2f s, sacred-run %.2f s, ratio %.2f "
                  "(target <= 1.10)" % (size // MB, what, a, b, r))
    finally:
        if os.path.exists(out):
            os.unlink(out)


def tty_mode(spew, tty_size, runs, shm, reps, clean):
    script = ["script", "-q", "-c", "%s %d" % (spew, tty_size), shm + "/script.txt"]
    ours_tty = [SR, "-F", runs, "-l", "ERROR", spew, str(tty_size)]
    a, b, r = pair(script, ours_tty, reps, tty=True, clean=clean)
    d, _, rd = pair([spew, str(tty_size)], ours_tty, reps, tty=True, clean=clean)
    print("capture_tty_%dMiB: script %.2f s, sacred-run %.2f s, ratio %.2f, speed-up %.2fx (target >= 2)"
          % (tty_size // MB, a, b, r, 1 / r))
    print("capture_tty_%dMiB: the program alone on the terminal %.2f s; sacred-run/alone %.2f"
          % (tty_size // MB, d, rd))


def filter_speed():
    out = subprocess.check_output([BENCH + "/filter_bench"], text=True)
    for line in out.split("\n"):
        if line:
            name, val = line.split()
            print("%s: %s GB/s (target >= 1)" % (name, val))


def peak_kib(cmd):
    """The launcher's own peak resident memory (VmHWM, sampled until it exits); ru_maxrss
    would include this Python process, which the kernel carries across exec."""
    null = os.open(os.devnull, os.O_WRONLY)
    pid = os.posix_spawnp(cmd[0], cmd, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)])
    os.close(null)
    peak = 0
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.005)
    return peak


def memory(spew, size, runs, ours, clean):
    big = peak_kib(ours)
    clean()
    small = peak_kib([SR, "-F", runs, "-l", "ERROR", spew, str(16 * MB)])
    clean()
    line = peak_kib([SR, "-F", runs, "-l", "ERROR", spew, str(100 * MB), "oneline"])
    clean()
    print("launcher_peak_rss_kib: 16MiB output %d, %dMiB output %d (ratio %.2f), one 100MiB line %d"
          % (small, size // MB, big, big / small, line))


def startup(runs, clean):
    """Short programs (/bin/true, a C hello world, a Python one-liner, a shell script),
    outside a git repository (the launcher's own cost), then inside this project's
    checkout, where the run also asks git for the repository state (in a thread)."""
    scratch = os.path.dirname(runs)
    hello, script = os.path.join(scratch, "hello"), os.path.join(scratch, "script.sh")
    with open(hello + ".c", "w") as f:
        f.write("#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n")
    subprocess.check_call(["cc", "-O2", "-o", hello, hello + ".c"])
    with open(script, "w") as f:
        f.write("#!/bin/sh\necho hello\n")
    os.chmod(script, 0o755)
    progs = (["/bin/true"], [hello], ["/usr/bin/python3", "-c", "print(1)"], [script])
    for where, cwd in (("outside a git repository", scratch), ("in this git checkout", ROOT)):
        here = os.getcwd()
        os.chdir(cwd)
        for prog in progs:
            t_alone, t_ours = [], []
            for _ in range(20):
                t_alone.append(run(prog)[0])
                t_ours.append(run([SR, "-F", runs, "-l", "ERROR"] + prog)[0])
            clean()
            ma, mo = statistics.median(t_alone), statistics.median(t_ours)
            print("startup (%s), %s: alone %.2f ms, sacred-run %.2f ms, added %.2f ms (target <= 5)"
                  % (where, os.path.basename(prog[0]) + (" -c" if len(prog) > 1 else ""),
                     ma * 1e3, mo * 1e3, (mo - ma) * 1e3))
        os.chdir(here)


if __name__ == "__main__":
    sys.exit(main())
