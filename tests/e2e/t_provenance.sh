# t_provenance.sh: what a run records about its origin: host, ENV and GPU info, preload
# behaviour, files, sources, dependencies, processes, git and --enforce_clean.

# --- host and environment -----------------------------------------------------------------

t_platform_string_matches_python() {
    "$SR" -F logs true || return
    want=$(python3 -c 'import platform; print(platform.platform())')
    chk logs/1 "r['host']['os'][1] == '$want'" "r['host']['hostname'] == os.uname().nodename"
}

t_gpu_info_from_nvidia_smi() {
    mkdir bin
    cat > bin/nvidia-smi <<'SH'
#!/bin/sh
echo "550.54.15, NVIDIA H200, Enabled, 143771"
echo "550.54.15, NVIDIA H200, Disabled, 143771"
SH
    chmod +x bin/nvidia-smi
    PATH="$PWD/bin:$PATH" "$SR" -F logs -l ERROR true || return
    "$SR" -F logs -l ERROR true || return
    chk logs/1 'r["host"]["gpus"] == {"driver_version": "550.54.15", "gpus": [
        {"model": "NVIDIA H200", "persistence_mode": True, "total_memory": 143771},
        {"model": "NVIDIA H200", "persistence_mode": False, "total_memory": 143771}]}' || return
    chk logs/2 '"gpus" not in r["host"]'
}

t_nvidia_smi_does_not_read_stdin() {
    # Once for the host info, then at every beat: none of them may take the program's input.
    mkdir bin
    cat > bin/nvidia-smi <<'SH'
#!/bin/sh
echo call >> "$0.calls"
cat >> "$0.stdin"
echo "550.54.15, NVIDIA H200, Enabled, 143771"
SH
    chmod +x bin/nvidia-smi
    printf 'for the program\n' | PATH="$PWD/bin:$PATH" "$SR" -F logs -l ERROR -b 0.1 \
        sh -c 'sleep 0.5; cat' > out || return
    [ "$(cat out)" = "for the program" ] && [ ! -s bin/nvidia-smi.stdin ] \
        && [ "$(wc -l < bin/nvidia-smi.calls)" -ge 2 ] \
        || fail "program read '$(cat out)'; nvidia-smi read '$(cat bin/nvidia-smi.stdin)'"
}

t_helper_commands_start_with_default_signals() {
    # The launcher blocks the signals its signalfd reads; a helper must not inherit that.
    mkdir bin
    printf '#!/bin/sh\ngrep -E "^Sig(Blk|Ign)" /proc/self/status >> "$0.sig"\necho "550.54.15, NVIDIA H200, Enabled, 143771"\n' > bin/nvidia-smi
    chmod +x bin/nvidia-smi
    PATH="$PWD/bin:$PATH" "$SR" -F logs -l ERROR -b 0.1 sleep 0.3 || return
    [ "$(grep -c SigBlk bin/nvidia-smi.sig)" -ge 2 ] || fail "nvidia-smi was not run at a beat" || return
    # Signals 1-31 only: glibc's posix_spawn leaves its own internal signals (32, 33) ignored.
    while read -r what mask; do
        [ $((0x$mask & 0x7fffffff)) -eq 0 ] || fail "a helper started with $what $mask" || return
    done < bin/nvidia-smi.sig
}

t_environment_redacted() {
    MY_API_KEY=topsecret GITHUB_TOKEN=t2 XAUTHORITY=/x WANDB_ENTITY=me PLAIN=ok \
        "$SR" -F logs --env-allow XAUTHORITY --env-deny wandb -l ERROR true || return
    chk logs/1 'r["host"]["ENV"]["MY_API_KEY"] == "<redacted by sacred-run>"' \
        'r["host"]["ENV"]["GITHUB_TOKEN"] == "<redacted by sacred-run>"' \
        'r["host"]["ENV"]["XAUTHORITY"] == "/x" and r["host"]["ENV"]["PLAIN"] == "ok"' \
        'r["host"]["ENV"]["WANDB_ENTITY"] == "<redacted by sacred-run>"' \
        'b"topsecret" not in open(rd + "/run.json", "rb").read()' \
        'r["meta"]["options"]["--env-allow"] == ["XAUTHORITY"]'
}

# --- preload ------------------------------------------------------------------------------

t_static_binary_not_instrumented() {
    "$SR" -F logs "$P/static_hello" world > out || fail "status $?" || return
    grep -qx "static says world" out || fail "output not shown" || return
    chk logs/1 'r["program"]["preload"] == "not-loaded-static"' 'not r["program"]["instrumented"]' \
        'cout == b"static says world\n"' 'r["status"] == "COMPLETED"' \
        'r["processes"][0]["instrumented"] is False'
}

