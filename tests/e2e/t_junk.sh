# t_junk.sh: what must stay out of a record: version control's internals, metrics that are
# progress counts, file names, units or call arguments, packages that only a .pth file
# touched; and sacred-run's own messages are log lines under -l, repeats summarised.

# --- version control's directories --------------------------------------------------------

# A repository with a source, a data file and a fake Mercurial and Subversion area beside
# .git (only their paths matter to the rule).
make_checkout() {
    git init -q "$1" && mkdir -p "$1/pkg" "$1/.hg/store" "$1/.svn/pristine" || return
    printf 'print(1)\n' > "$1/pkg/fit.py"
    printf 'x,y\n1,2\n' > "$1/data.csv"
    printf 'hg\n' > "$1/.hg/store/00changelog.i"
    printf 'svn\n' > "$1/.svn/wc.db"
    (cd "$1" && git add pkg data.csv && git -c user.email=t@t -c user.name=t commit -qm one)
}

# Every path the run recorded: sources, resources, resource_files, artifacts, and the
# files copied into the run directory.
no_vcs_paths() {
    chk "$1" 'not [p for p in [s[0] for s in r["experiment"]["sources"]] + [s[0] for s in r["resources"]]
                + [f["path"] for f in r["resource_files"]] + r["artifacts"]
                + [os.path.join(d, f) for d, _, fs in os.walk(rd) for f in fs]
                if re.search(r"(^|/)(\.git|\.hg|\.svn)/", p)]'
}

t_git_clone_records_no_git_internals() {
    make_checkout src || return
    "$SR" -F logs --no-sys-metrics git clone -q src dst 2> err || fail "clone: $(cat err)" || return
    "$SR" -F logs --no-sys-metrics git clone -q --no-local "file://$PWD/src" dst2 2>> err \
        || fail "clone: $(cat err)" || return
    no_vcs_paths logs/1 && no_vcs_paths logs/2 || return
    chk logs/1 'sorted(r["artifacts"]) == ["dst/data.csv", "dst/pkg/fit.py"]' || return
    chk logs/2 'sorted(r["artifacts"]) == ["dst2/data.csv", "dst2/pkg/fit.py"]' || return
    ! grep -qi warning err || fail "$(cat err)"
}

t_copy_of_checkout_records_no_vcs_internals() {
    make_checkout src || return
    "$SR" -F logs --no-sys-metrics cp -r src copy 2> err || fail "cp: $(cat err)" || return
    no_vcs_paths logs/1 || return
    chk logs/1 'sorted(r["artifacts"]) == ["copy/data.csv", "copy/pkg/fit.py"]' \
        'sorted(f["path"].rsplit("/src/", 1)[1] for f in r["resource_files"]) == ["data.csv"]' \
        '[s[0] for s in r["experiment"]["sources"]] == ["src/pkg/fit.py"]' || return
    ! grep -qi warning err || fail "$(cat err)" || return
    command -v rsync > /dev/null || { skip "rsync is not installed"; return; }
    "$SR" -F logs --no-sys-metrics rsync -a src/ synced/ 2> err || fail "rsync: $(cat err)" || return
    no_vcs_paths logs/2 || return
    ! grep -qi warning err || fail "$(cat err)"
}

# --- dependencies: what was imported, not what a .pth file touched ------------------------

deps_of() { python3 -c 'import json, sys; print(" ".join(d.split("==")[0] for d in json.load(open(sys.argv[1] + "/run.json"))["experiment"]["dependencies"] if ".so" not in d))' "$1"; }

