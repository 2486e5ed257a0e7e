# t_inspect_edit.sh: what a user may edit: tags and notes (omniboard.tags, omniboard.notes),
# also while the launcher rewrites run.json at every beat; removing runs (rm) and the
# stored files no run uses (gc), on storages made by sacred-run and by Python Sacred.

# Two runs of one script (they share its stored source) and one of another.
edit_make_runs() {
    printf 'print("a")\n' > a.py
    printf 'print("b")\n' > b.py
    for s in a.py a.py b.py; do
        "$SR" -F logs -l ERROR --no-sys-metrics python3 "$s" > /dev/null || return
    done
}

# A run of a program that runs at least 1.5 s and then until the file 'stop' exists,
# started in the background with a beat every 0.05 s; waits for its run.json.
edit_start_running() {
    "$SR" -F logs -l ERROR -b 0.05 sh -c 'sleep 1.5; while [ ! -e stop ]; do sleep 0.05; done' \
        > run.out 2>&1 &
    edit_pid=$!
    for _ in $(seq 200); do [ -f logs/1/run.json ] && return; sleep 0.02; done
    fail "the run did not start"
}

# run.json of RUNDIR without the omniboard key, one line.
edit_json_minus_omniboard() {
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1] + "/run.json")); r.pop("omniboard", None); print(json.dumps(r, sort_keys=True))' "$1"
}

t_tag_and_note_a_finished_run() {
    edit_make_runs || return
    before=$(edit_json_minus_omniboard logs/1)
    "$SR" -F logs tag 1 baseline fast baseline || fail "tag: status $?" || return
    "$SR" tag -F logs 1 lr fast -- -neg || fail "tag after -F, '--'" || return
    "$SR" -F logs tag --remove 1 fast || fail "untag: status $?" || return
    [ "$("$SR" -F logs tag 1)" = "$(printf 'baseline\nlr\n-neg')" ] || fail "listed: $("$SR" -F logs tag 1)" || return
    "$SR" -F logs note 1 first try || fail "note: status $?" || return
    "$SR" -F logs note --append 1 'then: "quoted"' || return
    [ "$("$SR" -F logs note 1)" = "$(printf 'first try\nthen: "quoted"')" ] || fail "note: $("$SR" -F logs note 1)" || return
    chk logs/1 'r["omniboard"] == {"tags": ["baseline", "lr", "-neg"], "notes": "first try\nthen: \"quoted\""}' \
        'r["status"] == "COMPLETED"' || return
    [ "$(edit_json_minus_omniboard logs/1)" = "$before" ] || fail "other keys of run.json changed" || return
    [ "$("$SR" -F logs tag --json 1 | python3 -c 'import json,sys; print(json.load(sys.stdin))')" = "{'id': '1', 'tags': ['baseline', 'lr', '-neg']}" ] \
        || fail "--json" || return
    [ -z "$("$SR" -F logs tag 2)" ] && [ -z "$("$SR" -F logs note 2)" ] || fail "run 2 has tags or notes" || return
    chk logs/2 '"omniboard" not in r'
}

t_tag_note_bad_input_125() {
    edit_make_runs || return
    cp logs/1/run.json before
    for args in "tag 9 x" "tag 1 ''" "tag 1 \$'a\\tb'" "tag --bogus 1 x" "tag" "tag --remove 1" \
                "note 9 text" "note --append 1" "note"; do
        eval "\"\$SR\" -F logs $args" > out 2> err
        [ $? -eq 125 ] || fail "$args: status not 125" || return
        [ "$(wc -l < err)" -eq 1 ] && [ ! -s out ] || fail "$args: not one line: $(cat err out)" || return
    done
    cmp -s before logs/1/run.json || fail "run.json changed" || return
    "$SR" -F logs tag 9 x 2>&1 | grep -q "^sacred-run: no run '9' in 'logs'" || fail "unknown id message"
}

t_note_shows_meta_comment_until_set() {
    "$SR" -F logs -l ERROR -c "from the command line" true || return
    [ "$("$SR" -F logs note 1)" = "from the command line" ] || fail "comment: $("$SR" -F logs note 1)" || return
    "$SR" -F logs note 1 --append "and more" || return
    chk logs/1 'r["omniboard"]["notes"] == "from the command line\nand more"' \
        'r["meta"]["comment"] == "from the command line"'
}

