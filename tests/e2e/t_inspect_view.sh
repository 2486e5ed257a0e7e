# t_inspect_view.sh: looking at recorded runs: show, compare, metrics, tail, on runs
# recorded here by sacred-run and on a copy of the Python Sacred sample storage; bad input
# gives one line and status 125.

# The Python Sacred sample storage, copied (shared/ is read-only): ./sample.
sacred_sample() {
    cp -r "$E/sacred-sample/logs" sample && chmod -R u+w sample
}

# one_line_125 FILE STATUS TEXT: a bad-input answer: status 125, one line naming TEXT.
one_line_125() {
    [ "$2" -eq 125 ] && [ "$(wc -l < "$1")" -eq 1 ] && grep -q -- "$3" "$1" ||
        fail "want one line with '$3' and 125, got $2: $(cat "$1")"
}

# Two runs of a script reporting loss (steps 0 and 2) and acc (steps 1 and 2).
report_runs() {
    cat > rep.sh <<'SH'
#!/bin/sh
sacred-run log scalar loss 0.5 0
sacred-run log scalar acc 0.9 1
sacred-run log scalar loss 0.25 2
sacred-run log scalar acc 1 2
SH
    chmod +x rep.sh
    PATH="$(dirname "$SR"):$PATH" "$SR" -F logs -l ERROR --no-sys-metrics ./rep.sh > /dev/null
}

t_metrics_csv_rows_by_step() {
    report_runs || fail "run failed" || return
    "$SR" metrics -F logs 1 > out.csv || fail "status $?" || return
    sed -E 's/^([0-9]+),[0-9]{4}-[0-9-]+T[0-9:.]+,/\1,T,/' out.csv > got
    printf 'step,timestamp,acc,loss\n0,T,,0.5\n1,T,0.9,\n2,T,1,0.25\n' > want
    cmp -s got want || fail "got: $(cat out.csv)" || return
    # The timestamp of a step is the first one seen at it: loss's at step 2.
    python3 - <<'PY' || fail "timestamps: $(cat out.csv)" || return
import csv, json
m = json.load(open("logs/1/metrics.json"))
rows = list(csv.DictReader(open("out.csv")))
assert [r["timestamp"] for r in rows] == [m["loss"]["timestamps"][0], m["acc"]["timestamps"][0],
                                          m["loss"]["timestamps"][1]], rows
PY
    "$SR" metrics -F logs 1 loss > got && printf '0\n2\n' > want &&
        [ "$(head -1 got)" = "step,timestamp,loss" ] && cut -d, -f1 got | tail -n +2 | cmp -s - want ||
        fail "one metric: $(cat got)"
}

t_metrics_json_and_sample_values() {
    report_runs || fail "run failed" || return
    "$SR" metrics -F logs --json 1 acc > out.json || fail "status $?" || return
    python3 - <<'PY' || fail "json: $(cat out.json)" || return
import json
got, m = json.load(open("out.json")), json.load(open("logs/1/metrics.json"))
assert got == {"acc": m["acc"]} and isinstance(got["acc"]["values"][1], int), got
PY
    sacred_sample || return
    # Python Sacred's NaN and Infinity stay as written; steps 10 and 20 only in one metric.
    "$SR" metrics -F sample 5 weird training.accuracy | cut -d, -f1,3- > got
    printf 'step,weird,training.accuracy\n0,NaN,\n1,Infinity,\n2,7,\n10,,0.1\n20,,0.2\n' > want
    cmp -s got want || fail "sample: $(cat got)" || return
    "$SR" metrics -F sample 1 > got && [ "$(cat got)" = "step,timestamp" ] || fail "no metrics: $(cat got)"
}

t_metrics_bad_input_125() {
    report_runs || fail "run failed" || return
    "$SR" metrics -F logs 1 loss nope 2> err > out
    one_line_125 err $? "no metric 'nope'" || return
    [ ! -s out ] || fail "printed: $(cat out)" || return
    "$SR" metrics -F logs 7 2> err
    one_line_125 err $? "no run '7'" || return
    printf '{"loss": {"steps": [0, 1], "timestamps": ["a", "b"], "values": [1' > logs/1/metrics.json
    "$SR" metrics -F logs 1 2> err
    one_line_125 err $? "run 1: metrics.json is not valid JSON"
}

