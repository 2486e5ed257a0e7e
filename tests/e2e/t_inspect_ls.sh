# t_inspect_ls.sh: sacred-run ls: columns, filters, sorting, effective statuses (PROBABLY_DEAD,
# DIED), --json, bad input, on storages made by sacred-run and by Python Sacred.

SAMPLE=$E/sacred-sample/logs

# A storage with three runs of one program: two configs and metrics, one failure.
make_runs() {
    # job.sh --lr X N [fail]: prints loss: 0.1N, 0.2N, 0.3N
    printf '#!/bin/sh\nfor i in 1 2 3; do echo "loss: 0.$i$3"; done\n[ "$4" != fail ] || exit 3\n' > job.sh
    chmod +x job.sh
    "$SR" -F logs -l ERROR --no-sys-metrics ./job.sh --lr 1 1 with lr=0.1 > /dev/null || return
    "$SR" -F logs -l ERROR --no-sys-metrics ./job.sh --lr 1 2 with lr=0.01 > /dev/null || return
    "$SR" -F logs -l ERROR --no-sys-metrics -c "it fails" ./job.sh --lr 1 3 fail with lr=0.001 > /dev/null
    [ $? -eq 3 ] || fail "third run did not fail"
}

# Edits run.json of a run dir with a Python statement on r.
edit_run() {
    python3 - "$1" "$2" <<'PY'
import json, sys
p = sys.argv[1] + "/run.json"
r = json.load(open(p))
exec(sys.argv[2])
json.dump(r, open(p, "w"), sort_keys=True, indent=2)
PY
}

t_ls_sacred_sample_storage() {
    cp -r "$SAMPLE" logs
    "$SR" ls -F logs > out || fail "status $?" || return
    head -1 out | grep -qx "$(printf 'id\tname\tstatus\tstart\tduration\tbatch_size\tseed\tresult\tcomment\ttags')" \
        || fail "header: $(head -1 out)" || return
    [ "$(cut -f1,3 out | tail -n +2 | tr '\t\n' ':,')" = "1:COMPLETED,2:COMPLETED,3:FAILED,4:INTERRUPTED,5:COMPLETED,6:COMPLETED,7:COMPLETED,8:QUEUED,9:COMPLETED," ] \
        || fail "ids and statuses: $(cut -f1,3 out)" || return
    grep -q "$(printf '^9\trenamed\tCOMPLETED\t2026-11-29T13:32:06.030921\t0:00:00\t8\t574530594\t')" out \
        || fail "row 9: $(grep '^9' out)" || return
    "$SR" -F logs ls --metric 'max(training.loss)' --metric weird --where 'weird > 1' > out || return
    [ "$(tail -n +2 out | cut -f1,6,7)" = "$(printf '5\t1.0\t7')" ] || fail "metric columns: $(cat out)"
}

t_ls_columns_of_differing_config_and_metrics() {
    make_runs || return
    "$SR" ls -F logs --metric loss --metric 'min(loss)' --metric 'count(loss)' > out || return
    [ "$(head -1 out | cut -f6-10)" = "$(printf 'lr\tseed\tloss\tmin(loss)\tcount(loss)')" ] || fail "$(head -1 out)" || return
    [ "$(tail -n +2 out | cut -f1,3,6,8-10)" = "$(printf '1\tCOMPLETED\t0.1\t0.31\t0.11\t3\n2\tCOMPLETED\t0.01\t0.32\t0.12\t3\n3\tFAILED\t0.001\t0.33\t0.13\t3')" ] \
        || fail "$(cat out)" || return
    grep -q "$(printf '\tit fails\t$')" out || fail "comment column: $(cat out)"
}

t_ls_filters_sort_last() {
    make_runs || return
    edit_run logs/2 'r["omniboard"] = {"tags": ["best", "lr"]}'
    edit_run logs/3 'r["omniboard"] = {"tags": ["lr"]}'
    ids() { "$SR" ls -F logs "$@" | tail -n +2 | cut -f1 | tr '\n' ' '; }
    [ "$(ids --status failed)" = "3 " ] || fail "status: $(ids --status failed)" || return
    [ "$(ids --status COMPLETED,FAILED --last 2)" = "2 3 " ] || fail "last: $(ids --status COMPLETED,FAILED --last 2)" || return
    [ "$(ids --where 'lr < 0.05')" = "2 3 " ] || fail "where lr: $(ids --where 'lr < 0.05')" || return
    [ "$(ids --where lr '>=' 0.01 --where 'min(loss) <= 0.11')" = "1 " ] || fail "where two: $(ids --where lr '>=' 0.01 --where 'min(loss) <= 0.11')" || return
    [ "$(ids --where 'meta.comment ~ ^it')" = "3 " ] || fail "where regex" || return
    [ "$(ids --where 'host.cpu_count > 0' --tag lr)" = "2 3 " ] || fail "host and tag: $(ids --where 'host.cpu_count > 0' --tag lr)" || return
    [ "$(ids --tag lr --tag best)" = "2 " ] || fail "two tags" || return
    [ "$(ids --name 'jo*' --sort -lr)" = "1 2 3 " ] || fail "sort -lr: $(ids --name 'jo*' --sort -lr)" || return
    [ "$(ids --sort lr)" = "3 2 1 " ] || fail "sort lr: $(ids --sort lr)" || return
    [ "$(ids --sort -max\(loss\) --last 1)" = "1 " ] || fail "sort by roll-up: $(ids --sort -max\(loss\) --last 1)" || return
    [ "$(ids --since 1h --until "$(date -u -d '+1 min' +%Y-%m-%dT%H:%M)")" = "1 2 3 " ] || fail "since/until" || return
    [ "$(ids --until 2020-01-01)" = "" ] || fail "until in the past"
}

