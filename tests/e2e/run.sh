#!/usr/bin/env bash
# run.sh: end-to-end tests. Runs real programs under the ASan/UBSan build of sacred-run and
# asserts on the files it wrote; prints "N passed, N failed" last and fails if any failed.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SR=${SR:-$ROOT/build/asan/sacred-run}
P=$ROOT/build/progs
E=$ROOT/tests/e2e
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 # tests never see the user's git setup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sacred-e2e.XXXXXX")
export XDG_CACHE_HOME=$WORK/cache # the library-version cache stays inside the test run
# verify_asan_link_order=0: "sacred-run log" runs inside runs, under our LD_PRELOAD.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:verify_asan_link_order=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
unset SACRED_RUN_STORAGE
pass=0
fail=0

chk() { python3 "$E/sacred.py" check "$@"; }
fail() { echo "$*"; return 1; }

# --- tests: each runs in its own directory; non-zero means failed -------------------------

t_progress_output_and_filter() {
    "$P/progress" > direct.out 2> direct.err
    "$SR" -F logs "$P/progress" > out 2> err || fail "status $?" || return
    cmp -s out direct.out || fail "stdout differs from a run without sacred-run" || return
    grep -q "to stderr" err || fail "stderr not passed through" || return
    # One destination for both streams: one channel, so the order is exact.
    "$P/progress" > direct.both 2>&1
    "$SR" -F logs -l ERROR "$P/progress" > both 2>&1 || return
    cmp -s both direct.both || fail "2>&1 output differs from a run without sacred-run" || return
    python3 "$E/sacred.py" filter direct.both want
    cmp -s logs/2/cout.txt want || fail "cout.txt is not Sacred's filter of the output" || return
    chk logs/1 'r["status"] == "COMPLETED"' 'r["heartbeat"] is not None' 'r["result"] is None' \
        'r["program"]["exit_code"] == 0' 'r["program"]["instrumented"]' \
        'r["experiment"]["name"] == "progress"' 'r["meta"]["options"]["--file_storage"] == "logs"' \
        'r["command"] == "main" and r["meta"]["command"] == "main"' \
        'list(cfg) == ["seed"] and info == {}' 'sorted(metrics) == ["sys.cpu_percent", "sys.read_bytes", "sys.rss_bytes", "sys.write_bytes"]' 'r["artifacts"] == [] and r["resources"] == []' \
        'r["host"]["os"][0] == "Linux" and isinstance(r["host"]["cpu_count"], int)' \
        'b"start\nprogress 100%" in cout and b"spinner: done\n" in cout and b"to stderr\n" in cout'
}

t_platform_string_matches_python() {
    "$SR" -F logs true || return
    want=$(python3 -c 'import platform; print(platform.platform())')
    chk logs/1 "r['host']['os'][1] == '$want'" "r['host']['hostname'] == os.uname().nodename"
}

t_static_binary_not_instrumented() {
    "$SR" -F logs "$P/static_hello" world > out || fail "status $?" || return
    grep -qx "static says world" out || fail "output not shown" || return
    chk logs/1 'r["program"]["preload"] == "not-loaded-static"' 'not r["program"]["instrumented"]' \
        'cout == b"static says world\n"' 'r["status"] == "COMPLETED"' \
        'r["processes"][0]["instrumented"] is False'
}

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

t_exit_status_3_failed() {
    "$SR" -F logs "$P/exit3" > /dev/null 2>&1
    [ $? -eq 3 ] || fail "exit status not 3" || return
    chk logs/1 'r["status"] == "FAILED"' 'r["program"]["exit_code"] == 3' \
        'r["fail_trace"][-1].startswith("ProgramExited:") and "status 3" in r["fail_trace"][-1]' \
        'r["fail_trace"][0] == "Last lines of output:\n" and len(r["fail_trace"]) == 12' \
        'r["fail_trace"][1] == "  line 6\n" and r["fail_trace"][10] == "  line 15\n"' \
        'all(l.endswith("\n") for l in r["fail_trace"])' 'b"line 15\n" in cout' \
        'r["stop_time"] >= r["start_time"]'
}

t_segfault_failed_with_signal() {
    "$SR" -F logs "$P/segv" > /dev/null 2>&1
    [ $? -eq 139 ] || fail "exit status not 139" || return
    chk logs/1 'r["status"] == "FAILED"' 'r["program"]["signal"] == "SIGSEGV"' \
        'r["program"]["exit_code"] is None' '"SIGSEGV" in r["fail_trace"][-1]' \
        'cout == b"before the crash\n"'
}

t_sigkill_of_program() {
    rc=$(python3 "$E/signal_run.py" logs SIGKILL program -- "$SR" -F logs "$P/spin") || return
    [ "$rc" = 137 ] || fail "exit status $rc, want 137" || return
    chk logs/1 'r["status"] == "FAILED"' 'r["program"]["signal"] == "SIGKILL"' 'cout == b"ready\n"'
}

t_sigint_to_launcher_interrupts() {
    rc=$(python3 "$E/signal_run.py" logs SIGINT launcher -- "$SR" -F logs "$P/spin" half) || return
    [ "$rc" = 130 ] || fail "exit status $rc, want 130" || return
    chk logs/1 'r["status"] == "INTERRUPTED"' 'r["program"]["interrupted_by"] == "SIGINT"' \
        '"fail_trace" not in r' 'cout == b"ready\nworking half"'
}

t_sigterm_to_launcher_interrupts() {
    rc=$(python3 "$E/signal_run.py" logs SIGTERM launcher -- "$SR" -F logs "$P/spin") || return
    [ "$rc" = 143 ] || fail "exit status $rc, want 143" || return
    chk logs/1 'r["status"] == "INTERRUPTED"' 'r["program"]["signal"] == "SIGTERM"'
}

t_sighup_to_launcher_interrupts() {
    rc=$(python3 "$E/signal_run.py" logs SIGHUP launcher -- "$SR" -F logs "$P/spin") || return
    [ "$rc" = 129 ] || fail "exit status $rc, want 129" || return
    chk logs/1 'r["status"] == "INTERRUPTED"' 'r["program"]["interrupted_by"] == "SIGHUP"'
}

t_gpu_info_from_nvidia_smi() {
    mkdir bin
    cat > bin/nvidia-smi <<'SH'
#!/bin/sh
echo "550.54.15, NVIDIA H200, Enabled, 143771"
echo "550.54.15, NVIDIA H200, Disabled, 143771"
SH
    chmod +x bin/nvidia-smi
    PATH="$PWD/bin:$PATH" "$SR" -F logs -l ERROR true || return
    "$SR" -F logs -l ERROR true || return
    chk logs/1 'r["host"]["gpus"] == {"driver_version": "550.54.15", "gpus": [
        {"model": "NVIDIA H200", "persistence_mode": True, "total_memory": 143771},
        {"model": "NVIDIA H200", "persistence_mode": False, "total_memory": 143771}]}' || return
    chk logs/2 '"gpus" not in r["host"]'
}

