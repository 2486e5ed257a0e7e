# t_junk.sh: what must stay out of a record: version control's internals, metrics that are
# progress counts, file names, units or call arguments, packages that only a .pth file
# touched; and sacred-run's own messages are log lines under -l, repeats summarised.

# --- version control's directories --------------------------------------------------------

# A repository with a source, a data file and a fake Mercurial and Subversion area beside
# .git (only their paths matter to the rule).
make_checkout() {
    git init -q "$1" && mkdir -p "$1/pkg" "$1/.hg/store" "$1/.svn/pristine" || return
    printf 'print(1)\n' > "$1/pkg/fit.py"
    printf 'x,y\n1,2\n' > "$1/data.csv"
    printf 'hg\n' > "$1/.hg/store/00changelog.i"
    printf 'svn\n' > "$1/.svn/wc.db"
    (cd "$1" && git add pkg data.csv && git -c user.email=t@t -c user.name=t commit -qm one)
}

# Every path the run recorded: sources, resources, resource_files, artifacts, and the
# files copied into the run directory.
no_vcs_paths() {
    chk "$1" 'not [p for p in [s[0] for s in r["experiment"]["sources"]] + [s[0] for s in r["resources"]]
                + [f["path"] for f in r["resource_files"]] + r["artifacts"]
                + [os.path.join(d, f) for d, _, fs in os.walk(rd) for f in fs]
                if re.search(r"(^|/)(\.git|\.hg|\.svn)/", p)]'
}

t_git_clone_records_no_git_internals() {
    make_checkout src || return
    "$SR" -F logs --no-sys-metrics git clone -q src dst 2> err || fail "clone: $(cat err)" || return
    "$SR" -F logs --no-sys-metrics git clone -q --no-local "file://$PWD/src" dst2 2>> err \
        || fail "clone: $(cat err)" || return
    no_vcs_paths logs/1 && no_vcs_paths logs/2 || return
    chk logs/1 'sorted(r["artifacts"]) == ["dst/data.csv", "dst/pkg/fit.py"]' || return
    chk logs/2 'sorted(r["artifacts"]) == ["dst2/data.csv", "dst2/pkg/fit.py"]' || return
    ! grep -qi warning err || fail "$(cat err)"
}

t_copy_of_checkout_records_no_vcs_internals() {
    make_checkout src || return
    "$SR" -F logs --no-sys-metrics cp -r src copy 2> err || fail "cp: $(cat err)" || return
    no_vcs_paths logs/1 || return
    chk logs/1 'sorted(r["artifacts"]) == ["copy/data.csv", "copy/pkg/fit.py"]' \
        'sorted(f["path"].rsplit("/src/", 1)[1] for f in r["resource_files"]) == ["data.csv"]' \
        '[s[0] for s in r["experiment"]["sources"]] == ["src/pkg/fit.py"]' || return
    ! grep -qi warning err || fail "$(cat err)" || return
    command -v rsync > /dev/null || { skip "rsync is not installed"; return; }
    "$SR" -F logs --no-sys-metrics rsync -a src/ synced/ 2> err || fail "rsync: $(cat err)" || return
    no_vcs_paths logs/2 || return
    ! grep -qi warning err || fail "$(cat err)"
}