t_ls_running_probably_dead_died_error() {
    "$SR" -F logs -l ERROR -b 0.2 --no-sys-metrics sleep 3 &
    local bg=$!
    for _ in $(seq 50); do [ -f logs/1/run.json ] && break; sleep 0.1; done
    cp -r logs/1 logs/2 && cp -r logs/1 logs/3 && cp -r logs/1 logs/4
    # 2: a heartbeat long ago and no launcher facts (an older version's run): late.
    edit_run logs/2 'r.pop("launcher"); r["heartbeat"] = "2020-01-01T00:00:00.000000"'
    # 3: its launcher's pid is now another process (this shell, other start time): gone.
    edit_run logs/3 "r['launcher']['pid'] = $$"
    # 4: a pid that no longer exists.
    sleep 0 & local gone=$!; wait $gone
    edit_run logs/4 "r['launcher']['pid'] = $gone"
    mkdir logs/5 && printf '{"status": "RUNN' > logs/5/run.json
    "$SR" ls -F logs > out
    kill $bg; wait $bg
    [ "$(tail -n +2 out | cut -f1,3 | tr '\t\n' ':,')" = "1:RUNNING,2:PROBABLY_DEAD,3:DIED,4:DIED,5:ERROR," ] || fail "$(cat out)" || return
    grep -q "$(printf '^5\t.*run.json is not valid JSON')" out || fail "error row: $(grep '^5' out)" || return
    "$SR" ls -F logs --status died --json > j || return
    python3 -c 'import json,sys; d=json.load(open("j")); assert [r["id"] for r in d["runs"]] == ["3","4"], d' || fail "$(cat j)"
}

t_ls_json_document() {
    make_runs || return
    "$SR" -F logs ls --json --metric 'max(loss)' > j || return
    python3 - <<'PY' || fail "$(cat j)"
import json
d = json.load(open("j"))
assert d["columns"] == ["id", "name", "status", "start", "duration", "lr", "seed", "max(loss)", "result", "comment", "tags"], d["columns"]
rows = d["runs"]
assert [r["id"] for r in rows] == ["1", "2", "3"]
assert [r["lr"] for r in rows] == [0.1, 0.01, 0.001] and [r["max(loss)"] for r in rows] == [0.31, 0.32, 0.33]
assert rows[2]["status"] == "FAILED" and rows[2]["comment"] == "it fails" and isinstance(rows[0]["duration"], float)
PY
}

t_ls_on_a_terminal_aligns_and_colours() {
    make_runs || return
    COLUMNS=200 script -qec "$SR ls -F logs" /dev/null > out || fail "status $?" || return
    grep -q $'\033\[31mFAILED' out || fail "no colour: $(cat -v out)" || return
    python3 - <<'PY' || fail "$(cat -v out)"
import re
lines = [re.sub(r"\x1b\[[0-9;]*m", "", l) for l in open("out", encoding="utf-8").read().splitlines()]
col = lines[0].index("status")
assert all(l[col:col + 6] in ("COMPLE", "FAILED", "status") for l in lines), lines
assert "\t" not in "".join(lines)
PY
}

t_ls_bad_input_125() {
    make_runs || return
    for args in "--where lr" "--where 'min(loss < 1'" "--column 'min(loss'" "--sort 'max('" "--last 0" \
                "--status nosuch" "--since yesterday" "7" "--nosuch"; do
        eval "\"\$SR\" ls -F logs $args" > out 2> err
        [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] && [ ! -s out ] || fail "ls $args: $(cat out err)" || return
    done
    "$SR" ls -F nosuchdir 2> err
    [ $? -eq 125 ] && grep -q "cannot read storage 'nosuchdir'" err || fail "missing storage: $(cat err)"
}

t_ls_is_reserved_but_a_program_named_ls_runs() {
    printf '#!/bin/sh\necho my own ls\n' > ls && chmod +x ls
    "$SR" -F logs -l ERROR ./ls > out && grep -qx "my own ls" out || fail "./ls: $(cat out)" || return
    "$SR" -F logs -l ERROR -- ls -d / > out && grep -qx / out || fail "-- ls: $(cat out)" || return
    chk logs/2 'r["program"]["argv"] == ["ls", "-d", "/"]' || return
    "$SR" -F logs ls > out && [ "$(tail -n +2 out | wc -l)" -eq 2 ] || fail "ls listed: $(cat out)"
}
