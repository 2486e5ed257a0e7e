# t_db.sh: recording into databases (-s): SQLite files and a real PostgreSQL server started
# for each test (pg_local.sh: initdb/pg_ctl as an unprivileged user, a Unix socket in the
# test's directory only, stopped by pid however the test ends). Each test has its own
# journal and copies (XDG_STATE_HOME, XDG_CACHE_HOME in its directory).

. "$E/pg_local.sh"

# pg_restart: the server stopped (fast: sessions cut) and, with "start", started again.
pg_ctl_as() { as_pg "$PGBIN/pg_ctl" -D "$PWD/pg/pgdata" "$@" > /dev/null; }
pg_down() { pg_ctl_as -m fast -w stop; }
pg_again() { pg_ctl_as -l "$PWD/pg/pg.log" -w -o "-k $PWD/pg -c listen_addresses= -c fsync=off" start; }

# same_run DIR_A DIR_B: the five Sacred files, artifacts and sources are byte for byte equal.
same_run() {
    python3 - "$@" <<'PY'
import json, os, sys
a, b = sys.argv[1], sys.argv[2]
for f in ["run.json", "config.json", "cout.txt", "info.json", "metrics.json"]:
    x, y = open(os.path.join(a, f), "rb").read(), open(os.path.join(b, f), "rb").read()
    if x != y:
        raise SystemExit(f"{f} differs:\n{x[:600]!r}\n{y[:600]!r}")
run = json.load(open(os.path.join(a, "run.json")))
for name in run.get("artifacts", []):
    if open(os.path.join(a, name), "rb").read() != open(os.path.join(b, name), "rb").read():
        raise SystemExit(f"artifact {name} differs")
base_a, base_b = os.path.dirname(a), os.path.dirname(b)
for name, path in run["experiment"].get("sources", []):
    if open(os.path.join(base_a, path), "rb").read() != open(os.path.join(base_b, path), "rb").read():
        raise SystemExit(f"source {path} differs")
PY
}