t_preload_clean_under_valgrind() {
    command -v valgrind > /dev/null || fail "valgrind missing" || return
    "$SR" -F logs -l ERROR valgrind -q --error-exitcode=99 --trace-children=no \
        "$P/spawner" > out 2> err
    rc=$?
    [ "$rc" -eq 0 ] || fail "valgrind status $rc: $(head -30 err)" || return
    grep -q from-exec out || fail "output: $(cat out)"
}

t_preload_survives_stripped_environment() {
    "$SR" -F logs -l ERROR "$P/spawner" > out || fail "status $?" || return
    printf 'from-system\nfrom-popen\npclose 0\nfrom-spawn\nfrom-exec\n' > want
    cmp -s out want || fail "output: $(cat out)" || return
    chk logs/1 \
        'sum(1 for p in r["processes"] if p["executable"] == "/usr/bin/dash" and p["instrumented"]) == 2' \
        'any(p["argv"] == ["echo", "from-spawn"] and p["instrumented"] for p in r["processes"])' \
        'any(p["argv"] == ["/bin/echo", "from-exec"] and p["instrumented"] for p in r["processes"])'
}

t_preload_keeps_errno() {
    "$P/errno_check" > direct || return
    "$SR" -F logs -l ERROR "$P/errno_check" > out || return
    cmp -s out direct || fail "the preload changed results: $(diff direct out)" || return
    grep -q "execve rc=-1 errno=ENOENT" out || fail "unexpected baseline: $(cat out)"
}

t_preload_exports_only_hooks() {
    nm -D --defined-only "$ROOT/build/libsacred-preload.so" | awk '{print $3}' | sort > got
    printf '%s\n' execl execle execlp execv execve execvp execvpe fexecve pclose popen \
        posix_spawn posix_spawnp sigaction signal system open open64 openat openat64 \
        __open_2 __open64_2 __openat_2 __openat64_2 creat creat64 fopen fopen64 freopen \
        freopen64 mkstemp mkstemp64 mkostemp mkostemp64 mkstemps mkstemps64 mkostemps \
        mkostemps64 syscall rename renameat renameat2 link linkat chdir fchdir dlopen \
        waitpid wait wait3 wait4 waitid fork | sort > want
    cmp -s got want || fail "exported: $(tr '\n' ' ' < got)"
}

# --- files and dependencies ---------------------------------------------------------------

t_files_python_package_data_outputs() {
    git init -q . && mkdir -p pkg data
    printf 'from .helper import double\n' > pkg/__init__.py
    printf 'def double(x):\n    return 2 * x\n' > pkg/helper.py
    cat > train.py <<'PY'
import os, pkg
rows = open("data/train.csv").read().split()
with open("big.bin", "rb") as f:
    f.read(10)
os.makedirs("out", exist_ok=True)
with open("out/model.txt", "w") as f:
    f.write("weights %d\n" % pkg.double(len(rows)))
with open("out/tmp.json", "w") as f:
    f.write("{}")
os.rename("out/tmp.json", "out/final.json")
PY
    printf 'a\nb\nc\n' > data/train.csv
    head -c 2000000 /dev/zero > big.bin
    git add -A > /dev/null && git -c user.email=t@t -c user.name=t commit -qm one
    "$SR" -F logs -l ERROR --no-sys-metrics --resource-limit 1M python3 train.py || return
    md5=$(md5sum data/train.csv | cut -d' ' -f1)
    chk logs/1 '[s[0] for s in r["experiment"]["sources"]] == ["train.py", "pkg/__init__.py", "pkg/helper.py"]' \
        'all(os.path.exists("logs/" + s[1]) for s in r["experiment"]["sources"])' \
        'len(r["experiment"]["repositories"]) == 1 and r["experiment"]["repositories"][0]["url"].startswith("file:///")' \
        "r['resources'] == [[os.path.abspath('data/train.csv'), '_resources/train_$md5.csv']]" \
        'os.path.exists("logs/" + r["resources"][0][1])' \
        '[(d["path"].split("/")[-1], d["size"], d["stored"] is None) for d in r["resource_files"]] == [("big.bin", 2000000, True), ("train.csv", 6, False)]' \
        'r["artifacts"] == ["out/final.json", "out/model.txt"]' \
        'open(rd + "/out/model.txt").read() == "weights 6\n" and os.path.exists(rd + "/out/final.json")' \
        'not any("pyenv" in d["path"] or "__pycache__" in d["path"] for d in r["resource_files"])' || return
    "$SR" -F logs -l ERROR --no-sys-metrics --no-files python3 train.py || return
    chk logs/2 'r["resources"] == [] and r["artifacts"] == [] and len(r["experiment"]["sources"]) == 1' || return
    "$SR" -F logs -l ERROR --no-sys-metrics --artifact '*.txt' python3 train.py || return
    chk logs/3 'r["artifacts"] == ["out/model.txt"] and not os.path.exists(rd + "/out/final.json")' \
        'r["meta"]["options"]["--artifact"] == ["*.txt"]'
}

