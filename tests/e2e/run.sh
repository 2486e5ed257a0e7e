#!/usr/bin/env bash
# run.sh: end-to-end tests. Runs real programs under the ASan/UBSan build of sacred-run and
# asserts on the files it wrote; prints "e2e: N passed, N failed" last and fails if any failed.
#   run.sh            all tests: every area file t_*.sh in this directory
#   run.sh AREA       the tests of t_AREA.sh, e.g. run.sh config
#   run.sh -t REGEX   the tests whose name matches REGEX (grep -E), e.g. run.sh -t forced_id
# A single argument that is no area but matches test names works as -t REGEX (the old usage).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

areas=()
for f in "$E"/t_*.sh; do f=${f##*/t_}; areas+=("${f%.sh}"); done
die() { echo "run.sh: $*" >&2; rm -rf "$WORK"; exit 2; }
usage="usage: run.sh [AREA | -t REGEX]; areas: ${areas[*]}"

files=("$E"/t_*.sh)
regex=
case "$#:${1-}" in
0:) ;;
1:-h | 1:--help) echo "$usage"; rm -rf "$WORK"; exit 0 ;;
2:-t) regex=$2 ;;
1:-*) die "$usage" ;;
1:*) regex=$1
    for a in "${areas[@]}"; do [ "$a" = "$1" ] && files=("$E/t_$a.sh") && regex=; done ;;
*) die "$usage" ;;
esac
# shellcheck source=/dev/null
for f in "${files[@]}"; do . "$f"; done

dups=$(sed -n 's/^\(t_[A-Za-z0-9_]*\) *().*/\1/p' "$E"/t_*.sh | sort | uniq -d)
[ -z "$dups" ] || die "defined in more than one area file: ${dups//$'\n'/ }"
if [ $# -eq 1 ] && [ -n "$regex" ] && ! declare -F | awk '{print $3}' | grep '^t_' | grep -qE -- "$regex"; then
    die "unknown area '$1' (areas: ${areas[*]}; -t REGEX selects tests by name)"
fi

if [ -n "$regex" ]; then run_tests "$regex"; else run_tests; fi
