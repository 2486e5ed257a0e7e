# t_missed.sh: nothing a run does is missed: files written through directory fds, renamed,
# linked or made from templates; `sacred-run log` inside every run; `python3 -m`'s module as
# the main file; memory peaks of runs shorter than a heartbeat. Sourced by run.sh.

# --- files written through directory descriptors ------------------------------------------

t_files_written_every_way_are_artifacts() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/at_writes" > out || fail "status $?: $(cat out)" || return
    chk logs/1 'r["artifacts"] == sorted(["d1/" + n + ".txt" for n in ["creat", "creat64", "orig", "renameat", "same"] + [m + s for m in ("mkstemp", "mkostemp", "mkstemps", "mkostemps") for s in ("", "64")]] + ["d2/" + n + ".txt" for n in ["link", "linkat", "openat2", "renameat2", "same", "tmpfile-fd", "tmpfile-proc"]])' \
        'open(rd + "/d2/same.txt").read() == "same in d2"' || return
    mkdir bare && (cd bare && "$P/at_writes" > ../direct) || return
    cmp -s out direct || fail "the preload changed results: $(diff direct out)"
}

# The artifacts of one run of a real tool, one per line.
artifacts_of() {
    rm -rf logs
    "$SR" -F logs -l ERROR --no-sys-metrics "$@" > /dev/null || return
    python3 -c 'import json; print("\n".join(json.load(open("logs/1/run.json"))["artifacts"]))'
}

t_files_written_by_real_copy_tools() {
    command -v rsync > /dev/null || fail "rsync missing (scripts/install-deps.sh)" || return
    mkdir -p src/sub/deeper && for f in a.txt sub/b.csv sub/deeper/c.bin; do echo "$f" > "src/$f"; done
    want=$'dst/a.txt\ndst/sub/b.csv\ndst/sub/deeper/c.bin'
    got=$(artifacts_of rsync -a src/ dst/) && [ "$got" = "$want" ] || fail "rsync: $got" || return
    got=$(artifacts_of cp -r src copy) && [ "$got" = "${want//dst/copy}" ] || fail "cp: $got" || return
    got=$(artifacts_of install -D -m 644 src/a.txt inst/x/a.txt) && [ "$got" = inst/x/a.txt ] \
        || fail "install: $got" || return
    cp src/a.txt edited.txt
    got=$(artifacts_of sed -i s/a/A/ edited.txt) && [ "$got" = edited.txt ] || fail "sed -i: $got" || return
    tar cf src.tar src && mkdir untar
    got=$(cd untar && artifacts_of tar xf ../src.tar) && [ "$got" = "${want//dst/src}" ] || fail "tar x: $got"
}

# --- sacred-run reachable inside every run --------------------------------------------------

