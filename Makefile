# kbuild: build the tool, the in-guest self-tests, and the test suite.
#   make            kbuild and the self-test binaries (everything under build/;
#                   ./kbuild is a link to build/kbuild)
#   make run        install missing Debian packages, build, run the default profile
#   make check      install missing Debian packages, make lint, build, run every test
#   make check-unit only the unit tests (seconds; they need no download)
#   make lint       shellcheck, clang-format and codespell over the sources
#   make format     clang-format the C of LINT_FORMAT_DIRS in place
#   make fuzz, make check-asan  libFuzzer targets, unit tests under ASan+UBSan
#                               (both part of make check; fuzz/Makefile.inc)

CC      ?= gcc
CFLAGS  ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wmissing-prototypes
CFLAGS  += -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -pthread
LDFLAGS += -pthread
PKGS     = libcurl libarchive libkmod libelf openssl jansson inih
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

# Sources live in folders by concern (ARCHITECTURE.md): every builder/*/*.c
# is part of libkbuild, builder/main.c is the program. Every object and
# binary goes under build/, with header dependencies from -MMD.
BUILD     := build
LIB_SRCS  := $(wildcard builder/*/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJ  := $(BUILD)/builder/main.o
LIBKBUILD := $(BUILD)/libkbuild.a
KBUILD    := $(BUILD)/kbuild
# Tests: tests/check_main.c (the runner and its suite table), the suites in
# tests/unit/, tests/system/ and tests/e2e/ (a file's folder is its group),
# shared helpers in tests/lib/, fixtures in tests/data/<suite>/.
TEST_GROUPS := unit system e2e
TEST_SRCS := $(wildcard tests/*.c tests/lib/*.c $(TEST_GROUPS:%=tests/%/*.c))
TEST_INCS := -Ibuilder -Itests -Itests/lib
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)
CHECK_KBUILD := $(BUILD)/tests/check_kbuild
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPERS   := $(HELPER_SRCS:%.c=$(BUILD)/%)
DEPFLAGS   = -MMD -MP

all: kbuild qa

include qa/Makefile.inc
include fuzz/Makefile.inc

# ./kbuild, as the README runs it, is a link to the binary under build/.
kbuild: $(KBUILD)
	ln -sfn $(KBUILD) $@

$(KBUILD): $(MAIN_OBJ) $(LIBKBUILD)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(LIBKBUILD): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/builder/%.o: builder/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(PKG_CFLAGS) -Ibuilder -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(PKG_CFLAGS) $(TEST_INCS) -c -o $@ $<

$(CHECK_KBUILD): $(TEST_OBJS) $(LIBKBUILD)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJS:.o=.d)

# Benchmarks (BENCHMARKS.md): the SBOM of a real staged kernel.
$(BUILD)/bench/%: bench/%.c $(LIBKBUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Ibuilder -o $@ $< $(LIBKBUILD) $(LDFLAGS) $(PKG_LIBS)
bench: $(BUILD)/bench/sbom

.PHONY: all qa deps run check check-unit clean tests bench
qa: $(QA_BINS)
tests: all $(CHECK_KBUILD) $(HELPERS)

deps:
	@sh tools/install-deps

# The whole chain, up to the bundle and its packages.
run: deps
	$(MAKE) all
	./kbuild make

# lint first (seconds); tools/test-kernel fetches (once) the Debian kernel
# some tests boot.
# The builds run with -j (kbuild and the tests, the ASan copy, the fuzzers:
# about 80 s of a cold CI run when one core compiled them alone).
check: deps
	$(MAKE) lint
	$(MAKE) -j$$(nproc) tests
	root=$$(sh tools/test-kernel) && KBUILD_TEST_DEBIAN_ROOT=$$root $(CHECK_KBUILD)
	$(MAKE) -j$$(nproc) check-asan
	$(MAKE) -j$$(nproc) fuzz

# The unit group needs no download: no Debian kernel (tools/test-kernel), no
# kernel source, and of the self-tests only qa-runner (qa/modules may fetch
# the kmod source).
check-unit: kbuild $(QA_OUT)/qa-runner $(CHECK_KBUILD) $(HELPERS)
	$(CHECK_KBUILD) unit

# make lint: shellcheck over the shell scripts, clang-format's verdict on the
# C under LINT_FORMAT_DIRS (.clang-format), codespell over sources and docs
# (.codespellrc), and the test table against the test folders. make format
# rewrites the C under LINT_FORMAT_DIRS in place.
CLANG_FORMAT     ?= clang-format-14
LINT_FORMAT_DIRS ?= builder tests fuzz qa
LINT_FORMAT_SRCS  = $(shell find $(LINT_FORMAT_DIRS) -name '*.[ch]' -not -path 'tests/data/*' | sort)
# scripts with a #! line; the RPM %post tails are bodies for /bin/sh without one
LINT_SH          := $(shell grep -l '^\#!/bin/\(ba\)\?sh' tools/* .ci/run initramfs/* packaging/*/*.in)
LINT_SH_BODIES   := $(wildcard packaging/rpm/post-*.in)
# data kept byte for byte (fixtures, fuzz seeds, patches against kernel
# sources) is not spell-checked
LINT_SPELL       := README.md ARCHITECTURE.md BENCHMARKS.md Makefile debian-packages.txt .clang-format \
		    .editorconfig builder tests fuzz qa tools .ci initramfs packaging configs docs

.PHONY: lint format
lint:
	@rc=0; \
	echo "lint: shellcheck ($(words $(LINT_SH) $(LINT_SH_BODIES)) scripts)"; \
	shellcheck $(LINT_SH) || rc=1; \
	shellcheck --shell=sh $(LINT_SH_BODIES) || rc=1; \
	echo "lint: $(CLANG_FORMAT) ($(words $(LINT_FORMAT_SRCS)) files under $(LINT_FORMAT_DIRS))"; \
	$(CLANG_FORMAT) --dry-run -Werror $(LINT_FORMAT_SRCS) || rc=1; \
	echo "lint: codespell"; \
	codespell $(LINT_SPELL) || rc=1; \
	echo "lint: test groups (tests/check_main.c, tests/<group>/)"; \
	sh tools/check-test-groups || rc=1; \
	[ $$rc = 0 ] || echo "lint: FAILED (make format fixes the C format)" >&2; \
	exit $$rc

format:
	$(CLANG_FORMAT) -i $(LINT_FORMAT_SRCS)

clean:
	rm -rf kbuild $(BUILD)
