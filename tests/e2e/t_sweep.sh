# t_sweep.sh: sacred-run sweep on this machine: grids and seeded random searches, -j,
# failing points with and without --fail-fast, SIGINT mid-sweep and --resume, --dry-run,
# bad input, the sweep record, and ls/compare --sweep.

# sweep_json [ID] EXPR: asserts a Python expression on logs/_sweeps/ID/sweep.json (as s).
sweep_json() {
    python3 - "logs/_sweeps/$1/sweep.json" "$2" <<'PY' || fail "sweep $1: $2 is false"
import json, sys
s = json.load(open(sys.argv[1]))
runs = {p["run_id"]: json.load(open("logs/%s/run.json" % p["run_id"])) for p in s["points"] if p.get("run_id")}
if not eval(sys.argv[2]):
    print(json.dumps(s, indent=1)[:3000])
    raise SystemExit(1)
PY
}

t_sweep_grid_is_the_product_in_order() {
    "$SR" sweep -F logs -j 2 -f "$P/args" --lr 1 --layers 1 with lr=0.1,0.01,0.001 layers=2,3 epochs=5 > out 2> err || fail "$(cat err)" || return
    sweep_json 1 '[p["updates"] for p in s["points"]] == [["lr=%s" % l, "layers=%d" % n] for l in ("0.1", "0.01", "0.001") for n in (2, 3)]' || return
    sweep_json 1 's["count"] == 6 and s["state"] == "COMPLETED" and s["fixed"] == ["epochs=5"] and s["jobs"] == 2' || return
    sweep_json 1 'all(p["state"] == "COMPLETED" and runs[p["run_id"]]["status"] == "COMPLETED" for p in s["points"])' || return
    sweep_json 1 'all(runs[p["run_id"]]["meta"]["sweep"] == {"id": "1", "index": p["index"], "count": 6, "axes": p["axes"]} for p in s["points"])' || return
    sweep_json 1 's["axes"] == [{"key": "lr", "values": [0.1, 0.01, 0.001]}, {"key": "layers", "values": [2, 3]}]' || return
    for r in 1 2 3 4 5 6; do
        chk logs/$r 'cfg["lr"] == r["meta"]["sweep"]["axes"]["lr"] and cfg["layers"] == r["meta"]["sweep"]["axes"]["layers"] and cfg["epochs"] == 5' || return
    done
    # the output of each run, on the terminal after its point's index, whole lines
    grep -qx '\[5\] arg 0.001' out && [ "$(grep -c '^\[[0-5]\] arg --lr$' out)" = 6 ] || fail "$(cat out)" || return
    grep -q "sweep 1: 6 completed, 0 failed, 0 not started" err || fail "$(cat err)"
}

t_sweep_ls_and_compare_take_a_sweep() {
    "$SR" sweep -F logs --quiet "$P/args" --lr 1 with lr=0.5,0.25 2> /dev/null || return
    "$SR" -F logs --no-sys-metrics "$P/args" --lr 3 > /dev/null 2>&1 || return
    "$SR" -F logs ls --sweep 1 --json > ls.json || return
    python3 - <<'PY' || return
import json
d = json.load(open("ls.json"))
assert d["columns"][:5] == ["id", "point", "status", "duration", "lr"], d["columns"]
assert [(r["point"], r["lr"], r["status"]) for r in d["runs"]] == [(0, 0.5, "COMPLETED"), (1, 0.25, "COMPLETED")], d
PY
    "$SR" -F logs compare --sweep 1 --json > cmp.json || return
    python3 -c 'import json; d = json.load(open("cmp.json")); assert sorted(d["config"]["values"]["lr"].values()) == [0.25, 0.5], d["config"]' || return
    # the sweep folder is no run: ls, gc and show leave it alone
    "$SR" -F logs ls --json | python3 -c 'import json, sys; assert [r["id"] for r in json.load(sys.stdin)["runs"]] == ["1", "2", "3"]' || return
    "$SR" -F logs gc > gc.out || return
    [ -e logs/_sweeps/1/sweep.json ] || fail "gc removed the sweep record" || return
    "$SR" -F logs ls --sweep 7 2> err; [ $? -eq 125 ] && grep -q "no sweep '7'" err || fail "$(cat err)" || return
    "$SR" -F logs ls --where "meta.sweep.id == '1'" --sort -point --json \
        | python3 -c 'import json, sys; assert [r["id"] for r in json.load(sys.stdin)["runs"]] == ["2", "1"]' || return
    # the dashboard's runs list: ?sweep=ID
    "$SR" serve -F logs --port 0 > url 2> serve.err &
    pid=$!
    trap 'kill $pid 2> /dev/null' EXIT
    for _ in $(seq 100); do [ -s url ] && break; sleep 0.05; done
    curl -s "$(head -1 url)api/runs?sweep=1" | python3 -c 'import json, sys; assert [r["id"] for r in json.load(sys.stdin)["runs"]] == ["1", "2"]' \
        || fail "api/runs?sweep=1: $(cat serve.err)"
}