t_preload_clean_under_valgrind() {
    command -v valgrind > /dev/null || fail "valgrind missing" || return
    "$SR" -F logs -l ERROR valgrind -q --error-exitcode=99 --trace-children=no \
        "$P/spawner" > out 2> err
    rc=$?
    [ "$rc" -eq 0 ] || fail "valgrind status $rc: $(head -30 err)" || return
    grep -q from-exec out || fail "output: $(cat out)"
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

t_background_grandchild_does_not_hang() {
    cat > bg.sh <<'SH'
#!/bin/sh
(sleep 3; echo late) &
echo "main done"
SH
    chmod +x bg.sh
    start=$(date +%s%N)
    "$SR" -F logs ./bg.sh > out || fail "status $?" || return
    took=$(( ($(date +%s%N) - start) / 1000000 ))
    [ "$took" -lt 2500 ] || fail "sacred-run waited ${took} ms for the background child" || return
    chk logs/1 'r["status"] == "COMPLETED"' 'cout == b"main done\n"' || return
    sleep 3.5
    grep -q late out || fail "the background child's later output was lost"
}

t_terminal_mode_pty() {
    rc=$(python3 "$E/tty_run.py" 37 111 screen -- "$SR" -F logs -l ERROR "$P/ttyinfo") || return
    [ "$rc" = 0 ] || fail "status $rc" || return
    chk logs/1 'cout == b"isatty 1 1 1\nsize 37 111\nopost 0\n"' || return
    grep -q "size 37 111" screen || fail "the terminal did not get the output"
}

t_terminal_resize_reaches_program() {
    rc=$(python3 "$E/tty_run.py" 30 100 screen 50 132 -- "$SR" -F logs -l ERROR "$P/winch") || return
    [ "$rc" = 0 ] || fail "status $rc" || return
    chk logs/1 'cout == b"ready 30 100\nresized 50 132\n"'
}

t_terminal_mode_bytes_unchanged() {
    printf 'printf "a\\r\\nb\\n\\033[1mbold\\033[0m\\n"\n' > t.sh
    python3 "$E/tty_run.py" 24 80 screen -- "$SR" -F logs -l ERROR sh t.sh > /dev/null || return
    python3 "$E/tty_run.py" 24 80 direct -- sh t.sh > /dev/null || return
    cmp -s screen direct || fail "the terminal saw different bytes" || return
    chk logs/1 'cout == b"a\nb\n\x1b[1mbold\x1b[0m\n"'
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

t_environment_redacted() {
    MY_API_KEY=topsecret GITHUB_TOKEN=t2 XAUTHORITY=/x WANDB_ENTITY=me PLAIN=ok \
        "$SR" -F logs --env-allow XAUTHORITY --env-deny wandb -l ERROR true || return
    chk logs/1 'r["host"]["ENV"]["MY_API_KEY"] == "<redacted by sacred-run>"' \
        'r["host"]["ENV"]["GITHUB_TOKEN"] == "<redacted by sacred-run>"' \
        'r["host"]["ENV"]["XAUTHORITY"] == "/x" and r["host"]["ENV"]["PLAIN"] == "ok"' \
        'r["host"]["ENV"]["WANDB_ENTITY"] == "<redacted by sacred-run>"' \
        'b"topsecret" not in open(rd + "/run.json", "rb").read()' \
        'r["meta"]["options"]["--env-allow"] == ["XAUTHORITY"]'
}

t_preload_survives_stripped_environment() {
    "$SR" -F logs -l ERROR "$P/spawner" > out || fail "status $?" || return
    printf 'from-system\nfrom-popen\npclose 0\nfrom-spawn\nfrom-exec\n' > want
    cmp -s out want || fail "output: $(cat out)" || return
    chk logs/1 \
        'sum(1 for p in r["processes"] if p["executable"] == "/usr/bin/dash" and p["instrumented"]) == 2' \
        'any(p["argv"] == ["echo", "from-spawn"] and p["instrumented"] for p in r["processes"])' \
        'any(p["argv"] == ["/bin/echo", "from-exec"] and p["instrumented"] for p in r["processes"])'
}

t_stdin_passed_through() {
    out=$(printf 'some input\n' | "$SR" -F logs -l ERROR cat) || return
    [ "$out" = "some input" ] || fail "got '$out'" || return
    chk logs/1 'cout == b"some input\n"'
}

t_invalid_utf8_and_no_filter() {
    printf 'printf "ok \\377\\376 bytes\\rOK\\n"\n' > bad.sh
    "$SR" -F logs -l ERROR sh bad.sh > /dev/null || return
    "$SR" -F logs -l ERROR --no-filter sh bad.sh > /dev/null || return
    chk logs/1 'cout == b"OK \xff\xfe bytes\n"' 'r["status"] == "COMPLETED"' || return
    chk logs/2 'cout == b"ok \xff\xfe bytes\rOK\n"' 'r["meta"]["options"]["--no-filter"]'
}

t_capture_no() {
    "$SR" -F logs -C no -l ERROR echo shown > out || return
    grep -qx shown out || fail "output not shown" || return
    chk logs/1 'cout == b""' 'r["program"]["capture"] == "no"' 'r["meta"]["options"]["--capture"] == "no"'
}

t_unobserved_records_nothing() {
    "$SR" -F logs -u echo hi > out || return
    grep -qx hi out && [ ! -e logs ] || fail "recorded or lost output"
}

t_reader_closes_pipe() {
    timeout 20 bash -c "'$SR' -F logs -l ERROR yes | head -n 2 > out" || fail "did not end" || return
    [ "$(wc -l < out)" -eq 2 ] || fail "head got $(wc -l < out) lines" || return
    chk logs/1 'r["program"]["signal"] == "SIGPIPE"' 'cout.startswith(b"y\ny\n")'
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

t_preload_keeps_errno() {
    "$P/errno_check" > direct || return
    "$SR" -F logs -l ERROR "$P/errno_check" > out || return
    cmp -s out direct || fail "the preload changed results: $(diff direct out)" || return
    grep -q "execve rc=-1 errno=ENOENT" out || fail "unexpected baseline: $(cat out)"
}

t_preload_exports_only_hooks() {
    nm -D --defined-only "$ROOT/build/libsacred-preload.so" | awk '{print $3}' | sort > got
    printf '%s\n' execl execle execlp execv execve execvp execvpe fexecve pclose popen \
        posix_spawn posix_spawnp sigaction signal system open open64 openat openat64 \
        __open_2 __open64_2 __openat_2 __openat64_2 creat creat64 fopen fopen64 freopen \
        freopen64 rename renameat renameat2 chdir fchdir dlopen waitpid wait wait3 wait4 \
        waitid fork | sort > want
    cmp -s got want || fail "exported: $(tr '\n' ' ' < got)"
}

t_record_failure_does_not_stop_program() {
    printf 'echo ready; sleep 1; echo after; exit 4\n' > w.sh
    "$SR" -F logs -b 0.2 sh w.sh > out 2> err &
    sr=$!
    sleep 0.5
    rm -rf logs/1
    wait $sr
    rc=$?
    [ "$rc" -eq 4 ] || fail "status $rc, want the program's 4" || return
    grep -q after out || fail "the program was stopped" || return
    [ "$(grep -c 'cannot update' err)" -eq 1 ] || fail "want one warning: $(cat err)"
}

# --- measurements (metrics, info, result, artifacts, sys.*) -----------------------------

t_metrics_from_output_with_progress() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/metrics_print" > /dev/null || return
    chk logs/1 'sorted(metrics) == ["acc", "accuracy", "loss", "val_acc", "val_loss"]' \
        'metrics["accuracy"] ["values"] == [97.5]' \
        'metrics["loss"]["steps"] == [1, 2, 3] and metrics["loss"]["values"] == [1.0, 0.5, 0.3333]' \
        'metrics["acc"]["values"] == [0.91, 0.92, 0.93]' \
        'metrics["val_loss"]["steps"] == [0, 7] and metrics["val_loss"]["values"] == [0.5, 0.25]' \
        'all(sorted(v) == ["steps", "timestamps", "values"] for v in metrics.values())' \
        'all(ISO.match(t) for v in metrics.values() for t in v["timestamps"])' \
        'not any("9.99" in str(v["values"]) for v in metrics.values())'
}

t_metrics_result_from_metric_and_custom_pattern() {
    "$SR" -F logs -l ERROR --no-sys-metrics --no-default-metrics --result acc \
        --metric 'acc=acc: (?<value>[0-9.]+)' --metric 'final (?<name>\w+): (?<value>[\d.]+)%' \
        "$P/metrics_print" > /dev/null 2> err
    chk logs/1 'r["result"] == 0.93' '"loss" not in metrics' 'metrics["acc"]["values"] == [0.91, 0.92, 0.93]' \
        'metrics["accuracy"]["values"] == [97.5]' || return
    "$SR" -F logs --metric 'no groups here' true 2> err
    [ $? -eq 125 ] && grep -q "named groups" err && [ ! -e logs/2 ] || fail "bad pattern: $(cat err)"
}

t_metric_test_prints_without_running() {
    printf 'epoch 1 - loss: 0.5\rignored\n\nstep 9: acc=0.75\n' > train.log
    "$SR" --metric-test train.log > out || fail "status $?" || return
    # After the filter line 1 is "ignored - loss: 0.5": "ignored" overwrote "epoch 1".
    printf 'line 1: loss = 0.5 (step 0)\nline 3: acc = 0.75 (step 9)\n2 measurements of 2 metrics in 3 lines\n' > want
    cmp -s out want || fail "got: $(cat out)" || return
    "$SR" --no-filter --metric-test train.log | grep -q "loss = 0.5" || fail "--no-filter ignored"
}

t_shell_reports_through_sacred_run_log() {
    cat > rep.sh <<'SH'
#!/bin/sh
sacred-run log scalar loss 0.5 || exit 9
sacred-run log scalar loss 0.25 || exit 9
sacred-run log scalar lr 1e-3 100 || exit 9
sacred-run log info optim.name '"sgd"' || exit 9
sacred-run log info optim.momentum 0.9 || exit 9
sacred-run log result '{"acc": 0.93, "epochs": 3}' || exit 9
echo weights > w.bin
sacred-run log artifact w.bin || exit 9
sacred-run log artifact w.bin "nested/copy.bin" || exit 9
sacred-run log resource "$PWD/w.bin" || exit 9
echo done
SH
    chmod +x rep.sh
    PATH="$(dirname "$SR"):$PATH" "$SR" -F logs -l ERROR --no-sys-metrics ./rep.sh > out || fail "status $?" || return
    chk logs/1 'metrics["loss"]["steps"] == [0, 1] and metrics["loss"]["values"] == [0.5, 0.25]' \
        'metrics["lr"] ["steps"] == [100] and metrics["lr"]["values"] == [0.001]' \
        'info == {"optim": {"name": "sgd", "momentum": 0.9}}' \
        'r["result"] == {"acc": 0.93, "epochs": 3} and isinstance(r["result"]["epochs"], int)' \
        'r["artifacts"] == ["w.bin", "nested/copy.bin"]' \
        'open(rd + "/nested/copy.bin").read() == "weights\n"' \
        're.match(r"_resources/w_[0-9a-f]{32}\.bin$", r["resources"][0][1])' \
        'r["resources"][0][0].endswith("/w.bin") and os.path.exists("logs/" + r["resources"][0][1])' \
        'not os.path.exists(rd + "/.metrics")' || return
    # The same script without sacred-run: exit 0, one line per report, nothing written.
    rm -rf logs
    PATH="$(dirname "$SR"):$PATH" ./rep.sh > out 2> err || fail "without sacred-run: status $?" || return
    [ "$(grep -c 'not inside a sacred-run run' err)" -eq 9 ] && [ ! -e logs ] || fail "$(cat err)"
}

t_bad_reports_are_refused() {
    cat > bad.sh <<'SH'
#!/bin/sh
sacred-run log scalar loss abc; echo "rc $?"
sacred-run log scalar "" 1; echo "rc $?"
sacred-run log scalar $(printf 'n%.0s' $(seq 1 201)) 1; echo "rc $?"
sacred-run log scalar loss 1 notastep; echo "rc $?"
sacred-run log info k '{bad json'; echo "rc $?"
sacred-run log artifact /no/such/file; echo "rc $?"
echo x > f.txt
sacred-run log artifact f.txt metrics.json; echo "rc $?"
sacred-run log artifact f.txt ../escape.txt; echo "rc $?"
sacred-run log frobnicate 1; echo "rc $?"
sacred-run log scalar ok 1; echo "rc $?"
SH
    chmod +x bad.sh
    PATH="$(dirname "$SR"):$PATH" "$SR" -F logs -l ERROR --no-sys-metrics ./bad.sh > out 2> err || return
    [ "$(grep -c 'rc 1' out)" -eq 7 ] && [ "$(grep -c 'rc 2' out)" -eq 2 ] && grep -q 'rc 0' out \
        || fail "statuses: $(tr '\n' ' ' < out)" || return
    grep -q "is not a number" err && grep -q "would overwrite a record file" err \
        && grep -q "'.' or '..'" err && grep -q "not a readable regular file" err \
        && grep -q "not valid JSON" err && grep -q "longer than 200" err || fail "$(cat err)" || return
    chk logs/1 'list(metrics) == ["ok"]' 'r["artifacts"] == ["f.txt"]' 'info == {}' \
        'r["status"] == "COMPLETED"' \
        'not os.path.exists("escape.txt")'
}

t_python_reports_with_socket_library() {
    cat > rep.py <<'PY'
import os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(os.environ["SACRED_REPORT_SOCKET"])
f = s.makefile("rw")
for i in range(100):
    f.write("scalar py.loss %r\n" % (1.0 / (i + 1)))
f.write("scalar py.loss nope\n")
f.write("scalar  1\n")
f.write("info who \"python\"\n")
f.write("sync\n")
f.flush()
replies = []
while True:
    line = f.readline()
    replies.append(line.strip())
    if line.startswith("ok "):
        break
print(replies)
PY
    "$SR" -F logs -l ERROR --no-sys-metrics python3 rep.py > out || return
    grep -qF "[\"error 101: value 'nope' is not a number\", 'error 102: empty metric name', 'ok 104']" out \
        || fail "$(cat out)" || return
    chk logs/1 'len(metrics["py.loss"]["values"]) == 100 and metrics["py.loss"]["steps"][-1] == 99' \
        'metrics["py.loss"]["values"][2] == 0.3333333333333333' 'info == {"who": "python"}'
}

t_c_reports_with_header() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/report_header" 100000 > out 2> err || return
    grep -qx "sync errors 1" out && grep -q "is not a number" err || fail "$(cat out err)" || return
    chk logs/1 'len(metrics["c.loss"]["steps"]) == 100000' 'metrics["c.loss"]["steps"][-1] == 99999' \
        'metrics["c.loss"]["values"][:3] == [1.0, 0.5, 0.3333333333333333]' \
        'metrics["c.explicit"]["steps"] == [42]' 'info == {"compiler": {"name": "gcc", "flags": ["-O1"]}}' \
        'r["result"] == 0.125' 'r["artifacts"] == ["model/weights.bin", "weights.bin"]' || return
    "$P/report_header" 3 > out || fail "outside a run: status $?" || return
    grep -qx "sync errors -1" out || fail "outside a run: $(cat out)"
}

t_metrics_layout_matches_sacred_sample() {
    cat > w.sh <<'SH'
sacred-run log scalar weird nan
sacred-run log scalar weird inf
sacred-run log scalar weird 7
sacred-run log scalar training.loss 1.0
sacred-run log scalar training.loss 0.5
SH
    PATH="$(dirname "$SR"):$PATH" "$SR" -F logs -l ERROR --no-sys-metrics sh w.sh || return
    # Sacred's sample run 5 (shared/spec/sacred-sample/logs/5/metrics.json), timestamps elided.
    cat > sample-weird.txt <<'TXT'
  "weird": {
    "steps": [
      0,
      1,
      2
    ],
    "timestamps": [
      "T",
      "T",
      "T"
    ],
    "values": [
      NaN,
      Infinity,
      7
    ]
  }
TXT
    python3 - <<'PY' || return 1
import re
ours = open("logs/1/metrics.json").read()
strip = lambda t: re.sub(r'"\d{4}-[^"]*"', '"T"', t)
m = re.search(r'  "weird": \{.*?\n  \}', ours, re.S)
assert strip(m.group(0)) + "\n" == open("sample-weird.txt").read(), m.group(0)
assert ours.startswith('{\n  "training.loss": {\n    "steps": [\n      0,\n      1\n    ],') and not ours.endswith("\n")
PY
}

t_files_valid_json_at_every_moment() {
    cat > long.sh <<'SH'
i=0
while [ $i -lt 300 ]; do
  echo "step $i: loss=0.$i acc=0.5"
  sacred-run log info progress.i $i
  i=$((i + 1))
done
SH
    PATH="$(dirname "$SR"):$PATH" "$SR" -F logs -l ERROR -b 0.05 sh long.sh > /dev/null &
    sr=$!
    python3 - <<'PY' || { wait $sr; return 1; }
import json, os, time
reads = 0
deadline = time.time() + 60
while not os.path.exists("logs/1/run.json") and time.time() < deadline:
    time.sleep(0.01)
while time.time() < deadline:
    done = json.load(open("logs/1/run.json"))["status"] != "RUNNING"
    for name in ("run.json", "metrics.json", "info.json", "config.json"):
        text = open("logs/1/" + name).read()
        json.loads(text)           # never partial
        assert json.dumps(json.loads(text), sort_keys=True, indent=2) == text, name
        reads += 1
    if done:
        break
assert reads > 40, reads
PY
    wait $sr || return
    chk logs/1 'len(metrics["loss"]["values"]) == 300 and metrics["loss"]["steps"][-1] == 299' \
        'info["progress"]["i"] == 299' 'len(metrics["sys.cpu_percent"]["values"]) >= 2'
}

t_sys_metrics_and_gpu() {
    mkdir bin
    cat > bin/nvidia-smi <<'SH'
#!/bin/sh
case "$*" in
  *utilization.gpu*) echo "37, 1024" ;;
  *) echo "550.54.15, NVIDIA H200, Enabled, 143771" ;;
