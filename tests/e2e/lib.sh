# lib.sh: shared by the e2e area files (t_*.sh): paths, environment, the pass/fail counters,
# the helpers chk and fail, and the runner run_tests. Sourced by run.sh.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SR=${SR:-$ROOT/build/asan/sacred-run}
P=$ROOT/build/progs
E=$ROOT/tests/e2e
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 # tests never see the user's git setup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sacred-e2e.XXXXXX")
export XDG_CACHE_HOME=$WORK/cache # the library-version cache stays inside the test run
# verify_asan_link_order=0: "sacred-run log" runs inside runs, under our LD_PRELOAD.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:verify_asan_link_order=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
unset SACRED_RUN_STORAGE
# Tests that call make start their own, not a sub-make of the `make -j2 check` running them.
unset MAKEFLAGS MFLAGS MAKELEVEL
pass=0
fail=0
skipped=0

chk() { python3 "$E/sacred.py" check "$@"; }
fail() { echo "$*"; return 1; }
# skip REASON: ends the test as skipped (counted and shown, not passed): `skip "needs root"; return`.
skip() { echo "$*"; return 77; }

# launcher_lines LOG: the lines of an strace -f log from the launcher's own threads: the first pid (strace's
# exec of the launcher) and those that never exec (the program's processes all do).
launcher_lines() {
    awk 'NR == 1 { first = $1 } /execve\(/ && $1 != first { x[$1] = 1 } { l[NR] = $0; p[NR] = $1 }
         END { for (i = 1; i <= NR; i++) if (!(p[i] in x)) print l[i] }' "$1"
}

# run_tests [REGEX]: runs every t_* function defined (those whose name matches REGEX, grep -E),
# each in its own directory under $WORK; 77 from a test means skipped, other non-zero failed.
# Prints PASS/SKIP/FAIL per test and "e2e: N passed, N failed" last (after "e2e: N skipped"
# when any were); returns non-zero if any failed.
run_tests() {
    tests=$(declare -F | awk '{print $3}' | grep '^t_')
    [ $# -gt 0 ] && tests=$(printf '%s\n' $tests | grep -E "$1")
    for t in $tests; do
        mkdir -p "$WORK/$t"
        (cd "$WORK/$t" && $t) > "$WORK/$t.log" 2>&1
        rc=$?
        if [ $rc -eq 0 ]; then
            pass=$((pass + 1))
            echo "PASS ${t#t_}"
        elif [ $rc -eq 77 ]; then
            skipped=$((skipped + 1))
            echo "SKIP ${t#t_}: $(tail -1 "$WORK/$t.log")"
        else
            fail=$((fail + 1))
            echo "FAIL ${t#t_}"
            sed 's/^/    /' "$WORK/$t.log" | head -40
        fi
    done
    [ "$fail" -eq 0 ] && rm -rf "$WORK"
    [ "$skipped" -eq 0 ] || echo "e2e: $skipped skipped"
    echo "e2e: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
