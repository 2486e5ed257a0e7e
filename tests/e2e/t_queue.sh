# t_queue.sh: queued runs (-q) and workers (`sacred-run worker`, `requeue`) against a real
# PostgreSQL server per test (pg_local.sh) and SQLite files. Workers are separate
# processes; the tests wait for states in the database, never for a time, except where a
# heartbeat must go stale (a short -b keeps that to seconds).

. "$E/pg_local.sh"

# q_sql URL QUERY: one query's rows (PostgreSQL or SQLite).
q_sql() {
    case $1 in
    sqlite:///*) sqlite3 "${1#sqlite:///}" "$2" ;;
    *) psql "$1" -Atc "$2" ;;
    esac
}

# q_wait URL QUERY EXPECTED [SECONDS]: until the query answers EXPECTED (default 60 s).
q_wait() {
    for _ in $(seq $((${4:-60} * 10))); do
        [ "$(q_sql "$1" "$2" 2> /dev/null)" = "$3" ] && return 0
        sleep 0.1
    done
    fail "waited for '$2' = '$3'; got '$(q_sql "$1" "$2" 2>&1)'"
}

# Bad input is one line and 125, and queues nothing; the same -q with a database queues.
t_queue_bad_input_refused_125() {
    export XDG_STATE_HOME=$PWD/state XDG_CACHE_HOME=$PWD/cache
    db=sqlite:///$PWD/q.db
    for args in "-q echo hi" "-q -s $db -u echo hi" "-q -s $db -s sqlite:///$PWD/b.db echo hi" \
                "-q -s $db print_config echo hi" "-q -s $db echo --password hunter2" \
                "-q -s postgresql://sr@/postgres?host=$PWD/nowhere echo hi" "-q -s $db -- no-such-program"; do
        # shellcheck disable=SC2086
        "$SR" $args > out 2> err
        rc=$?
        [ $rc = 125 ] || [ $rc = 127 ] || fail "$args: status $rc: $(cat err)" || return
        [ "$(wc -l < err)" = 1 ] && [ ! -s out ] || fail "$args: $(cat out err)" || return
    done
    ! grep -q hunter2 err || fail "a secret echoed" || return
    [ ! -e q.db ] || [ "$(sqlite3 q.db 'select count(*) from runs')" = 0 ] || fail "queued: $(sqlite3 q.db 'select * from runs')" || return
    "$SR" -q -s "$db" echo hi > out 2> err || fail "-q: $(cat err)" || return
    [ "$(cat out)" = 1 ] || fail "the id: $(cat out)" || return
    for args in "" "-s $db -j 0" "-s $db --idle-exit x" "-s $db extra"; do
        # shellcheck disable=SC2086
        "$SR" worker $args > out 2> err; [ $? = 125 ] && [ "$(wc -l < err)" = 1 ] || fail "worker $args: $(cat err)" || return
    done
    "$SR" requeue -s "$db" x > out 2> err; [ $? = 125 ] || fail "requeue x: $(cat err)" || return
    "$SR" requeue -s "$db" 1 > out 2> err; [ $? = 125 ] && grep -q "is QUEUED" err || fail "requeue of a QUEUED run: $(cat err)"
}

