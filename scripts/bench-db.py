#!/usr/bin/env python3
"""bench-db.py: what recording into PostgreSQL (-s) costs, against -F alone measured in the
same run (A B alternation, medians), with a PostgreSQL server of its own (initdb and pg_ctl
in a temporary directory, a Unix socket only, stopped by pid at the end whatever happens).

  1M points: a program printing 1,000,000 "loss: X" lines; its own wall time (taken
             inside it) with -F -s against -F alone (target <= 1.05), and the time from
             its end to sacred-run's exit, when the database has every point (target 10 s)
  short:     BENCH_SHORT (default 100) runs of /bin/true one after another; added time
             per run with -s over -F alone (target <= 10 ms), with peer authentication
             (Debian's default for local connections) and with a scram-sha-256 password,
             outside a repository and inside this checkout
  ls:        `sacred-run ls -s` over BENCH_RUNS (default 10,000) runs exported into the
             database, once the local copy exists (target < 0.5 s)
BENCH_REPS (default 3) pairs.
"""
import os
import pwd
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SR = os.path.join(ROOT, "build", "sacred-run")
PGBIN = "/usr/lib/postgresql/15/bin"
REPS = int(os.environ.get("BENCH_REPS", "3"))

PROGRAM = r'''date +%s.%N > "$1/t0"
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "loss: %.6f\n", 1 / (i + 1) }'
date +%s.%N > "$1/t1"
'''


