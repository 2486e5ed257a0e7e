# t_cost2.sh: the launcher's work per file and per report, counted with strace rather than
# timed (scripts/bench-programs.py times it): a copy tool's files are recorded without
# hashing a resource twice, a mkdir per file or a read of /proc per copy, and a burst of
# reports never makes the program wait on a full event queue for a whole pause.

# A tree of 40 files in 4 directories, under the working directory.
make_tree() {
    for d in 0 1 2 3; do
        mkdir -p tree/d$d
        for i in 0 1 2 3 4 5 6 7 8 9; do printf 'file %s %s\n' $d $i > tree/d$d/f$i.txt; done
    done
}

t_copy_tool_files_cost_one_hash_and_copy() {
    command -v strace > /dev/null || fail "strace is a test need (make deps)" || return
    make_tree
    ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -f --seccomp-bpf -e trace=openat,open,mkdir,execve \
        -o trace "$SR" -F logs --no-sys-metrics cp -r tree copy > out 2>&1 || fail "$(cat out)" || return
    launcher_lines trace > ours
    opens=$(grep -c '"'"$PWD"'/tree/d2/f7.txt"' ours)
    # the hasher thread's hash, the check for '#!' (a source?) and the copy
    [ "$opens" -le 3 ] || fail "a resource opened $opens times by the launcher (hash, '#!', copy)" || return
    mkdirs=$(grep -c 'mkdir(' ours)
    # the run directory and the event directory at the start, then one per directory made
    [ "$mkdirs" -le 20 ] || fail "$mkdirs mkdir calls for 40 files in 4 directories" || return
    status=$(grep -c '/proc/self/status' ours)
    [ "$status" -le 1 ] || fail "/proc/self/status read $status times" || return
    chk logs/1 'len(r["artifacts"]) == 40' 'len(r["resources"]) == 40' 'len(r["resource_files"]) == 40' \
        'open("logs/1/copy/d2/f7.txt").read() == "file 2 7\n"' || return
    for f in tree/d*/f*.txt; do
        cmp -s "$f" "logs/1/copy/${f#tree/}" || fail "artifact copy of $f differs" || return
    done
    [ "$(find logs/_resources -type f | wc -l)" -eq 40 ] || fail "$(ls logs/_resources | head)"
}

t_burst_of_reports_shortens_the_pause() {
    command -v strace > /dev/null || fail "strace is a test need (make deps)" || return
    for d in 0 1 2 3 4 5 6 7 8 9; do
        mkdir -p in/d$d
        for i in $(seq 0 199); do echo "$d $i" > in/d$d/f$i; done
    done
    ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -f --seccomp-bpf -e trace=ppoll,execve \
        -o trace "$SR" -F logs --no-sys-metrics sh -c 'cat in/d*/f* | wc -l' > out 2>&1 || fail "$(cat out)" || return
    # A pause is a ppoll (of every fd but the event socket's) with the pause as its timeout.
    launcher_lines trace | grep -oE 'tv_nsec=[0-9]+\}, NULL' | grep -oE 'tv_nsec=[0-9]+' | sort | uniq -c > pauses
    grep -q 'tv_nsec=1000000$' pauses || grep -qvE ' tv_nsec=1000000$' pauses \
        || fail "every pause was 1 ms while 2,000 reports came: $(cat pauses)" || return
    grep -qvE ' tv_nsec=1000000$' pauses || fail "no shorter pause: $(cat pauses)" || return
    chk logs/1 'len(r["resource_files"]) == 2000'
}

# A short run writes run.json twice (at the start, the final one), no heartbeat between
# them, metrics.json from memory (no fragment files), and its record still has what the
# facts threads found (git, the executable's MD5) and its sys.* points.
t_short_run_writes_run_json_twice() {
    command -v strace > /dev/null || fail "strace is a test need (make deps)" || return
    git init -q repo && git -C repo -c user.name=t -c user.email=t@t commit -q --allow-empty -m c0 || return
    cd repo || return
    ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -f --seccomp-bpf -e trace=renameat,rename,renameat2,mkdirat,execve \
        -o ../trace "$SR" -F ../logs /bin/true > ../out 2>&1 || fail "$(cat ../out)" || return
    cd .. || return
    writes=$(launcher_lines trace | grep -cE 'rename(at2?)?\(.*"run\.json"')
    [ "$writes" -eq 2 ] || fail "run.json written $writes times: $(launcher_lines trace | grep run.json)" || return
    ! launcher_lines trace | grep -q '"\.metrics"' || fail "fragment files made: $(grep metrics trace)" || return
    chk logs/1 'len(metrics["sys.cpu_percent"]["values"]) >= 1' || return
    chk logs/1 'r["status"] == "COMPLETED"' 'len(r["experiment"]["repositories"]) == 1' \
        'r["experiment"]["repositories"][0]["dirty"] is False' 'len(r["program"]["md5"]) == 32'
}
