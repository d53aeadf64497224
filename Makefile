# kbuild: build the tool, the in-guest self-tests, and the test suite.
#   make            kbuild and the self-test binaries (everything under build/;
#                   ./kbuild is a link to build/kbuild)
#   make run        install missing Debian packages, build, run the default profile
#   make check      install missing Debian packages, build, run every test
#   make check-unit only the fast unit tests
#   make lint       shellcheck, clang-format and codespell over the sources
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
TEST_SRCS := $(wildcard tests/*.c)
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
	$(CC) $(CFLAGS) $(DEPFLAGS) $(PKG_CFLAGS) -Ibuilder -Itests -c -o $@ $<

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

# tools/test-kernel fetches (once) the Debian kernel some tests boot.
check: deps
	$(MAKE) tests
	root=$$(sh tools/test-kernel) && KBUILD_TEST_DEBIAN_ROOT=$$root $(CHECK_KBUILD)
	$(MAKE) check-asan fuzz

check-unit: tests
	root=$$(sh tools/test-kernel || true); KBUILD_TEST_DEBIAN_ROOT=$$root $(CHECK_KBUILD) unit

clean:
	rm -rf kbuild $(BUILD)