# Runs 1 and 2 of job.sh (--lr 0.1, then with lr=0.2, the script edited between them),
# run 3 a program that fails with status 3.
view_runs() {
    cat > job.sh <<'SH'
#!/bin/sh
# job.sh --lr LR: prints its learning rate and three losses.
# The loop below is what changes between runs 1 and 2;
# the diff of compare shows three lines around it.
echo "lr is $2"
for i in 1 2 3; do echo "loss: 0.$i"; done
# one
# two
# three
# four
SH
    chmod +x job.sh
    "$SR" -F logs -l ERROR --no-sys-metrics ./job.sh --lr 0.1 with seed=1 > /dev/null || return
    sed -i 's/^for i in 1 2 3/for i in 4 5 6/' job.sh
    "$SR" -F logs -l ERROR --no-sys-metrics ./job.sh --lr 0.1 with lr=0.2 seed=1 > /dev/null || return
    "$SR" -F logs -l ERROR --no-sys-metrics sh -c 'echo boom; exit 3' > /dev/null 2>&1
    [ $? -eq 3 ] || fail "run 3 did not fail with 3"
}

# has FILE REGEX...: each extended regular expression matches a line of FILE.
has() {
    local f=$1 re
    shift
    for re in "$@"; do
        grep -qE -- "$re" "$f" || { echo "no line matches '$re' in:"; cat "$f"; return 1; }
    done
}

t_show_sections_of_a_run() {
    view_runs || return
    "$SR" show -F logs 2 > out || fail "status $?" || return
    has out '^Run 2  job$' '^  status +COMPLETED$' '^  command +\./job\.sh --lr 0\.2$' \
        '^  as typed +\./job\.sh --lr 0\.1 with lr=0\.2 seed=1$' '^  ended +exit status 0$' \
        '^  started +20[0-9-]+ [0-9:.]+ UTC$' '^  duration +0:00:0[0-9] \([0-9.]+ s\)$' \
        '^Configuration$' '^  lr = 0\.2 +# update lr=0\.2$' '^  seed = 1 ' \
        '^Host$' "^  hostname +$(hostname)\$" \
        '^Sources$' '^  job\.sh +_sources/job_[0-9a-f]{32}\.sh +[0-9]+ B$' \
        '^Metrics$' '^  metric +count +first +last +min +max$' '^  loss +3 +0\.4 +0\.6 +0\.4 +0\.6$' \
        '^Processes$' '^  [0-9]+ +exit 0 +/bin/sh .*/job\.sh --lr 0\.2$' || return
    ! grep -q $'\033' out || fail "colours when not on a terminal" || return
    "$SR" show -F logs 3 > out || fail "status $?" || return
    has out '^  status +FAILED$' "^  command +sh -c 'echo boom; exit 3'\$" '^  ended +exit status 3$' \
        '^Fail trace$' '^    boom$' "^  ProgramExited: 'sh' exited with status 3\$" '^  [0-9]+ +exit 3 +sh -c'
}

t_show_json_document() {
    view_runs || return
    "$SR" show -F logs --json 2 > out.json || fail "status $?" || return
    python3 - <<'PY' || fail "json: $(head -c 2000 out.json)" || return
import json, os
d, r = json.load(open("out.json")), json.load(open("logs/2/run.json"))
assert d["id"] == "2" and d["status"] == "COMPLETED" and d["run"] == r, d.keys()
assert d["config"] == {"lr": 0.2, "seed": 1} and d["duration"] > 0
assert d["metrics"] == {"loss": {"count": 3, "first": 0.4, "last": 0.6, "min": 0.4, "max": 0.6}}
src = d["files"]["sources"][0]
assert src["name"] == "job.sh" and src["size"] == os.path.getsize("logs/" + src["stored"]), src
assert src["md5"] in src["stored"] and d["files"]["artifacts"] == []
PY
}

