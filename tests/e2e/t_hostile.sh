# t_hostile.sh: hostile or large input cannot stop the program: configuration files that
# expand (aliases) or nest without bound, many arguments and keys, values too large for
# the environment, damaged records for rerun, and ids, seeds and metric names that no
# reader could show. Each is refused with one line (125) or handled; none hangs the start.

# One line on stderr, status 125, no run directory: the shape of every refusal here.
refused() {
    local rc=$1
    [ "$rc" -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] && [ ! -e logs ] || fail "status $rc: $(head -c 600 err)"
}

t_hostile_yaml_aliases_bounded() {
    python3 - <<'PY'
lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
for prev, c in zip("abcde", "bcdef"):  # six levels: 9**6 values from 330 bytes
    lines.append("%s: &%s [%s]" % (c, c, ", ".join(["*" + prev] * 9)))
open("laughs.yaml", "w").write("\n".join(lines) + "\n")
open("ok.yaml", "w").write("base: &b {lr: 0.1, layers: [64, 64]}\nsmall: *b\nbig: *b\n")
PY
    "$SR" -F logs "$P/args" with laughs.yaml > out 2> err
    refused $? && grep -q "'laughs.yaml', line 6, column .*: aliases expand to more than 100000 values" err \
        || fail "$(cat err)" || return
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" with ok.yaml > /dev/null || return
    chk logs/1 'cfg["small"] == cfg["big"] == {"lr": 0.1, "layers": [64, 64]}'
}

t_hostile_deep_nesting_refused() {
    python3 - <<'PY'
n = 20000
open("flow.yaml", "w").write("a: " + "[" * n + "]" * n + "\n")
open("block.yaml", "w").write("a:\n" + "".join("  " * i + "- \n" for i in range(1, 150)))
open("deep.json", "w").write('{"a": ' + "[" * n + "]" * n + "}")
open("ok.json", "w").write('{"a": ' + "[" * 98 + "1" + "]" * 98 + "}")
PY
    for f in flow.yaml block.yaml deep.json; do
        "$SR" -F logs "$P/args" with $f > out 2> err
        refused $? && grep -q "'$f', line .*nested deeper than 100 levels" err || fail "$f: $(cat err)" || return
    done
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" with ok.json > /dev/null || return
    chk logs/1 'json.dumps(cfg["a"]) == "[" * 98 + "1" + "]" * 98'
}

t_hostile_second_yaml_document_refused() {
    printf 'lr: 0.1\n---\nlr: 0.2\n' > two.yaml
    "$SR" -F logs "$P/args" with two.yaml > out 2> err
    refused $? && grep -q "'two.yaml', line 2, column 1: a second YAML document" err || fail "$(cat err)"
}

t_hostile_value_too_large_for_the_environment() {
    python3 -c 'import json; json.dump({"big": "x" * 200000, "small": 3}, open("big.json", "w"))'
    cat > job.sh <<'SH'
#!/bin/sh
echo "big=${big-unset} small=$small"
python3 -c 'import json, os; print("config", len(json.load(open(os.environ["SACRED_CONFIG"]))["big"]))'
SH
    chmod +x job.sh
    "$SR" -F logs -l WARNING --no-sys-metrics ./job.sh with big.json > out 2> err || fail "status $?: $(cat err)" || return
    printf 'big=unset small=3\nconfig 200000\n' | cmp -s - out || fail "$(cat out)" || return
    [ "$(wc -l < err)" -eq 1 ] && grep -q "^WARNING - job - configuration values too large for the environment, not exported.*SACRED_CONFIG.*: big$" err \
        || fail "$(cat err)"
}

t_hostile_hundred_thousand_arguments_start() {
    python3 -c 'print("\0".join("--o%d\0%d" % (i, i) for i in range(50000)), end="")' > args0
    python3 - "$SR" "$P/args" <<'PY' || return 1
import json, subprocess, sys
args = open("args0").read().split("\0")
p = subprocess.run([sys.argv[1], "-F", "logs", "-l", "WARNING", "--no-sys-metrics", "--no-files", sys.argv[2]] + args,
                   capture_output=True, text=True)
assert p.returncode == 0, (p.returncode, p.stderr[-500:])
assert p.stdout == "".join("arg %s\n" % a for a in args), p.stdout[-300:]
cfg = json.load(open("logs/1/config.json"))
assert len(cfg) == 50001 and cfg["o49999"] == 49999, len(cfg)
assert "too large for the environment" in p.stderr and " more" in p.stderr, p.stderr[-500:]
PY
}

