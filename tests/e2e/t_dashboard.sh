# t_dashboard.sh: sacred-run serve: the pages in headless Chromium (tests/browser/dashboard.js,
# playwright-core installed by npm here), and the server's safety rules with curl: path
# traversal, symlinks out of the storage, the token, same-origin POSTs, corrupt runs.

SAMPLE=$E/sacred-sample/logs
BROWSER=$ROOT/tests/browser

# serve_start STORAGE [ARGS...]: serve on a free loopback port; sets SERVE_PID and URL. The
# caller's trap stops it whatever happens.
serve_start() {
    local out=serve.$RANDOM.out
    "$SR" serve -F "$1" --port 0 "${@:2}" > "$out" 2> "$out.err" &
    SERVE_PID=$!
    for _ in $(seq 100); do [ -s "$out" ] && break; sleep 0.05; done
    URL=$(head -1 "$out")
    [ -n "$URL" ] || fail "serve printed no URL: $(cat "$out.err")"
}

# serve_stop PID: SIGTERM, and serve must end with status 0.
serve_stop() {
    kill -TERM "$1" && wait "$1" || fail "serve ended with status $?"
}

# The HTTP status of GET URL (curl sends the path as given).
status_of() { curl -s -o /dev/null -w '%{http_code}' --path-as-is "$@"; }

# npm ci in tests/browser unless playwright-core is there.
browser_driver() {
    [ -f "$BROWSER/node_modules/playwright-core/package.json" ] && return
    (cd "$BROWSER" && npm ci --no-audit --no-fund --loglevel=error) > npm.log 2>&1 || fail "npm ci: $(tail -5 npm.log)"
}

# A storage made with sacred-run: every status, two configs, metrics, an XSS run, a
# corrupt run. Prints nothing; the ids are fixed (see EXPECT below).
make_dash_storage() {
    printf '#!/bin/sh\nfor i in 1 2 3 4 5; do echo "loss: 0.$i$3"; done\necho done with $3\n[ "$4" != fail ] || exit 3\n' > job.sh
    printf '#!/bin/sh\necho "<script>alert(1)</script>"\n' > xss.sh
    chmod +x job.sh xss.sh
    "$SR" -F st -l ERROR --no-sys-metrics ./job.sh --lr 1 1 with lr=0.1 > /dev/null || return
    "$SR" -F st -l ERROR ./job.sh --lr 1 2 with lr=0.01 > /dev/null || return
    "$SR" -F st -l ERROR --no-sys-metrics ./job.sh --lr 1 3 fail with lr=0.001 > /dev/null 2>&1
    [ $? -eq 3 ] || fail "run 3 did not fail" || return
    python3 "$E/signal_run.py" st SIGINT launcher -- "$SR" -F st -l ERROR --no-sys-metrics "$P/spin" > /dev/null || return
    "$SR" -F st -l ERROR -f --no-sys-metrics ./xss.sh with "title='\"><img src=x onerror=alert(1)>'" > /dev/null || return
    cp -r st/1 st/6 && cp -r st/1 st/7
    python3 - st <<'PY'
import json, sys
def edit(d, fn):
    p = sys.argv[1] + "/" + d + "/run.json"
    r = json.load(open(p))
    fn(r)
    json.dump(r, open(p, "w"))
def died(r):  # its launcher's pid is now another process: gone
    r["status"] = "RUNNING"; r.pop("stop_time", None); r["launcher"]["start_ticks"] = 1
def late(r):  # no launcher facts, a heartbeat long ago
    r["status"] = "RUNNING"; r.pop("stop_time", None); r.pop("launcher"); r["heartbeat"] = "2020-01-01T00:00:00.000000"
edit("6", died)
edit("7", late)
for i, d in enumerate(("1", "3")):  # as `sacred-run sweep` records its points
    edit(d, lambda r: r["meta"].update(sweep={"id": "1", "index": i, "count": 2, "axes": {"lr": [0.1, 0.001][i]}}))
PY
    mkdir st/8 && printf '{"status": "RUNN' > st/8/run.json
}