t_files_preload_library_is_not_a_source() { # its DWARF units when the base dir holds it
    "$SR" -F logs -l ERROR --no-sys-metrics --base-dir "$ROOT" /bin/true || return
    chk logs/1 'r["experiment"]["sources"] == []' "r['experiment']['base_dir'] == '$ROOT'"
}

t_files_include_reaches_hidden_dirs() {
    mkdir -p ../.data && printf '1,2\n' > ../.data/x.csv
    "$SR" -F logs -l ERROR --no-sys-metrics cat ../.data/x.csv > /dev/null || return
    "$SR" -F logs -l ERROR --no-sys-metrics --include '*/.data/*' cat ../.data/x.csv > /dev/null || return
    chk logs/1 'r["resources"] == []' || return
    chk logs/2 '[p[0].split("/")[-2:] for p in r["resources"]] == [[".data", "x.csv"]]' \
        'r["meta"]["options"]["--include"] == ["*/.data/*"]'
}

t_files_shell_source_and_md5_cache() {
    printf 'greet() { echo "hello $1"; }\n' > helper.sh
    printf '#!/bin/bash\nsource ./helper.sh\ngreet world > greeting.txt\ncat data.txt\n' > job.sh
    chmod +x job.sh
    echo payload > data.txt
    "$SR" -F logs -l ERROR --no-sys-metrics ./job.sh > /dev/null || return
    chk logs/1 'sorted(s[0] for s in r["experiment"]["sources"]) == ["helper.sh", "job.sh"]' \
        'r["artifacts"] == ["greeting.txt"] and [p[0].split("/")[-1] for p in r["resources"]] == ["data.txt"]' || return
    grep -q "$(md5sum data.txt | cut -d' ' -f1)" logs/.sacred-run-md5-cache || fail "no cache entry"
}

t_files_from_eight_threads() {
    mkdir in
    for t in 0 1 2 3 4 5 6 7; do for i in $(seq 0 49); do echo "$t $i" > "in/t${t}_$i.dat"; done; done
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/threads_open" > /dev/null || return
    chk logs/1 'len(r["resources"]) == 400' 'sorted(r["artifacts"]) == ["out_t%d.txt" % t for t in range(8)]'
}

t_files_after_closing_all_descriptors() {
    echo "some input" > input.txt
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/closeall" > out || return
    grep -q "copied 11" out || fail "$(cat out)" || return
    chk logs/1 '[p[0].split("/")[-1] for p in r["resources"]] == ["input.txt"]' 'r["artifacts"] == ["output.txt"]'
}

t_dependencies_libraries_and_python_packages() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/dlopen_z" > out || return
    grep -q "^zlib 1\." out || fail "$(cat out)" || return
    libc=$(dpkg-query -W -f='${Version}' libc6)
    chk logs/1 "'libc.so.6==$libc' in r['experiment']['dependencies']" \
        'any(d.startswith("libz.so.1==1.") for d in r["experiment"]["dependencies"])' \
        'not any("preload" in d for d in r["experiment"]["dependencies"])' \
        'r["experiment"]["dependencies"] == sorted(r["experiment"]["dependencies"], key=lambda s: (s.lower(), s))' \
        're.match(r"^[0-9a-f]{40}$", r["program"]["elf"]["build_id"] or "") and r["program"]["elf"]["needed"] == ["libc.so.6"]' \
        'r["program"]["elf"]["interpreter"].startswith("/lib") and r["program"]["elf"]["size"] > 0' || return
    pyyaml=$(python3 -c 'import importlib.metadata as m; print(m.version("PyYAML"))' 2>/dev/null) || return 0
    "$SR" -F logs -l ERROR --no-sys-metrics python3 -c 'import yaml' || return
    chk logs/2 "'PyYAML==$pyyaml' in r['experiment']['dependencies']" \
        'not any(".cpython-" in d for d in r["experiment"]["dependencies"])'
}

