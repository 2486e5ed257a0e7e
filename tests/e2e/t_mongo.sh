# t_mongo.sh: `sacred-run export --mongo-dump`: dumps of real runs (this launcher's and Python
# Sacred's) decoded with python3-bson and checked by mongo_dump.py against the shapes
# Sacred's MongoObserver writes; MongoDB's 16 MiB limit; bad input (one line, status 125).

# mongo_check STORAGE OUTDIR [--db NAME] [--ids A,B]: the dump against its storage.
mongo_check() {
    [ -f /usr/lib/python3/dist-packages/bson/__init__.py ] || { skip "needs Debian's python3-bson (scripts/install-deps.sh)"; return; }
    /usr/bin/python3 "$E/mongo_dump.py" "$@"
}

# Three runs: completed (metrics, info, a result with int64 and NaN, artifacts of one and of
# several chunks, a resource, a second source), failed (fail_trace), interrupted; tags, notes.
record_three() {
    cat > job.sh <<'SH'
#!/bin/sh
. ./helper.sh
cat data.csv > /dev/null
echo "loss: 0.5"
echo "loss: 0.25"
sacred-run log scalar acc 1 || exit 9
sacred-run log scalar acc 0.5 12345678901 || exit 9
sacred-run log info optim '{"name": "sgd", "dotted.key": 1, "$dollar": [1, 2.5, null, true]}' || exit 9
sacred-run log result '{"acc": 0.93, "big": 12345678901, "small": 3, "nan": NaN, "inf": -Infinity}' || exit 9
printf 'P\211NG' > plot.png
head -c 600000 /dev/urandom > weights.bin
: > empty.txt
echo a > notes.tar.gz && echo b > raw.gz
sacred-run log artifact notes.tar.gz || exit 9
sacred-run log artifact raw.gz || exit 9
sacred-run log artifact plot.png || exit 9
sacred-run log artifact weights.bin || exit 9
sacred-run log artifact empty.txt || exit 9
sacred-run log resource "$PWD/data.csv" || exit 9
sacred-run log resource "$PWD/data.csv" || exit 9
[ "${1-}" = sleep ] && touch started && exec sleep 30
exit "${1:-0}"
SH
    echo 'x=1' > helper.sh
    printf 'a,b\n1,2\n' > data.csv
    chmod +x job.sh
    PATH="$(dirname "$SR"):$PATH" "$SR" -F logs -l ERROR ./job.sh > /dev/null || fail "run 1: status $?" || return
    PATH="$(dirname "$SR"):$PATH" "$SR" -F logs -l ERROR ./job.sh 3 > /dev/null
    [ $? -eq 3 ] || fail "run 2 did not fail with 3" || return
    PATH="$(dirname "$SR"):$PATH" "$SR" -F logs -l ERROR ./job.sh sleep > /dev/null &
    pid=$!
    for _ in $(seq 300); do [ -e started ] && break; sleep 0.1; done
    kill -INT $pid
    wait $pid
    "$SR" tag -F logs 1 best baseline && "$SR" note -F logs 2 "diverged; see run 1" || fail "tag/note" || return
    chk logs/2 'r["status"] == "FAILED" and r["fail_trace"]' && chk logs/3 'r["status"] == "INTERRUPTED"'
}

t_mongo_dump_of_recorded_runs() {
    record_three || return
    "$SR" export --from logs --mongo-dump dump > out 2> err || fail "status $?: $(cat err)" || return
    grep -q '^exported 3 runs .* to dump/sacred; load with: mongorestore dump$' out || fail "$(cat out)" || return
    [ ! -s err ] || fail "stderr: $(cat err)" || return
    mongo_check logs dump || return
    # The same source, and the same resource in two runs, are one GridFS file each.
    /usr/bin/python3 - <<'PY' || return
import bson, collections
files = bson.decode_all(open("dump/sacred/fs.files.bson", "rb").read())
names = collections.Counter(f["filename"] for f in files)
assert all(n == 1 for n in names.values()), names
types = {f["filename"].rsplit("/", 1)[-1]: f.get("contentType") for f in files if f["filename"].startswith("artifact:")}
types.pop("started")  # run 3's marker, written in the working directory: an artifact too
assert types == {"plot.png": "image/png", "weights.bin": None, "empty.txt": "text/plain",
                 "notes.tar.gz": "application/x-tar", "raw.gz": None}, types  # Python's guess_type
run = bson.decode_all(open("dump/sacred/runs.bson", "rb").read())[0]
assert type(run["result"]["big"]) is bson.int64.Int64 and type(run["result"]["small"]) is int, run["result"]
assert "dotted,key" in run["info"]["optim"] and "@dollar" in run["info"]["optim"], run["info"]
assert run["omniboard"] == {"tags": ["best", "baseline"]}
PY
}

t_mongo_dump_of_sacred_storage() {
    cp -r "$E/sacred-sample/logs" logs
    "$SR" export --from logs --mongo-dump dump > out 2> err || fail "status $?: $(cat err)" || return
    grep -q '^exported 9 runs' out || fail "$(cat out)" || return
    mongo_check logs dump || return
    /usr/bin/python3 - <<'PY'
import bson
runs = {r["_id"]: r for r in bson.decode_all(open("dump/sacred/runs.bson", "rb").read())}
assert runs[8]["status"] == "QUEUED" and "start_time" not in runs[8], runs[8]
assert runs[5]["resources"][0][1] == "c3c6bc2ae8ece4bd2510dca21225c041", runs[5]["resources"]
PY
}

