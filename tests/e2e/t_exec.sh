# t_exec.sh: programs that start many short processes: every process and its end is
# recorded, with pids reused by exec and failed execs in between (the launcher's pid index).

t_many_short_processes_each_recorded() {
    "$SR" -F logs sh -c 'i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i + 1)); done' > out 2>&1 \
        || fail "status $?" || return
    chk logs/1 'r["status"] == "COMPLETED"' \
        'len(r["processes"]) == 301' \
        'len([p for p in r["processes"] if p["executable"] == "/usr/bin/true" and p["instrumented"] and p["exit_code"] == 0 and p["end_time"]]) == 300' \
        'len({p["pid"] for p in r["processes"]}) == 301'
}

t_failed_exec_then_exec_in_one_pid() {
    cat > twice.py <<'PY'
import os
for i in range(3):
    try:
        os.execv("/nonexistent/prog%d" % i, ["prog"])
    except OSError:
        pass
os.execv("/bin/sh", ["sh", "-c", "/bin/true; exec /bin/echo last"])
PY
    "$SR" -F logs /usr/bin/python3 twice.py > out 2>&1 || fail "status $?" || return
    chk logs/1 'r["status"] == "COMPLETED"' 'cout == b"last\n"' \
        'not any("nonexistent" in p["executable"] for p in r["processes"])' \
        '[os.path.basename(p["executable"]) for p in r["processes"] if p["pid"] == r["program"]["pid"]][1:] == ["dash", "echo"]' \
        '[p.get("exit_code") for p in r["processes"] if p["executable"] == "/usr/bin/echo"] == [0]' \
        '[p.get("exit_code") for p in r["processes"] if p["executable"] == "/usr/bin/true"] == [0]'
}
