# t_inspect_edit.sh: what a user may edit: tags and notes (omniboard.tags, omniboard.notes),
# also while the launcher rewrites run.json at every beat.

# Two runs of one script and one of another.
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
