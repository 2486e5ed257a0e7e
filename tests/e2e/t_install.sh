# t_install.sh: installation: make install and uninstall with DESTDIR; the installed
# copy finds its preload library.

t_installed_copy_finds_its_library() { # make install/uninstall with DESTDIR
    make -s -C "$ROOT" install PREFIX=/usr/local DESTDIR="$PWD/inst" > /dev/null || return
    "$PWD/inst/usr/local/bin/sacred-run" -F logs -l ERROR --no-sys-metrics /bin/echo hi > out || return
    grep -qx hi out && [ -f inst/usr/local/include/sacred-report.h ] || fail "$(cat out)" || return
    chk logs/1 'r["program"]["preload"] == "active" and r["program"]["instrumented"]' || return
    make -s -C "$ROOT" uninstall PREFIX=/usr/local DESTDIR="$PWD/inst" > /dev/null || return
    [ -z "$(find inst -type f)" ] || fail "left after uninstall: $(find inst -type f)"
}
