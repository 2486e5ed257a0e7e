# t_config.sh: configuration: with-updates rewriting options, config files, placeholders,
# bad input, save_config, print_config, --no-with, rerun.

t_config_without_updates_keeps_argv() {
    "$P/args" --lr 0.1 --epochs=3 --no-shuffle --name run1 -v data > direct
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --lr 0.1 --epochs=3 --no-shuffle --name run1 -v data > out || return
    cmp -s out direct || fail "argv changed: $(diff direct out)" || return
    chk logs/1 'cfg["lr"] == 0.1 and cfg["epochs"] == 3 and cfg["shuffle"] is False' \
        'cfg["name"] == "run1" and isinstance(cfg["seed"], int) and 1 <= cfg["seed"] <= 10**9' \
        'sorted(cfg) == ["epochs", "lr", "name", "seed", "shuffle"]' \
        'r["meta"]["config_updates"] == {} and r["meta"]["options"]["with"] is False' \
        '"argv_given" not in r["program"]'
}

t_config_updates_rewrite_options() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --lr 0.1 --epochs=3 --no-shuffle --tag x \
        with lr=0.01 epochs=5 shuffle=true 'tag="a b"' > out || return
    printf 'arg --lr\narg 0.01\narg --epochs=5\narg --shuffle\narg --tag\narg a b\n' > want
    cmp -s out want || fail "argv: $(cat out)" || return
    chk logs/1 'cfg["lr"] == 0.01 and cfg["epochs"] == 5 and cfg["shuffle"] is True and cfg["tag"] == "a b"' \
        'r["meta"]["config_updates"] == {"lr": 0.01, "epochs": 5, "shuffle": True, "tag": "a b"}' \
        'r["meta"]["options"]["UPDATE"] == ["lr=0.01", "epochs=5", "shuffle=true", "tag=\"a b\""]' \
        'r["meta"]["options"]["with"] is True and r["meta"]["named_configs"] == []' \
        'r["program"]["argv_given"][1:] == ["--lr", "0.1", "--epochs=3", "--no-shuffle", "--tag", "x"]' \
        'r["meta"]["config_sources"]["lr"] == "update lr=0.01"'
}

t_config_reaches_shell_script_environment() {
    cat > job.sh <<'SH'
#!/bin/sh
echo "lr=$lr optim_lr=$optim_lr layers=$layers OMP=$OMP_NUM_THREADS none=[$none]"
python3 -c 'import json, os; c = json.load(open(os.environ["SACRED_CONFIG"])); print("config", c["optim"]["lr"], c["seed"])'
SH
    chmod +x job.sh
    printf 'optim:\n  lr: 0.5\n  name: sgd\nlayers: [64, 64]\nlr: 0.1\n' > defaults.yaml
    "$SR" -F logs -l ERROR --no-sys-metrics ./job.sh with defaults.yaml optim.lr=0.25 OMP_NUM_THREADS=4 seed=7 none=None -f > out || return
    printf 'lr=0.1 optim_lr=0.25 layers=[64, 64] OMP=4 none=[]\nconfig 0.25 7\n' > want
    cmp -s out want || fail "$(cat out)" || return
    chk logs/1 'cfg == {"OMP_NUM_THREADS": 4, "layers": [64, 64], "lr": 0.1, "none": None, "optim": {"lr": 0.25, "name": "sgd"}, "seed": 7}' \
        'r["meta"]["named_configs"] == ["defaults.yaml"]'
}

t_config_files_and_updates_precedence() {
    printf '{"a": 1, "n": {"x": 1, "y": 2}}' > one.json
    printf 'a: 2\nn:\n  y: 3\n  z: 4\n' > two.yaml
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --a 0 with a=9 one.json two.yaml n.x=5 > out || return
    chk logs/1 'cfg["a"] == 9 and cfg["n"] == {"x": 5, "y": 3, "z": 4}' || return
    grep -qx "arg 9" out || fail "argv: $(cat out)"
}

t_config_placeholders() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --out 'runs/{seed}/{lr}' '{{literal}}' --lr 0.5 with lr=0.25 > out || return
    seed=$(python3 -c 'import json; print(json.load(open("logs/1/config.json"))["seed"])')
    printf 'arg --out\narg runs/%s/0.25\narg {literal}\narg --lr\narg 0.25\n' "$seed" > want
    cmp -s out want || fail "$(cat out)" || return
    "$SR" -F logs "$P/args" 'x{nokey}' 2> err
    [ $? -eq 125 ] && grep -q "placeholder {nokey} has no value" err && [ ! -e logs/2 ] || fail "$(cat err)"
}