t_show_effective_status_and_damage() {
    view_runs || return
    # A run still marked RUNNING whose launcher is gone (another boot) is DIED.
    python3 - <<'PY' || return
import json
r = json.load(open("logs/1/run.json"))
r["status"], r["launcher"]["boot_id"] = "RUNNING", "another-boot"
json.dump(r, open("logs/1/run.json", "w"))
PY
    "$SR" show -F logs 1 > out && has out '^  status +DIED$' || return
    "$SR" show -F logs --json 1 | python3 -c 'import json,sys; assert json.load(sys.stdin)["status"] == "DIED"' ||
        fail "json status" || return
    printf '{"loss": {"steps": [0' > logs/2/metrics.json
    "$SR" show -F logs 2 > out || fail "corrupt metrics.json: status $?" || return
    has out '^Metrics$' '^  error: run 2: metrics\.json is not valid JSON' || return
    head -c 100 logs/3/run.json > half && mv half logs/3/run.json
    "$SR" show -F logs 3 > out 2> err
    one_line_125 err $? "run 3: run.json is not valid JSON" || return
    "$SR" show -F logs 9 2> err
    one_line_125 err $? "no run '9'" || return
    "$SR" show -F logs 1 2 2> err
    one_line_125 err $? "show takes one run id"
}

t_show_colours_on_a_terminal() {
    view_runs || return
    python3 "$E/tty_run.py" 40 120 screen -- "$SR" show -F logs 3 > /dev/null || return
    grep -q $'\033\\[1mRun 3' screen && grep -q $'status      \033\\[31mFAILED' screen ||
        fail "no colours: $(cat -v screen | head -5)"
}

t_show_sacred_sample_runs() {
    sacred_sample || return
    for id in 1 2 3 4 5 6 7 8 9; do
        "$SR" show -F sample $id > out.$id 2> err || fail "run $id: status $? $(cat err)" || return
        "$SR" show -F sample --json $id | python3 -c 'import json,sys; json.load(sys.stdin)' ||
            fail "run $id: --json" || return
    done
    has out.2 '^  command +exp_basic\.py with batch_size=256$' "^  result +\\{'batch_size': 256, 'score': 0\\.75\\}\$" &&
    has out.3 '^  status +FAILED$' '^  ValueError: batch_size 32 is too large$' &&
    has out.5 '^  /home/user/sacred-demo/data/train\.csv +/home/.*/_resources/train_[0-9a-f]+\.csv +12 B$' \
        '^  model\.txt +15 B$' '^  weird +3 +NaN +7 +7 +Infinity$' '^  training\.loss +3 +1\.0 +0\.3333333333333333 ' \
        '^Info$' "^    py/b64 = 'AP8='\$" &&
    has out.8 '^  status +QUEUED$' '^  exp_basic\.py +8/exp_basic\.py +[0-9]+ B$' '^  comment +queued for later$' &&
    has out.9 '^Run 9  renamed$' '^  comment +my comment$' &&
    has out.1 '^Git$' '^  git://home/user/sacred-demo/exp +a399c3433b1beb92a2fcc54f95c69043a55cd1b7 +clean$' || return
    [ "$(grep -c 'git://' out.1)" -eq 1 ] || fail "repository listed twice"
}