t_dashboard_in_chromium() {
    [ -d "$SAMPLE" ] || fail "no Sacred sample at $SAMPLE" || return
    browser_driver || return
    make_dash_storage || return
    cp -r "$SAMPLE" sample && chmod -R u+w sample
    trap 'kill $SERVE_A $SERVE_B 2>/dev/null' EXIT
    serve_start st; SERVE_A=$SERVE_PID; local url=$URL
    serve_start sample; SERVE_B=$SERVE_PID
    printf '#!/bin/sh\nfor i in $(seq 1 25); do echo "loss: $i"; sleep 0.25; done\n' > live.sh && chmod +x live.sh
    mkdir -p "$ROOT/build/screenshots"
    DASH_URL=$url SAMPLE_URL=$URL DASH_STORAGE=$PWD/st SHOTS=$ROOT/build/screenshots SR=$SR \
    EXPECT_STATUS='{"1":"COMPLETED","2":"COMPLETED","3":"FAILED","4":"INTERRUPTED","5":"COMPLETED","6":"DIED","7":"PROBABLY_DEAD","8":"ERROR"}' \
    EXPECT_SAMPLE='{"1":"COMPLETED","2":"COMPLETED","3":"FAILED","4":"INTERRUPTED","5":"COMPLETED","6":"COMPLETED","7":"COMPLETED","8":"QUEUED","9":"COMPLETED"}' \
    FILTER='lr < 0.05' FILTER_IDS='2 3' SWEEP_IDS='1 3' TAG_ID=2 RUN_ID=1 COMBINE_RUN=2 COMBINE=loss,sys.cpu_percent CONSOLE_TEXT='done with 1' COMPARE_IDS=1,2 XSS_ID=5 \
    LIVE_ID=9 LIVE_ARGS="[\"-F\", \"$PWD/st\", \"-l\", \"ERROR\", \"-b\", \"0.5\", \"--no-sys-metrics\", \"$PWD/live.sh\"]" \
        node "$BROWSER/dashboard.js" > browser.log 2>&1
    local rc=$?
    cat browser.log
    [ $rc -eq 0 ] || fail "the browser test failed" || return
    chk st/2 'r["omniboard"]["tags"] == ["best", "keep"]' 'r["status"] == "COMPLETED"' || return
    serve_stop $SERVE_A && serve_stop $SERVE_B
}

# One run (id 1) with a corrupt twin (2: half-written run.json; 3: corrupt metrics.json) and
# symlinks that lead out of the storage, and one inside it.
make_small_storage() {
    printf '#!/bin/sh\necho "loss: 0.5"\necho hello\n' > one.sh && chmod +x one.sh
    "$SR" -F st -l ERROR --no-sys-metrics ./one.sh > /dev/null || return
    mkdir st/2 && printf '{"status": "COMPL' > st/2/run.json
    cp -r st/1 st/3 && printf '{"loss": {"steps": [1, 2' > st/3/metrics.json
    ln -s /etc st/1/etc && ln -s /etc/passwd st/1/passwd && ln -s cout.txt st/1/inside
    mkdir -p st/_resources && ln -s ../../secret.txt st/_resources/out.txt && echo secret > secret.txt
}