t_sweep_random_is_seeded_and_in_bounds() {
    set -- "$P/args" --lr 1 --dropout 0 --layers 1 --opt x --bs 1 with 'lr=loguniform(1e-4,1e-1)' \
        'dropout=uniform(0,0.5)' 'layers=randint(2,4)' 'opt=choice(sgd,adam)' bs=16,32
    "$SR" sweep -F logs --random 20 --seed 7 --dry-run "$@" > a || return
    "$SR" sweep -F logs --random 20 --seed 7 --dry-run "$@" > b || return
    "$SR" sweep -F logs --random 20 --seed 8 --dry-run "$@" > c || return
    cmp -s a b && ! cmp -s a c && [ "$(wc -l < a)" = 20 ] || fail "$(head -3 a c)" || return
    [ ! -e logs ] || fail "--dry-run created the storage" || return
    "$SR" sweep -F logs --random 20 --seed 7 -j 2 --quiet "$@" 2> /dev/null || return
    python3 - a <<'PY' || return
import json, sys
s = json.load(open("logs/_sweeps/1/sweep.json"))
assert s["random"] == {"n": 20, "seed": 7} and s["count"] == 20, s["random"]
lines = open(sys.argv[1]).read().splitlines()
for p, line in zip(s["points"], lines):
    assert line == "%d %s" % (p["index"], " ".join(p["updates"])), (line, p)
    cfg = json.load(open("logs/%s/config.json" % p["run_id"]))
    assert 1e-4 <= cfg["lr"] < 0.1 and 0 <= cfg["dropout"] < 0.5 and cfg["layers"] in (2, 3, 4)
    assert cfg["opt"] in ("sgd", "adam") and cfg["bs"] in (16, 32), cfg
    assert p["axes"] == {k: cfg[k] for k in ("lr", "dropout", "layers", "opt", "bs")}
assert len({json.dumps(p["axes"]) for p in s["points"]}) == 20
PY
}

t_sweep_list_and_quoted_values_are_one_value() {
    "$SR" sweep -F logs --dry-run "$P/args" --sizes 0 --tag x with 'sizes=[1,2],[3]' "tag='a,b'" > out || return
    printf '0 sizes=[1,2]\n1 sizes=[3]\n' > want
    cmp -s out want || fail "$(cat out)" || return
    "$SR" sweep -F logs --quiet "$P/args" --sizes 0 --tag x with 'sizes=[1,2],[3]' "tag='a,b'" 2> /dev/null || return
    chk logs/1 'cfg["sizes"] in ([1, 2], [3]) and cfg["tag"] == "a,b"'
}

t_sweep_bad_input_starts_nothing() {
    for words in 'lr=0.1,' 'lr=,' 'lr=gauss(0,1)' 'lr=uniform(0.5,0.1)' 'lr=loguniform(0,1)' \
                 'lr=uniform(0,1)' 'lrr=0.1,0.2' 'lr=[1,2' 'lr=0.1,0.2 lr=3' '-n x' 'lr=0.1'; do
        # shellcheck disable=SC2086
        "$SR" sweep -F logs "$P/args" --lr 1 with $words > out 2> err
        rc=$?
        [ $rc -eq 125 ] && [ "$(wc -l < err)" = 1 ] && [ ! -s out ] || fail "'$words': status $rc, $(cat err)" || return
    done
    "$SR" sweep -F logs "$P/args" --lr 1 with lrr=0.1,0.2 2> err
    grep -q "unknown configuration key 'lrr'.*did you mean 'lr'" err || fail "$(cat err)" || return
    "$SR" sweep -F logs "$P/args" --lr 1 with 'lr=uniform(0.5,0.1)' 2> err
    grep -q "swapped" err || fail "$(cat err)" || return
    "$SR" sweep -F logs -i 5 "$P/args" --lr 1 with lr=1,2 2> err
    [ $? -eq 125 ] && grep -q -- "-i/--id" err || fail "$(cat err)" || return
    "$SR" sweep -F logs --random 0 "$P/args" --lr 1 with lr=1,2 2> err
    [ $? -eq 125 ] || fail "--random 0: $(cat err)" || return
    "$SR" sweep -F logs ./no-such-program with lr=1,2 2> err
    [ $? -eq 127 ] || fail "missing program: $(cat err)" || return
    [ ! -e logs ] || fail "bad input left $(ls -R logs)"
}