t_config_typo_refused_unless_forced() {
    "$SR" -F logs "$P/args" --lr 0.1 with lr_rate=0.2 2> err
    [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q "did you mean 'lr'" err && [ ! -e logs ] \
        || fail "$(cat err)" || return
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --lr 0.1 with lr_rate=0.2 -f > /dev/null || return
    chk logs/1 'cfg["lr_rate"] == 0.2 and r["meta"]["options"]["--force"] is True'
}

t_config_bad_input_125() {
    printf '{"a": 1,\n "b": }' > bad.json
    printf 'a: [1, 2\nb: 3\n' > bad.yaml
    for upd in 'lr=' '=3' 'lr=[1,2' "lr='open" 'lr={1: }' 'flag=3' nosuchfile bad.json bad.yaml; do
        "$SR" -F logs "$P/args" --lr 1 --flag with "$upd" > /dev/null 2> err
        [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] || fail "'$upd': $(cat err)" || return
    done
    [ ! -e logs ] || fail "left a run directory"
    "$SR" -F logs "$P/args" with bad.json 2> err
    grep -q "line 2, column" err && "$SR" -F logs "$P/args" with bad.yaml 2>&1 | grep -q "line 2, column" \
        || fail "no line and column: $(cat err)"
}

t_config_round_trip_through_config_json() {
    "$SR" -F logs -l ERROR --no-sys-metrics -f "$P/args" with 'weird="quote\" nl\n uni\u00e9"' \
        'n={"k y": [1, 2.5, None, True]}' 'big=12345678901234567' > /dev/null || return
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" with logs/1/config.json > /dev/null || return
    python3 - <<'PY' || return 1
import json
a, b = (json.load(open("logs/%d/config.json" % i)) for i in (1, 2))
assert a == b, (a, b)
assert a["weird"] == 'quote" nl\n uni\u00e9' and a["n"] == {"k y": [1, 2.5, None, True]} and a["big"] == 12345678901234567
assert open("logs/1/config.json").read() == open("logs/2/config.json").read()
PY
}

t_config_save_then_reuse() {
    "$SR" save_config "$P/args" --lr 0.1 with lr=0.3 config_filename=saved.json 2> err || return
    grep -q 'Saving config to "saved.json"' err && [ ! -e logs ] && [ ! -e runs ] || fail "$(cat err)" || return
    "$SR" save_config "$P/args" --lr 0.1 with 'm={"a": [1, 2]}' -f config_filename=saved.yaml 2> /dev/null || return
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --lr 0.1 with saved.json > out || return
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" --lr 0.1 with saved.yaml > /dev/null || return
    python3 - <<'PY' || return 1
import json
saved = json.load(open("saved.json"))
assert json.load(open("logs/1/config.json")) == saved and saved["lr"] == 0.3
two = json.load(open("logs/2/config.json"))
assert two["m"] == {"a": [1, 2]} and two["lr"] == 0.1
PY
}

t_print_config_layout() {
    printf 'optim:\n  lr: 0.5\n  name: sgd\n' > d.yaml
    "$SR" print_config "$P/args" --lr 0.1 --bs 32 with d.yaml lr=0.2 bs=2.5 optim.lr=1e-3 'extra=[1]' -f seed=5 > out || return
    cat > want <<'TXT'
Configuration (modified, added, typechanged, doc):
  bs = 2.5                           # update bs=2.5
  extra = [1]                        # update extra=[1]
  lr = 0.2                           # update lr=0.2
  seed = 5                           # update seed=5
  optim:                             # file d.yaml
    lr = 0.001                       # update optim.lr=1e-3
    name = 'sgd'                     # file d.yaml
TXT
    diff want out || return
    [ ! -e runs ] || fail "print_config created a run" || return
    python3 "$E/tty_run.py" 24 100 screen -- "$SR" print_config "$P/args" --lr 0.1 --bs 32 --s x \
        with d.yaml lr=0.2 s=3 'new=1' -f > /dev/null || return
    tr -d '\r' < screen > s
    grep -qF "$(printf '\033[34m  lr = 0.2')" s && grep -qF "$(printf '\033[31m  s = 3')" s \
        && grep -qF "$(printf '\033[32m  new = 1')" s && grep -qF "$(printf '  bs = 32')" s \
        && grep -qF "$(printf '\033[32m  optim:')" s || fail "$(cat -v s)"
}

t_print_config_flag_then_run() {
    "$SR" -F logs -p -l ERROR --no-sys-metrics "$P/args" --lr 0.1 > out || return
    head -1 out | grep -q "^Configuration" && grep -qx -- "$(printf '%.0s-' $(seq 1 79))" out \
        && grep -qx "arg 0.1" out || fail "$(cat out)" || return
    chk logs/1 'cout == b"arg --lr\narg 0.1\n"' 'r["meta"]["options"]["--print-config"] is True'
}

t_literal_with_for_the_program() {
    "$SR" -F logs -l ERROR --no-sys-metrics --no-with "$P/args" with x=1 > out || return
    printf 'arg with\narg x=1\n' > want
    cmp -s out want || fail "$(cat out)"
}

t_rerun_reproduces_and_reports_changes() {
    git init -q repo
    printf 'import os, sys\nprint("run", sys.argv[1:], os.environ["lr"], os.environ.get("MY_TOKEN"))\n' > repo/fit.py
    (cd repo && git add fit.py && git -c user.email=t@t -c user.name=t commit -qm one) || return
    (cd repo && MY_TOKEN=t1 "$SR" -F ../logs -l ERROR --no-sys-metrics -c keep \
        --exclude '*.txt' --artifact '*.out' --resource-limit 2K python3 fit.py --lr 0.1 with lr=0.5 seed=3) > out1 || return
    MY_TOKEN=t1 "$SR" -F logs -l ERROR rerun 1 > out2 2> err || fail "rerun status $?: $(cat err)" || return
    cmp -s out1 out2 || fail "different output: $(cat out1 out2)" || return
    grep -q "MY_TOKEN" err || fail "no warning about the redacted variable" || return
    chk logs/2 'r["meta"]["rerun_of"]["id"] == "1" and r["meta"]["rerun_of"]["run_dir"].endswith("/logs/1")' \
        'cfg == json.load(open("logs/1/config.json"))' 'cout == open("logs/1/cout.txt", "rb").read()' \
        'r["program"]["cwd"].endswith("/repo") and r["meta"]["comment"] == "keep"' \
        'r["meta"]["options"]["--no-sys-metrics"] is True' \
        'all(r["meta"]["options"][k] == json.load(open("logs/1/run.json"))["meta"]["options"][k] for k in ("--exclude", "--artifact", "--resource-limit"))' \
        'r["meta"]["options"]["--resource-limit"] == 2048' || return
    MY_TOKEN=t1 "$SR" -F logs --check rerun 1 > out 2> err || return
    grep -q "no differences found" out || fail "unexpected: $(cat out err)" || return
    "$SR" -F logs --check rerun 1 2>&1 | grep -q "not set now (left out): MY_TOKEN" || fail "missing token not reported" || return
    printf '# edited\n' >> repo/fit.py
    "$SR" -F logs --check rerun 1 > out 2> err || return
    grep -q "differences found" out && grep -q "source '.*fit.py' changed" err \
        && grep -q "uncommitted changes" err || fail "$(cat out err)" || return
    [ ! -e logs/3 ] || fail "--check started a run" || return
    "$SR" -F logs rerun 99 2> err
    [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] || fail "$(cat err)"
}

# A run.json edited by hand or by another tool: entries of the wrong shape are passed over,
# an argv that cannot be run again is refused in one line.
t_rerun_takes_a_damaged_record() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/args" x > out1 || return
    edit() { python3 -c 'import json, sys; r = json.load(open("logs/1/run.json")); exec(sys.argv[1]); json.dump(r, open("logs/1/run.json", "w"))' "$1"; }
    edit 'e = r["experiment"]; e["sources"] = [["only-path"], [1, 2], "x"]; e["repositories"] = [{"url": "u"}, {"commit": "c"}, 3]
r["resources"] = [[None, "s_0123456789abcdef0123456789abcdef"], []]; r["host"]["ENV"] = ["A=1"]
r["meta"]["options"]["--metric"] = [1, None, "loss=loss (?<value>\\S+)"]' || return
    "$SR" -F logs --check rerun 1 > out 2> err || fail "status $?: $(cat err)" || return
    grep -q "^run 1: " out || fail "$(cat out err)" || return
    "$SR" -F logs -l ERROR rerun 1 > out2 2> err || fail "rerun status $?: $(cat err)" || return
    cmp -s out1 out2 || fail "different output: $(cat out1 out2)" || return
    chk logs/2 'r["meta"]["options"]["--metric"] == ["loss=loss (?<value>\\S+)"]' || return
    edit 'del r["experiment"]["sources"]' || return
    "$SR" -F logs --check rerun 1 > out 2> err || fail "status $?: $(cat err)" || return
    edit 'r["program"]["argv"].append(1)' || return
    "$SR" -F logs --check rerun 1 2> err
    [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] || fail "argv with a number: $(cat err)"
}