t_compare_config_metrics_and_source_diff() {
    view_runs || return
    "$SR" compare -F logs 1 2 > out || fail "status $?" || return
    has out '^Configuration: 1 of 2 keys differs$' '^\*  lr +0\.1 +0\.2$' '^\(1 equal, not shown; --all shows them\)$' \
        '^\*  last\(loss\) +0\.3 +0\.6$' '^\*  min\(loss\) +0\.1 +0\.4$' '^\*  max\(loss\) +0\.3 +0\.6$' \
        '^job\.sh: differs \(in 1, 2\)$' '^\*  md5 +[0-9a-f]{32} +[0-9a-f]{32}$' '^   path +.*/job\.sh +.*/job\.sh$' \
        '^the executables are different \(by MD5\)$' || return
    ! grep -qE '^ +seed' out || fail "an equal key shown without --all" || return
    cat > want <<'DIFF'
--- 1/job.sh
+++ 2/job.sh
@@ -3,7 +3,7 @@
 # The loop below is what changes between runs 1 and 2;
 # the diff of compare shows three lines around it.
 echo "lr is $2"
-for i in 1 2 3; do echo "loss: 0.$i"; done
+for i in 4 5 6; do echo "loss: 0.$i"; done
 # one
 # two
 # three
DIFF
    sed -n '/^--- 1\/job\.sh$/,/^$/p' out | sed '$d' > got
    cmp -s got want || fail "diff: $(cat got)" || return
    "$SR" compare -F logs --all 1 2 > out && has out '^   seed +1 +1$' || return
    "$SR" compare -F logs --json 1 2 > out.json || fail "json status $?" || return
    python3 - <<'PY' || fail "json: $(head -c 3000 out.json)"
import json
d = json.load(open("out.json"))
assert d["runs"] == ["1", "2"] and d["config"]["differing"] == ["lr"]
assert d["config"]["values"]["lr"] == {"1": 0.1, "2": 0.2}
assert d["metrics"]["values"]["last(loss)"] == {"1": 0.3, "2": 0.6} and d["metrics"]["errors"] == {}
src = d["sources"][0]
assert src["name"] == "job.sh" and src["state"] == "differs" and len(src["diffs"]) == 1
assert src["diffs"][0]["diff"] == open("want").read(), src
assert d["executable"]["same"] is False and d["executable"]["compared_by"] == "md5"
assert d["host"]["differing"] == [] and d["dependencies"]["differing"] == []
PY
}

t_compare_dependencies_git_host_executable() {
    view_runs || return
    cp -r logs/1 logs/11
    python3 - <<'PY' || return
import json
for rd, commit, dirty in (("logs/1", "a" * 40, False), ("logs/11", "b" * 40, True)):
    r = json.load(open(rd + "/run.json"))
    r["experiment"]["repositories"] = [{"url": "file:///repo", "commit": commit, "dirty": dirty}]
    if rd == "logs/11":
        r["experiment"]["dependencies"] = [d.replace("libc.so.6==", "libc.so.6==9.99~") for d in
                                           r["experiment"]["dependencies"]] + ["libnew.so.1==1.0"]
        r["host"]["hostname"] = "elsewhere"
    r["program"].pop("md5")
    json.dump(r, open(rd + "/run.json", "w"))
PY
    "$SR" compare -F logs 1 11 > out || fail "status $?" || return
    has out '^Dependencies: 2 of 3 versions differ$' '^\*  libc\.so\.6 +2\.[^ ]+ +9\.99~' '^\*  libnew\.so\.1 +- +1\.0$' \
        '^\*  file:///repo commit +a{40} +b{40}$' '^\*  file:///repo dirty +false +true$' \
        "^\\*  hostname +$(hostname) +elsewhere\$" '^the executables are the same \(by path; no MD5 recorded\)$'
}

t_compare_sacred_sample_runs() {
    sacred_sample || return
    "$SR" compare -F sample 1 2 9 > out || fail "status $?" || return
    has out '^\*  batch_size +32 +256 +8$' '^\*  name +exp_basic +exp_basic +renamed$' \
        '^Sources: 2 sources are the same in every run$' || return
    "$SR" compare -F sample 1 3 8 > out || fail "status $?" || return
    has out '^exp_basic\.py: only in some runs \(in 1, 8\)$' '^exp_fail\.py: only in some runs \(in 3\)$' \
        '^\*  status +COMPLETED +FAILED +QUEUED$' || return
    "$SR" compare -F sample --json 5 6 | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["metrics"]["values"]["max(weird)"] == {"5": float("inf")}, d["metrics"]' || fail "sample json"
}

