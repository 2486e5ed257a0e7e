# t_capture.sh: output capture: stdout/stderr pass-through, the Sacred filter, pty mode,
# terminal size, stdin, invalid UTF-8, capture modes, closed pipes, background children.

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
        'list(cfg) == ["seed"] and info == {}' 'sorted(metrics) == ["sys.cpu_percent", "sys.read_bytes", "sys.write_bytes"]' 'r["artifacts"] == [] and r["resources"] == []' \
        'r["host"]["os"][0] == "Linux" and isinstance(r["host"]["cpu_count"], int)' \
        'b"start\nprogress 100%" in cout and b"spinner: done\n" in cout and b"to stderr\n" in cout'
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

t_reader_closes_pipe() {
    timeout 20 bash -c "'$SR' -F logs -l ERROR yes | head -n 2 > out" || fail "did not end" || return
    [ "$(wc -l < out)" -eq 2 ] || fail "head got $(wc -l < out) lines" || return
    chk logs/1 'r["program"]["signal"] == "SIGPIPE"' 'cout.startswith(b"y\ny\n")'
}
