# pg_local.sh: a PostgreSQL server of its own for a test, from Debian's postgresql-15:
# initdb once per test run (a template), then per test a copy of it started with pg_ctl
# as an unprivileged user, listening only on a Unix socket in the test's directory, and
# stopped by the pid in its postmaster.pid. The role sr has the password pw.
#   pg_start DIR   starts it; sets PG_URL (postgresql://sr@/postgres?host=DIR) and PGPASSWORD
#   pg_stop DIR    stops it (pg_ctl -m fast, else kill of the postmaster's pid)
#   pg_up          in a test: the test's own server in ./pg (skipped without postgresql-15),
#                  stopped when the test's shell exits; its journal and copies in ./state, ./cache

PGBIN=/usr/lib/postgresql/15/bin

# Runs a command as the server's user: ourselves, or under root the postgres user.
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$PG_OWNER" -- "$@"; else "$@"; fi
}

pg_template() {
    t=$WORK/pg-template
    [ -d "$t" ] && return
    mkdir -p "$t.tmp" && echo pw > "$t.pw" || return
    [ "$(id -u)" = 0 ] && chown -R "$PG_OWNER" "$t.tmp" "$t.pw"
    as_pg "$PGBIN/initdb" -D "$t.tmp/data" -U sr --pwfile="$t.pw" -A scram-sha-256 --no-sync \
        > "$t.log" 2>&1 || { cat "$t.log"; return 1; }
    mv "$t.tmp" "$t"
}

pg_start() {
    d=$1
    PG_OWNER=$(id -u postgres > /dev/null 2>&1 && echo postgres || echo nobody)
    [ -x "$PGBIN/pg_ctl" ] || { echo "no $PGBIN/pg_ctl: install postgresql-15 (scripts/install-deps.sh)"; return 1; }
    [ "$(id -u)" = 0 ] && chmod o+x "$WORK" "$(dirname "$d")" # the server's user passes through
    pg_template || return
    mkdir -p "$d" && cp -a "$WORK/pg-template/data" "$d/pgdata" || return
    [ "$(id -u)" = 0 ] && chown -R "$PG_OWNER" "$d/pgdata" && chmod 755 "$d" && chown "$PG_OWNER" "$d"
    as_pg "$PGBIN/pg_ctl" -D "$d/pgdata" -l "$d/pg.log" -w -t 60 \
        -o "-k $d -c listen_addresses= -c fsync=off" start > /dev/null || { cat "$d/pg.log"; return 1; }
    PG_URL="postgresql://sr@/postgres?host=$d"
    PGPASSWORD=pw
    export PG_URL PGPASSWORD
}

pg_stop() {
    d=$1
    [ -f "$d/pgdata/postmaster.pid" ] || return 0
    pid=$(head -1 "$d/pgdata/postmaster.pid")
    as_pg "$PGBIN/pg_ctl" -D "$d/pgdata" -m fast -w -t 30 stop > /dev/null 2>&1 || kill -9 "$pid" 2> /dev/null
    return 0
}

pg_up() {
    [ -x "$PGBIN/pg_ctl" ] || { skip "needs Debian's postgresql-15 (scripts/install-deps.sh)"; return; }
    export XDG_STATE_HOME=$PWD/state XDG_CACHE_HOME=$PWD/cache
    trap 'pg_stop "$PWD/pg"' EXIT
    pg_start "$PWD/pg"
}
