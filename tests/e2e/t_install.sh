# t_install.sh: building and installing: make install and uninstall with DESTDIR, the
# installed copy finds its preload library, make never installs packages, the include rule.

t_installed_copy_finds_its_library() { # make install/uninstall with DESTDIR
    make -s -C "$ROOT" install PREFIX=/usr/local DESTDIR="$PWD/inst" > /dev/null || return
    "$PWD/inst/usr/local/bin/sacred-run" -F logs -l ERROR --no-sys-metrics /bin/echo hi > out || return
    grep -qx hi out && [ -f inst/usr/local/include/sacred-report.h ] || fail "$(cat out)" || return
    chk logs/1 'r["program"]["preload"] == "active" and r["program"]["instrumented"]' || return
    make -s -C "$ROOT" uninstall PREFIX=/usr/local DESTDIR="$PWD/inst" > /dev/null || return
    [ -z "$(find inst -type f)" ] || fail "left after uninstall: $(find inst -type f)"
}

t_make_names_missing_packages_and_installs_nothing() {
    mkdir bin none
    printf '#!/bin/sh\necho "$0 $*" >> "%s/calls"\n' "$PWD" > bin/apt-get
    chmod +x bin/apt-get && cp bin/apt-get bin/sudo
    for goal in all install check; do
        PATH="$PWD/bin:$PATH" PKG_CONFIG_LIBDIR="$PWD/none" make --no-print-directory -C "$ROOT" $goal > out 2> err
        [ $? -eq 2 ] && [ ! -s out ] && [ "$(wc -l < err)" -eq 1 ] || fail "make $goal: $(cat out err)" || return
        grep -q "missing Debian packages: libcjson-dev .*libyaml-dev[^;]*; install them with 'make deps'" err \
            || fail "make $goal said: $(cat err)" || return
    done
    [ ! -e calls ] || fail "make ran: $(cat calls)"
}

t_include_rule_refuses_an_upward_include() {
    mkdir -p l/util l/record
    printf '#include "record/b.h"\n' > l/util/a.c
    printf '#include "preload/sr_protocol.h"\n#include "util/a.h"\n' > l/record/b.h
    touch l/util/a.h
    "$ROOT/scripts/check-includes.py" l > out && fail "accepted: $(cat out)" || true
    grep -q 'l/util/a.c:1: "record/b.h": util may not include record' out || fail "$(cat out)" || return
    [ "$(wc -l < out)" -eq 2 ] || fail "$(cat out)" || return
    rm l/util/a.c && "$ROOT/scripts/check-includes.py" l || fail "refused a downward include"
}