# The queued run's document is Sacred's (QUEUED, meta.queue_time, the config resolved, no
# secret), and the worker runs it as it was queued: same id, config and seed, the redacted
# variable from the worker's environment (named on stderr), the worker in meta.queue.
t_queue_queued_run_document() {
    export XDG_STATE_HOME=$PWD/state XDG_CACHE_HOME=$PWD/cache
    db=sqlite:///$PWD/q.db
    printf 'echo "lr=$2 token=$SECRET_TOKEN"\n' > job.sh
    SECRET_TOKEN=queuer "$SR" -q -s "$db" -c "for later" -P 3 -b 0.5 sh job.sh --lr 0.1 with lr=0.2 > id 2> err \
        || fail "$(cat err)" || return
    [ "$(cat id)" = 1 ] || fail "id: $(cat id)" || return
    grep -q 'Queued-up run with ID "1"' err || fail "$(cat err)" || return
    "$SR" ls -s "$db" > ls && [ "$(cut -f3 ls | tail -1)" = QUEUED ] || fail "$(cat ls)" || return
    sqlite3 q.db "select doc_text from runs" > run.json && sqlite3 q.db "select config_text from runs" > config.json || return
    python3 - <<'PY' || return
import base64, json
run, config = json.load(open("run.json")), json.load(open("config.json"))
assert sorted(run) == ["command", "experiment", "host", "meta", "program", "status"], sorted(run)
assert run["status"] == "QUEUED" and run["command"] == "main"
m = run["meta"]
t = m["queue_time"]
assert t["py/object"] == "datetime.datetime" and t["__reduce__"][0] == {"py/type": "datetime.datetime"}, t
raw = base64.b64decode(t["__reduce__"][1][0])
assert len(raw) == 10 and 2020 < raw[0] * 256 + raw[1] < 2100, raw
assert m["priority"] == 3.0 and m["comment"] == "for later" and m["options"]["--queue"] is True, m
assert m["config_updates"] == {"lr": 0.2}, m
assert run["experiment"]["sources"][0]["py/tuple"][0] == "job.sh", run["experiment"]
assert run["host"]["ENV"]["SECRET_TOKEN"] == "<redacted by sacred-run>"
assert config["lr"] == 0.2 and isinstance(config["seed"], int), config
PY
    ! grep -rq queuer q.db* || fail "the secret is in the database" || return
    SECRET_TOKEN=worker "$SR" worker -s "$db" --max-runs 1 > out 2> err || fail "worker: $(cat err)" || return
    grep -q "run 1: redacted when queued, taken from this worker's environment: SECRET_TOKEN" err || fail "$(cat err)" || return
    [ "$(cat out)" = "lr=0.2 token=worker" ] || fail "output: $(cat out)" || return
    sqlite3 q.db "select status, last_line from runs" > got && [ "$(cat got)" = "COMPLETED|lr=0.2 token=worker" ] || fail "$(cat got)" || return
    sqlite3 q.db "select doc_text from runs" > run2.json && sqlite3 q.db "select config_text from runs" > config2.json || return
    python3 - <<'PY'
import json
run, config, queued = json.load(open("run2.json")), json.load(open("config2.json")), json.load(open("config.json"))
q = run["meta"]["queue"]
assert q["attempt"] == 1 and q["worker"]["pid"] > 0 and q["queue_time"], q
assert config == queued, (config, queued)
assert run["meta"]["comment"] == "for later" and run["meta"]["options"]["--beat-interval"] == "0.5", run["meta"]
assert run["databases"][0]["id"] == 1, run["databases"]
PY
}

# 200 runs queued, 8 workers as separate processes: each run COMPLETED exactly once (each
# run's program appends its number to one file), with its own output.
t_queue_8_workers_drain_200_runs() {
    pg_up || return
    for i in $(seq 200); do
        "$SR" -q -s "$PG_URL" -l ERROR sh -c 'echo "$0" >> ran; echo "hello $0"' "$i" > /dev/null &
        [ $((i % 8)) = 0 ] && wait
    done
    wait
    q_wait "$PG_URL" "select count(*) from runs where status = 'QUEUED'" 200 || return
    for w in $(seq 8); do "$SR" worker -s "$PG_URL" --idle-exit 2 > "w$w.out" 2> "w$w.err" & done
    wait || return
    for w in $(seq 8); do grep -q "runs\? started, 0 failed" "w$w.err" || fail "worker $w: $(tail -3 "w$w.err")" || return; done
    [ "$(wc -l < ran)" = 200 ] && [ "$(sort -u ran | wc -l)" = 200 ] || fail "ran: $(wc -l < ran) lines, $(sort -u ran | wc -l) distinct" || return
    q_sql "$PG_URL" "select count(*), count(distinct id) from runs where status = 'COMPLETED'" > got
    [ "$(cat got)" = "200|200" ] || fail "completed: $(cat got)" || return
    q_sql "$PG_URL" "select count(*) from runs r join cout c on c.run_id = r.id
        where convert_from(c.data, 'UTF8') = 'hello ' || (r.doc->'program'->'argv'->>3) || E'\n'" > right
    [ "$(cat right)" = 200 ] || fail "right output: $(cat right)" || return
    q_sql "$PG_URL" "select count(distinct doc->'meta'->'queue'->'worker'->>'pid') from runs" > nw
    [ "$(cat nw)" -gt 1 ] || fail "one worker ran them all"
}

