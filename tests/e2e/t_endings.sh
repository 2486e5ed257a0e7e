# t_endings.sh: how runs end: exit codes, signals to the program or the launcher, interrupts,
# crashes and their backtraces, a record that can no longer be written.

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

# --- crashes ------------------------------------------------------------------------------

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