# Debian's zope.interface and zope.event: each ships a *-nspkg.pth that Python runs at
# start-up, and both share the namespace package zope.
t_debian_nspkg_pth_is_no_dependency() {
    ls /usr/lib/python3/dist-packages/zope.event-*-nspkg.pth /usr/lib/python3/dist-packages/zope.interface-*-nspkg.pth \
        > /dev/null || fail "python3-zope.event and python3-zope.interface are test needs (make deps)" || return
    "$SR" -F logs -l ERROR --no-sys-metrics /usr/bin/python3 -c 'import json' || return
    "$SR" -F logs -l ERROR --no-sys-metrics /usr/bin/python3 -c 'import zope.event' || return
    "$SR" -F logs -l ERROR --no-sys-metrics /usr/bin/python3 -c 'import zope.interface' || return
    [ "$(deps_of logs/1)" = "" ] || fail "imported nothing, got: $(deps_of logs/1)" || return
    [ "$(deps_of logs/2)" = "zope.event" ] || fail "imported zope.event, got: $(deps_of logs/2)" || return
    [ "$(deps_of logs/3)" = "zope.interface" ] || fail "imported zope.interface, got: $(deps_of logs/3)"
}

# A virtual environment whose site directory holds two distributions of one namespace
# package (with setuptools' nspkg.pth) and one with a .pth that imports a module of its own.
make_venv_with_pth() {
    python3 -m venv --without-pip v || return
    site=$(v/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    for d in ns.a ns.b; do
        mkdir -p "$site/$d-1.0.egg-info" "$site/ns/${d#ns.}"
        printf 'Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n\n' "$d" > "$site/$d-1.0.egg-info/PKG-INFO"
        echo ns > "$site/$d-1.0.egg-info/top_level.txt"
        echo ns > "$site/$d-1.0.egg-info/namespace_packages.txt"
        echo "VALUE = '$d'" > "$site/ns/${d#ns.}/__init__.py"
        sed 's/zope/ns/g' > "$site/$d-1.0-nspkg.pth" <<'PTH'
import sys, types, os;has_mfs = sys.version_info > (3, 5);p = os.path.join(sys._getframe(1).f_locals['sitedir'], *('zope',));importlib = has_mfs and __import__('importlib.util');has_mfs and __import__('importlib.machinery');m = has_mfs and sys.modules.setdefault('zope', importlib.util.module_from_spec(importlib.machinery.PathFinder.find_spec('zope', [os.path.dirname(p)])));m = m or sys.modules.setdefault('zope', types.ModuleType('zope'));mp = (m or []) and m.__dict__.setdefault('__path__',[]);(p not in mp) and mp.append(p)
PTH
    done
    mkdir -p "$site/hook-2.0.dist-info"
    printf 'Metadata-Version: 2.1\nName: hook\nVersion: 2.0\n\n' > "$site/hook-2.0.dist-info/METADATA"
    echo hook > "$site/hook-2.0.dist-info/top_level.txt"
    printf 'import os\n' > "$site/hook.pth"
}

t_venv_pth_is_no_dependency() {
    make_venv_with_pth || return
    "$SR" -F logs -l ERROR --no-sys-metrics v/bin/python -c 'import json' || return
    "$SR" -F logs -l ERROR --no-sys-metrics v/bin/python -c 'import ns.b; print(ns.b.VALUE)' > out || return
    [ "$(cat out)" = "ns.b" ] || fail "the namespace package did not load: $(cat out)" || return
    [ "$(deps_of logs/1)" = "" ] || fail "imported nothing, got: $(deps_of logs/1)" || return
    [ "$(deps_of logs/2)" = "ns.b" ] || fail "imported ns.b, got: $(deps_of logs/2)"
}

# --- sacred-run's own lines ---------------------------------------------------------------

# Every line on stderr is a log line "LEVEL - NAME - message".
only_log_lines() {
    ! grep -vE '^(DEBUG|INFO|WARNING|ERROR|CRITICAL) - [^ ]+ - ' "$1" || fail "not a log line: $(cat "$1")"
}

t_warnings_are_log_lines_summarised_by_kind() {
    mkdir data && for i in 1 2 3 4; do head -c 3000 /dev/zero > data/big$i.bin; done
    "$SR" -F logs --no-sys-metrics --artifact-limit 1K --result acc cp -r data out 2> err || fail "$(cat err)" || return
    only_log_lines err || return
    [ "$(grep -c 'is larger than --artifact-limit' err)" -eq 2 ] || fail "want the first and a summary: $(cat err)" || return
    grep -qx "WARNING - cp - artifact 'out/big[1-4].bin' is larger than --artifact-limit; not copied" err \
        && grep -qx "WARNING - cp - 3 more warnings of this kind, the last: artifact 'out/big[1-4].bin' is larger than --artifact-limit; not copied" err \
        && grep -qx "WARNING - cp - --result: the run logged no metric 'acc'; result left as it was" err \
        || fail "$(cat err)" || return
    "$SR" -F logs --no-sys-metrics -l CRITICAL --artifact-limit 1K --result acc cp -r data out2 2> err || return
    [ ! -s err ] || fail "-l CRITICAL printed: $(cat err)" || return
    "$SR" -F logs --no-sys-metrics -l ERROR --artifact-limit 1K cp -r data out3 2> err || return
    [ ! -s err ] || fail "-l ERROR printed: $(cat err)" || return
    # Bad input before the program starts stays one line, whatever -l says.
    "$SR" -F logs -l CRITICAL --artifact-limit lots true 2> err
    [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q '^sacred-run: ' err || fail "$(cat err)"
}

t_record_failure_warning_is_a_log_line() {
    printf 'echo ready; sleep 1; echo after\n' > w.sh
    "$SR" -F logs -b 0.2 sh w.sh > out 2> err &
    sr=$!
    sleep 0.5
    rm -rf logs/1
    wait $sr || fail "status $?" || return
    only_log_lines err || return
    [ "$(grep -c '^WARNING - w - cannot update' err)" -eq 1 ] || fail "$(cat err)" || return
    "$SR" -F logs2 -b 0.2 -l ERROR sh w.sh > out 2> err &
    sr=$!
    sleep 0.5
    rm -rf logs2/1
    wait $sr || fail "status $?" || return
    [ ! -s err ] || fail "-l ERROR printed: $(cat err)"
}

# --- metrics: what common tools print is no measurement -----------------------------------

t_tool_output_gives_no_junk_metrics() {
    make_checkout src || return
    head -c 3000000 /dev/zero > big.bin
    cat > tools.sh <<'SH'
git clone --progress --no-local "file://$PWD/src" dst
gzip -v -k big.bin
command -v xz > /dev/null && xz -v -k -T1 big.bin && xz -lvv big.bin.xz
command -v zstd > /dev/null && zstd -v -k big.bin
cc -Wall -DLEVEL=3 -c -o /dev/null -x c /dev/null && echo "cc -Wall -DLEVEL=3 -c -o a.o a.c"
exit 0
SH
    "$SR" -F logs --no-sys-metrics sh tools.sh > out 2>&1 || fail "$(cat out)" || return
    grep -q 'Receiving objects: 100% (' out && grep -q 'big.bin:' out || fail "no tool output: $(cat out)" || return
    chk logs/1 'not [m for m in metrics if re.search(r"objects|big\.bin|MiB|KiB|LEVEL|^B$", m)]'
}

t_python_output_gives_no_junk_metrics() {
    /usr/bin/python3 -c 'import joblib' 2> /dev/null || fail "python3-joblib is a test need (make deps)" || return
    cat > fit.py <<'PY'
from joblib import Parallel, delayed
print(Parallel(n_jobs=1, verbose=10)(delayed(abs)(-i) for i in range(2)))
print("SGD test accuracy:", 0.9)
print("MLP test accuracy:", 0.95)
print("Namespace(lr=0.1, epochs=3)")
PY
    "$SR" -F logs --no-sys-metrics /usr/bin/python3 fit.py > out 2>&1 || fail "$(cat out)" || return
    grep -q '^\[Parallel(n_jobs=1)\]: Done' out || fail "no joblib output: $(cat out)" || return
    chk logs/1 'sorted(metrics) == ["MLP test accuracy", "SGD test accuracy"]' \
        'metrics["SGD test accuracy"]["values"] == [0.9] and metrics["MLP test accuracy"]["values"] == [0.95]'
}