t_dashboard_serves_only_files_inside_the_storage() {
    make_small_storage || return
    trap 'kill $SERVE_PID 2>/dev/null' EXIT
    serve_start st || return
    [ "$(status_of "${URL}files/1/cout.txt")" = 200 ] || fail "cout.txt not served" || return
    [ "$(status_of "${URL}files/1/inside")" = 200 ] || fail "a symlink inside the storage not served" || return
    for p in files/../../etc/passwd files/..%2f..%2fetc%2fpasswd files/%2e%2e/%2e%2e/etc/passwd \
             files/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd files/%2fetc%2fpasswd files//etc/passwd \
             files/1/../../../etc/passwd files/1/etc/passwd files/1/passwd files/_resources/out.txt \
             files/%252e%252e/%252e%252e/etc/passwd files/1/./cout.txt files/1 files/ \
             static/../../../etc/passwd static/..%2f..%2f..%2fetc%2fpasswd api/runs/..%2f..%2fetc/cout; do
        curl -s --path-as-is -o body -w '%{http_code}' "$URL$p" > code
        [ "$(cat code)" = 404 ] || fail "/$p: HTTP $(cat code)" || return
        ! grep -q 'root:\|secret' body || fail "/$p leaked: $(head -c 100 body)" || return
    done
    curl -s -D h -o /dev/null "${URL}files/1/cout.txt?download=1"
    grep -qi "^content-security-policy: sandbox" h && grep -qi '^content-disposition: attachment; filename="cout.txt"' h \
        || fail "file headers: $(cat h)" || return
    curl -s -D h -o /dev/null "$URL"
    grep -qi "^content-security-policy: default-src 'none'; script-src 'self';" h || fail "page headers: $(cat h)" || return
    serve_stop $SERVE_PID
}

t_dashboard_corrupt_runs_are_error_rows() {
    make_small_storage || return
    trap 'kill $SERVE_PID 2>/dev/null' EXIT
    serve_start st || return
    curl -sf "${URL}api/runs" > runs.json || fail "runs list: $?" || return
    python3 - <<'PY' || fail "runs list: $(cat runs.json)" || return
import json
d = json.load(open("runs.json"))
rows = {r["id"]: r for r in d["runs"]}
assert [rows[i]["status"] for i in "123"] == ["COMPLETED", "ERROR", "COMPLETED"], rows
assert "not valid JSON" in rows["2"]["error"], rows["2"]
PY
    [ "$(status_of "${URL}api/runs/2")" = 200 ] || fail "corrupt run page" || return
    [ "$(status_of "${URL}api/runs/3/metrics?name=loss")" = 422 ] || fail "corrupt metrics" || return
    curl -sf "${URL}api/runs/3" | grep -q '"metrics_error": "metrics.json is not valid JSON' || fail "no metrics_error" || return
    [ "$(status_of "${URL}api/runs/1/metrics?name=loss")" = 200 ] || fail "the server broke" || return
    [ "$(status_of "${URL}api/runs/9")" = 404 ] && [ "$(status_of "${URL}api/runs?where=lr%20%3C")" = 400 ] \
        || fail "unknown run or bad condition" || return
    serve_stop $SERVE_PID
}

