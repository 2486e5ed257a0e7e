# t_core.sh: basic recording: run records, run ids, storage, the launcher's own errors
# (bad flags, missing or non-executable program), unobserved runs, log lines.

t_bash_script_children() {
    cat > job.sh <<'SH'
#!/bin/bash
echo "script $1"
/bin/echo "child"
bash -c 'echo grandchild; printf "no newline from grandchild"' ; echo
python3 -c 'import sys; print("python child"); print("py err", file=sys.stderr)'
echo "done"
SH
    chmod +x job.sh
    "$SR" -F logs ./job.sh one > out 2>&1 || fail "status $?" || return
    chk logs/1 'r["status"] == "COMPLETED"' \
        'cout.count(b"\n") == 7 and b"script one\nchild\ngrandchild\nno newline from grandchild\n" in cout' \
        'b"python child" in cout and b"py err" in cout and cout.endswith(b"done\n")' \
        'r["experiment"]["mainfile"] == "job.sh" and r["experiment"]["name"] == "job"' \
        'r["experiment"]["sources"][0][0] == "job.sh"' \
        'os.path.exists("logs/" + r["experiment"]["sources"][0][1])' \
        're.match(r"_sources/job_[0-9a-f]{32}\.sh$", r["experiment"]["sources"][0][1])' \
        'any(p["executable"] == "/usr/bin/echo" and p["instrumented"] for p in r["processes"])' \
        'len([p for p in r["processes"] if "bash" in p["executable"]]) >= 2'
}

t_python_script() {
    printf 'import sys\nprint("fit", sys.argv[1:])\n' > fit.py
    "$SR" -F logs python3 fit.py --lr 0.1 > out || fail "status $?" || return
    grep -q "fit \['--lr', '0.1'\]" out || fail "output" || return
    chk logs/1 'r["experiment"]["mainfile"] == "fit.py" and r["experiment"]["name"] == "fit"' \
        'r["experiment"]["sources"][0][0] == "fit.py"' 'b"fit" in cout' \
        'r["program"]["argv"] == ["python3", "fit.py", "--lr", "0.1"]'
}

t_missing_program_127() {
    "$SR" -F logs no-such-program-xyz 2> err
    [ $? -eq 127 ] || fail "status not 127" || return
    [ "$(wc -l < err)" -eq 1 ] && grep -q "no-such-program-xyz" err || fail "not one clear line" || return
    [ ! -e logs ] || fail "left a storage or run directory behind"
}

t_not_executable_126() {
    printf 'echo hi\n' > plain.sh
    "$SR" -F logs ./plain.sh 2> err
    [ $? -eq 126 ] || fail "status not 126" || return
    [ "$(wc -l < err)" -eq 1 ] && [ ! -e logs ] || fail "message or leftovers"
}

t_script_without_shebang_runs_with_sh() {
    printf 'echo "no shebang $1"\n' > ns.sh
    chmod +x ns.sh
    out=$("$SR" -F logs -l ERROR ./ns.sh x) || fail "status $?" || return
    [ "$out" = "no shebang x" ] || fail "got '$out'" || return
    chk logs/1 'r["status"] == "COMPLETED"'
}

t_bad_flags_125() {
    for args in "--bogus true" "-b nope true" "-C sys true" "-q true" "-l LOUD true" "" "true with -Z"; do
        # shellcheck disable=SC2086
        "$SR" -F logs $args > /dev/null 2> err
        [ $? -eq 125 ] || fail "'$args': status not 125" || return
        [ "$(wc -l < err)" -eq 1 ] || fail "'$args': not one line: $(cat err)" || return
    done
    [ ! -e logs ] || fail "left a directory behind"
}

t_storage_not_writable_125() {
    printf 'x' > afile
    "$SR" -F afile/logs true 2> err
    [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] || fail "want one line and 125: $(cat err)"
}

t_forced_id() {
    "$SR" -F logs -i best true || return
    "$SR" -F logs --id best true 2> err
    [ $? -eq 125 ] && grep -q "already exists" err || fail "duplicate id accepted" || return
    "$SR" -F logs -i ../escape true 2> /dev/null
    [ $? -eq 125 ] && [ ! -e escape ] || fail "path-like id accepted" || return
    chk logs/best 'r["meta"]["options"]["--id"] == "best"'
}

t_concurrent_runs_get_distinct_ids() {
    for i in $(seq 1 32); do "$SR" -F logs -l ERROR true & done
    wait
    n=$(ls logs | grep -c '^[0-9]*$')
    [ "$n" -eq 32 ] || fail "$n run directories" || return
    [ "$(ls logs | sort -n | tail -1)" = 32 ] || fail "ids are not 1..32"
    for d in logs/[0-9]*; do chk "$d" 'r["status"] == "COMPLETED"' || return; done
}

t_heartbeat_shows_pending_line() {
    "$SR" -F logs -b 0.2 -l ERROR "$P/spin" "50%" > /dev/null &
    sr=$!
    sleep 1.5
    python3 - <<'PY' || { kill -TERM $sr; wait $sr; return 1; }
import json
r = json.load(open("logs/1/run.json"))
assert r["status"] == "RUNNING" and r["heartbeat"] is not None, r["heartbeat"]
assert any(p["executable"].endswith("/spin") for p in r["processes"]), r["processes"]
assert open("logs/1/cout.txt", "rb").read() == b"ready\nworking 50%"
PY
    kill -TERM $sr
    wait $sr
    chk logs/1 'r["status"] == "INTERRUPTED"' 'cout == b"ready\nworking 50%"'
}

t_unobserved_records_nothing() {
    "$SR" -F logs -u echo hi > out || return
    grep -qx hi out && [ ! -e logs ] || fail "recorded or lost output"
}

t_name_comment_priority_default_storage() {
    "$SR" -n renamed -c "my comment" -P 3 -l ERROR true || return
    chk runs/1 'r["experiment"]["name"] == "renamed"' 'r["meta"]["comment"] == "my comment"' \
        'r["meta"]["priority"] == 3.0 and isinstance(r["meta"]["priority"], float)' || return
    SACRED_RUN_STORAGE=elsewhere "$SR" -l ERROR true && [ -d elsewhere/1 ] || fail "SACRED_RUN_STORAGE ignored"
}

t_log_lines_sacred_format() {
    "$SR" -F logs true 2> err || return
    grep -qx "INFO - true - Running command 'main'" err && grep -qx 'INFO - true - Started run with ID "1"' err \
        && grep -qx "INFO - true - Completed after 0:00:00" err || fail "$(cat err)"
}