esac
SH
    chmod +x bin/nvidia-smi
    PATH="$PWD/bin:$PATH" "$SR" -F logs -l ERROR -b 0.2 "$P/alloc_sleep" || return
    chk logs/1 'max(metrics["sys.rss_bytes"]["values"]) > 64 << 20' \
        'r["program"]["peak_rss_tree_bytes"] > 64 << 20' \
        'r["program"]["max_rss_process_bytes"] > 64 << 20' \
        'metrics["sys.gpu0.utilization_percent"]["values"][0] == 37' \
        'metrics["sys.gpu0.memory_used_mib"]["values"][0] == 1024' || return
    "$SR" -F logs -l ERROR -b 0.2 --no-sys-metrics "$P/alloc_sleep" || return
    chk logs/2 'not any(k.startswith("sys.") for k in metrics)' '"peak_rss_tree_bytes" not in r["program"]'
}

# --- configuration ------------------------------------------------------------------------

t_config_without_updates_keeps_argv() {
    "$P/args" --lr 0.1 --epochs=3 --no-shuffle --name run1 -v data > direct
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --lr 0.1 --epochs=3 --no-shuffle --name run1 -v data > out || return
    cmp -s out direct || fail "argv changed: $(diff direct out)" || return
    chk logs/1 'cfg["lr"] == 0.1 and cfg["epochs"] == 3 and cfg["shuffle"] is False' \
        'cfg["name"] == "run1" and isinstance(cfg["seed"], int) and 1 <= cfg["seed"] <= 10**9' \
        'sorted(cfg) == ["epochs", "lr", "name", "seed", "shuffle"]' \
        'r["meta"]["config_updates"] == {} and r["meta"]["options"]["with"] is False' \
        '"argv_given" not in r["program"]'
}

