# t_slurm.sh: sweeps as Slurm job arrays on a real one-node cluster started here
# (slurm_local.sh: munged, slurmctld, slurmd, all in a temporary directory, stopped by
# pid whatever happens): an 8-point array, then scancel and --resume.

. "$E/slurm_local.sh"

# Starts the cluster for this test (root only; skipped visibly otherwise); it is stopped
# when the test's shell exits, however it ends.
cluster_up() {
    [ "$(id -u)" = 0 ] || { skip "needs root (slurmd runs the jobs, munged runs as munge)"; return; }
    command -v slurmctld > /dev/null && command -v munged > /dev/null \
        || { skip "needs Debian's slurm-wlm and munge (scripts/install-deps.sh)"; return; }
    CLUSTER=$(mktemp -d /tmp/sacred-slurm.XXXXXX) || return
    trap 'slurm_stop "$CLUSTER"; rm -rf "$CLUSTER"' EXIT
    slurm_start "$CLUSTER"
}

# wait_sweep ID: until the sweep record's state is no longer SUBMITTED (at most 120 s).
wait_sweep() {
    python3 - "$PWD/st/_sweeps/$1/sweep.json" <<'PY'
import json, sys, time
deadline = time.time() + 120
while json.load(open(sys.argv[1]))["state"] == "SUBMITTED":
    if time.time() > deadline:
        raise SystemExit("the sweep never ended: " + open(sys.argv[1]).read()[:2000])
    time.sleep(0.2)
PY
}

t_slurm_array_records_every_point() {
    cluster_up || return
    "$SR" sweep -F st --slurm "$P/args" --lr 1 with lr=1,2 2> err
    [ $? -eq 125 ] && grep -q "relative path" err && [ ! -e st ] || fail "relative -F: $(cat err)" || return
    set -- -F "$PWD/st" -j 3 --slurm -- --time=5:00 --job-name=mine "$P/args" --lr 1 --layers 1 with lr=0.1,0.01,0.001,0.0001 layers=2,3
    "$SR" sweep --dry-run "$@" > dry || return
    grep -qx '#SBATCH --array=0-7%3' dry && grep -qx '#SBATCH --time=5:00' dry && [ ! -e st ] || fail "$(cat dry)" || return
    "$SR" sweep "$@" 2> err || fail "$(cat err)" || return
    grep -q "8 points submitted as Slurm job" err || fail "$(cat err)" || return
    wait_sweep 1 || return
    python3 - <<'PY' || return
import json
s = json.load(open("st/_sweeps/1/sweep.json"))
sub = s["slurm"]["submissions"]
assert s["state"] == "COMPLETED" and s["mode"] == "slurm" and len(sub) == 1, s["state"]
assert sub[0]["array"] == "0-7%3" and sub[0]["script"] == open("st/_sweeps/1/slurm.sh").read()
assert s["slurm"]["sbatch_args"] == ["--time=5:00", "--job-name=mine"]
for p in s["points"]:
    assert p["state"] == "COMPLETED" and p["exit_status"] == 0, p
    r = json.load(open("st/%s/run.json" % p["run_id"]))
    cfg = json.load(open("st/%s/config.json" % p["run_id"]))
    sl = r["host"]["slurm"]
    assert r["status"] == "COMPLETED" and r["meta"]["sweep"]["index"] == p["index"], r["meta"]
    assert sl["array_job_id"] == sub[0]["job_id"] and sl["array_task_id"] == str(p["index"]), sl
    assert sl["partition"] == "debug" and sl["node"] and sl["job_id"], sl
    assert cfg["lr"] == p["axes"]["lr"] and cfg["layers"] == p["axes"]["layers"]
assert len({p["run_id"] for p in s["points"]}) == 8
PY
    "$SR" -F st ls --sweep 1 --json | python3 -c 'import json, sys; assert [r["point"] for r in json.load(sys.stdin)["runs"]] == list(range(8))'
}

t_slurm_scancel_then_resume() {
    cluster_up || return
    cat > job.sh <<SH
#!/bin/sh
[ -e "$PWD/go" ] && exit 0
exec "$P/spin"
SH
    chmod +x job.sh
    "$SR" sweep -F "$PWD/st" -j 1 --slurm ./job.sh --x 0 with x=1,2,3,4 2> err || fail "$(cat err)" || return
    python3 - <<'PY' || return
import os, time
deadline = time.time() + 60
while not (os.path.exists("st/1/cout.txt") and b"ready" in open("st/1/cout.txt", "rb").read()):
    if time.time() > deadline:
        raise SystemExit("the first point never ran")
    time.sleep(0.1)
PY
    job=$(python3 -c 'import json; print(json.load(open("st/_sweeps/1/sweep.json"))["slurm"]["submissions"][0]["job_id"])')
    scancel "$job" || return
    wait_sweep 1 || return
    sweep_state='[p["state"] for p in s["points"]]'
    python3 -c "import json; s = json.load(open('st/_sweeps/1/sweep.json')); assert $sweep_state == ['INTERRUPTED'] + ['NOT_STARTED'] * 3 and s['state'] == 'INTERRUPTED', s['points']" || return
    chk st/1 'r["status"] == "INTERRUPTED"' || return
    touch go
    "$SR" sweep -F "$PWD/st" --resume 1 2> err || fail "$(cat err)" || return
    wait_sweep 1 || return
    python3 - <<'PY'
import json
s = json.load(open("st/_sweeps/1/sweep.json"))
assert s["state"] == "COMPLETED" and all(p["state"] == "COMPLETED" for p in s["points"]), s["points"]
assert s["points"][0]["earlier_run_ids"] == ["1"] and [x["array"] for x in s["slurm"]["submissions"]] == ["0-3%1", "0-3%1"]
assert all(json.load(open("st/%s/run.json" % p["run_id"]))["status"] == "COMPLETED" for p in s["points"])
PY
}
