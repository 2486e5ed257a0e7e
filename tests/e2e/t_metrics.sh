# t_metrics.sh: measurements: metrics from output, reports via 'sacred-run log' (shell,
# Python, C header), the metrics.json layout, files valid while written, sys.* metrics.

t_metrics_from_output_with_progress() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/metrics_print" > /dev/null || return
    chk logs/1 'sorted(metrics) == ["acc", "final accuracy", "loss", "val_acc", "val_loss"]' \
        'metrics["final accuracy"] ["values"] == [97.5]' \
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

t_log_client_messages_start_with_its_name() {
    printf '#!/bin/sh\nsacred-run log scalar loss abc\n' > bad.sh && chmod +x bad.sh
    PATH="$(dirname "$SR"):$PATH" "$SR" -F logs -l ERROR --no-sys-metrics ./bad.sh 2> err
    [ $? -eq 1 ] && grep -qx "sacred-run log: value 'abc' is not a number" err || fail "$(cat err)" || return
    env -u SACRED_REPORT_SOCKET "$SR" log scalar loss 1 2> err || fail "outside a run: status $?" || return
    grep -qx 'sacred-run log: warning: not inside a sacred-run run; nothing recorded' err || fail "$(cat err)"
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