t_config_updates_rewrite_options() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --lr 0.1 --epochs=3 --no-shuffle --tag x \
        with lr=0.01 epochs=5 shuffle=true 'tag="a b"' > out || return
    printf 'arg --lr\narg 0.01\narg --epochs=5\narg --shuffle\narg --tag\narg a b\n' > want
    cmp -s out want || fail "argv: $(cat out)" || return
    chk logs/1 'cfg["lr"] == 0.01 and cfg["epochs"] == 5 and cfg["shuffle"] is True and cfg["tag"] == "a b"' \
        'r["meta"]["config_updates"] == {"lr": 0.01, "epochs": 5, "shuffle": True, "tag": "a b"}' \
        'r["meta"]["options"]["UPDATE"] == ["lr=0.01", "epochs=5", "shuffle=true", "tag=\"a b\""]' \
        'r["meta"]["options"]["with"] is True and r["meta"]["named_configs"] == []' \
        'r["program"]["argv_given"][1:] == ["--lr", "0.1", "--epochs=3", "--no-shuffle", "--tag", "x"]' \
        'r["meta"]["config_sources"]["lr"] == "update lr=0.01"'
}

t_config_reaches_shell_script_environment() {
    cat > job.sh <<'SH'
#!/bin/sh
echo "lr=$lr optim_lr=$optim_lr layers=$layers OMP=$OMP_NUM_THREADS none=[$none]"
python3 -c 'import json, os; c = json.load(open(os.environ["SACRED_CONFIG"])); print("config", c["optim"]["lr"], c["seed"])'
SH
    chmod +x job.sh
    printf 'optim:\n  lr: 0.5\n  name: sgd\nlayers: [64, 64]\nlr: 0.1\n' > defaults.yaml
    "$SR" -F logs -l ERROR --no-sys-metrics ./job.sh with defaults.yaml optim.lr=0.25 OMP_NUM_THREADS=4 seed=7 none=None -f > out || return
    printf 'lr=0.1 optim_lr=0.25 layers=[64, 64] OMP=4 none=[]\nconfig 0.25 7\n' > want
    cmp -s out want || fail "$(cat out)" || return
    chk logs/1 'cfg == {"OMP_NUM_THREADS": 4, "layers": [64, 64], "lr": 0.1, "none": None, "optim": {"lr": 0.25, "name": "sgd"}, "seed": 7}' \
        'r["meta"]["named_configs"] == ["defaults.yaml"]'
}

