# t_missed.sh: nothing a run does is missed: files written through directory fds, renamed,
# linked or made from templates; `sacred-run log` inside every run; `python3 -m`'s module as
# the main file; memory peaks of runs shorter than a heartbeat. Sourced by run.sh.

# --- files written through directory descriptors ------------------------------------------

t_files_written_every_way_are_artifacts() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/at_writes" > out || fail "status $?: $(cat out)" || return
    chk logs/1 'r["artifacts"] == sorted(["d1/" + n + ".txt" for n in ["creat", "creat64", "orig", "renameat", "same"] + [m + s for m in ("mkstemp", "mkostemp", "mkstemps", "mkostemps") for s in ("", "64")]] + ["d2/" + n + ".txt" for n in ["link", "linkat", "openat2", "renameat2", "same", "tmpfile-fd", "tmpfile-proc"]])' \
        'open(rd + "/d2/same.txt").read() == "same in d2"' || return
    mkdir bare && (cd bare && "$P/at_writes" > ../direct) || return
    cmp -s out direct || fail "the preload changed results: $(diff direct out)"
}

# The artifacts of one run of a real tool, one per line.
artifacts_of() {
    rm -rf logs
    "$SR" -F logs -l ERROR --no-sys-metrics "$@" > /dev/null || return
    python3 -c 'import json; print("\n".join(json.load(open("logs/1/run.json"))["artifacts"]))'
}

t_files_written_by_real_copy_tools() {
    command -v rsync > /dev/null || fail "rsync missing (scripts/install-deps.sh)" || return
    mkdir -p src/sub/deeper && for f in a.txt sub/b.csv sub/deeper/c.bin; do echo "$f" > "src/$f"; done
    want=$'dst/a.txt\ndst/sub/b.csv\ndst/sub/deeper/c.bin'
    got=$(artifacts_of rsync -a src/ dst/) && [ "$got" = "$want" ] || fail "rsync: $got" || return
    got=$(artifacts_of cp -r src copy) && [ "$got" = "${want//dst/copy}" ] || fail "cp: $got" || return
    got=$(artifacts_of install -D -m 644 src/a.txt inst/x/a.txt) && [ "$got" = inst/x/a.txt ] \
        || fail "install: $got" || return
    cp src/a.txt edited.txt
    got=$(artifacts_of sed -i s/a/A/ edited.txt) && [ "$got" = edited.txt ] || fail "sed -i: $got" || return
    tar cf src.tar src && mkdir untar
    got=$(cd untar && artifacts_of tar xf ../src.tar) && [ "$got" = "${want//dst/src}" ] || fail "tar x: $got"
}
