# t_privacy.sh: nothing private leaks into a storage: copies are never more readable than
# their originals and honour the umask, home configuration and credential files are never
# copied, and secrets in the environment, argv and configuration are redacted everywhere.

M='<redacted by sacred-run>'

# mode PATH: the permission bits, in octal.
mode() { stat -c %a "$1"; }

# stored DIR NAME: the one file of the store DIR whose name starts with NAME_.
stored() { ls "$1"/"$2"_* 2> /dev/null | head -1; }

t_copies_keep_the_originals_modes() {
    printf 'key\n' > key.pem; chmod 600 key.pem
    printf 'grp\n' > shared.dat; chmod 640 shared.dat
    printf 'pub\n' > open.dat; chmod 644 open.dat
    printf '#!/bin/sh\ncat key.pem shared.dat open.dat > /dev/null\n' > run.sh; chmod 700 run.sh
    printf 'cat key.pem > secret.out; chmod 600 secret.out\n' >> run.sh
    printf 'echo r > group.out; chmod 640 group.out\n' >> run.sh
    (umask 022 && "$SR" -F logs -l ERROR ./run.sh) || return
    for f in key:600 shared:640 open:644; do
        [ "$(mode "$(stored logs/_resources "${f%:*}")")" = "${f#*:}" ] \
            || fail "resource ${f%:*} stored as $(mode "$(stored logs/_resources "${f%:*}")")" || return
    done
    [ "$(mode "$(stored logs/_sources run)")" = 600 ] || fail "source stored as $(mode "$(stored logs/_sources run)")" || return
    [ "$(mode logs/1/secret.out)" = 600 ] || fail "artifact secret.out is $(mode logs/1/secret.out)" || return
    [ "$(mode logs/1/group.out)" = 640 ] || fail "artifact group.out is $(mode logs/1/group.out)" || return
    chk logs/1 '"secret.out" in r["artifacts"] and len(r["resources"]) == 3'
}

t_copy_of_another_groups_file_is_not_group_readable() {
    [ "$(id -u)" = 0 ] || { skip "needs root (chgrp to a group the user is not in)"; return; }
    printf 'shadowy\n' > other.dat; chgrp 65534 other.dat; chmod 640 other.dat
    (umask 022 && "$SR" -F logs -l ERROR sh -c "$SR log artifact $PWD/other.dat; cat other.dat > /dev/null") || return
    [ "$(mode logs/1/other.dat)" = 600 ] || fail "artifact is $(mode logs/1/other.dat), group $(stat -c %g logs/1/other.dat)" || return
    [ "$(mode "$(stored logs/_resources other)")" = 600 ] || fail "resource is $(mode "$(stored logs/_resources other)")"
}

t_umask_077_keeps_the_whole_storage_private() {
    printf 'd\n' > in.dat
    (umask 077 && "$SR" -F logs -l ERROR sh -c 'cat in.dat > /dev/null; mkdir -p sub; echo a > sub/o.txt; chmod 644 sub/o.txt') || return
    bad=$(find logs \( -type d ! -perm 700 \) -o \( -type f -perm /077 \) -print)
    [ -z "$bad" ] || fail "readable by others under umask 077: $(ls -ld $bad)" || return
    [ -f logs/1/sub/o.txt ] && [ -n "$(stored logs/_resources in)" ] || fail "nothing was copied"
}

t_run_dirs_honour_the_umask() {
    (umask 027 && "$SR" -F logs -l ERROR sh -c 'mkdir d; echo x > d/f') || return
    for d in logs logs/1 logs/1/d; do
        [ "$(mode $d)" = 750 ] || fail "$d is $(mode $d)" || return
    done
    [ "$(mode logs/1/run.json)" = 640 ] && [ "$(mode logs/1/d/f)" = 640 ] || fail "files are not 640"
}