t_config_files_and_updates_precedence() {
    printf '{"a": 1, "n": {"x": 1, "y": 2}}' > one.json
    printf 'a: 2\nn:\n  y: 3\n  z: 4\n' > two.yaml
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --a 0 with a=9 one.json two.yaml n.x=5 > out || return
    chk logs/1 'cfg["a"] == 9 and cfg["n"] == {"x": 5, "y": 3, "z": 4}' || return
    grep -qx "arg 9" out || fail "argv: $(cat out)"
}

t_config_placeholders() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --out 'runs/{seed}/{lr}' '{{literal}}' --lr 0.5 with lr=0.25 > out || return
    seed=$(python3 -c 'import json; print(json.load(open("logs/1/config.json"))["seed"])')
    printf 'arg --out\narg runs/%s/0.25\narg {literal}\narg --lr\narg 0.25\n' "$seed" > want
    cmp -s out want || fail "$(cat out)" || return
    "$SR" -F logs "$P/args" 'x{nokey}' 2> err
    [ $? -eq 125 ] && grep -q "placeholder {nokey} has no value" err && [ ! -e logs/2 ] || fail "$(cat err)"
}

t_config_typo_refused_unless_forced() {
    "$SR" -F logs "$P/args" --lr 0.1 with lr_rate=0.2 2> err
    [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q "did you mean 'lr'" err && [ ! -e logs ] \
        || fail "$(cat err)" || return
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --lr 0.1 with lr_rate=0.2 -f > /dev/null || return
    chk logs/1 'cfg["lr_rate"] == 0.2 and r["meta"]["options"]["--force"] is True'
}

t_config_bad_input_125() {
    printf '{"a": 1,\n "b": }' > bad.json
    printf 'a: [1, 2\nb: 3\n' > bad.yaml
    for upd in 'lr=' '=3' 'lr=[1,2' "lr='open" 'lr={1: }' 'flag=3' nosuchfile bad.json bad.yaml; do
        "$SR" -F logs "$P/args" --lr 1 --flag with "$upd" > /dev/null 2> err
        [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] || fail "'$upd': $(cat err)" || return
    done
    [ ! -e logs ] || fail "left a run directory"
    "$SR" -F logs "$P/args" with bad.json 2> err
    grep -q "line 2, column" err && "$SR" -F logs "$P/args" with bad.yaml 2>&1 | grep -q "line 2, column" \
        || fail "no line and column: $(cat err)"
}

t_config_round_trip_through_config_json() {
    "$SR" -F logs -l ERROR --no-sys-metrics -f "$P/args" with 'weird="quote\" nl\n uni\u00e9"' \
        'n={"k y": [1, 2.5, None, True]}' 'big=12345678901234567' > /dev/null || return
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" with logs/1/config.json > /dev/null || return
    python3 - <<'PY' || return 1
import json
a, b = (json.load(open("logs/%d/config.json" % i)) for i in (1, 2))
assert a == b, (a, b)
assert a["weird"] == 'quote" nl\n uni\u00e9' and a["n"] == {"k y": [1, 2.5, None, True]} and a["big"] == 12345678901234567
assert open("logs/1/config.json").read() == open("logs/2/config.json").read()
PY
}

t_config_save_then_reuse() {
    "$SR" save_config "$P/args" --lr 0.1 with lr=0.3 config_filename=saved.json 2> err || return
    grep -q 'Saving config to "saved.json"' err && [ ! -e logs ] && [ ! -e runs ] || fail "$(cat err)" || return
    "$SR" save_config "$P/args" --lr 0.1 with 'm={"a": [1, 2]}' -f config_filename=saved.yaml 2> /dev/null || return
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --lr 0.1 with saved.json > out || return
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --lr 0.1 with saved.yaml > /dev/null || return
    python3 - <<'PY' || return 1
import json
saved = json.load(open("saved.json"))
assert json.load(open("logs/1/config.json")) == saved and saved["lr"] == 0.3
two = json.load(open("logs/2/config.json"))
assert two["m"] == {"a": [1, 2]} and two["lr"] == 0.1
PY
}

t_print_config_layout() {
    printf 'optim:\n  lr: 0.5\n  name: sgd\n' > d.yaml
    "$SR" print_config "$P/args" --lr 0.1 --bs 32 with d.yaml lr=0.2 bs=2.5 optim.lr=1e-3 'extra=[1]' -f seed=5 > out || return
    cat > want <<'TXT'
Configuration (modified, added, typechanged, doc):
  bs = 2.5                           # update bs=2.5
  extra = [1]                        # update extra=[1]
  lr = 0.2                           # update lr=0.2
  seed = 5                           # update seed=5
  optim:                             # file d.yaml
    lr = 0.001                       # update optim.lr=1e-3
    name = 'sgd'                     # file d.yaml
TXT
    diff want out || return
    [ ! -e runs ] || fail "print_config created a run" || return
    python3 "$E/tty_run.py" 24 100 screen -- "$SR" print_config "$P/args" --lr 0.1 --bs 32 --s x \
        with d.yaml lr=0.2 s=3 'new=1' -f > /dev/null || return
    tr -d '\r' < screen > s
    grep -qF "$(printf '\033[34m  lr = 0.2')" s && grep -qF "$(printf '\033[31m  s = 3')" s \
        && grep -qF "$(printf '\033[32m  new = 1')" s && grep -qF "$(printf '  bs = 32')" s \
        && grep -qF "$(printf '\033[32m  optim:')" s || fail "$(cat -v s)"
}

t_print_config_flag_then_run() {
    "$SR" -F logs -p -l ERROR --no-sys-metrics "$P/args" --lr 0.1 > out || return
    head -1 out | grep -q "^Configuration" && grep -qx -- "$(printf '%.0s-' $(seq 1 79))" out \
        && grep -qx "arg 0.1" out || fail "$(cat out)" || return
    chk logs/1 'cout == b"arg --lr\narg 0.1\n"' 'r["meta"]["options"]["--print-config"] is True'
}

t_literal_with_for_the_program() {
    "$SR" -F logs -l ERROR --no-sys-metrics --no-with "$P/args" with x=1 > out || return
    printf 'arg with\narg x=1\n' > want
    cmp -s out want || fail "$(cat out)"
}

t_print_dependencies() {
    git init -q repo && printf 'print("hi")\n' > repo/fit.py
    (cd repo && git add fit.py && git -c user.email=t@t -c user.name=t commit -qm one) || return
    (cd repo && "$SR" print_dependencies python3 fit.py) > out || fail "status $?" || return
    md5=$(md5sum repo/fit.py | cut -d' ' -f1)
    commit=$(git -C repo rev-parse HEAD)
    grep -q '^Executable:' out && grep -qE '^  libc\.so\.6 +== 2\.' out \
        && grep -qE "^  fit\.py +$md5\$" out && grep -qE "^  file://$PWD/repo +$commit\$" out \
        || fail "$(cat out)" || return
    [ ! -e repo/runs ] || fail "print_dependencies created a run"
}

t_enforce_clean_refuses_a_dirty_repository() {
    git init -q repo && printf 'print("hi")\n' > repo/fit.py
    (cd repo && git add fit.py && git -c user.email=t@t -c user.name=t commit -qm one) || return
    printf 'scratch\n' > repo/notes.txt # untracked: clean, as in Sacred
    (cd repo && "$SR" -F ../logs -l ERROR --no-sys-metrics -e python3 fit.py) > out || fail "status $?" || return
    chk logs/1 'r["meta"]["options"]["--enforce_clean"] is True' 'not r["experiment"]["repositories"][0]["dirty"]' || return
    printf 'print("changed")\n' > repo/fit.py
    (cd repo && "$SR" -F ../logs -l ERROR --no-sys-metrics -e python3 fit.py) > out 2> err
    [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q "uncommitted changes" err \
        && [ ! -s out ] && [ ! -e logs/2 ] || fail "$(cat err)" || return
    "$SR" -F logs -l ERROR --no-sys-metrics -e --base-dir repo /bin/true 2> err # the base dir's repository
    [ $? -eq 125 ] && grep -q "uncommitted changes" err && [ ! -e logs/2 ] || fail "--base-dir: $(cat err)"
}

t_installed_copy_finds_its_library() { # make install/uninstall with DESTDIR
    make -s -C "$ROOT" install PREFIX=/usr/local DESTDIR="$PWD/inst" > /dev/null || return
    "$PWD/inst/usr/local/bin/sacred-run" -F logs -l ERROR --no-sys-metrics /bin/echo hi > out || return
    grep -qx hi out && [ -f inst/usr/local/include/sacred-report.h ] || fail "$(cat out)" || return
    chk logs/1 'r["program"]["preload"] == "active" and r["program"]["instrumented"]' || return
    make -s -C "$ROOT" uninstall PREFIX=/usr/local DESTDIR="$PWD/inst" > /dev/null || return
    [ -z "$(find inst -type f)" ] || fail "left after uninstall: $(find inst -type f)"
}

t_rerun_reproduces_and_reports_changes() {
    git init -q repo
    printf 'import os, sys\nprint("run", sys.argv[1:], os.environ["lr"], os.environ.get("MY_TOKEN"))\n' > repo/fit.py
    (cd repo && git add fit.py && git -c user.email=t@t -c user.name=t commit -qm one) || return
    (cd repo && MY_TOKEN=t1 "$SR" -F ../logs -l ERROR --no-sys-metrics -c keep \
        --exclude '*.txt' --artifact '*.out' --resource-limit 2K python3 fit.py --lr 0.1 with lr=0.5 seed=3) > out1 || return
    MY_TOKEN=t1 "$SR" -F logs -l ERROR rerun 1 > out2 2> err || fail "rerun status $?: $(cat err)" || return
    cmp -s out1 out2 || fail "different output: $(cat out1 out2)" || return
    grep -q "MY_TOKEN" err || fail "no warning about the redacted variable" || return
    chk logs/2 'r["meta"]["rerun_of"]["id"] == "1" and r["meta"]["rerun_of"]["run_dir"].endswith("/logs/1")' \
        'cfg == json.load(open("logs/1/config.json"))' 'cout == open("logs/1/cout.txt", "rb").read()' \
        'r["program"]["cwd"].endswith("/repo") and r["meta"]["comment"] == "keep"' \
        'r["meta"]["options"]["--no-sys-metrics"] is True' \
        'all(r["meta"]["options"][k] == json.load(open("logs/1/run.json"))["meta"]["options"][k] for k in ("--exclude", "--artifact", "--resource-limit"))' \
        'r["meta"]["options"]["--resource-limit"] == 2048' || return
    MY_TOKEN=t1 "$SR" -F logs --check rerun 1 > out 2> err || return
    grep -q "no differences found" out || fail "unexpected: $(cat out err)" || return
    "$SR" -F logs --check rerun 1 2>&1 | grep -q "not set now (left out): MY_TOKEN" || fail "missing token not reported" || return
    printf '# edited\n' >> repo/fit.py
    "$SR" -F logs --check rerun 1 > out 2> err || return
    grep -q "differences found" out && grep -q "source '.*fit.py' changed" err \
        && grep -q "uncommitted changes" err || fail "$(cat out err)" || return
    [ ! -e logs/3 ] || fail "--check started a run" || return
    "$SR" -F logs rerun 99 2> err
    [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] || fail "$(cat err)"
}

# --- provenance: crashes -----------------------------------------------------------------

t_crash_backtrace_names_functions() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/crash" segv > /dev/null 2>&1
    [ $? -eq 139 ] || fail "status" || return
    chk logs/1 'r["status"] == "FAILED" and r["program"]["signal"] == "SIGSEGV"' \
        '"Traceback (most recent call last):\n" in r["fail_trace"]' \
        '[l for l in r["fail_trace"] if "in crash_" in l or "in main" in l][-3:] == [l for l in r["fail_trace"] if "in main" in l][-1:] + [l for l in r["fail_trace"] if "in crash_outer" in l] + [l for l in r["fail_trace"] if "in crash_inner" in l]' \
        'r["fail_trace"][-2].startswith("  File \"" + r["program"]["realpath"] + "\", in crash_inner")' \
        'r["fail_trace"][-1].startswith("ProgramKilled:") and "SIGSEGV" in r["fail_trace"][-1]' \
        'not any("libsacred-preload" in l for l in r["fail_trace"])' \
        'r["processes"][0]["crash"]["signal"] == "SIGSEGV"' 'cout == b"crashing\n"'
}

t_crash_backtrace_with_libgcc_unwinder() { # libgcc_s loaded: the handler uses backtrace()
    cc -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -o crash_gcc "$E/progs/crash.c" \
        -Wl,--no-as-needed -lgcc_s || return
    "$SR" -F logs -l ERROR --no-sys-metrics ./crash_gcc segv > /dev/null 2>&1
    [ $? -eq 139 ] || fail "status" || return
    chk logs/1 'any("libgcc_s" in l for l in r["experiment"]["dependencies"])' \
        'r["fail_trace"][-2].startswith("  File \"" + r["program"]["realpath"] + "\", in crash_inner")' \
        'any("in crash_outer" in l for l in r["fail_trace"])' \
        'not any("[found by stack scan]" in l for l in r["fail_trace"])' \
        'not any("libsacred-preload" in l for l in r["fail_trace"])'
}

t_crash_abort() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/crash" abort > /dev/null 2>&1
    [ $? -eq 134 ] || fail "status" || return
    chk logs/1 'r["program"]["signal"] == "SIGABRT"' 'any("in abort" in l for l in r["fail_trace"])' \
        'r["fail_trace"][-2].startswith("  File \"/") and any("in main" in l for l in r["fail_trace"])'
}

