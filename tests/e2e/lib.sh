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

chk() { python3 "$E/sacred.py" check "$@"; }
fail() { echo "$*"; return 1; }

# run_tests [REGEX]: runs every t_* function defined (those whose name matches REGEX, grep -E),
# each in its own directory under $WORK; non-zero from a test means failed. Prints PASS/FAIL
# per test and "e2e: N passed, N failed" last; returns non-zero if any failed.
run_tests() {
    tests=$(declare -F | awk '{print $3}' | grep '^t_')
    [ $# -gt 0 ] && tests=$(printf '%s\n' $tests | grep -E "$1")
    for t in $tests; do
        mkdir -p "$WORK/$t"
        if (cd "$WORK/$t" && $t) > "$WORK/$t.log" 2>&1; then
            pass=$((pass + 1))
            echo "PASS ${t#t_}"
        else
            fail=$((fail + 1))
            echo "FAIL ${t#t_}"
            sed 's/^/    /' "$WORK/$t.log" | head -40
        fi
    done
    [ "$fail" -eq 0 ] && rm -rf "$WORK"
    echo "e2e: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