# Every ending of the core tests, recorded with -F and both databases at once: each
# database's copy of each run is the file storage's, byte for byte.
t_db_every_ending_equals_the_file_storage() {
    pg_up || return
    lite=sqlite:///$PWD/runs.db
    set -- -F logs -s "$lite" -s "$PG_URL" -l ERROR
    printf 'import sys\nopen("model.txt", "w").write("weights")\nprint("loss: 0.5")\nsys.exit(0)\n' > train.py
    echo "a,b" > data.csv
    "$SR" "$@" python3 train.py > /dev/null || return                       # 1 COMPLETED, source + artifact
    "$SR" "$@" sh -c 'cat data.csv; exit 3' > /dev/null; [ $? = 3 ] || return  # 2 FAILED, resource
    "$SR" "$@" "$P/segv" > /dev/null 2>&1                                     # 3 FAILED by a signal
    "$SR" "$@" "$P/metrics_print" > /dev/null || return                       # 4 metrics from output
    "$SR" "$@" "$P/static_hello" > /dev/null || return                       # 5 a static binary
    python3 "$E/signal_run.py" logs SIGINT launcher -- "$SR" "$@" "$P/spin" half > /dev/null  # 6 INTERRUPTED
    # A metric column brings every run into the local copy.
    XDG_CACHE_HOME=$PWD/c1 "$SR" ls -s "$lite" --metric loss > ls1 || return
    XDG_CACHE_HOME=$PWD/c2 "$SR" ls -s "$PG_URL" --metric loss > ls2 || return
    [ "$(cut -f1,3 ls1 | tr '\t\n' '  ')" = "id status 1 COMPLETED 2 FAILED 3 FAILED 4 COMPLETED 5 COMPLETED 6 INTERRUPTED " ] \
        || fail "$(cat ls1)" || return
    cmp -s ls1 ls2 || fail "$(diff ls1 ls2)" || return
    for id in 1 2 3 4 5 6; do
        for c in c1 c2; do
            same_run logs/$id $c/sacred-run/db/*/$id || fail "run $id in $c" || return
        done
    done
    psql "$PG_URL" -Atc "select count(*) from files" > nfiles && [ "$(cat nfiles)" -ge 3 ] || fail "files: $(cat nfiles)"
}

# 32 runs started at once from separate processes get 32 distinct ids, the file storage's the same.
t_db_32_concurrent_starts_get_distinct_ids() {
    pg_up || return
    for i in $(seq 32); do "$SR" -l ERROR -F logs -s "$PG_URL" /bin/true & done
    wait
    psql "$PG_URL" -Atc "select count(*), count(distinct id), min(id), max(id) from runs where status = 'COMPLETED'" > got
    [ "$(cat got)" = "32|32|1|32" ] || fail "runs: $(cat got)" || return
    psql "$PG_URL" -Atc "select count(*) from runs where file_id = id::text" > same
    [ "$(cat same)" = 32 ] || fail "file ids equal to database ids: $(cat same)" || return
    [ "$(ls logs | grep -c '^[0-9]')" = 32 ] || fail "$(ls logs)"
}

# The server stopped mid-run while the program logs metrics, then started again: the run
# completes with every point exactly once, and no journal entry is left.
t_db_server_restarted_mid_run_loses_nothing() {
    pg_up || return
    "$SR" -l ERROR -b 0.2 -s "$PG_URL" sh -c 'for i in $(seq 60); do echo "loss: $i"; sleep 0.03; done' > out &
    sleep 0.5
    pg_down || return
    sleep 1
    pg_again || return
    wait $! || fail "the program's run failed: $(cat out)" || return
    psql "$PG_URL" -Atc "select count(*), count(distinct seq), min(seq), max(seq), sum(value) from metrics where name = 'loss'" > got
    [ "$(cat got)" = "60|60|0|59|1830" ] || fail "points: $(cat got)" || return
    psql "$PG_URL" -Atc "select status from runs" > st && [ "$(cat st)" = COMPLETED ] || fail "$(cat st)" || return
    [ -z "$(ls state/sacred-run/journal)" ] || fail "journal left: $(ls state/sacred-run/journal)"
}

# A server that never comes back: the run keeps its journal, names it on stderr, and
# `sacred-run sync` after a restart completes the record (sync before it: status 1).
t_db_server_gone_then_sync() {
    pg_up || return
    "$SR" -l ERROR -b 0.2 -s "$PG_URL" sh -c 'for i in $(seq 20); do echo "acc: $i"; sleep 0.03; done; echo done' > out 2> err &
    sleep 0.3
    pg_down || return
    wait $! || fail "run: $(cat err)" || return
    grep -q "lacks this run" err && grep -q "sacred-run sync" err || fail "stderr: $(cat err)" || return
    [ "$(wc -l < err)" = 1 ] || fail "more than one line: $(cat err)" || return
    [ "$(ls state/sacred-run/journal | wc -l)" = 1 ] && [ "$(ls state/sacred-run/spool | wc -l)" = 1 ] || fail "journal/spool" || return
    "$SR" sync > sout 2> serr; [ $? = 1 ] || fail "sync with the server down: $(cat serr)" || return
    pg_again || return
    "$SR" sync > sout 2> serr || fail "sync: $(cat serr)" || return
    grep -q "recorded .* as run 1" sout || fail "$(cat sout)" || return
    [ -z "$(ls state/sacred-run/journal state/sacred-run/spool | grep -v :)" ] || fail "left: $(ls -R state)" || return
    psql "$PG_URL" -Atc "select status, last_line from runs" -c "select count(*), count(distinct seq) from metrics where name = 'acc'" > got
    [ "$(tr '\n' ' ' < got)" = "COMPLETED|done 20|20 " ] || fail "$(cat got)" || return
    "$SR" sync > again || fail "a second sync" || return
    [ ! -s again ] || fail "nothing left to sync, yet: $(cat again)"
}

# A backlog of spooled runs: sync records them all and reads the journal once, not once
# per entry (each entry's file opened a bounded number of times), and leaves nothing. The
# line naming the journal is a log line at ERROR: -l CRITICAL leaves it out.
t_db_sync_of_a_backlog_reads_the_journal_once() {
    command -v strace > /dev/null || fail "strace is a test need (make deps)" || return
    export XDG_STATE_HOME=$PWD/state XDG_CACHE_HOME=$PWD/cache
    url=sqlite:///$PWD/later/runs.db
    for i in $(seq 25); do
        "$SR" -l CRITICAL --db-retry -s "$url" true 2> err || fail "run $i" || return
        [ ! -s err ] || fail "-l CRITICAL, yet: $(cat err)" || return # the journal's line is an ERROR
    done
    [ "$(ls state/sacred-run/journal | wc -l)" = 25 ] || fail "journal: $(ls state/sacred-run/journal | wc -l)" || return
    mkdir later || return
    ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -f -e trace=openat -o trace "$SR" sync > sout 2> serr \
        || fail "sync: $(cat serr)" || return
    [ "$(grep -c "as run" sout)" = 25 ] || fail "$(cat sout)" || return
    opens=$(grep -c "sacred-run/journal/[^\"]" trace)
    [ "$opens" -le 50 ] || fail "$opens opens of journal entries for 25 entries" || return
    [ -z "$(ls state/sacred-run/journal state/sacred-run/spool | grep -v :)" ] || fail "left: $(ls -R state)"
}

# Bad URLs, wrong credentials, a database too new, a server down: one line, 125, nothing
# recorded anywhere; --db-retry starts the run and sync records it later.
# Two databases and no -F, both gone before the end: one spooled run, two journal
# entries; the first sync records it into both and leaves nothing behind.
t_db_two_databases_gone_then_sync() {
    pg_up || return
    psql "$PG_URL" -qc "create database second" || return
    second=${PG_URL/\/postgres\?/\/second?}
    "$SR" -l ERROR -b 0.2 -s "$PG_URL" -s "$second" sh -c 'sleep 0.6; echo "acc: 1"; echo done' > out 2> err &
    sleep 0.3
    pg_down || return
    wait $! || fail "run: $(cat err)" || return
    [ "$(grep -c "lacks this run" err)" = 2 ] || fail "stderr: $(cat err)" || return
    [ "$(ls state/sacred-run/journal | wc -l)" = 2 ] && [ "$(ls state/sacred-run/spool | wc -l)" = 1 ] || fail "journal/spool" || return
    pg_again && "$SR" sync > sout 2> serr || fail "sync: $(cat serr)" || return
    [ "$(grep -c "as run 1" sout)" = 2 ] || fail "$(cat sout) $(cat serr)" || return
    [ -z "$(ls state/sacred-run/journal state/sacred-run/spool | grep -v :)" ] || fail "left: $(ls -R state)" || return
    for url in "$PG_URL" "$second"; do
        got=$(psql "$url" -Atc "select status, last_line from runs" -c "select count(*) from metrics where name = 'acc'" | tr '\n' ' ')
        [ "$got" = "COMPLETED|done 1 " ] || fail "$url: $got" || return
    done
}

t_db_bad_databases_refused_125() {
    pg_up || return
    for url in "mysql://x/y" "sqlite://" "sqlite:///$PWD/no/such/dir/x.db" "postgresql://sr@/postgres?host=$PWD/nowhere"; do
        "$SR" -F logs -s "$url" echo hi > out 2> err
        [ $? = 125 ] && [ "$(wc -l < err)" = 1 ] && [ ! -s out ] || fail "$url: $(cat err)" || return
    done
    PGPASSWORD=wrong "$SR" -F logs -s "$PG_URL" echo hi > out 2> err
    [ $? = 125 ] && grep -q "password authentication failed" err || fail "password: $(cat err)" || return
    "$SR" ls -s "$PG_URL" > /dev/null || fail "ls of an empty database" || return # creates the schema
    # refused while the connection is being made beside the start-up: no row, no journal
    "$SR" -F logs -s "$PG_URL" /no/such/program > out 2> err
    [ $? = 127 ] && [ "$(wc -l < err)" = 1 ] || fail "no program: $(cat err)" || return
    "$SR" -F logs -s "$PG_URL" echo with 'a=[1,' > out 2> err
    [ $? = 125 ] && grep -q "malformed update" err && [ "$(wc -l < err)" = 1 ] || fail "config: $(cat err)" || return
    [ "$(psql "$PG_URL" -Atc 'select count(*) from runs')" = 0 ] || fail "rows claimed" || return
    psql "$PG_URL" -qc "update sacred_run_schema set version = 99" || return
    "$SR" -F logs -s "$PG_URL" echo hi > out 2> err
    [ $? = 125 ] && grep -q "schema version 99, newer" err || fail "schema: $(cat err)" || return
    [ ! -e logs ] || [ -z "$(ls logs | grep '^[0-9]')" ] || fail "recorded: $(ls logs)" || return
    [ ! -e state/sacred-run/journal ] || [ -z "$(ls state/sacred-run/journal)" ] || fail "journaled" || return
    psql "$PG_URL" -qc "update sacred_run_schema set version = 1; alter table metrics add constraint
        metrics_run_id_fkey foreign key (run_id) references runs(id) on delete cascade" || return
    pg_down || return
    "$SR" -l ERROR --db-retry -F logs -s "$PG_URL" echo hi > out 2> err || fail "--db-retry: $(cat err)" || return
    [ "$(cat out)" = hi ] && [ -d logs/1 ] || fail "out: $(cat out)" || return
    pg_again && "$SR" sync > sout || fail "sync" || return
    psql "$PG_URL" -Atc "select id, status, file_id from runs" > got
    [ "$(cat got)" = "1|COMPLETED|1" ] || fail "$(cat got)" || return
    # brought from version 1 to 3: the queue's columns added, metrics' foreign key dropped
    psql "$PG_URL" -Atc "select version from sacred_run_schema;
        select count(*) from information_schema.columns where column_name = 'queue_spec';
        select count(*) from pg_constraint where conrelid = 'metrics'::regclass and contype = 'f'" > got
    [ "$(tr '\n' ' ' < got)" = "3 1 0 " ] || fail "migrated: $(cat got)"
}

# The inspect commands read a database as a file storage; tags and notes go into it and a
# running run's launcher keeps them; a password in the URL is never recorded.
t_db_inspect_commands_on_a_database() {
    pg_up || return
    url="postgresql://sr:pw@/postgres?host=$PWD/pg"
    "$SR" -l ERROR -b 0.2 -s "$url" sh -c 'echo "loss: 1"; sleep 1.5; echo "loss: 0.5"; echo end' > out &
    sleep 0.7
    "$SR" tag -s "$url" 1 first best || fail "tag" || return
    "$SR" note -s "$url" 1 "looks good" || fail "note" || return
    wait $! || return
    "$SR" -l ERROR -s "$url" sh -c 'exit 2'
    "$SR" ls -s "$url" --json > ls.json || return
    python3 - <<'PY' || return
import json
runs = json.load(open("ls.json"))["runs"]
assert [r["status"] for r in runs] == ["COMPLETED", "FAILED"], runs
PY
    "$SR" show -s "$url" 1 > show || return
    grep -q "first" show && grep -q "looks good" show || fail "$(cat show)" || return
    "$SR" metrics -s "$url" 1 loss > csv || return
    [ "$(cut -d, -f1,3 csv | tr '\n' ' ')" = "step,loss 0,1 1,0.5 " ] || fail "$(cat csv)" || return
    "$SR" tail -s "$url" 1 > t && [ "$(tail -1 t)" = end ] || fail "tail: $(cat t)" || return
    psql "$PG_URL" -Atc "select doc->'omniboard'->'tags', doc->'omniboard'->>'notes' from runs where id = 1" > tags
    [ "$(cat tags)" = '["first", "best"]|looks good' ] || fail "tags: $(cat tags)" || return
    ! psql "$PG_URL" -Atc "select doc_text from runs" | grep -q 'sr:pw' || fail "password recorded" || return
    "$SR" rm -s "$url" --yes 2 > /dev/null || fail "rm" || return
    psql "$PG_URL" -Atc "select count(*) from runs" > n && [ "$(cat n)" = 1 ] || fail "$(cat n)" || return
    "$SR" ls -F logs -s "$url" > /dev/null 2> err; [ $? = 125 ] || fail "-F with -s: $(cat err)"
}

# SQLite: recording and reading without a server, the schema created once by 8 runs at once.
t_db_sqlite_shared_by_concurrent_runs() {
    export XDG_STATE_HOME=$PWD/state
    for i in $(seq 8); do "$SR" -l ERROR -s "sqlite:///runs.db" sh -c "echo loss: $i" > /dev/null & done
    wait
    sqlite3 runs.db "select count(*), count(distinct id), sum(value) from runs join metrics on run_id = id where name = 'loss'" > got
    [ "$(cat got)" = "8|8|36.0" ] || fail "$(cat got)" || return
    sqlite3 runs.db "select version from sacred_run_schema" > v && [ "$(cat v)" = 3 ] || fail "schema rows: $(cat v)" || return
    [ -z "$(ls state/sacred-run/spool state/sacred-run/journal | grep -v :)" ] || fail "left: $(ls -R state)"
}

# serve -s: the runs list follows the database (a run recorded after the start appears),
# and a tag set through the page goes into the database.
t_db_serve_follows_the_database() {
    export XDG_STATE_HOME=$PWD/state
    url=sqlite:///$PWD/runs.db
    "$SR" -l ERROR -s "$url" sh -c 'echo one' > /dev/null || return
    "$SR" serve -s "$url" --port 0 > serve.out 2> serve.err &
    pid=$!
    trap 'kill $pid 2> /dev/null' EXIT
    for _ in $(seq 100); do [ -s serve.out ] && break; sleep 0.05; done
    base=$(head -1 serve.out)
    [ -n "$base" ] || fail "no URL: $(cat serve.err)" || return
    curl -sf "${base}api/runs" | grep -q '"id": "1"' || fail "run 1 not listed" || return
    "$SR" -l ERROR -s "$url" sh -c 'echo two' > /dev/null || return
    for _ in $(seq 40); do curl -sf "${base}api/runs" | grep -q '"id": "2"' && break; sleep 0.1; done
    curl -sf "${base}api/runs" | grep -q '"id": "2"' || fail "run 2 never listed" || return
    origin=${base%/}
    curl -sf -o /dev/null -X POST -H "Origin: $origin" -H 'Content-Type: application/json' \
        -d '{"tags": ["web"]}' "${base}api/runs/2/omniboard" || fail "POST: $?" || return
    sqlite3 runs.db "select json_extract(doc_text, '\$.omniboard.tags') from runs where id = 2" > tags
    [ "$(cat tags)" = '["web"]' ] || fail "tags in the database: $(cat tags)" || return
    kill -TERM $pid && wait $pid || fail "serve ended with status $?"
}

# rerun -s: the run is read from the database and the new run recorded there, naming it.
t_db_rerun_from_a_database() {
    export XDG_STATE_HOME=$PWD/state
    url=sqlite:///$PWD/runs.db
    printf 'import sys\nprint("loss:", sys.argv[2])\n' > fit.py
    "$SR" -l ERROR -s "$url" python3 fit.py --lr 0.25 > /dev/null || return
    "$SR" -l ERROR -s "$url" rerun 1 > out || fail "rerun: $(cat out)" || return
    [ "$(cat out)" = "loss: 0.25" ] || fail "output: $(cat out)" || return
    sqlite3 runs.db "select id, status, json_extract(doc_text, '\$.meta.rerun_of.id'), json_extract(config_text, '\$.lr') from runs order by id" > got
    [ "$(tr '\n' ' ' < got)" = "1|COMPLETED||0.25 2|COMPLETED|1|0.25 " ] || fail "$(cat got)" || return
    "$SR" -s "$url" rerun 7 2> err; [ $? = 125 ] && grep -q "check -s" err || fail "unknown id: $(cat err)"
}

# export --to: a file storage into SQLite, SQLite into PostgreSQL, PostgreSQL back into a
# new file storage, and into the first one again (every id taken: renumbered, the mapping
# printed); each copy is the original byte for byte.
t_db_export_between_storages() {
    pg_up || return
    lite=sqlite:///$PWD/runs.db
    printf 'import sys\nopen("model.txt", "w").write("w")\nprint("loss: 0.5")\n' > fit.py
    echo data > data.csv
    "$SR" -l ERROR -F a python3 fit.py > /dev/null || return
    "$SR" -l ERROR -F a sh -c 'cat data.csv; echo "acc: 1"; exit 4' > /dev/null
    "$SR" tag -F a 1 kept > /dev/null || return
    "$SR" export --from a --to "$lite" > m1 || fail "to sqlite: $(cat m1)" || return
    "$SR" export --from "$lite" --to "$PG_URL" > m2 || fail "to postgresql" || return
    "$SR" export --from "$PG_URL" --to b > m3 || fail "to a directory" || return
    [ "$(cat m1 m2 m3 | tr '\n' ' ')" = "1 2 1 2 1 2 " ] || fail "ids: $(cat m1 m2 m3)" || return
    for id in 1 2; do same_run a/$id b/$id || fail "run $id" || return; done
    "$SR" export --from b --to a 2 > m4 || return
    [ "$(cat m4)" = "2 -> 3" ] && same_run a/2 a/3 || fail "renumbered: $(cat m4)" || return
    "$SR" export --from a --to a > out 2> err; [ $? = 125 ] || fail "same storage: $(cat err)" || return
    "$SR" export --from a --to "$lite" 9 > out 2> err; [ $? = 125 ] && grep -q "no run '9'" err || fail "$(cat err)"
}

# ls -s lists from the runs table, writing no local copy, as ls -F lists the same runs;
# a metric column, a filter or a sort on a metric brings the copy up to date first.
t_db_ls_reads_the_database() {
    pg_up || return
    lite=sqlite:///$PWD/runs.db
    python3 "$ROOT/scripts/make-storage.py" a 40 > /dev/null || return
    "$SR" export --from a --to "$lite" > /dev/null && "$SR" export --from a --to "$PG_URL" > /dev/null || return
    "$SR" tag -F a 7 best > /dev/null && "$SR" tag -s "$lite" 7 best > /dev/null || return
    "$SR" tag -s "$PG_URL" 7 best > /dev/null || return
    for url in "$lite" "$PG_URL"; do
        rm -rf c
        for args in "" "--status failed --last 3" "--json --where seed>0" "--tag best"; do
            # shellcheck disable=SC2086
            "$SR" ls -F a $args > want && XDG_CACHE_HOME=$PWD/c "$SR" ls -s "$url" $args > got || return
            cmp -s want got || fail "ls $args: $(diff want got | head -5)" || return
        done
        [ -z "$(ls c/sacred-run/db/*/ 2> /dev/null)" ] || fail "ls -s wrote a copy: $(ls c/sacred-run/db/*/ | head -3)" || return
        for args in "--metric metric0" "--where min(metric1)<0.02 --sort -last(metric0)"; do
            # shellcheck disable=SC2086
            "$SR" ls -F a $args > want && XDG_CACHE_HOME=$PWD/c "$SR" ls -s "$url" $args > got || return
            cmp -s want got || fail "ls $args: $(diff want got | head -5)" || return
        done
        [ -d c/sacred-run/db/*/40 ] || fail "no copy after a metric column" || return
    done
}