t_mongo_dump_chosen_runs_and_db() {
    cp -r "$E/sacred-sample/logs" logs
    "$SR" export --db exp --mongo-dump dump --from logs 5 2 5 > out || fail "status $?" || return
    grep -q '^exported 2 runs .* to dump/exp;' out || fail "$(cat out)" || return
    mongo_check logs dump --db exp --ids 5,2 || return
    mkdir empty
    "$SR" export --from logs --mongo-dump empty 1 > /dev/null || fail "an empty OUTDIR was refused" || return
    mongo_check logs empty --ids 1
}

t_mongo_dump_from_a_database() {
    printf '#!/bin/sh\necho "loss: 1"\n' > j.sh && chmod +x j.sh
    export XDG_STATE_HOME=$PWD/state XDG_CACHE_HOME=$PWD/cache
    "$SR" -F logs -s sqlite:///runs.db -l ERROR ./j.sh > /dev/null || fail "status $?" || return
    "$SR" export --from sqlite:///runs.db --mongo-dump dump > out || fail "status $?" || return
    mongo_check logs dump
}

# MongoDB holds at most 16 MiB per document: a longer output keeps its end, a longer series
# its first points, with a warning each; the documents stay within the limit.
t_mongo_dump_cuts_to_16_mib() {
    mkdir logs && cp -r "$E/sacred-sample/logs/5" logs/5
    /usr/bin/python3 - <<'PY'
import json
n = 1100000
open("logs/5/cout.txt", "w").write("".join("line %08d\n" % i for i in range(1700000)))
json.dump({"big": {"steps": list(range(n)), "timestamps": ["2026-11-29T13:31:57.638428"] * n,
                   "values": [0.5] * n}}, open("logs/5/metrics.json", "w"))
PY
    "$SR" export --from logs --mongo-dump dump > out 2> err || fail "status $?: $(cat err)" || return
    grep -q "run 5: captured_out keeps the last [0-9]* of 23800000 bytes" err || fail "$(cat err)" || return
    grep -q "run 5: metric 'big' cut to its first [0-9]* of 1100000 points" err || fail "$(cat err)" || return
    /usr/bin/python3 - <<'PY'
import bson
for coll in ("runs", "metrics"):
    data = open("dump/sacred/%s.bson" % coll, "rb").read()
    assert len(data) <= 16 * 1024 * 1024, (coll, len(data))
    doc = bson.decode_all(data)[0]
run = bson.decode_all(open("dump/sacred/runs.bson", "rb").read())[0]
assert run["captured_out"].endswith("line 01699999\n") and run["captured_out"].startswith("line "), run["captured_out"][:20]
m = bson.decode_all(open("dump/sacred/metrics.bson", "rb").read())[0]
assert m["steps"][:3] == [0, 1, 2] and len(m["steps"]) == len(m["values"]) == len(m["timestamps"]) > 300000
PY
}

# A run whose run.json cannot be read is named and left out; the others are exported (1).
t_mongo_dump_skips_unreadable_run() {
    mkdir logs && cp -r "$E/sacred-sample/logs/1" "$E/sacred-sample/logs/2" "$E/sacred-sample/logs/_sources" logs/
    printf '{"status": ' > logs/2/run.json
    "$SR" export --from logs --mongo-dump dump > out 2> err
    [ $? -eq 1 ] || fail "status $?" || return
    grep -q "^sacred-run export: warning: run 2: .*; not exported$" err || fail "$(cat err)" || return
    mongo_check logs dump --ids 1
}

t_mongo_dump_bad_input() {
    cp -r "$E/sacred-sample/logs" logs
    mkdir full && touch full/x && touch afile
    for args in "--mongo-dump d" "--from nowhere --mongo-dump d" "--from logs" "--from logs --mongo-dump d 77" \
        "--from logs --mongo-dump full" "--from logs --mongo-dump afile" "--from logs --mongo-dump d --db a.b" \
        "--from logs --mongo-dump d --db $(printf 'x%.0s' $(seq 64))" "--from logs --from logs --mongo-dump d" \
        "--from logs --mongo-dump d --bogus" "--from logs --mongo-dump" "--from sqlite:///no/such/dir/x.db --mongo-dump d" \
        "--from logs --mongo-dump d ../logs/1" "--from logs --mongo-dump d _sources"; do
        # shellcheck disable=SC2086
        "$SR" export $args > out 2> err
        rc=$?
        [ $rc -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] && [ ! -s out ] || fail "export $args: status $rc: $(cat out err)" || return
        grep -q '^sacred-run export: ' err || fail "export $args: $(cat err)" || return
        [ ! -e d ] && [ "$(ls full)" = x ] || fail "export $args left files behind" || return
    done
    grep -q "not a MongoDB database name" <("$SR" export --from logs --mongo-dump d --db a.b 2>&1) || fail "--db message"
}