t_unreadable_file_is_never_copied() {
    [ "$(id -u)" = 0 ] || { skip "needs root (a file only root can read, sacred-run run as nobody)"; return; }
    command -v setpriv > /dev/null || { skip "needs setpriv"; return; }
    setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$SR" \
        || { skip "needs a checkout that user nobody can reach ($SR is not executable for it)"; return; }
    d=$(mktemp -d /tmp/sacred-privacy.XXXXXX) && chmod 755 "$d" || return
    mkdir -p "$d/secret" "$d/store" && printf 'root only\n' > "$d/secret/f.txt" || return
    chmod 600 "$d/secret/f.txt" && chmod 711 "$d/secret" && chmod 777 "$d/store"
    (cd "$d" && setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent XDG_CACHE_HOME="$d/cache" \
        "$SR" -F store -l WARNING sh -c "$SR log artifact $d/secret/f.txt; $SR log resource $d/secret/f.txt; true") \
        > out 2> err || { rm -rf "$d"; fail "status $?: $(cat err)"; return; }
    mv "$d/store" store && rm -rf "$d"
    [ "$(grep -c "secret/f.txt" err)" -ge 2 ] || fail "the unreadable file is not named twice: $(cat err)" || return
    ! grep -rq "root only" store || fail "the content was copied" || return
    ! grep -q "root only" err || fail "the content was printed" || return
    chk store/1 'r["artifacts"] == [] and r["resources"] == []'
}

t_home_configuration_is_never_copied() {
    mkdir -p home/.config home/.ssh proj && H=$(cd home && pwd)
    printf '[user]\n\tname = me\n' > home/.gitconfig
    printf 'x\n' > home/.config/x
    printf 'k\n' > home/.ssh/id_rsa
    printf 'machine h login u password p\n' > proj/.netrc
    printf 'data\n' > home/data.csv
    printf 'ok\n' > proj/in.dat
    cd proj
    HOME=$H "$SR" -F ../logs -l ERROR --include "$H/*" sh -c \
        'cat ~/.gitconfig ~/.config/x ~/.ssh/id_rsa ~/data.csv .netrc in.dat > /dev/null' || return
    cd ..
    ! grep -rqs -e 'name = me' -e '^x$' -e '^k$' -e password -e '^data$' logs || fail "a private file was copied" || return
    chk logs/1 'len(r["resources"]) == 1 and r["resources"][0][0].endswith("/proj/in.dat")' \
        '"private_files" not in r' \
        'not any("/home/" in f["path"] or ".netrc" in f["path"] for f in r["resource_files"])' || return
    cd proj
    HOME=$H "$SR" -F ../logs -l ERROR --list-private sh -c 'cat ~/.gitconfig ~/.config/x .netrc in.dat > /dev/null' || return
    cd ..
    chk logs/2 'sorted(os.path.basename(p) for p in r["private_files"]) == [".gitconfig", ".netrc", "x"]' \
        'len(r["resources"]) == 1' 'r["meta"]["options"]["--list-private"] is True'
}

t_home_as_working_directory_keeps_its_plain_files() {
    mkdir -p home && cd home && printf '[core]\n' > .gitconfig && printf 'in\n' > data.csv
    HOME=$PWD "$SR" -F ../logs -l ERROR sh -c 'cat .gitconfig data.csv > /dev/null; echo o > out.txt' || return
    cd ..
    chk logs/1 '[os.path.basename(p) for p, s in r["resources"]] == ["data.csv"]' 'r["artifacts"] == ["out.txt"]'
}

t_reported_private_file_is_refused() {
    mkdir -p home/.ssh && printf 'k\n' > home/.ssh/id_ed25519
    HOME=$PWD/home "$SR" -F logs -l ERROR sh -c "$SR log artifact $PWD/home/.ssh/id_ed25519; $SR log resource $PWD/home/.ssh/id_ed25519; true" \
        2> err || return
    [ "$(grep -c 'is private' err)" = 2 ] || fail "not refused twice: $(cat err)" || return
    [ ! -e logs/1/id_ed25519 ] && [ ! -d logs/_resources ] || fail "copied"
}

