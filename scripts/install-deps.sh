#!/bin/sh
# install-deps.sh: installs the Debian packages sacred-run needs to build and test, if missing.
# Idempotent and silent when everything is present; never removes or upgrades anything.
set -eu
PKGS="gcc make pkg-config libcjson-dev libelf-dev libdw-dev libmd-dev libpcre2-dev libyaml-dev check python3 valgrind util-linux"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
# shellcheck disable=SC2086
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "install-deps: apt-get failed; install these packages by hand:$missing" >&2
    exit 1
fi
rm -f "$log"
