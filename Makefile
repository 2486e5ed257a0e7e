# Makefile for sacred-run: the launcher (build/sacred-run), its preload library
# (build/libsacred-preload.so), an ASan/UBSan launcher for the tests, and the tests.
# Plain GNU make; quiet unless V=1.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
LIBDIR  := $(PREFIX)/lib/sacred-run
INCDIR  := $(PREFIX)/include

CC      ?= cc
OPT     ?= -O2
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
BASE    := -std=c11 -D_GNU_SOURCE -g $(WARN) -MMD -MP
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LAUNCHER_LIBS := $(shell pkg-config --libs libcjson libmd libpcre2-8 yaml-0.1 2>/dev/null || echo -lcjson -lmd -lpcre2-8 -lyaml) -ldw -lelf -lm -lpthread
CHECK_LIBS    := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

B := build
LAUNCHER_SRC := $(wildcard launcher/*.c launcher/*/*.c)
LAUNCHER_LIB_SRC := $(filter-out launcher/main.c,$(LAUNCHER_SRC))
PRELOAD_SRC  := $(wildcard preload/*.c)
UNIT_SRC     := $(wildcard tests/unit/*.c)
PROG_SRC     := $(wildcard tests/e2e/progs/*.c)

LAUNCHER_OBJ := $(LAUNCHER_SRC:%.c=$(B)/%.o)
ASAN_OBJ     := $(LAUNCHER_SRC:%.c=$(B)/asan/%.o)
ASAN_LIB_OBJ := $(LAUNCHER_LIB_SRC:%.c=$(B)/asan/%.o)
PRELOAD_OBJ  := $(PRELOAD_SRC:%.c=$(B)/%.o)
UNIT_BIN     := $(B)/tests/unit
PROG_BIN     := $(PROG_SRC:tests/e2e/progs/%.c=$(B)/progs/%)

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2)
endif

.PHONY: all deps asan tests check example bench install uninstall clean
all: deps $(B)/sacred-run $(B)/libsacred-preload.so

deps:
	$(Q)scripts/install-deps.sh

$(B)/sacred-run: $(LAUNCHER_OBJ)
	$(call msg,LINK,$@)
	$(Q)$(CC) -o $@ $^ $(LAUNCHER_LIBS)

$(B)/asan/sacred-run: $(ASAN_OBJ) $(B)/libsacred-preload.so
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN) -o $@ $(ASAN_OBJ) $(LAUNCHER_LIBS)
	$(Q)ln -sf ../libsacred-preload.so $(B)/asan/libsacred-preload.so

$(B)/libsacred-preload.so: $(PRELOAD_OBJ) preload/exports.map
	$(call msg,LINK,$@)
	$(Q)$(CC) -shared -o $@ $(PRELOAD_OBJ) -Wl,--version-script=preload/exports.map -Wl,--as-needed -Wl,-Bsymbolic

$(B)/launcher/%.o: launcher/%.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE) $(OPT) -iquote launcher -iquote . $(shell pkg-config --cflags libcjson 2>/dev/null) -c -o $@ $<

$(B)/asan/launcher/%.o: launcher/%.c
	$(call msg,CC-SAN,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE) -O1 $(SAN) -iquote launcher -iquote . $(shell pkg-config --cflags libcjson 2>/dev/null) -c -o $@ $<

$(B)/preload/%.o: preload/%.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE) $(OPT) -fPIC -fvisibility=hidden -c -o $@ $<

$(UNIT_BIN): $(UNIT_SRC) $(ASAN_LIB_OBJ)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE) -O1 $(SAN) -iquote launcher -iquote . -o $@ $(UNIT_SRC) $(ASAN_LIB_OBJ) $(CHECK_LIBS) $(LAUNCHER_LIBS)

$(B)/progs/%: tests/e2e/progs/%.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror -iquote launcher/report -o $@ $< $(if $(findstring static,$*),-static) $(if $(findstring crash,$*),-fno-omit-frame-pointer) -lpthread

asan: deps $(B)/asan/sacred-run
tests: all asan $(UNIT_BIN) $(PROG_BIN)

check: tests
	$(Q)tests/run-tests.sh

example: all
	$(Q)examples/run-example.sh

bench: all
	$(Q)scripts/bench-core.py
	$(Q)scripts/bench-measure.py
	$(Q)scripts/bench-provenance.py

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
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
