# Makefile for sacred-run: the launcher (build/sacred-run), its preload library
# (build/libsacred-preload.so), an ASan/UBSan launcher for the tests, and the tests.
# Plain GNU make; quiet unless V=1. It never installs packages: `make deps` does.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
LIBDIR  := $(PREFIX)/lib/sacred-run
INCDIR  := $(PREFIX)/include

CC      ?= cc
CFLAGS  ?= -g -O2
WERROR  ?= 1
WERROR_FLAG := $(if $(filter 1,$(WERROR)),-Werror)
WARN    := -Wall -Wextra $(WERROR_FLAG) -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
BASE    := -std=c11 -D_GNU_SOURCE $(WARN) -MMD -MP
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LAUNCHER_INC := -iquote launcher -iquote .

B := build
LAUNCHER_SRC := $(wildcard launcher/*.c launcher/*/*.c)
LAUNCHER_LIB_SRC := $(filter-out launcher/main.c,$(LAUNCHER_SRC))
PRELOAD_SRC  := $(wildcard preload/*.c)
UNIT_SRC     := $(wildcard tests/unit/check_*.c)
PROG_SRC     := $(wildcard tests/e2e/progs/*.c)
# The dashboard's page assets are compiled into the launcher (scripts/embed-assets.sh).
ASSETS       := $(sort $(wildcard launcher/dashboard/assets/*))
ASSETS_C     := $(B)/gen/dashboard_assets.c

LAUNCHER_OBJ := $(LAUNCHER_SRC:%.c=$(B)/%.o) $(B)/gen/dashboard_assets.o
ASAN_OBJ     := $(LAUNCHER_SRC:%.c=$(B)/asan/%.o) $(B)/asan/gen/dashboard_assets.o
ASAN_LIB_OBJ := $(LAUNCHER_LIB_SRC:%.c=$(B)/asan/%.o) $(B)/asan/gen/dashboard_assets.o
PRELOAD_OBJ  := $(PRELOAD_SRC:%.c=$(B)/%.o)
UNIT_BIN     := $(B)/tests/unit
SUITES_H     := $(B)/tests/suites.h
PROG_BIN     := $(PROG_SRC:tests/e2e/progs/%.c=$(B)/progs/%) $(B)/progs/libfault.so

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2)
endif

.PHONY: all deps asan tests check example bench install uninstall clean
all: $(B)/sacred-run $(B)/libsacred-preload.so

# --- packages: `make deps` installs them; other goals stop with one line when some are missing.
ifneq ($(filter deps,$(MAKECMDGOALS)),)
# `make -j2 deps check`: nothing is compiled before the packages are in.
$(LAUNCHER_OBJ) $(ASAN_OBJ) $(PRELOAD_OBJ) $(UNIT_BIN) $(PROG_BIN): | deps
else ifneq ($(filter-out clean uninstall,$(or $(MAKECMDGOALS),all)),)
NEED := $(if $(filter check tests bench example,$(or $(MAKECMDGOALS),all)),all,build)
MISSING := $(shell scripts/install-deps.sh --missing $(NEED))
ifneq ($(MISSING),)
$(error missing Debian packages: $(MISSING); install them with 'make deps' (or scripts/install-deps.sh))
endif
endif

# libmicrohttpd is not linked: `serve` loads it by its soname (launcher/dashboard/mhd.c), so
# runs start without it and the TLS libraries it needs.
# libpq is not linked either: PostgreSQL runs load it (launcher/store/db_pg.c); nor are
# libsqlite3 (store/db_sqlite.c) and libdw (prov/dwarfsrc.c), with its three compressors:
# loading them cost every run 0.7 ms. All through util/dynlib.c.
LAUNCHER_LIBS = $(shell pkg-config --libs libcjson libmd libpcre2-8 yaml-0.1 libelf libbson-1.0) -lm -lpthread -ldl
MHD_SONAME := $(shell objdump -p $$(pkg-config --variable=libdir libmicrohttpd)/libmicrohttpd.so 2>/dev/null | awk '$$1 == "SONAME" { print $$2 }')
LAUNCHER_CFLAGS = $(shell pkg-config --cflags libcjson libmicrohttpd libpq sqlite3 libbson-1.0) -DMHD_SONAME='"$(or $(MHD_SONAME),libmicrohttpd.so.12)"'

CHECK_LIBS = $(shell pkg-config --libs check)
# The preload library stays silent in an image that exports this (preload/sr_protocol.h).
EXPORT_MARK = -Wl,--export-dynamic-symbol=sacred_run_launcher

deps:
	$(Q)scripts/install-deps.sh

$(B)/sacred-run: $(LAUNCHER_OBJ)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(EXPORT_MARK) -o $@ $^ $(LAUNCHER_LIBS)

$(B)/asan/sacred-run: $(ASAN_OBJ) $(B)/libsacred-preload.so
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN) $(LDFLAGS) $(EXPORT_MARK) -o $@ $(ASAN_OBJ) $(LAUNCHER_LIBS)
	$(Q)ln -sf ../libsacred-preload.so $(B)/asan/libsacred-preload.so

$(B)/libsacred-preload.so: $(PRELOAD_OBJ) preload/exports.map
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -shared -o $@ $(PRELOAD_OBJ) -Wl,--version-script=preload/exports.map -Wl,--as-needed -Wl,-Bsymbolic

$(B)/launcher/%.o: launcher/%.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE) $(CPPFLAGS) $(CFLAGS) $(LAUNCHER_INC) $(LAUNCHER_CFLAGS) -c -o $@ $<

$(B)/asan/launcher/%.o: launcher/%.c
	$(call msg,CC-SAN,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE) $(CPPFLAGS) -g -O1 $(SAN) $(LAUNCHER_INC) $(LAUNCHER_CFLAGS) -c -o $@ $<

$(ASSETS_C): $(ASSETS) scripts/embed-assets.sh
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)scripts/embed-assets.sh $@ $(ASSETS)

$(B)/gen/%.o: $(B)/gen/%.c
	$(call msg,CC,$<)
	$(Q)$(CC) $(BASE) $(CPPFLAGS) $(CFLAGS) $(LAUNCHER_INC) -c -o $@ $<

$(B)/asan/gen/%.o: $(B)/gen/%.c
	$(call msg,CC-SAN,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE) $(CPPFLAGS) -g -O1 $(SAN) $(LAUNCHER_INC) -c -o $@ $<

$(B)/preload/%.o: preload/%.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

# The unit suites: tests/unit/check_NAME.c defines NAME_suite(); the list is made from the
# file names, so a new suite is one new file.
$(SUITES_H): $(UNIT_SRC)
	$(Q)mkdir -p $(@D)
	$(Q)for f in $(sort $(UNIT_SRC:tests/unit/check_%.c=%)); do echo "SUITE($$f)"; done > $@

$(UNIT_BIN): tests/unit/main.c $(SUITES_H) $(UNIT_SRC) $(ASAN_LIB_OBJ)
	$(call msg,CC-SAN,$@)
	$(Q)$(CC) $(BASE) $(CPPFLAGS) -g -O1 $(SAN) $(LAUNCHER_INC) -iquote $(B)/tests $(LAUNCHER_CFLAGS) $(LDFLAGS) \
		-o $@ tests/unit/main.c $(UNIT_SRC) $(ASAN_LIB_OBJ) $(CHECK_LIBS) $(LAUNCHER_LIBS)

$(B)/progs/%: tests/e2e/progs/%.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra $(WERROR_FLAG) -iquote launcher/report -o $@ $< $(if $(findstring static,$*),-static) $(if $(findstring crash,$*),-fno-omit-frame-pointer) -lpthread

# The fault injector the tests preload into the launcher itself (tests/e2e/t_faults.sh).
$(B)/progs/libfault.so: tests/e2e/libfault.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra $(WERROR_FLAG) -fPIC -shared -o $@ $< -ldl

asan: $(B)/asan/sacred-run
tests: all asan $(UNIT_BIN) $(PROG_BIN)

check: tests
	$(Q)tests/run-tests.sh

example: all
	$(Q)examples/run-example.sh

bench: all
	$(Q)scripts/bench-core.py
	$(Q)scripts/bench-measure.py
	$(Q)scripts/bench-provenance.py
	$(Q)scripts/bench-inspect.py
	$(Q)scripts/bench-series.py
	$(Q)scripts/bench-dashboard.py
	$(Q)scripts/bench-inputs.py
	$(Q)scripts/bench-db.py
	$(Q)scripts/bench-programs.py
	$(Q)scripts/bench-sweep.py
	$(Q)scripts/bench-slurm.py

# For editors and clang tools: the compiler command of every file, recorded by bear.
compile_commands.json: $(LAUNCHER_SRC) $(PRELOAD_SRC) $(UNIT_SRC) $(PROG_SRC)
	$(Q)bear --output $@ -- $(MAKE) --no-print-directory -B tests

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)
	install -m 755 $(B)/sacred-run $(DESTDIR)$(BINDIR)/sacred-run
	install -m 644 $(B)/libsacred-preload.so $(DESTDIR)$(LIBDIR)/libsacred-preload.so
	install -m 644 launcher/report/sacred-report.h $(DESTDIR)$(INCDIR)/sacred-report.h

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sacred-run $(DESTDIR)$(LIBDIR)/libsacred-preload.so \
		$(DESTDIR)$(INCDIR)/sacred-report.h
	-rmdir $(DESTDIR)$(LIBDIR) 2>/dev/null

clean:
	rm -rf $(B) compile_commands.json

-include $(shell find $(B) -name '*.d' 2>/dev/null)