t_crash_own_handler_recovers() {
    out=$("$SR" -F logs -l ERROR --no-sys-metrics "$P/crash" recover) || fail "status $?" || return
    [ "$out" = recovered ] || fail "$out" || return
    chk logs/1 'r["status"] == "COMPLETED"' '"crash" not in r["processes"][0]' '"fail_trace" not in r' || return
    out=$("$SR" -F logs -l ERROR --no-sys-metrics "$P/crash" query)
    [ "$out" = "sigaction default, signal default" ] || fail "the preload's handler is visible: $out"
}

t_crash_in_child_process() {
    printf '#!/bin/sh\n"%s" segv\necho "after $?"\n' "$P/crash" > c.sh
    chmod +x c.sh
    "$SR" -F logs -l ERROR --no-sys-metrics ./c.sh > out 2>&1 || return
    grep -q "after 139" out || fail "$(cat out)" || return
    chk logs/1 'r["status"] == "COMPLETED"' \
        '[p["crash"]["signal"] for p in r["processes"] if "crash" in p] == ["SIGSEGV"]' \
        'any("in crash_inner" in l for p in r["processes"] if "crash" in p for l in p["crash"]["backtrace"])'
}

# --- provenance: files ---------------------------------------------------------------------

t_files_python_package_data_outputs() {
    git init -q . && mkdir -p pkg data
    printf 'from .helper import double\n' > pkg/__init__.py
    printf 'def double(x):\n    return 2 * x\n' > pkg/helper.py
    cat > train.py <<'PY'
import os, pkg
rows = open("data/train.csv").read().split()
with open("big.bin", "rb") as f:
    f.read(10)
os.makedirs("out", exist_ok=True)
with open("out/model.txt", "w") as f:
    f.write("weights %d\n" % pkg.double(len(rows)))
with open("out/tmp.json", "w") as f:
    f.write("{}")
os.rename("out/tmp.json", "out/final.json")
PY
    printf 'a\nb\nc\n' > data/train.csv
    head -c 2000000 /dev/zero > big.bin
    git add -A > /dev/null && git -c user.email=t@t -c user.name=t commit -qm one
    "$SR" -F logs -l ERROR --no-sys-metrics --resource-limit 1M python3 train.py || return
    md5=$(md5sum data/train.csv | cut -d' ' -f1)
    chk logs/1 '[s[0] for s in r["experiment"]["sources"]] == ["train.py", "pkg/__init__.py", "pkg/helper.py"]' \
        'all(os.path.exists("logs/" + s[1]) for s in r["experiment"]["sources"])' \
        'len(r["experiment"]["repositories"]) == 1 and r["experiment"]["repositories"][0]["url"].startswith("file:///")' \
        "r['resources'] == [[os.path.abspath('data/train.csv'), '_resources/train_$md5.csv']]" \
        'os.path.exists("logs/" + r["resources"][0][1])' \
        '[(d["path"].split("/")[-1], d["size"], d["stored"] is None) for d in r["resource_files"]] == [("big.bin", 2000000, True), ("train.csv", 6, False)]' \
        'r["artifacts"] == ["out/final.json", "out/model.txt"]' \
        'open(rd + "/out/model.txt").read() == "weights 6\n" and os.path.exists(rd + "/out/final.json")' \
        'not any("pyenv" in d["path"] or "__pycache__" in d["path"] for d in r["resource_files"])' || return
    "$SR" -F logs -l ERROR --no-sys-metrics --no-files python3 train.py || return
    chk logs/2 'r["resources"] == [] and r["artifacts"] == [] and len(r["experiment"]["sources"]) == 1' || return
    "$SR" -F logs -l ERROR --no-sys-metrics --artifact '*.txt' python3 train.py || return
    chk logs/3 'r["artifacts"] == ["out/model.txt"] and not os.path.exists(rd + "/out/final.json")' \
        'r["meta"]["options"]["--artifact"] == ["*.txt"]'
}

