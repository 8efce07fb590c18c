# keyaudit - build, tests, sanitizers, fuzzing.
#
#   make            build ./keyaudit
#   make check      every suite (tests/run-all.sh): unit, cli, fuzz, and as root the
#                   ones against a real sshd; installs what they need first (test-deps)
#   make asan       the whole suite under AddressSanitizer + UBSan
#   make fuzz       run every libFuzzer target for FUZZ_SECONDS each
#   make deps       install the Debian packages the build needs
#   make test-deps  that, and the packages the test suites need
#   make install    keyaudit, keyaudit.1 and bash completion under PREFIX (/usr/local)
#   make man        docs/keyaudit.1 from docs/keyaudit.1.in and the option table

CC      ?= cc
PKGS    := libssh libpcre2-8 libxml-2.0 jansson libcrypto zlib
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
STD     := -std=gnu11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS  = $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) $(PKG_CFLAGS) -I.
BUILD   ?= build
FUZZ_SECONDS ?= 30
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

# The library is everything below the command line; scanner/cli is the
# program (and holds main).
CLI_SRC  := $(sort $(wildcard scanner/cli/*.c))
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB_SRC  := $(sort $(filter-out $(CLI_SRC),$(wildcard scanner/*.c scanner/*/*.c checks/*.c reports/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)

.PHONY: all check unit integration asan fuzz fuzz-build deps test-deps clean bench install man certtool

PREFIX  ?= /usr/local
DESTDIR ?=

all: keyaudit

keyaudit: $(BUILD)/keyaudit
	cp $< $@

$(BUILD)/keyaudit: $(CLI_OBJ) $(BUILD)/libkeyaudit.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

$(BUILD)/libkeyaudit.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# -MMD -MP: each object's header dependencies, written beside it (.d) and
# read back below, so a change to one header rebuilds only its users.
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -DKA_VERSION='"$(VERSION)"' -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libkeyaudit.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -Wno-unused-parameter -o $@ $< $(BUILD)/libkeyaudit.a $(PKG_LIBS) -lcmocka $(LDFLAGS)

# The collector script is embedded as a C string: one literal per line, made
# with sed alone (scanner/transport/collector.c includes collector.inc).
$(BUILD)/scanner/transport/collector.o: $(BUILD)/scanner/transport/collector.inc
$(BUILD)/scanner/transport/collector.o: ALL_CFLAGS += -I$(BUILD)/scanner/transport
build-fuzz/obj/scanner/transport/collector.o: build-fuzz/obj/scanner/transport/collector.inc
build-fuzz/obj/scanner/transport/collector.o: FUZZ_FLAGS += -Ibuild-fuzz/obj/scanner/transport
%/scanner/transport/collector.inc: scanner/transport/collector.sh
	@mkdir -p $(dir $@)
	sed -e '/^[[:space:]]*#/d' -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@

unit: $(TEST_BIN) keyaudit
	@tests/run-unit.sh $(TEST_BIN)

# The certificate and KRL parsers' driver for tests/certparse/run.sh (held
# against ssh-keygen -L and -Q); a test tool, not installed.
CERTTOOL := $(BUILD)/tests/certtool
certtool: $(CERTTOOL)
$(CERTTOOL): tests/certparse/certtool.c $(BUILD)/libkeyaudit.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libkeyaudit.a $(PKG_LIBS) $(LDFLAGS)

integration: keyaudit
	@tests/integration/run.sh

# Runs every suite and ends with one "N passed, N failed" line.
check: test-deps $(TEST_BIN) $(CERTTOOL) keyaudit fuzz-build
	@tests/run-all.sh $(TEST_BIN)

asan:
	$(MAKE) BUILD=build-asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" check

# libFuzzer targets: the library instrumented once, each target linked to it.
FUZZ_FLAGS  := $(STD) $(WARN) -Wno-unused-parameter -O1 -g $(PKG_CFLAGS) -I.
FUZZ_OBJ    := $(LIB_SRC:%.c=build-fuzz/obj/%.o)
.SECONDARY: $(FUZZ_OBJ)
fuzz-build: $(FUZZ_BIN)

build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -MMD -MP -fsanitize=fuzzer-no-link,address,undefined -DKA_VERSION='"$(VERSION)"' -c -o $@ $<

build-fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	clang $(FUZZ_FLAGS) -MMD -MP -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS)

fuzz: fuzz-build
	@FUZZ_SMOKE_SECONDS=$(FUZZ_SECONDS) tests/fuzz/smoke.sh

# The sshd-log reader against grep (bench/usagelog.sh): a driver linked to
# the library as it is built.
$(BUILD)/bench/usagelog_bench: bench/usagelog_bench.c scanner/parse/usagelog.h $(BUILD)/libkeyaudit.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libkeyaudit.a $(PKG_LIBS) $(LDFLAGS)

bench: keyaudit $(BUILD)/bench/usagelog_bench
	bench/run.sh
	BENCH_DRIVER=$(BUILD)/bench/usagelog_bench bench/usagelog.sh
	bench/preflight.sh

deps:
	@scripts/deps.sh

test-deps:
	@scripts/deps.sh --test

# The manual page's OPTIONS come from each command's --help (the option
# table); tests/cli/gates.sh fails when the committed page is stale.
man: keyaudit
	scripts/manpage.sh ./keyaudit < docs/keyaudit.1.in > docs/keyaudit.1

# The program, its manual page and bash completion (DESTDIR for packaging).
install: keyaudit
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0755 keyaudit $(DESTDIR)$(PREFIX)/bin/keyaudit
	install -m 0644 docs/keyaudit.1 $(DESTDIR)$(PREFIX)/share/man/man1/keyaudit.1
	install -m 0644 contrib/bash-completion/keyaudit \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/keyaudit

clean:
	rm -rf build build-asan build-fuzz keyaudit

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(CERTTOOL).d $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)