t_files_dwarf_sources_of_a_debug_build() {
    mkdir -p src build
    printf 'int add(int a, int b);\n' > src/add.h
    printf '#include "add.h"\nint add(int a, int b) { return a + b; }\n' > src/add.c
    printf '#include <stdio.h>\n#include "add.h"\nint main(void) { printf("%%d\\n", add(2, 3)); return 0; }\n' > src/main.c
    cc -g -O0 -o build/prog src/main.c src/add.c || return
    printf 'msg() { echo "running"; }\n' > helper.sh
    printf '#!/bin/sh\n. ./helper.sh\nmsg\n./build/prog\n' > run.sh
    chmod +x run.sh
    "$SR" -F logs -l ERROR --no-sys-metrics ./run.sh > out || return
    grep -qx 5 out || fail "$(cat out)" || return
    chk logs/1 'sorted(s[0] for s in r["experiment"]["sources"]) == ["helper.sh", "run.sh", "src/add.c", "src/main.c"]' \
        'all(os.path.exists("logs/" + s[1]) for s in r["experiment"]["sources"])'
}

t_print_dependencies() {
    git init -q repo && printf 'print("hi")\n' > repo/fit.py
    (cd repo && git add fit.py && git -c user.email=t@t -c user.name=t commit -qm one) || return
    (cd repo && "$SR" print_dependencies python3 fit.py) > out || fail "status $?" || return
    md5=$(md5sum repo/fit.py | cut -d' ' -f1)
    commit=$(git -C repo rev-parse HEAD)
    grep -q '^Executable:' out && grep -qE '^  libc\.so\.6 +== 2\.' out \
        && grep -qE "^  fit\.py +$md5\$" out && grep -qE "^  file://$PWD/repo +$commit\$" out \
        || fail "$(cat out)" || return
    [ ! -e repo/runs ] || fail "print_dependencies created a run"
}

# --- processes ----------------------------------------------------------------------------

t_processes_every_exec_entry_point_after_clearenv() {
    "$SR" -F logs -l ERROR --no-sys-metrics "$P/exec_all" > out || return
    [ "$(wc -l < out)" -eq 12 ] || fail "$(cat out)" || return
    chk logs/1 'sorted(p["argv"][1] for p in r["processes"] if p["argv"][:1] == ["echo"]) == sorted(["execl", "execlp", "execle", "execv", "execvp", "execvpe", "execve", "fexecve", "posix_spawn", "posix_spawnp"])' \
        'all(p["instrumented"] for p in r["processes"] if p["executable"].endswith("/echo"))' \
        'len([p for p in r["processes"] if p["executable"].endswith("/echo")]) == 12' \
        'all(p.get("exit_code") == 0 for p in r["processes"] if p["executable"].endswith("/echo"))'
}

t_processes_end_and_status() {
    printf '#!/bin/bash\n(exit 3)\n/bin/false\n"%s" segv 2>/dev/null\nexit 0\n' "$P/crash" > s.sh
    chmod +x s.sh
    "$SR" -F logs -l ERROR --no-sys-metrics ./s.sh > /dev/null 2>&1 || return
    chk logs/1 'r["processes"][0]["exit_code"] == 0 and r["processes"][0]["end_time"] >= r["processes"][0]["start_time"]' \
        '[p.get("exit_code") for p in r["processes"] if p.get("forked") and p["end_time"]] == [3]' \
        '[p["exit_code"] for p in r["processes"] if p["executable"] == "/usr/bin/false"] == [1]' \
        '[p["signal"] for p in r["processes"] if p["executable"].endswith("/crash")] == ["SIGSEGV"]'
}

# --- git ----------------------------------------------------------------------------------

t_enforce_clean_refuses_a_dirty_repository() {
    git init -q repo && printf 'print("hi")\n' > repo/fit.py
    (cd repo && git add fit.py && git -c user.email=t@t -c user.name=t commit -qm one) || return
    printf 'scratch\n' > repo/notes.txt # untracked: clean, as in Sacred
    (cd repo && "$SR" -F ../logs -l ERROR --no-sys-metrics -e python3 fit.py) > out || fail "status $?" || return
    chk logs/1 'r["meta"]["options"]["--enforce_clean"] is True' 'not r["experiment"]["repositories"][0]["dirty"]' || return
    printf 'print("changed")\n' > repo/fit.py
    (cd repo && "$SR" -F ../logs -l ERROR --no-sys-metrics -e python3 fit.py) > out 2> err
    [ $? -eq 125 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q "uncommitted changes" err \
        && [ ! -s out ] && [ ! -e logs/2 ] || fail "$(cat err)" || return
    "$SR" -F logs -l ERROR --no-sys-metrics -e --base-dir repo /bin/true 2> err # the base dir's repository
    [ $? -eq 125 ] && grep -q "uncommitted changes" err && [ ! -e logs/2 ] || fail "--base-dir: $(cat err)"
}