# SQLite: 4 workers drain 40 runs, none lost and none twice.
t_queue_sqlite_workers_drain() {
    export XDG_STATE_HOME=$PWD/state XDG_CACHE_HOME=$PWD/cache
    db=sqlite:///$PWD/q.db
    for i in $(seq 40); do "$SR" -q -s "$db" -l ERROR sh -c 'echo "$0" >> ran; echo "hello $0"' "$i" > /dev/null || return; done
    for w in $(seq 4); do "$SR" worker -s "$db" --idle-exit 2 > /dev/null 2> "w$w.err" & done
    wait
    [ "$(sort -u ran | wc -l)" = 40 ] && [ "$(wc -l < ran)" = 40 ] || fail "ran: $(sort ran | uniq -c | sort -rn | head -3)" || return
    sqlite3 q.db "select count(*) from runs r join cout c on c.run_id = r.id where r.status = 'COMPLETED'
        and cast(c.data as text) = 'hello ' || json_extract(r.doc_text, '$.program.argv[3]') || char(10)" > got
    [ "$(cat got)" = 40 ] || fail "completed with their output: $(cat got)"
}

# A worker killed with SIGKILL: its run's heartbeat stops (the launcher goes with the
# worker); requeue is refused while the heartbeat is fresh, accepted once ls shows it
# PROBABLY_DEAD (DIED when the worker shares our host name), and a second worker completes
# it as a second attempt. As root the first worker has a host name of its own.
t_queue_killed_worker_then_requeue() {
    pg_up || return
    "$SR" -q -s "$PG_URL" -b 0.5 -l ERROR sh -c '[ -e first ] && { echo second; exit 0; }; touch first; exec "$0"' "$P/spin" > /dev/null || return
    if [ "$(id -u)" = 0 ] && unshare -u true 2> /dev/null; then
        unshare -u sh -c 'hostname worker-b && exec "$0" worker -s "$1"' "$SR" "$PG_URL" > w1.out 2> w1.err &
        dead=PROBABLY_DEAD
    else
        "$SR" worker -s "$PG_URL" > w1.out 2> w1.err &
        dead=DIED
    fi
    worker=$!
    q_wait "$PG_URL" "select status, last_line from runs" "RUNNING|ready" || return
    launcher=$(q_sql "$PG_URL" "select doc->'launcher'->>'pid' from runs")
    kill -9 $worker
    wait $worker 2> /dev/null
    for _ in $(seq 100); do [ -e "/proc/$launcher" ] || break; sleep 0.1; done
    [ ! -e "/proc/$launcher" ] || fail "the run's launcher outlived its worker" || return
    "$SR" requeue -s "$PG_URL" 1 > out 2> err; rc=$?
    [ $rc = 125 ] && [ "$(wc -l < err)" = 1 ] && grep -q "may still run" err || fail "requeue while fresh: $rc $(cat err)" || return
    for _ in $(seq 300); do
        "$SR" ls -s "$PG_URL" > ls 2> /dev/null && [ "$(cut -f3 ls | tail -1)" = "$dead" ] && break
        sleep 0.1
    done
    [ "$(cut -f3 ls | tail -1)" = "$dead" ] || fail "ls: $(cat ls)" || return
    "$SR" requeue -s "$PG_URL" 1 > out 2> err || fail "requeue: $(cat err)" || return
    [ "$(cat out)" = "run 1: QUEUED again" ] || fail "$(cat out)" || return
    q_sql "$PG_URL" "select status, heartbeat is null, (select count(*) from cout where run_id = 1) from runs" > got
    [ "$(cat got)" = "QUEUED|t|0" ] || fail "requeued row: $(cat got)" || return
    "$SR" worker -s "$PG_URL" --max-runs 1 > w2.out 2> w2.err || fail "worker 2: $(cat w2.err)" || return
    q_sql "$PG_URL" "select status, last_line, doc->'meta'->'queue'->>'attempt', host = '$(hostname)' from runs" > got
    [ "$(cat got)" = "COMPLETED|second|2|t" ] || fail "second attempt: $(cat got)" || return
    "$SR" requeue -s "$PG_URL" 1 > out 2> err; [ $? = 125 ] && grep -q "is COMPLETED" err || fail "requeue of a COMPLETED run: $(cat err)"
}