t_secrets_redacted_everywhere() {
    DATABASE_URL=postgres://user:dbpwQ7@db/x MY_PASS=mypassQ7 SENTRY_DSN=https://kQ7@s.io/1 SLACK_WEBHOOK=https://h/wQ7 \
        "$SR" -F logs -l ERROR -c 'see https://bob:cpwQ7@h/' "$P/args" --password hunter2 --token=tkQ71 --api-key akQ71 \
        --secret sQ71 --db mysql://root:mypwQ7@h/d --lr 0.1 with api.token=tkQ72 -f > out || return
    for s in dbpwQ7 mypassQ7 kQ7@s.io https://h/wQ7 cpwQ7 hunter2 tkQ71 akQ71 sQ71 mypwQ7 tkQ72; do
        ! grep -rqF -- "$s" logs/1/run.json logs/1/config.json || fail "'$s' is stored: $(grep -rF -- "$s" logs/1 | head -3)" || return
    done
    grep -qx "arg hunter2" out || fail "the program did not get its argv" || return
    grep -q hunter2 logs/1/cout.txt || fail "cout.txt is not as printed" || return
    chk logs/1 "r['host']['ENV']['DATABASE_URL'] == 'postgres://user:$M@db/x'" \
        "r['host']['ENV']['MY_PASS'] == '$M' and r['host']['ENV']['SENTRY_DSN'] == '$M'" \
        "r['program']['argv'][1:9] == ['--password', '$M', '--token=$M', '--api-key', '$M', '--secret', '$M', '--db']" \
        "r['program']['argv'][9] == 'mysql://root:$M@h/d' and r['program']['argv'][10:] == ['--lr', '0.1']" \
        "r['processes'][0]['argv'][2] == '$M'" \
        "cfg['password'] == '$M' and cfg['token'] == '$M' and cfg['api_key'] == '$M' and cfg['lr'] == 0.1" \
        "cfg['api']['token'] == '$M' and r['meta']['config_updates']['api']['token'] == '$M'" \
        "r['meta']['options']['UPDATE'] == ['api.token=$M']" \
        "r['meta']['comment'] == 'see https://bob:$M@h/'"
}

t_program_reads_its_full_configuration() {
    "$SR" -F logs -l ERROR sh -c 'python3 -c "import json, os; print(json.load(open(os.environ[\"SACRED_CONFIG\"]))[\"password\"])"; echo "env $password"' \
        --password hunter2 > out || return
    [ "$(cat out)" = "$(printf 'hunter2\nenv hunter2')" ] || fail "the program got: $(cat out)" || return
    chk logs/1 "cfg['password'] == '$M'" || return
    ! grep -qs hunter2 "${TMPDIR:-/tmp}"/sacred-run.*/config.json || fail "the full configuration was left behind"
}

t_rerun_takes_redacted_values_from_the_environment() {
    DATABASE_URL=postgres://u:pw1@h/d "$SR" -F logs -l ERROR "$P/args" --password 'hun ter2' --db pg://u:pw2@h/d > out1 || return
    if "$SR" -F logs -l ERROR rerun 1 > out 2> err; then fail "rerun started without the secrets"; return; fi
    grep -q "password" err && grep -q "db" err || fail "the missing values are not named: $(cat err)" || return
    [ ! -d logs/2 ] || fail "a run directory was made" || return
    DATABASE_URL=postgres://u:pw1@h/d password='hun ter2' db=pg://u:pw2@h/d "$SR" -F logs -l WARNING rerun 1 > out2 2> err \
        || fail "rerun status $?: $(cat err)" || return
    cmp -s out1 out2 || fail "different output: $(cat out1 out2)" || return
    grep -q DATABASE_URL err || fail "no warning about the redacted variable: $(cat err)" || return
    chk logs/2 "r['program']['argv'][1:3] == ['--password', '$M']" "cfg['password'] == '$M'" \
        'r["meta"]["rerun_of"]["id"] == "1"' 'not any("pw2" in w or "ter2" in w for w in r["meta"]["options"]["UPDATE"])' || return
    DATABASE_URL=z password=x db=y "$SR" -F logs --check rerun 1 > out 2> err || return
    grep -q "no differences found" out || fail "$(cat out err)"
}