t_log_reachable_inside_a_run_without_path() {
    cat > job.sh <<'SH'
sacred-run log scalar loss 1
"$SACRED_RUN_EXE" log scalar loss 2
env -i ASAN_OPTIONS="$ASAN_OPTIONS" "$SACRED_RUN_EXE" log scalar loss 3 # the ASan build needs it
python3 -c 'import subprocess; subprocess.run(["sacred-run", "log", "scalar", "loss", "4"], check=True)'
sacred-run log scalar loss 5 &
wait
echo "$PATH" > path.txt
ls -A "${PATH##*:}" > last.txt
SH
    PATH=/usr/local/bin:/usr/bin:/bin "$SR" -F logs -l ERROR --no-sys-metrics bash job.sh \
        || fail "status $?" || return
    [[ "$(cat path.txt)" == /usr/local/bin:/usr/bin:/bin:/*/bin ]] || fail "PATH: $(cat path.txt)" || return
    [ "$(cat last.txt)" = sacred-run ] || fail "the last PATH entry holds: $(cat last.txt)" || return
    chk logs/1 'metrics["loss"]["values"] == [1, 2, 3, 4, 5]' \
        'not any("sacred-run" in p["executable"] + " ".join(p["argv"][:1]) for p in r["processes"])' \
        'not [d for d in r["experiment"]["dependencies"] if re.match("lib(cjson|microhttpd|yaml-0|dw|elf|md|asan|ubsan)[.]", d)]' \
        'any(p["executable"].endswith("/env") for p in r["processes"])'
}

t_log_inside_a_run_shadows_nothing_on_path() {
    mkdir mine && printf '#!/bin/sh\necho "mine $*"\n' > mine/sacred-run && chmod +x mine/sacred-run
    PATH=$PWD/mine:/usr/bin:/bin "$SR" -F logs -l ERROR --no-sys-metrics \
        sh -c 'sacred-run log scalar loss 1; command -v ls' > out || fail "status $?" || return
    [ "$(cat out)" = $'mine log scalar loss 1\n/usr/bin/ls' ] || fail "output: $(cat out)" || return
    chk logs/1 '"loss" not in metrics'
}

# --- python -m: the module is the main file -------------------------------------------------

t_python_m_module_is_the_main_file() {
    mkdir -p pkg lib/tools
    printf 'import sys\nprint("pkg main", sys.argv[1:])\n' > pkg/__main__.py
    printf 'print("sub")\n' > pkg/sub.py
    printf 'print("hello")\n' > lib/tools/hello.py
    echo '{"b": 1, "a": [2]}' > in.json
    "$SR" -F logs -l ERROR --no-sys-metrics python3 -m pkg --flag x > out || return
    "$SR" -F logs -l ERROR --no-sys-metrics python3 -u -m pkg.sub >> out || return
    PYTHONPATH=$PWD/lib "$SR" -F logs -l ERROR --no-sys-metrics python3 -mtools.hello >> out || return
    "$SR" -F logs -l ERROR --no-sys-metrics python3 -m json.tool --sort-keys in.json >> out || return
    grep -q '"a": \[' out || fail "output: $(cat out)" || return
    chk logs/1 'r["experiment"]["mainfile"] == "pkg/__main__.py" and r["experiment"]["name"] == "pkg"' \
        '[s[0] for s in r["experiment"]["sources"]] == ["pkg/__main__.py"]' || return
    chk logs/2 'r["experiment"]["mainfile"] == "pkg/sub.py" and r["experiment"]["name"] == "sub"' || return
    chk logs/3 'r["experiment"]["mainfile"] == "lib/tools/hello.py" and r["experiment"]["name"] == "hello"' || return
    chk logs/4 'r["experiment"]["mainfile"].endswith("/json/tool.py") and r["experiment"]["name"] == "tool"' \
        'os.path.isfile(r["experiment"]["mainfile"])' \
        '[s[0] for s in r["experiment"]["sources"]] == [r["experiment"]["mainfile"]]' \
        'open("logs/" + r["experiment"]["sources"][0][1]).read() == open(r["experiment"]["mainfile"]).read()'
}

# --- memory of runs shorter than a heartbeat ------------------------------------------------

t_sys_memory_of_a_short_run_from_its_processes() {
    "$SR" -F logs -l ERROR -b 0 "$P/alloc_sleep" || return
    "$SR" -F logs -l ERROR -b 0 sh -c "$P/alloc_sleep; echo done" > /dev/null || return
    "$SR" -F logs -l ERROR -b 0.2 "$P/alloc_sleep" || return
    for id in 1 2 3; do
        chk logs/$id 'r["program"]["peak_rss_tree_bytes"] > 64 << 20' \
            'all(v > 0 for v in metrics.get("sys.rss_bytes", {"values": []})["values"])' || return
    done
    chk logs/1 'sorted(metrics) == ["sys.cpu_percent", "sys.read_bytes", "sys.write_bytes"]' \
        'metrics["sys.cpu_percent"]["values"][0] > 0'
}