t_tags_survive_a_running_runs_beats() {
    edit_start_running || return
    for i in $(seq 30); do
        "$SR" -F logs tag 1 "t$i" || fail "tag $i: status $?" || return
        [ "$i" -eq 1 ] && beat1=$(python3 -c 'import json; print(json.load(open("logs/1/run.json"))["heartbeat"])')
    done
    "$SR" -F logs note 1 "noted while running" || return
    chk logs/1 'r["status"] == "RUNNING"' "r['heartbeat'] != '$beat1'" || fail "the edits did not overlap the run's beats" || return
    touch stop
    wait "$edit_pid" || fail "run status $?: $(cat run.out)" || return
    chk logs/1 'r["status"] == "COMPLETED"' \
        'r["omniboard"]["tags"] == ["t%d" % i for i in range(1, 31)]' \
        'r["omniboard"]["notes"] == "noted while running"' || return
    [ ! -s run.out ] || fail "the launcher said: $(cat run.out)"
}

t_rm_with_yes_and_shared_sources() {
    edit_make_runs || return
    a=$(python3 -c 'import json; print(json.load(open("logs/1/run.json"))["experiment"]["sources"][0][1])')
    b=$(python3 -c 'import json; print(json.load(open("logs/3/run.json"))["experiment"]["sources"][0][1])')
    [ -f "logs/$a" ] && [ -f "logs/$b" ] && [ "$a" != "$b" ] || fail "sources $a $b" || return
    "$SR" -F logs rm -y 1 > out || fail "rm 1: status $?" || return
    [ "$(cat out)" = "removed run 1" ] || fail "rm 1 said: $(cat out)" || return
    [ ! -e logs/1 ] && [ -f "logs/$a" ] || fail "run 1 stays, or the source run 2 uses went" || return
    "$SR" -F logs rm 3 -y > out || fail "rm 3: status $?" || return
    [ "$(cat out)" = "$(printf 'removed run 3\nremoved %s' "$b")" ] || fail "rm 3 said: $(cat out)" || return
    [ ! -e logs/3 ] && [ ! -e "logs/$b" ] && [ -f "logs/$a" ] || fail "after rm 3: $(ls -R logs)" || return
    [ "$(ls logs | tr '\n' ' ')" = "2 _sources " ] && ! ls -A logs | grep -q removing \
        || fail "left behind: $(ls -A logs)" || return
    chk logs/2 'r["status"] == "COMPLETED"'
}

t_rm_asks_on_a_terminal() {
    edit_make_runs || return
    # Answers the prompt on a pseudo-terminal with argv[1], runs the rest; prints the screen.
    cat > answer.py <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
data, sent = b"", False
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
    if not sent and b"[y/N]" in data:
        os.write(fd, sys.argv[1].encode() + b"\n")
        sent = True
print(data.decode().replace("\r", ""), "status", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
PY
    out=$(python3 answer.py n "$SR" -F logs rm 2 3)
    case $out in *"remove 2 runs (2, 3)? [y/N] n"*"nothing removed"*"status 0") ;; *) fail "declined: $out"; return ;; esac
    [ -d logs/2 ] && [ -d logs/3 ] || fail "declined, yet removed" || return
    out=$(python3 answer.py y "$SR" -F logs rm 2 3)
    case $out in *"removed 2 runs (2, 3) and 1 stored file no run uses ("*" B)"*"status 0") ;; *) fail "accepted: $out"; return ;; esac
    [ ! -e logs/2 ] && [ ! -e logs/3 ] && [ -d logs/1 ] || fail "accepted: $(ls logs)"
}

t_rm_without_terminal_or_with_unknown_id_removes_nothing() {
    edit_make_runs || return
    "$SR" -F logs rm 1 2 < /dev/null > out 2> err
    [ $? -eq 125 ] || fail "no terminal, no -y: status not 125" || return
    [ "$(wc -l < err)" -eq 1 ] && grep -q -- "-y" err && [ ! -s out ] || fail "no terminal: $(cat err out)" || return
    "$SR" -F logs rm -y 1 99 2 > out 2> err
    [ $? -eq 125 ] || fail "unknown id: status not 125" || return
    [ "$(wc -l < err)" -eq 1 ] && grep -q "no run '99'" err && [ ! -s out ] || fail "unknown id: $(cat err out)" || return
    [ "$(ls logs | tr '\n' ' ')" = "1 2 3 _sources " ] || fail "something was removed: $(ls logs)" || return
    [ "$(ls logs/_sources | wc -l)" -eq 2 ] || fail "a source was removed"
}