t_files_preload_library_is_not_a_source() { # its DWARF units when the base dir holds it
    "$SR" -F logs -l ERROR --no-sys-metrics --base-dir "$ROOT" /bin/true || return
    chk logs/1 'r["experiment"]["sources"] == []' "r['experiment']['base_dir'] == '$ROOT'"
}

t_files_include_reaches_hidden_dirs() {
    mkdir -p ../.data && printf '1,2\n' > ../.data/x.csv
    "$SR" -F logs -l ERROR --no-sys-metrics cat ../.data/x.csv > /dev/null || return
    "$SR" -F logs -l ERROR --no-sys-metrics --include '*/.data/*' cat ../.data/x.csv > /dev/null || return
    chk logs/1 'r["resources"] == []' || return
    chk logs/2 '[p[0].split("/")[-2:] for p in r["resources"]] == [[".data", "x.csv"]]' \
        'r["meta"]["options"]["--include"] == ["*/.data/*"]'
}

t_files_shell_source_and_md5_cache() {
    printf 'greet() { echo "hello $1"; }\n' > helper.sh
    printf '#!/bin/bash\nsource ./helper.sh\ngreet world > greeting.txt\ncat data.txt\n' > job.sh
    chmod +x job.sh
    echo payload > data.txt
    "$SR" -F logs -l ERROR --no-sys-metrics ./job.sh > /dev/null || return
    chk logs/1 'sorted(s[0] for s in r["experiment"]["sources"]) == ["helper.sh", "job.sh"]' \
        'r["artifacts"] == ["greeting.txt"] and [p[0].split("/")[-1] for p in r["resources"]] == ["data.txt"]' || return
    grep -q "$(md5sum data.txt | cut -d' ' -f1)" logs/.sacred-run-md5-cache || fail "no cache entry"
}

