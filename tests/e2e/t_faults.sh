# t_faults.sh: the record tells the truth after faults: a full storage (size-limited tmpfs,
# root only), the launcher's own writes failing (libfault.so swept over every call), the
# storage removed mid-run, the launcher killed; and stale temporary directories cleaned.

# big.sh: 10 MiB of output with a metric point every 1024 lines, then exit 7.
write_big_program() {
    cat > big.sh <<'SH'
#!/bin/sh
python3 -c '
import sys
w = sys.stdout.write
for i in range(163840):
    w("line %08d of ten mebibytes of output, all to be relayed....\n" % i)
    if i % 1024 == 0:
        w("loss: %d\n" % i)
'
exit 7
SH
    chmod +x big.sh
    ./big.sh > want; [ $? -eq 7 ] || fail "big.sh itself did not exit 7"
}

# mount_storage SIZE: a tmpfs of SIZE at ./st, unmounted when the test ends; 1 when this
# machine cannot (not root, no tmpfs).
mount_storage() {
    mkdir -p st
    [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o "size=$1" tmpfs st 2> /dev/null || return 1
    trap 'umount st' EXIT
}

# full_storage_run SIZE: big.sh recorded on a SIZE tmpfs; its output and status undisturbed,
# run.json final and its record_incomplete true.
full_storage_run() {
    write_big_program || return
    mount_storage "$1" || { skip "needs root and tmpfs to mount a $1 storage"; return; }
    "$SR" -F st ./big.sh > out 2> err
    [ $? -eq 7 ] || fail "status $?, not the program's 7" || return
    cmp -s out want || fail "the output relayed differs from the program's" || return
    grep -q "is incomplete (No space left on device); cout.txt has the first" err \
        || fail "stderr does not say what is incomplete: $(cat err)" || return
    want_len=$(stat -c %s want)
    chk st/1 'r["status"] == "FAILED" and r["program"]["exit_code"] == 7 and r["stop_time"]' \
        'r["record_incomplete"]["reason"] == "No space left on device"' \
        '"cout.txt" in r["record_incomplete"]["files"]' \
        'r["record_incomplete"]["output_bytes_recorded"] == len(cout)' \
        "r[\"record_incomplete\"][\"output_bytes_recorded\"] + r[\"record_incomplete\"][\"output_bytes_lost\"] == $want_len" \
        'open("want", "rb").read().startswith(cout)' \
        'r["record_incomplete"]["metric_points_recorded"] == sum(len(m["values"]) for m in metrics.values())' \
        'not os.path.exists(rd + "/.reserve")'
}

t_full_2mib_storage_final_record_true() {
    full_storage_run 2m || return
    # 2 MiB: the space kept at the start takes metrics.json too, assembled from what exists.
    chk st/1 'len(metrics["loss"]["values"]) == 160' 'r["record_incomplete"]["metric_points_lost"] == 0'
}

t_full_64kib_storage_final_record_true() {
    full_storage_run 64k
}

t_fault_injection_sweep_record_true() {
    [ -e "$P/libfault.so" ] || fail "no $P/libfault.so (make tests builds it)" || return
    # ENOSPC from the Nth write on (a full disk), and EIO at the Nth only (a passing error).
    python3 "$E/fault_sweep.py" "$SR" "$P/libfault.so" sweep enospc-from eio-once > sweep.out 2>&1
    rc=$?
    cat sweep.out
    [ $rc -eq 0 ] || fail "some N disturbed the program or left a false record" || return
    [ "$(grep -c ' 0 problems$' sweep.out)" -eq 2 ] || fail "not both kinds swept"
}

t_storage_removed_mid_run() {
    cat > job.sh <<'SH'
#!/bin/sh
echo "before"
touch started
while [ ! -e go ]; do sleep 0.01; done
echo "after"
exit 7
SH
    chmod +x job.sh
    "$SR" -F st ./job.sh > out 2> err &
    pid=$!
    while [ ! -e started ]; do sleep 0.01; done
    rm -rf st/1
    touch go
    wait $pid
    [ $? -eq 7 ] || fail "status $?, not 7" || return
    [ "$(cat out)" = "$(printf 'before\nafter')" ] || fail "output: $(cat out)" || return
    grep -q "the run directory '.*/st/1' was removed while the program ran" err \
        || fail "stderr does not say the run directory is gone: $(cat err)"
}

# hup_job: job.sh notes its launcher ($PPID), whether its stdout is a terminal, and the
# launcher's temporary directory, then waits; on SIGHUP it writes got_hup and exits 3.
write_hup_job() {
    cat > job.sh <<'SH'
#!/bin/sh
trap 'echo hup > got_hup; exit 3' HUP
if [ -t 1 ]; then echo pty > mode; else echo pipe > mode; fi
dirname "$SACRED_EVENT_SOCKET" > tmpdir
echo $$ > prog.pid
echo $PPID > launcher.pid
while :; do sleep 0.05; done
SH
    chmod +x job.sh
    # Whatever the test's outcome, nothing of it goes on running.
    trap 'for f in launcher.pid prog.pid; do [ -e $f ] && kill -KILL "$(cat $f)" 2> /dev/null; done' EXIT
}

# wait_for FILE: until FILE exists, at most 10 s (a guard against hanging, not a measure).
wait_for() {
    for _ in $(seq 1000); do [ -e "$1" ] && return 0; sleep 0.01; done
    return 1
}

# launcher_killed MODE: the launcher killed with SIGKILL: the program gets SIGHUP (MODE pty
# or pipe alike), run.json names the launcher so readers see DIED, and the next run removes
# the dead launcher's temporary directory.
launcher_killed() {
    write_hup_job
    mkdir tmp
    if [ "$1" = pty ]; then
        TMPDIR=$PWD/tmp python3 "$E/tty_run.py" 24 80 screen -- "$SR" -F st ./job.sh > /dev/null &
    else
        TMPDIR=$PWD/tmp "$SR" -F st ./job.sh > out 2> err &
    fi
    bg=$!
    wait_for launcher.pid && wait_for tmpdir || fail "the program did not start" || return
    [ "$(cat mode)" = "$1" ] || fail "the program's output is a $(cat mode), not a $1" || return
    chk st/1 "r['launcher']['pid'] == $(cat launcher.pid)" 'r["launcher"]["host"] == os.uname().nodename' \
        'r["launcher"]["start_ticks"] > 0 and r["launcher"]["boot_id"]' || return
    kill -KILL "$(cat launcher.pid)" && rm launcher.pid
    wait_for got_hup || fail "the program was not told (SIGHUP) within 10 s" || return
    rm prog.pid # it ends by itself now: its pid is not ours to signal any more
    wait $bg
    TMPDIR=$PWD/tmp "$SR" ls -F st > ls.out || fail "ls: status $?" || return
    grep -q DIED ls.out || fail "ls does not show the run DIED: $(cat ls.out)" || return
    [ -d "$(cat tmpdir)" ] || fail "the dead launcher left no temporary directory to clean" || return
    TMPDIR=$PWD/tmp "$SR" -F st true || fail "next run: status $?" || return
    [ ! -e "$(cat tmpdir)" ] || fail "the next run left the dead launcher's $(cat tmpdir)"
}

t_launcher_killed_program_gets_sighup_pipe() {
    launcher_killed pipe
}

t_launcher_killed_program_gets_sighup_pty() {
    launcher_killed pty
}

t_stale_tmp_cleanup_spares_live_and_unknown() {
    write_hup_job
    mkdir -p tmp/sacred-run.unowned tmp/sacred-run.dead
    echo "999999999 1 $(cat /proc/sys/kernel/random/boot_id)" > tmp/sacred-run.dead/launcher
    TMPDIR=$PWD/tmp "$SR" -F st ./job.sh > out 2> err &
    wait_for tmpdir || fail "the program did not start" || return
    live=$(cat tmpdir)
    TMPDIR=$PWD/tmp "$SR" -F st true || fail "status $?" || return
    [ -d "$live" ] && [ -S "$live/events" ] || fail "removed the live launcher's $live" || return
    [ -d tmp/sacred-run.unowned ] || fail "removed a directory whose owner is unknown" || return
    [ ! -e tmp/sacred-run.dead ] || fail "kept a dead launcher's directory"
    kill -TERM "$(cat launcher.pid)"
    wait
    rm launcher.pid prog.pid
}