t_dashboard_edits_need_same_origin_or_token() {
    make_small_storage || return
    trap 'kill $SERVE_PID 2>/dev/null' EXIT
    serve_start st || return
    local port=${URL#http://127.0.0.1:}; port=${port%/}
    post() { curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$@"; }
    [ "$(post -d '{"tags": ["x"]}' "${URL}api/runs/1/omniboard")" = 403 ] || fail "POST without Origin" || return
    [ "$(post -H 'Origin: http://evil.example' -d '{"tags": ["x"]}' "${URL}api/runs/1/omniboard")" = 403 ] || fail "cross-origin POST" || return
    [ "$(post -H "Referer: http://evil.example/" -d '{"tags": ["x"]}' "${URL}api/runs/1/omniboard")" = 403 ] || fail "cross-site Referer" || return
    [ "$(status_of -H "Host: evil.example:$port" "${URL}api/runs")" = 403 ] || fail "a foreign Host name (DNS rebinding)" || return
    [ "$(post -H "Origin: http://127.0.0.1:$port" -d '{"tags": "x"}' "${URL}api/runs/1/omniboard")" = 400 ] || fail "bad body" || return
    [ "$(post -H "Origin: http://127.0.0.1:$port" -d '{"tags": ["a", "b"], "notes": "n"}' "${URL}api/runs/1/omniboard")" = 200 ] \
        || fail "same-origin POST refused" || return
    chk st/1 'r["omniboard"] == {"tags": ["a", "b"], "notes": "n"}' 'r["status"] == "COMPLETED"' || return
    serve_stop $SERVE_PID || return

    serve_start st --token s3cret || return
    [ "$URL" = "http://127.0.0.1:$port/?token=s3cret" ] || [ "${URL%\?token=s3cret}" != "$URL" ] || fail "URL: $URL" || return
    local base=${URL%\?token=s3cret}
    [ "$(status_of "${base}api/runs")" = 403 ] && [ "$(status_of "${base}api/runs?token=wrong")" = 403 ] || fail "no token" || return
    curl -s -c jar -o /dev/null "${base}?token=s3cret" && grep -q 's3cret' jar || fail "no cookie: $(cat jar)" || return
    [ "$(status_of -b jar "${base}api/runs")" = 200 ] || fail "cookie refused" || return
    [ "$(post -b jar -d '{"notes": "m"}' "${base}api/runs/1/omniboard")" = 403 ] || fail "cookie-only POST without Origin" || return
    [ "$(post -H 'X-Sacred-Token: s3cret' -d '{"notes": "m"}' "${base}api/runs/1/omniboard")" = 200 ] || fail "token POST" || return
    serve_stop $SERVE_PID
}

t_dashboard_non_loopback_bind_needs_a_token() {
    mkdir st
    "$SR" serve -F st --host 0.0.0.0 --token '' > out 2> err
    [ $? -eq 125 ] && [ ! -s out ] && [ "$(wc -l < err)" -eq 1 ] || fail "status $?: $(cat out err)" || return
    grep -q "not a loopback address, so it needs a token" err || fail "$(cat err)" || return
    # Any address: a token is made and printed (requests here go to the loopback only).
    trap 'kill $SERVE_PID 2>/dev/null' EXIT
    serve_start st --host 0.0.0.0 || return
    [[ $URL =~ ^http://0\.0\.0\.0:([0-9]+)/\?token=([0-9a-f]{48})$ ]] || fail "URL: $URL" || return
    local local_url=http://127.0.0.1:${BASH_REMATCH[1]}/ token=${BASH_REMATCH[2]}
    [ "$(status_of "${local_url}api/runs")" = 403 ] && [ "$(status_of "${local_url}api/runs?token=$token")" = 200 ] \
        || fail "the made token is not in force" || return
    serve_stop $SERVE_PID || return
    "$SR" serve -F nowhere > out 2> err
    [ $? -eq 125 ] && grep -q "cannot open the storage 'nowhere'" err || fail "$(cat err)" || return
    "$SR" serve -F st --port 99999 2> err
    [ $? -eq 125 ] && grep -q "is not a port number" err || fail "$(cat err)"
}

t_dashboard_shows_an_empty_storage_and_stops_on_sigint() {
    mkdir st
    trap 'kill $SERVE_PID 2>/dev/null' EXIT
    serve_start st || return
    [ "$(status_of "$URL")" = 200 ] && [ "$(status_of "${URL}api/runs?sort=-id")" = 200 ] || fail "an empty storage" || return
    kill -INT $SERVE_PID && wait $SERVE_PID || fail "status $? after SIGINT"
}

t_dashboard_reduces_a_million_points_and_caches_them() {
    make_small_storage || return
    python3 - st/1/metrics.json <<'PY'
import json, math, sys
n = 1000000
v = [math.sin(i / 5000) for i in range(n)]
v[123457], v[765432] = 1e6, -1e6
ts = ["2026-01-01T00:%02d:%02d.%06d" % (i // 60000000 % 60, i // 1000000 % 60, i % 1000000) for i in range(n)]
json.dump({"loss": {"steps": list(range(n)), "timestamps": ts, "values": v}}, open(sys.argv[1], "w"))
PY
    trap 'kill $SERVE_PID 2>/dev/null' EXIT
    serve_start st || return
    curl -sf -o r.json -w '%{size_download}' "${URL}api/runs/1/metrics?name=loss&width=1000" > size || fail "request" || return
    [ "$(cat size)" -lt 100000 ] || fail "$(cat size) bytes for one plot" || return
    python3 - <<'PY' || fail "reduced: $(head -c 300 r.json)" || return
import json
r = json.load(open("r.json"))
assert r["count"] == 1000000 and r["reduced"] and len(r["x"]) <= 2002, (r["count"], len(r["x"]))
assert 1e6 in r["y"] and -1e6 in r["y"] and r["x"][0] == 0 and r["x"][-1] == 999999
PY
    curl -sf "${URL}api/runs/1/metrics?name=loss&width=1000&from=1000&to=1999" > z.json || return
    python3 -c 'import json; r = json.load(open("z.json")); assert r["x"] == list(range(1000, 2000)) and not r["reduced"], r["x"][:5]' \
        || fail "zoomed: $(head -c 200 z.json)" || return
    # Same size and mtime: the cached series answers; another size: metrics.json is read again.
    sed 's/"loss"/"lost"/' st/1/metrics.json > m && touch -r st/1/metrics.json m && mv m st/1/metrics.json
    [ "$(status_of "${URL}api/runs/1/metrics?name=loss")" = 200 ] || fail "the cache was not used" || return
    printf '{"lost": {"steps": [1], "timestamps": ["2026-01-01T00:00:00.000000"], "values": [2]}}' > st/1/metrics.json
    [ "$(status_of "${URL}api/runs/1/metrics?name=lost")" = 200 ] && [ "$(status_of "${URL}api/runs/1/metrics?name=loss")" = 404 ] \
        || fail "a changed metrics.json was not read again" || return
    serve_stop $SERVE_PID
}

t_dashboard_damaged_series_fails_alone_and_many_read_at_once() {
    make_small_storage || return
    python3 - st/1/metrics.json <<'PY'
import json, sys
n = 200000
good = {"steps": list(range(n)), "timestamps": ["2026-01-01T00:00:00.000000"] * n, "values": [i % 7 for i in range(n)]}
json.dump({"m%d" % k: good for k in range(6)}, open(sys.argv[1], "w"))
PY
    # m3's 1001st value becomes a non-number the index does not look at (it only counts them).
    python3 - st/1/metrics.json <<'PY'
import sys
p = sys.argv[1]
t = open(p).read()
at = t.index('"m3"')
at = t.index('"values": [', at)
for _ in range(1000):
    at = t.index(",", at + 1)
open(p, "w").write(t[:at + 2] + "tru" + t[at + 3:])
PY
    trap 'kill $SERVE_PID 2>/dev/null' EXIT
    serve_start st || return
    pids=
    for k in 0 1 2 3 4 5; do
        curl -s -o m$k.json -w '%{http_code}\n' "${URL}api/runs/1/metrics?name=m$k" > code$k &
        pids="$pids $!"
    done
    wait $pids
    for k in 0 1 2 4 5; do
        [ "$(cat code$k)" = 200 ] && python3 -c 'import json,sys; r = json.load(open(sys.argv[1])); assert r["count"] == 200000 and max(r["y"]) == 6' m$k.json \
            || fail "m$k: $(cat code$k) $(head -c 200 m$k.json)" || return
    done
    [ "$(cat code3)" = 422 ] && grep -q 'changed while it was read\|not' m3.json || fail "the damaged series: $(cat code3) $(cat m3.json)" || return
    curl -sf "${URL}api/runs/1" | python3 -c 'import json,sys; r = json.load(sys.stdin); assert [m["count"] for m in r["metrics"]] == [200000] * 6 and "metrics_error" not in r, r["metrics"]' \
        || fail "the run's metric list" || return
    printf '{"loss": {"steps": [1, 2], "timestamps": ["a", "b"], "values": [1, 2' > st/1/metrics.json
    curl -s "${URL}api/runs/1" | grep -q '"metrics_error"' || fail "a half-written metrics.json is not reported" || return
    serve_stop $SERVE_PID
}

t_dashboard_report_opens_offline() {
    browser_driver || return
    printf '#!/bin/sh\nfor i in 1 2 3; do echo "loss: 0.$i$1"; done\necho "<script>alert(1)</script>"\n' > job.sh && chmod +x job.sh
    for i in 1 2 3; do "$SR" -F st -l ERROR --no-sys-metrics ./job.sh $i > /dev/null || return; done
    if "$SR" report -F st 1 -o out/report.html 2> err; then fail "wrote into a missing folder"; return; fi
    mkdir out && "$SR" report -F st 1 3 -o out/report.html || fail "report: $?" || return
    ! grep -q 'src="/static\|href="/static\|src="http\|href="http' out/report.html || fail "asks the network: $(grep -o 'src="[^"]*"' out/report.html | head -3)" || return
    REPORT=$PWD/out/report.html REPORT_IDS='1 3' RUN_ID=3 METRIC=loss COMPARE_IDS=1,3 SHOTS=$ROOT/build/screenshots \
        node "$BROWSER/report.js" > browser.log 2>&1
    local rc=$?
    cat browser.log
    [ $rc -eq 0 ] || fail "the report test failed" || return
    "$SR" report -F st 99 -o r.html 2> err
    [ $? -eq 125 ] && grep -q "no run '99'" err || fail "unknown id: $(cat err)"
}

t_dashboard_tags_of_a_running_run_survive_its_heartbeats() {
    mkdir st
    # Not local: the EXIT trap runs after the function has returned.
    trap 'kill $SERVE_PID ${RUN_BG:-} 2>/dev/null' EXIT
    "$SR" -F st -l ERROR -b 0.2 --no-sys-metrics sleep 2 &
    RUN_BG=$!
    for _ in $(seq 50); do [ -f st/1/run.json ] && break; sleep 0.1; done
    serve_start st || return
    local origin=${URL%/}
    curl -sf -o /dev/null -X POST -H "Origin: $origin" -d '{"tags": ["live"], "notes": "while running"}' \
        "${URL}api/runs/1/omniboard" || fail "POST: $?" || return
    wait $RUN_BG || fail "the run failed: $?" || return
    chk st/1 'r["status"] == "COMPLETED"' 'r["omniboard"] == {"tags": ["live"], "notes": "while running"}' || return
    serve_stop $SERVE_PID
}

t_dashboard_runs_list_follows_the_storage() {
    printf '#!/bin/sh\necho "loss: 0.5"\n' > one.sh && chmod +x one.sh
    "$SR" -F st -l ERROR --no-sys-metrics ./one.sh > /dev/null || return
    trap 'kill $SERVE_PID 2>/dev/null' EXIT
    serve_start st || return
    listed() { curl -sf "${URL}api/runs" | python3 -c 'import json,sys; print(" ".join("%s:%s" % (r["id"], r["values"]["tags"]) for r in json.load(sys.stdin)["runs"]))'; }
    [ "$(listed)" = "1:None" ] && [ "$(listed)" = "1:None" ] || fail "first: $(listed)" || return
    "$SR" tag -F st 1 kept > /dev/null || return
    [ "$(listed)" = "1:['kept']" ] || fail "after a tag: $(listed)" || return
    "$SR" -F st -l ERROR --no-sys-metrics ./one.sh > /dev/null || return
    [ "$(listed)" = "1:['kept'] 2:None" ] || fail "after a new run: $(listed)" || return
    rm -r st/1
    [ "$(listed)" = "2:None" ] || fail "after rm: $(listed)" || return
    serve_stop $SERVE_PID
}