t_files_from_eight_threads() {
    mkdir in
    for t in 0 1 2 3 4 5 6 7; do for i in $(seq 0 49); do echo "$t $i" > "in/t${t}_$i.dat"; done; done
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/threads_open" > /dev/null || return
    chk logs/1 'len(r["resources"]) == 400' 'sorted(r["artifacts"]) == ["out_t%d.txt" % t for t in range(8)]'
}

t_files_after_closing_all_descriptors() {
    echo "some input" > input.txt
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/closeall" > out || return
    grep -q "copied 11" out || fail "$(cat out)" || return
    chk logs/1 '[p[0].split("/")[-1] for p in r["resources"]] == ["input.txt"]' 'r["artifacts"] == ["output.txt"]'
}

t_dependencies_libraries_and_python_packages() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/dlopen_z" > out || return
    grep -q "^zlib 1\." out || fail "$(cat out)" || return
    libc=$(dpkg-query -W -f='${Version}' libc6)
    chk logs/1 "'libc.so.6==$libc' in r['experiment']['dependencies']" \
        'any(d.startswith("libz.so.1==1.") for d in r["experiment"]["dependencies"])' \
        'not any("preload" in d for d in r["experiment"]["dependencies"])' \
        'r["experiment"]["dependencies"] == sorted(r["experiment"]["dependencies"], key=lambda s: (s.lower(), s))' \
        're.match(r"^[0-9a-f]{40}$", r["program"]["elf"]["build_id"] or "") and r["program"]["elf"]["needed"] == ["libc.so.6"]' \
        'r["program"]["elf"]["interpreter"].startswith("/lib") and r["program"]["elf"]["size"] > 0' || return
    pyyaml=$(python3 -c 'import importlib.metadata as m; print(m.version("PyYAML"))' 2>/dev/null) || return 0
    "$SR" -F logs -l ERROR --no-sys-metrics python3 -c 'import yaml' || return
    chk logs/2 "'PyYAML==$pyyaml' in r['experiment']['dependencies']" \
        'not any(".cpython-" in d for d in r["experiment"]["dependencies"])'
}

t_files_dwarf_sources_of_a_debug_build() {
    mkdir -p src build
    printf 'int add(int a, int b);\n' > src/add.h
    printf '#include "add.h"\nint add(int a, int b) { return a + b; }\n' > src/add.c
    printf '#include <stdio.h>\n#include "add.h"\nint main(void) { printf("%%d\\n", add(2, 3)); return 0; }\n' > src/main.c
    cc -g -O0 -o build/prog src/main.c src/add.c || return
    printf 'msg() { echo "running"; }\n' > helper.sh
    printf '#!/bin/sh\n. ./helper.sh\nmsg\n./build/prog\n' > run.sh
    chmod +x run.sh
    "$SR" -F logs -l ERROR --no-sys-metrics ./run.sh > out || return
    grep -qx 5 out || fail "$(cat out)" || return
    chk logs/1 'sorted(s[0] for s in r["experiment"]["sources"]) == ["helper.sh", "run.sh", "src/add.c", "src/main.c"]' \
        'all(os.path.exists("logs/" + s[1]) for s in r["experiment"]["sources"])'
}

# --- provenance: processes ------------------------------------------------------------------

t_processes_every_exec_entry_point_after_clearenv() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/exec_all" > out || return
    [ "$(wc -l < out)" -eq 12 ] || fail "$(cat out)" || return
    chk logs/1 'sorted(p["argv"][1] for p in r["processes"] if p["argv"][:1] == ["echo"]) == sorted(["execl", "execlp", "execle", "execv", "execvp", "execvpe", "execve", "fexecve", "posix_spawn", "posix_spawnp"])' \
        'all(p["instrumented"] for p in r["processes"] if p["executable"].endswith("/echo"))' \
        'len([p for p in r["processes"] if p["executable"].endswith("/echo")]) == 12' \
        'all(p.get("exit_code") == 0 for p in r["processes"] if p["executable"].endswith("/echo"))'
}

t_processes_end_and_status() {
    printf '#!/bin/bash\n(exit 3)\n/bin/false\n"%s" segv 2>/dev/null\nexit 0\n' "$P/crash" > s.sh
    chmod +x s.sh
    "$SR" -F logs -l ERROR --no-sys-metrics ./s.sh > /dev/null 2>&1 || return
    chk logs/1 'r["processes"][0]["exit_code"] == 0 and r["processes"][0]["end_time"] >= r["processes"][0]["start_time"]' \
        '[p.get("exit_code") for p in r["processes"] if p.get("forked") and p["end_time"]] == [3]' \
        '[p["exit_code"] for p in r["processes"] if p["executable"] == "/usr/bin/false"] == [1]' \
        '[p["signal"] for p in r["processes"] if p["executable"].endswith("/crash")] == ["SIGSEGV"]'
}

# --- runner ----------------------------------------------------------------------------

tests=$(declare -F | awk '{print $3}' | grep '^t_')
[ $# -gt 0 ] && tests=$(printf '%s\n' $tests | grep -E "$1")
for t in $tests; do
    mkdir -p "$WORK/$t"
    if (cd "$WORK/$t" && $t) > "$WORK/$t.log" 2>&1; then
        pass=$((pass + 1))
        echo "PASS ${t#t_}"
    else
        fail=$((fail + 1))
        echo "FAIL ${t#t_}"
        sed 's/^/    /' "$WORK/$t.log" | head -40
    fi
done
[ "$fail" -eq 0 ] && rm -rf "$WORK"
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