t_hostile_large_config_file_starts() {
    python3 -c 'import json; json.dump({"k%d" % i: 10**7 + i for i in range(100000)}, open("keys.json", "w"))'
    "$SR" -F logs -l WARNING --no-sys-metrics --no-files sh -c 'echo "k0=$k0"' with keys.json > out 2> err \
        || fail "status $?: $(tail -c 500 err)" || return
    [ "$(cat out)" = "k0=10000000" ] && grep -q "too large for the environment.* and [0-9]* more$" err \
        || fail "$(cat out; tail -c 500 err)" || return
    chk logs/1 'len(cfg) == 100001 and cfg["k99999"] == 10**7 + 99999'
}

t_hostile_rerun_refuses_damaged_argv_and_paths() {
    "$SR" -F store -l ERROR --no-sys-metrics "$P/args" x > /dev/null || return
    mkdir logs2 && cp -r store/1 logs2/ || return
    for argv in '[]' '"args"' '[1]' 'None'; do
        python3 -c 'import json, sys; r = json.load(open("store/1/run.json")); r["program"]["argv"] = eval(sys.argv[1]); json.dump(r, open("store/1/run.json", "w"))' "$argv" || return
        "$SR" -F store rerun 1 > out 2> err
        [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q "program.argv" err && [ ! -e store/2 ] \
            || fail "argv $argv: $(cat err)" || return
    done
    for id in ../logs2/1 /etc .. _sources "$(printf 'a\nb')"; do
        "$SR" -F store rerun "$id" > out 2> err
        [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q "invalid run id for rerun" err \
            || fail "id '$id': $(cat err)" || return
    done
    [ ! -e logs2/2 ] || fail "rerun of ../logs2/1 recorded a run"
}

t_hostile_seed_must_be_an_integer_in_sacreds_range() {
    for seed in abc 1e400 -1 4294967296 1.5 "'7'"; do
        "$SR" -F logs "$P/args" with seed=$seed > out 2> err
        refused $? && grep -q "is not an integer from 0 to 4294967295" err || fail "seed=$seed: $(cat err)" || return
    done
    # The program's own --seed that is no Sacred seed goes to it unchanged; the run's seed is drawn.
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --seed x > out 2> err || fail "--seed x: $? $(cat err)" || return
    grep -q "option '--seed x' is no Sacred seed" err && [ "$(cat out)" = "$(printf 'arg --seed\narg x')" ] \
        || fail "--seed x: $(cat out err)" || return
    chk logs/1 'isinstance(cfg["seed"], int) and 0 <= cfg["seed"] < 2**32' 'r["program"]["argv"][1:] == ["--seed", "x"]' || return
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" with seed=4294967295 > /dev/null || return
    chk logs/2 'cfg["seed"] == 4294967295'
}

t_hostile_id_with_control_characters_refused() {
    for id in "$(printf 'a\nb')" "$(printf 'a\tb')" "$(printf 'a\033b')"; do
        "$SR" -F logs --id "$id" "$P/args" > out 2> err
        refused $? && grep -q "invalid --id: a run id is a plain name" err || fail "$(cat err)" || return
    done
}

t_hostile_metric_names_with_control_characters() {
    cat > job.sh <<'SH'
#!/bin/sh
"$SR" log scalar "$(printf 'bad\033[31m')" 1 2> log.err
echo "log status $?"
"$SR" log scalar good 1
printf "'x\001y': 0.5\n'z\002': 1\nloss: 2\n"
SH
    chmod +x job.sh
    SR=$SR "$SR" -F logs -l WARNING --no-sys-metrics ./job.sh > out 2> err || fail "status $?: $(cat err)" || return
    grep -q '^log status 1$' out && grep -q "a metric name holds a control character" log.err \
        || fail "$(cat out log.err)" || return
    [ "$(wc -l < err)" -eq 1 ] && grep -q "^WARNING - job - 2 metric points found in the output were dropped: their names hold control characters" err \
        || fail "$(cat err)" || return
    chk logs/1 'sorted(metrics) == ["good", "loss"]'
}