fail_on_three() {
    cat > job.sh <<'SH'
#!/bin/sh
echo "layers $2"
[ "$2" != 3 ]
SH
    chmod +x job.sh
}

t_sweep_failing_point_goes_on() {
    fail_on_three
    "$SR" sweep -F logs --quiet ./job.sh --layers 1 with layers=2,3,4 2> err
    [ $? -eq 1 ] || fail "status $?: $(cat err)" || return
    sweep_json 1 '[p["state"] for p in s["points"]] == ["COMPLETED", "FAILED", "COMPLETED"] and s["state"] == "FAILED"' || return
    sweep_json 1 '[p["exit_status"] for p in s["points"]] == [0, 1, 0]' || return
    grep -q "sweep 1: 2 completed, 1 failed, 0 not started" err || fail "$(cat err)"
}

t_sweep_fail_fast_starts_nothing_more() {
    fail_on_three
    "$SR" sweep -F logs --fail-fast ./job.sh --layers 1 with layers=2,3,4,5 > out 2> err
    [ $? -eq 1 ] || fail "status: $(cat err)" || return
    sweep_json 1 '[p["state"] for p in s["points"]] == ["COMPLETED", "FAILED", "NOT_STARTED", "NOT_STARTED"]' || return
    sweep_json 1 '[p["run_id"] is None for p in s["points"]] == [False, False, True, True]' || return
    [ ! -e logs/3 ] && grep -qx '\[1\] layers 3' out || fail "$(cat out; ls logs)"
}

t_sweep_sigint_interrupts_and_resume_completes() {
    cat > job.sh <<SH
#!/bin/sh
[ -e "$PWD/go" ] && exit 0
exec "$P/spin"
SH
    chmod +x job.sh
    rc=$(python3 "$E/sweep_signal.py" logs 2 SIGINT -- "$SR" sweep -F logs -j 2 --quiet ./job.sh --x 0 with x=1,2,3,4) || return
    [ "$rc" = 130 ] || fail "status $rc" || return
    sweep_json 1 '[p["state"] for p in s["points"]] == ["INTERRUPTED", "INTERRUPTED", "NOT_STARTED", "NOT_STARTED"]' || return
    sweep_json 1 's["state"] == "INTERRUPTED" and all(r["status"] == "INTERRUPTED" for r in runs.values())' || return
    touch go
    "$SR" sweep -F logs --resume 1 2> err || fail "resume: $(cat err)" || return
    sweep_json 1 'all(p["state"] == "COMPLETED" for p in s["points"]) and s["state"] == "COMPLETED"' || return
    sweep_json 1 '[p.get("earlier_run_ids") for p in s["points"]] == [["1"], ["2"], None, None] or [p.get("earlier_run_ids") for p in s["points"]] == [["2"], ["1"], None, None]' || return
    sweep_json 1 'sorted(p["run_id"] for p in s["points"]) == ["3", "4", "5", "6"]' || return
    "$SR" sweep -F logs --resume 1 2> err || return
    grep -q "nothing to resume" err && [ ! -e logs/7 ] || fail "$(cat err)"
}

t_sweep_progress_line_on_a_terminal() {
    rc=$(python3 "$E/tty_run.py" 24 120 screen -- "$SR" sweep -F logs "$P/args" --lr 1 with lr=1,2) || return
    [ "$rc" = 0 ] || fail "status $rc" || return
    grep -q "sweep 1: 2 done, 0 running, 0 failed, 0 queued" screen && grep -q '\[1\] arg 2' screen || fail "$(cat -v screen)"
}
