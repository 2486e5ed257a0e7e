#!/usr/bin/env bash
# run-tests.sh: the whole test suite: the include rule, Check unit tests (ASan/UBSan build),
# then the end-to-end tests (ASan/UBSan launcher); ends with one "N passed, N failed" line.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:verify_asan_link_order=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CK_FORK=yes

echo "== include rule (scripts/check-includes.py)"
if "$ROOT/scripts/check-includes.py"; then layers_bad=0; echo "include rule: ok"; else layers_bad=1; fi

echo "== unit tests (Check, ASan+UBSan)"
unit_out=$("$ROOT/build/tests/unit" 2>&1)
unit_rc=$?
echo "$unit_out"
summary=$(echo "$unit_out" | grep -E '^[0-9]+%: Checks: ' | tail -1)
checks=$(echo "$summary" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
bad=$(echo "$summary" | sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2/' | awk '{print $1+$2}')
[ -n "$checks" ] || { checks=0; bad=1; }

echo "== end-to-end tests (sacred-run built with ASan+UBSan)"
e2e_out=$("$ROOT/tests/e2e/run.sh" 2>&1)
e2e_rc=$?
echo "$e2e_out"
e2e_pass=$(echo "$e2e_out" | tail -1 | sed -nE 's/^e2e: ([0-9]+) passed, ([0-9]+) failed$/\1/p')
e2e_fail=$(echo "$e2e_out" | tail -1 | sed -nE 's/^e2e: ([0-9]+) passed, ([0-9]+) failed$/\2/p')
[ -n "$e2e_pass" ] || { e2e_pass=0; e2e_fail=1; }
e2e_skipped=$(echo "$e2e_out" | sed -nE 's/^e2e: ([0-9]+) skipped$/\1/p')

passed=$((checks - bad + e2e_pass + 1 - layers_bad))
failed=$((bad + e2e_fail + layers_bad))
[ "$unit_rc" -eq 0 ] && [ "$e2e_rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
[ -z "$e2e_skipped" ] || echo "$e2e_skipped skipped (see SKIP lines above for why)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