# SIGTERM to a worker: its running run ends INTERRUPTED, the next queued one stays QUEUED,
# and the worker exits with 128+15.
t_queue_sigterm_interrupts_the_runs() {
    pg_up || return
    for i in 1 2; do "$SR" -q -s "$PG_URL" -l ERROR "$P/spin" > /dev/null || return; done
    "$SR" worker -s "$PG_URL" > w.out 2> w.err &
    worker=$!
    q_wait "$PG_URL" "select status, last_line from runs where id = 1" "RUNNING|ready" || return
    kill -TERM $worker
    wait $worker; rc=$?
    [ $rc = 143 ] || fail "worker's status $rc: $(cat w.err)" || return
    q_sql "$PG_URL" "select id, status from runs order by id" > got
    [ "$(tr '\n' ' ' < got)" = "1|INTERRUPTED 2|QUEUED " ] || fail "$(cat got)"
}

# An executable changed since it was queued: the worker says so, marks the run FAILED with
# the reason, and goes on; with --allow-changed it runs it, the change in its info.
t_queue_changed_executable_refused() {
    export XDG_STATE_HOME=$PWD/state XDG_CACHE_HOME=$PWD/cache
    db=sqlite:///$PWD/q.db
    cp "$P/args" prog
    for w in one two; do "$SR" -q -s "$db" -l ERROR ./prog $w > /dev/null || return; done
    printf 'x' >> prog
    "$SR" worker -s "$db" --max-runs 1 > out 2> err || fail "worker: $(cat err)" || return
    grep -q "run 1: '$PWD/prog' changed since it was queued" err && grep -q "run 1: FAILED" err || fail "$(cat err)" || return
    [ ! -s out ] || fail "it ran: $(cat out)" || return
    "$SR" worker -s "$db" --max-runs 1 --allow-changed > out 2> err || fail "worker: $(cat err)" || return
    [ "$(cat out)" = "arg two" ] || fail "output: $(cat out)" || return
    sqlite3 q.db "select id, status, doc_text, info_text from runs" > /dev/null || return
    sqlite3 -json q.db "select id, status, doc_text, info_text from runs order by id" > rows.json || return
    python3 - "$PWD/prog" <<'PY'
import json, sys
rows = json.load(open("rows.json"))
assert [r["status"] for r in rows] == ["FAILED", "COMPLETED"], rows
one, two = json.loads(rows[0]["doc_text"]), json.loads(rows[1]["doc_text"])
assert "changed since the run was queued" in "".join(one["fail_trace"]), one["fail_trace"]
for r in rows:
    c = json.loads(r["info_text"])["changed_since_queued"]
    assert c[0]["path"] == sys.argv[1] and c[0]["md5"] != c[0]["queued_md5"], c
PY
}

# A database of schema version 1 gets the queue's columns added (nothing dropped), and
# takes queued runs.
t_queue_schema_1_migrated() {
    export XDG_STATE_HOME=$PWD/state XDG_CACHE_HOME=$PWD/cache
    "$SR" -l ERROR -s "sqlite:///$PWD/q.db" echo hi > /dev/null || return
    sqlite3 q.db "alter table runs drop column queue_spec; alter table runs drop column queue_priority;
                  update sacred_run_schema set version = 1" || return
    "$SR" -q -s "sqlite:///$PWD/q.db" echo again > id || return
    [ "$(cat id)" = 2 ] || fail "id: $(cat id)" || return
    sqlite3 q.db "select version from sacred_run_schema; select id, status from runs" > got
    [ "$(tr '\n' ' ' < got)" = "3 1|COMPLETED 2|QUEUED " ] || fail "$(cat got)"
}