t_rm_refuses_a_run_being_recorded() {
    edit_start_running || return
    "$SR" -F logs rm -y 1 > out 2> err
    st=$?
    [ -d logs/1 ] || { touch stop; fail "removed a running run"; return; }
    [ $st -eq 125 ] && grep -q "still being recorded" err || { touch stop; fail "status $st: $(cat err)"; return; }
    # A stored file newer than the run's start may be one it is about to reference.
    mkdir -p logs/_resources && echo new > logs/_resources/new_0123.csv
    "$SR" -F logs gc --dry-run > out 2> err || { touch stop; fail "gc: status $?"; return; }
    [ ! -s out ] && grep -q "kept 1 unused stored file" err || { touch stop; fail "gc during the run: $(cat out err)"; return; }
    "$SR" -F logs rm -y --force 1 > out || { touch stop; fail "--force: status $?"; return; }
    touch stop
    wait "$edit_pid"
    [ ! -e logs/1 ] && [ "$(cat out)" = "$(printf 'removed run 1\nremoved _resources/new_0123.csv')" ] \
        || fail "--force: $(cat out) $(ls -A logs)"
}

t_gc_removes_only_what_no_run_uses() {
    edit_make_runs || return
    printf 'x\n' > logs/_sources/gone_0123.py
    mkdir -p logs/_resources && printf 'y\n' > logs/_resources/gone_4567.csv
    touch -d '-1 hour' logs/_sources/gone_0123.py
    "$SR" -F logs gc --dry-run > out || fail "dry run: status $?" || return
    [ "$(cat out)" = "$(printf 'would remove _resources/gone_4567.csv\nwould remove _sources/gone_0123.py')" ] \
        || fail "dry run said: $(cat out)" || return
    [ -f logs/_sources/gone_0123.py ] && [ -f logs/_resources/gone_4567.csv ] || fail "dry run removed" || return
    "$SR" -F logs gc --json > out || fail "gc: status $?" || return
    python3 -c 'import json, sys; j = json.load(open("out")); assert j["files"] == ["_resources/gone_4567.csv", "_sources/gone_0123.py"] and j["bytes"] == 4 and j["runs"] == [], j' \
        || fail "gc --json: $(cat out)" || return
    [ "$(ls logs/_sources | wc -l)" -eq 2 ] && [ -z "$(ls logs/_resources)" ] || fail "after gc: $(ls -R logs)" || return
    "$SR" -F logs gc > out && [ ! -s out ] || fail "second gc: $(cat out)" || return
    "$SR" -F logs gc 1 2> err
    [ $? -eq 125 ] || fail "gc with an id: not 125"
}

t_gc_keeps_everything_a_sacred_storage_uses() {
    cp -r "$E/sacred-sample/logs" sample && chmod -R u+w sample || return
    before=$(cd sample && find . -type f | sort)
    "$SR" -F sample gc --dry-run > out || fail "dry run: status $?" || return
    [ ! -s out ] || fail "would remove: $(cat out)" || return
    "$SR" -F sample gc > out || fail "gc: status $?" || return
    [ ! -s out ] && [ "$(cd sample && find . -type f | sort)" = "$before" ] || fail "gc removed: $(cat out)" || return
    # Run 5's resources are absolute paths into the storage where it was recorded; once
    # run 5 is gone they are unused.
    "$SR" -F sample rm -y 5 > out || fail "rm 5: status $?" || return
    [ "$(cat out)" = "$(printf 'removed run 5\nremoved _resources/labels_c9a689574e0e69c2933a7fead321993a.txt\nremoved _resources/train_c3c6bc2ae8ece4bd2510dca21225c041.csv\nremoved _sources/exp_metrics_e0e94a09c133d29e8450782e1621b1ee.py')" ] \
        || fail "rm 5: $(cat out)"
}

t_gc_refuses_with_an_unreadable_run() {
    edit_make_runs || return
    printf 'x\n' > logs/_sources/gone_0123.py
    touch -d '-1 hour' logs/_sources/gone_0123.py
    printf '{"status": ' > logs/2/run.json
    "$SR" -F logs gc > out 2> err
    [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q "run '2'" err || fail "status or message: $(cat err)" || return
    [ -f logs/_sources/gone_0123.py ] || fail "removed a file" || return
    "$SR" -F logs rm -y 2 > out || fail "rm of the corrupt run: status $?" || return
    [ "$(cat out)" = "$(printf 'removed run 2\nremoved _sources/gone_0123.py')" ] || fail "rm 2: $(cat out)"
}
