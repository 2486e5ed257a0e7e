#!/bin/sh
# install-deps.sh: the Debian packages sacred-run needs to build and to test, and their
# installer. Installs only what is missing; never removes or upgrades anything.
#   scripts/install-deps.sh                 install what is missing (sudo when not root)
#   scripts/install-deps.sh --missing WHAT  print the missing packages of WHAT (build, test
#                                           or all) on one line, install nothing (make uses it)
set -eu

# Each need: how to tell it is there (pkg-config module, command, or file), and its package.
# Daemons in /usr/sbin are files: that is not on an unprivileged user's PATH.
# libpq-dev: its header only; libpq is loaded by `-s postgresql://` runs (store/db_pg.c).
# libbson-dev: the BSON of `export --mongo-dump` (store/bsonval.c); python3-bson decodes it in
# the tests.
# Chart.js is what `sacred-run serve` draws its plots with (read from that path at run time).
BUILD="cmd:cc:gcc cmd:make:make cmd:pkg-config:pkg-config pkg:libcjson:libcjson-dev
pkg:libelf:libelf-dev pkg:libdw:libdw-dev pkg:libmd:libmd-dev pkg:libpcre2-8:libpcre2-dev
pkg:yaml-0.1:libyaml-dev pkg:libmicrohttpd:libmicrohttpd-dev pkg:sqlite3:libsqlite3-dev
pkg:libpq:libpq-dev pkg:libbson-1.0:libbson-dev"
TEST="pkg:check:check cmd:python3:python3 cmd:valgrind:valgrind cmd:script:util-linux
cmd:git:git cmd:curl:curl cmd:chromium:chromium cmd:node:nodejs cmd:npm:npm
file:/usr/share/javascript/chart.js/chart.min.js:libjs-chart.js cmd:rsync:rsync
file:/usr/lib/python3/dist-packages/zope/event/__init__.py:python3-zope.event
file:/usr/lib/python3/dist-packages/zope/interface/__init__.py:python3-zope.interface
file:/usr/lib/python3/dist-packages/joblib/__init__.py:python3-joblib cmd:xz:xz-utils cmd:zstd:zstd
file:/usr/lib/python3/dist-packages/sklearn/__init__.py:python3-sklearn cmd:strace:strace
file:/usr/sbin/slurmctld:slurm-wlm file:/usr/sbin/munged:munge
file:/usr/lib/postgresql/15/bin/pg_ctl:postgresql-15 cmd:sqlite3:sqlite3
file:/usr/lib/python3/dist-packages/bson/__init__.py:python3-bson"

# Prints the packages of the given needs that are not there, one line.
missing() {
    out=""
    for need in $*; do
        kind=${need%%:*}; rest=${need#*:}; what=${rest%%:*}; pkg=${rest#*:}
        case $kind in
        pkg) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$what" && continue ;;
        cmd) command -v "$what" >/dev/null 2>&1 && continue ;;
        file) [ -e "$what" ] && continue ;;
        esac
        case " $out " in *" $pkg "*) ;; *) out="$out $pkg" ;; esac
    done
    echo "${out# }"
}

if [ "${1-}" = "--missing" ]; then
    case "${2-}" in
    build) missing $BUILD ;;
    test) missing $TEST ;;
    all) missing $BUILD $TEST ;;
    *) echo "install-deps: usage: install-deps.sh [--missing build|test|all]" >&2; exit 2 ;;
    esac
    exit 0
fi
[ $# -eq 0 ] || { echo "install-deps: usage: install-deps.sh [--missing build|test|all]" >&2; exit 2; }

pkgs=$(missing $BUILD $TEST)
[ -z "$pkgs" ] && exit 0
echo "install-deps: installing: $pkgs" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt-get or dpkg holding a lock instead of failing at once: dpkg's lock
# through DPkg::Lock::Timeout; the package lists' lock (apt-get update) has no such
# option, so update is retried while the lock is held, for up to 10 minutes.
APT="$SUDO apt-get -o DPkg::Lock::Timeout=600 -qq"
log=$(mktemp)
update() {
    tries=0
    until $APT update >"$log" 2>&1; do
        grep -q 'Could not get lock' "$log" && [ "$tries" -lt 120 ] || return 1
        tries=$((tries + 1))
        sleep 5
    done
}
# The tests start their own PostgreSQL server; the package must not create and start one.
case " $pkgs " in *" postgresql-15 "*)
    [ -e /etc/postgresql-common/createcluster.conf ] || {
        $SUDO mkdir -p /etc/postgresql-common &&
            echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
    } ;;
esac
# shellcheck disable=SC2086
if ! { update && $APT install -y --no-install-recommends $pkgs >"$log" 2>&1; }; then
    cat "$log" >&2
    rm -f "$log"
    echo "install-deps: apt-get failed; install these packages by hand: $pkgs" >&2
    exit 1
fi
rm -f "$log"
