# t_cost.sh: what sacred-run costs, counted rather than timed (the speed targets are checked
# by the benchmarks in scripts/): files the launcher reads, work it does per event.

# Each metadata file of an installed Python distribution is read at most once per run,
# however many module files the program loads (scikit-learn: ~1,900).
py_metadata_once() {
    # LeakSanitizer does not work under ptrace.
    ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -f --seccomp-bpf -e trace=openat,execve -o trace "$SR" -F logs --no-sys-metrics "$@" \
        > out 2>&1 || fail "$(cat out)" || return
    launcher_lines trace | grep -oE '"[^"]*-info/[^"]*"' | sort > opened
    [ -s opened ] || fail "the launcher read no package metadata: $(head -5 trace)" || return
    dup=$(uniq -d opened | head -5)
    [ -z "$dup" ] || fail "metadata read more than once: $dup ($(wc -l < opened) opens)" || return
}

t_python_package_index_is_read_once() {
    command -v strace > /dev/null || fail "strace is a test need (make deps)" || return
    /usr/bin/python3 -c 'import sklearn, zope.interface' 2> /dev/null \
        || fail "python3-sklearn, python3-zope.interface are test needs (make deps)" || return
    cat > fit.py <<'PY'
import zope.interface
from sklearn.linear_model import SGDClassifier
print(SGDClassifier(max_iter=50).fit([[0.0], [1.0]], [0, 1]).predict([[1.0]]))
PY
    py_metadata_once /usr/bin/python3 fit.py || return
    chk logs/1 'any(d.startswith("scikit-learn==") for d in r["experiment"]["dependencies"])' \
        'any(d.startswith("zope.interface==") for d in r["experiment"]["dependencies"])' \
        'any(d.startswith("numpy==") for d in r["experiment"]["dependencies"])'
}

# A reader's pipe is widened to the capture pipe's 1 MiB, so a relayed piece of up to 128 KiB
# never stops halfway in a 64 KiB pipe and the launcher and the reader run side by side.
t_reader_pipe_is_widened() {
    "$SR" -F logs -l ERROR seq 100000 | python3 -c '
import fcntl, sys
data = sys.stdin.buffer.read()
size = fcntl.fcntl(0, 1032)  # F_GETPIPE_SZ
assert data.endswith(b"\n100000\n"), data[-20:]
assert size == 1 << 20, size' || fail "the reader's pipe was not widened"
}

# libsqlite3 and libdw (with the compressors it needs) are loaded only by a run that uses
# them: a SQLite URL, a program built with debug information under the base dir.
t_libraries_loaded_on_demand() {
    command -v strace > /dev/null || fail "strace is a test need (make deps)" || return
    loaded() { # loaded NAME ARGS...: 0 when the launcher opened a library matching NAME
        local name=$1; shift
        ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -f -e trace=openat -o trace "$SR" -l ERROR "$@" \
            > out 2>&1 || fail "$(cat out)" || return 2
        launcher_lines trace | grep -q "\"[^\"]*/$name[^\"/]*\.so[.0-9]*\""
    }
    printf 'int main(void) { return 0; }\n' > p.c && cc -O2 -o plain p.c && cc -g -O0 -o debug p.c || return
    loaded libsqlite3 -F logs ./plain; [ $? = 1 ] || fail "libsqlite3 loaded by a run without a SQLite URL" || return
    loaded libdw -F logs ./plain; [ $? = 1 ] || fail "libdw loaded for a program without debug information" || return
    loaded libsqlite3 -F logs -s "sqlite:///$PWD/r.db" ./plain; [ $? = 0 ] || fail "-s sqlite: libsqlite3 not loaded" || return
    loaded libdw -F logs ./debug; [ $? = 0 ] || fail "a debug build: libdw not loaded" || return
    chk logs/4 '"p.c" in [s[0] for s in r["experiment"]["sources"]]'
}

# An executable in a system location is hashed once per user, not once per storage: its MD5
# is cached in ${XDG_CACHE_HOME:-~/.cache}/sacred-run/md5/system-files and found there by
# a run into a new storage. (A planted entry under /bin/true's key shows it is read.)
t_system_executable_hashed_once_per_user() {
    export XDG_CACHE_HOME=$PWD/cache
    "$SR" -F a -l ERROR /bin/true || return
    cache=cache/sacred-run/md5/system-files
    want=$(md5sum "$(readlink -f /bin/true)" | cut -d' ' -f1)
    grep -q " $want\$" "$cache" || fail "no entry: $(cat "$cache")" || return
    ! grep -q "$want" a/.sacred-run-md5-cache 2> /dev/null || fail "also in the storage's cache" || return
    sed -i "s/ $want\$/ 0123456789abcdef0123456789abcdef/" "$cache"
    "$SR" -F b -l ERROR /bin/true || return
    chk b/1 'r["program"]["md5"] == "0123456789abcdef0123456789abcdef"'
}