t_compare_bad_input_125() {
    view_runs || return
    "$SR" compare -F logs 1 2> err
    one_line_125 err $? "compare needs two run ids or more" || return
    "$SR" compare -F logs 1 8 2> err
    one_line_125 err $? "no run '8'" || return
    "$SR" compare -F logs --nope 1 2 2> err
    one_line_125 err $? "unknown or incomplete option '--nope'" || return
    printf '{"status": ' > logs/2/run.json
    "$SR" compare -F logs 1 2 2> err
    one_line_125 err $? "run 2: run.json is not valid JSON"
}

# wait_for FILE: until FILE exists (at most 10 s).
wait_for() {
    for _ in $(seq 100); do
        [ -e "$1" ] && return 0
        sleep 0.1
    done
    fail "no $1 after 10 s"
}

t_tail_follows_until_the_run_ends() {
    "$SR" -F logs -l ERROR -b 0.2 sh -c \
        'for i in 1 2 3 4 5 6 7; do echo "line $i"; sleep 0.2; done; printf "step 1\r"; sleep 0.4; printf "no newline"' \
        > /dev/null &
    run=$!
    wait_for logs/1/cout.txt || return
    timeout 30 python3 - "$SR" <<'PY' || fail "tail -f" || return
import subprocess, sys, time
t0 = time.time()
p = subprocess.Popen([sys.argv[1], "tail", "-f", "-F", "logs", "1"], stdout=subprocess.PIPE)
first, data = None, b""
while True:
    chunk = p.stdout.read1(65536)
    if not chunk:
        break
    first = time.time() - t0 if first is None else first
    data += chunk
rc, total = p.wait(), time.time() - t0
want = b"".join(b"line %d\n" % i for i in range(1, 8)) + b"no newline"
assert rc == 0, rc
assert data == open("logs/1/cout.txt", "rb").read() == want, (data, want)
assert first < total - 0.6, (first, total)  # lines came while the run went on
PY
    wait $run
}

t_tail_prints_cout_and_ends() {
    sacred_sample || return
    "$SR" tail -F sample 6 > out || fail "status $?" || return
    cmp -s out sample/6/cout.txt || fail "run 6: $(cat -A out)" || return
    "$SR" tail -f -F sample 6 > out || fail "-f on a finished run: status $?" || return
    cmp -s out sample/6/cout.txt || fail "-f run 6: $(cat -A out)" || return
    "$SR" tail -f -F sample 8 > out || fail "run 8 without cout.txt: status $?" || return
    [ ! -s out ] || fail "run 8 printed $(cat out)" || return
    view_runs || return
    # A run still marked RUNNING whose launcher is gone: printed, then it stops (DIED).
    python3 - <<'PY' || return
import json
r = json.load(open("logs/1/run.json"))
r["status"], r["launcher"]["boot_id"] = "RUNNING", "another-boot"
json.dump(r, open("logs/1/run.json", "w"))
PY
    timeout 10 "$SR" tail -f -F logs 1 > out 2> err || fail "DIED: status $?" || return
    cmp -s out logs/1/cout.txt && grep -q "run 1 is DIED" err || fail "DIED: $(cat out err)" || return
    "$SR" tail -F logs 1 2 2> err
    one_line_125 err $? "tail takes one run id" || return
    "$SR" tail -F logs 5 2> err
    one_line_125 err $? "no run '5'"
}

t_tail_ctrl_c_ends_with_130() {
    "$SR" -F logs -l ERROR sh -c 'echo started; sleep 30' > /dev/null &
    run=$!
    wait_for logs/1/cout.txt || return
    "$SR" tail -f -F logs 1 > out &
    tail=$!
    sleep 0.6
    kill -INT $tail
    wait $tail
    rc=$?
    kill -TERM $run
    wait $run
    [ $rc -eq 130 ] || fail "status $rc" || return
    [ "$(cat out)" = started ] || fail "printed: $(cat out)"
}