class Server:
    """A PostgreSQL server in dir, as the postgres user when we are root."""

    def __init__(self, dir):
        self.dir = dir
        self.data = os.path.join(dir, "data")
        self.user = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        os.makedirs(dir)
        if os.getuid() == 0:
            os.chmod(os.path.dirname(dir), 0o755)
            os.chmod(dir, 0o755)
            shutil.chown(dir, "postgres")
        pw = os.path.join(dir, "pw")
        with open(pw, "w") as f:
            f.write("pw\n")
        if os.getuid() == 0:
            shutil.chown(pw, "postgres")
        self.pg(PGBIN + "/initdb", "-D", self.data, "-U", "sr", "--pwfile=" + pw, "-A", "scram-sha-256", "--no-sync")
        self.pg(PGBIN + "/pg_ctl", "-D", self.data, "-l", os.path.join(dir, "log"), "-w",
                "-o", "-k %s -c listen_addresses= -c fsync=off" % dir, "start")
        self.url = "postgresql://sr@/postgres?host=" + dir
        # Debian's default for local connections too: peer (the OS user is the role)
        me = pwd.getpwuid(os.getuid()).pw_name
        hba = os.path.join(self.data, "pg_hba.conf")
        with open(hba) as f:
            rules = f.read()
        with open(hba, "w") as f:
            f.write("local all %s peer\n%s" % (me, rules))
        self.pg(PGBIN + "/pg_ctl", "-D", self.data, "reload")
        self.query("CREATE ROLE \"%s\" LOGIN SUPERUSER" % me)
        self.peer_url = "postgresql:///postgres?host=" + dir

    def pg(self, *cmd):
        subprocess.run(self.user + list(cmd), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        pid_file = os.path.join(self.data, "postmaster.pid")
        if not os.path.exists(pid_file):
            return
        pid = int(open(pid_file).readline())
        try:
            self.pg(PGBIN + "/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        except subprocess.CalledProcessError:
            os.kill(pid, 9)

    def settle(self):
        """Waits (up to 60 s) for the server's own work after the last run (autovacuum of
        a million new rows, a checkpoint), so it falls on neither run of the next pair."""
        for _ in range(600):
            busy = self.query("select count(*) from pg_stat_activity where backend_type in "
                              "('autovacuum worker', 'checkpointer') and state is distinct from 'idle' "
                              "and wait_event is distinct from 'CheckpointerMain'")
            if busy == "0":
                return
            time.sleep(0.1)

    def query(self, sql):
        return subprocess.run(["psql", self.url, "-Atc", sql], check=True, capture_output=True,
                              text=True).stdout.strip()


def points_run(work, args):
    """The program's own wall time, and the time from its end to sacred-run's exit."""
    prog = os.path.join(work, "prog.sh")
    with open(prog, "w") as f:
        f.write(PROGRAM)
    subprocess.run([SR, "-l", "WARNING", "--no-sys-metrics"] + args + ["sh", prog, work], check=True,
                   stdout=subprocess.DEVNULL)
    end = time.time()
    t0, t1 = (float(open(os.path.join(work, n)).read()) for n in ("t0", "t1"))
    return t1 - t0, end - t1


def bench_points(srv, tmp):
    ratios, tails, counts = [], [], []
    for rep in range(REPS):
        srv.settle()
        base, _ = points_run(tmp, ["-F", os.path.join(tmp, "a%d" % rep)])
        srv.settle()
        ours, tail = points_run(tmp, ["-F", os.path.join(tmp, "b%d" % rep), "-s", srv.url])
        ratios.append(ours / base)
        tails.append(tail)
        counts.append(srv.query("select count(*) from metrics where run_id = (select max(id) from runs)"))
    print("1M points: program's own time with -s / -F alone: median %.3f (%s); target <= 1.05"
          % (statistics.median(ratios), ", ".join("%.3f" % r for r in ratios)))
    print("1M points: program's end to sacred-run's exit with -s: median %.2f s (max %.2f s); "
          "points in the database: %s; target 10 s" % (statistics.median(tails), max(tails), ", ".join(counts)))


def short_runs(n, args, cwd):
    t0 = time.perf_counter()
    for _ in range(n):
        subprocess.run([SR, "-l", "WARNING"] + args + ["/bin/true"], check=True, cwd=cwd)
    return time.perf_counter() - t0


def bench_short(srv, tmp):
    """Outside a repository, and inside this checkout, where -F alone waits for git's
    facts and the connection is made beside them."""
    n = int(os.environ.get("BENCH_SHORT", "100"))
    inside = os.path.isdir(os.path.join(ROOT, ".git"))
    for where, cwd in (("outside a repository", tmp), ("inside a git checkout", ROOT))[: 2 if inside else 1]:
        for auth, url in (("peer", srv.peer_url), ("scram-sha-256 password", srv.url)):
            added = []
            for rep in range(REPS):
                base = short_runs(n, ["-F", os.path.join(tmp, "sa%d" % rep)], cwd)
                ours = short_runs(n, ["-F", os.path.join(tmp, "sb%d" % rep), "-s", url], cwd)
                added.append((ours - base) / n * 1000)
            print("short runs %s, %s: -s adds %.1f ms per run over -F alone (median; %s; %d runs "
                  "each, -F alone %.1f ms per run); target <= 10 ms"
                  % (where, auth, statistics.median(added), ", ".join("%.1f" % a for a in added), n,
                     base / n * 1000))


def timed(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def bench_ls(srv, tmp):
    """ls -s reads the runs table; with a metric column it reads the local copy, made by
    the first such ls and brought up to date by the later ones."""
    n = int(os.environ.get("BENCH_RUNS", "10000"))
    store = os.path.join(tmp, "many")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "make-storage.py"), store, str(n)], check=True)
    loaded = timed([SR, "export", "--from", store, "--to", srv.url])
    ls, metric = [SR, "ls", "-s", srv.url], [SR, "ls", "-s", srv.url, "--metric", "metric0"]
    first, first_metric = timed(ls), timed(metric)
    later, later_metric, files = [], [], []
    for _ in range(REPS):
        later.append(timed(ls))
        later_metric.append(timed(metric))
        files.append(timed([SR, "ls", "-F", store]))
    print("ls of %d runs: -s %.2f s (the first %.2f s; median); with a metric column %.2f s once "
          "the local copy exists (the first, making it: %.1f s); -F of the same runs %.2f s; "
          "export into the database %.1f s; target < 0.5 s"
          % (n, statistics.median(later), first, statistics.median(later_metric), first_metric,
             statistics.median(files), loaded))


def main():
    if not os.path.exists(PGBIN + "/pg_ctl"):
        print("bench-db: needs Debian's postgresql-15 (scripts/install-deps.sh)", file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp(prefix="bench-db.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.environ.update(PGPASSWORD="pw", XDG_STATE_HOME=os.path.join(tmp, "state"),
                      XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    srv = None
    try:
        srv = Server(os.path.join(tmp, "pg"))
        bench_points(srv, tmp)
        bench_short(srv, tmp)
        bench_ls(srv, tmp)
    finally:
        if srv:
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
