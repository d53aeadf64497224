# kbuild: build the tool, the in-guest self-tests, and the test suite.
#   make            kbuild and qa/ binaries
#   make run        install missing Debian packages, build, run the default profile
#   make check      install missing Debian packages, build, run every test
#   make check-unit only the fast unit tests

CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -pthread
LDFLAGS += -pthread
PKGS     = libcurl libarchive libkmod libelf openssl jansson inih
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

LIB_SRCS  := $(filter-out builder/main.c,$(wildcard builder/*.c))
LIB_OBJS  := $(LIB_SRCS:.c=.o)
TEST_SRCS := $(wildcard tests/*.c)
TEST_OBJS := $(TEST_SRCS:.c=.o)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPERS   := $(HELPER_SRCS:.c=)

all: kbuild qa

include qa/Makefile.inc

kbuild: builder/main.o builder/libkbuild.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

builder/libkbuild.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

builder/%.o: builder/%.c builder/*.h
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

tests/%.o: tests/%.c builder/*.h tests/*.h
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Ibuilder -c -o $@ $<

tests/check_kbuild: $(TEST_OBJS) builder/libkbuild.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

tests/helpers/%: tests/helpers/%.c
	$(CC) $(CFLAGS) -o $@ $<

.PHONY: all qa deps run check check-unit clean
qa: $(QA_BINS)

deps:
	@sh tools/install-deps

# The chain up to qa: grub and bundle are not implemented yet (README).
run: deps
	$(MAKE) all
	./kbuild qa

# tools/test-kernel fetches (once) the Debian kernel some tests boot.
check: deps
	$(MAKE) all tests/check_kbuild $(HELPERS)
	root=$$(sh tools/test-kernel) && KBUILD_TEST_DEBIAN_ROOT=$$root tests/check_kbuild

check-unit: all tests/check_kbuild $(HELPERS)
	root=$$(sh tools/test-kernel || true); KBUILD_TEST_DEBIAN_ROOT=$$root tests/check_kbuild unit

clean:
	rm -f kbuild builder/*.o builder/libkbuild.a tests/*.o tests/check_kbuild $(HELPERS) $(QA_BINS)