# The local copy that ls -s --metric makes, many runs per query: a batch split where it holds too
# many points, a run of more points than a batch holds read a metric at a time, gaps in
# the ids; every run's files as the file storage's.
t_db_local_copy_in_batches() {
    lite=sqlite:///$PWD/runs.db
    python3 "$ROOT/scripts/make-storage.py" a 700 > /dev/null || return
    python3 "$ROOT/scripts/make-storage.py" big 1 --metrics 2 --points 120000 > /dev/null || return
    rm -r a/300 a/301 a/302 a/650 && mv big/1 a/720 && mkdir a/720/out && echo art > a/720/out/w.txt || return
    python3 - a/720/run.json <<'PY' || return
import json, sys
run = json.load(open(sys.argv[1]))
run["artifacts"] = ["out/w.txt"]
json.dump(run, open(sys.argv[1], "w"), sort_keys=True, indent=2)
PY
    "$SR" export --from a --to "$lite" > /dev/null || fail "export" || return
    XDG_CACHE_HOME=$PWD/c "$SR" ls -s "$lite" --metric metric1 > ls || fail "ls: $(cat ls)" || return
    [ "$(grep -c COMPLETED ls)" -gt 300 ] || fail "$(head ls)" || return
    python3 - a c/sacred-run/db/* <<'PY'
import json, os, sys
a, c = sys.argv[1], sys.argv[2]
ids = sorted(int(d) for d in os.listdir(a) if d.isdigit())
got = sorted(int(d) for d in os.listdir(c) if d.isdigit())
assert ids == got, (len(ids), len(got))
for i in ids:
    for f in ["run.json", "config.json", "info.json", "cout.txt"]:
        x, y = (open(os.path.join(d, str(i), f), "rb").read() for d in (a, c))
        assert x == y, (i, f, x[:200], y[:200])
    x, y = (json.load(open(os.path.join(d, str(i), "metrics.json"))) for d in (a, c))
    assert x == y, (i, "metrics.json")
assert open(os.path.join(c, "720", "out", "w.txt")).read() == "art\n"
assert len(json.load(open(os.path.join(c, "720", "metrics.json")))["metric1"]["values"]) == 120000
PY
}

# More points than wait in memory (4 MiB): the rest is read back from metrics.json as the
# launcher rewrites it, while the program runs and at the end; every point once, in both
# databases.
t_db_points_past_the_memory_bound() {
    pg_up || return
    lite=sqlite:///$PWD/runs.db
    "$SR" -l ERROR -b 0.2 -s "$PG_URL" -s "$lite" sh -c \
        'awk "BEGIN { for (i = 1; i <= 150000; i++) print \"loss: \" i }"; sleep 4' > out &
    sleep 3
    psql "$PG_URL" -Atc "select count(*) > 0 from metrics" > mid
    wait $! || fail "the run failed: $(cat out)" || return
    [ "$(cat mid)" = t ] || fail "no point in the database while the program ran" || return
    want="150000|150000|0|149999|11250075000"
    q="select count(*), count(distinct seq), min(seq), max(seq), sum(value) from metrics where name = 'loss'"
    [ "$(psql "$PG_URL" -Atc "$q")" = "$want" ] || fail "postgresql: $(psql "$PG_URL" -Atc "$q")" || return
    got=$(sqlite3 runs.db "select count(*), count(distinct seq), min(seq), max(seq), cast(sum(value) as int) from metrics where name = 'loss'")
    [ "$got" = "$want" ] || fail "sqlite: $got"
}
