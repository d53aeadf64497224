# kbuild: build the tool, the in-guest self-tests, and the test suite.
#   make            kbuild and qa/ binaries
#   make run        install missing Debian packages, build, run the default profile
#   make check      install missing Debian packages, build, run every test
#   make check-unit only the fast unit tests
#   make fuzz, make check-asan  libFuzzer targets, unit tests under ASan+UBSan
#                               (both part of make check; fuzz/Makefile.inc)

CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -pthread
LDFLAGS += -pthread
PKGS     = libcurl libarchive libkmod libelf openssl jansson inih
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

# Sources live in folders by concern (ARCHITECTURE.md); every object goes
# under build/, with header dependencies from -MMD.
BUILD     := build
SRC_DIRS  := core stages source kconfig kernel guest lib boot rollout report package
LIB_SRCS  := $(foreach d,$(SRC_DIRS),$(wildcard builder/$(d)/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJ  := $(BUILD)/builder/main.o
LIBKBUILD := $(BUILD)/libkbuild.a
TEST_SRCS := $(wildcard tests/*.c)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPERS   := $(HELPER_SRCS:.c=)
DEPFLAGS   = -MMD -MP

all: kbuild qa

include qa/Makefile.inc
include fuzz/Makefile.inc

kbuild: $(MAIN_OBJ) $(LIBKBUILD)
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

tests/check_kbuild: $(TEST_OBJS) $(LIBKBUILD)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

tests/helpers/%: tests/helpers/%.c
	$(CC) $(CFLAGS) -o $@ $<

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJS:.o=.d)

.PHONY: all qa deps run check check-unit clean
qa: $(QA_BINS)

deps:
	@sh tools/install-deps

# The whole chain, up to the bundle and its packages.
run: deps
	$(MAKE) all
	./kbuild make

# tools/test-kernel fetches (once) the Debian kernel some tests boot.
check: deps
	$(MAKE) all tests/check_kbuild $(HELPERS)
	root=$$(sh tools/test-kernel) && KBUILD_TEST_DEBIAN_ROOT=$$root tests/check_kbuild
	$(MAKE) check-asan fuzz

check-unit: all tests/check_kbuild $(HELPERS)
	root=$$(sh tools/test-kernel || true); KBUILD_TEST_DEBIAN_ROOT=$$root tests/check_kbuild unit

clean:
	rm -rf kbuild $(BUILD) tests/check_kbuild $(HELPERS) $(QA_BINS)
