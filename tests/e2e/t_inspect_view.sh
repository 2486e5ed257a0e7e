# t_inspect_view.sh: looking at recorded runs: show, compare, metrics, tail, on runs
# recorded here by sacred-run and on a copy of the Python Sacred sample storage; bad input
# gives one line and status 125.

# The Python Sacred sample storage, copied (shared/ is read-only): ./sample.
sacred_sample() {
    cp -r "$ROOT/../shared/spec/sacred-sample/logs" sample && chmod -R u+w sample
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
