# hallmark: build, test, install.
#   make                 build/hallmark, build/libhallmark.a, build/libhallmark.so
#   make check           all tests (unit, CLI, fuzz corpus replay)
#   make SANITIZE=address,undefined check
#   make tsan-check      ThreadSanitizer run of the threaded code's tests (build-tsan/)
#   make fuzz            libFuzzer harnesses (clang)
#   make bench           throughput benchmark
#   make bench-dataset   attest dataset against Python's json and csv modules
#   make install PREFIX=/usr/local DESTDIR=
#   make deps            install the Debian packages we build against
#   make trusted-root    Sigstore's public-good trusted root from npm's @sigstore/tuf
#                        (TRUSTED_ROOT_SOURCE=tarball-or-dir without network)
#   make demo            end-to-end demo on generated data

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/hallmark
LIBEXECDIR ?= $(PREFIX)/libexec/hallmark
BUILD   ?= build
CC      ?= cc
CXX     ?= c++
CFLAGS  ?= -O2 -g
CXXFLAGS ?= -O2 -g
LDFLAGS ?=
VERSION := 0.1.0
SOVER   := 0

PKGS := libsodium libcrypto jansson libgit2 sqlite3 libpq libxml-2.0 yaml-0.1 simdjson libhs snappy zlib libxxhash \
	libzstd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libpq is loaded when a PostgreSQL archive is opened (lib/pqload.c), not linked.
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libpq,$(PKGS)) 2>/dev/null) -lm
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-unused-parameter
# The same for the C++ shim (lib/*.cc), less what only applies to C.
CXXWARN := -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-declarations -Wno-unused-parameter
# -Werror in CI (CI=true) or on request (WERROR=1).
ifneq ($(filter true 1,$(CI) $(WERROR)),)
WARN += -Werror
CXXWARN += -Werror
endif
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
ifdef SANITIZE
SAN := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
HARDEN :=
endif

BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Iinclude -Ilib $(PKG_CFLAGS) $(WARN) $(HARDEN) $(SAN) \
               -DHM_VERSION_STRING='"$(VERSION)"' -pthread
LIB_CFLAGS  := $(BASE_CFLAGS) -fPIC -fvisibility=hidden -DHM_BUILDING_LIBRARY \
               -DHM_DATADIR='"$(DATADIR)"'
EXE_CFLAGS  := $(BASE_CFLAGS) -fPIE
EXE_LDFLAGS := -pie -Wl,-z,relro,-z,now $(SAN) -pthread

LIB_SRC  := $(sort $(wildcard lib/*.c))
# C++ shims over C++-only libraries (simdjson); objects go into the library like the C ones.
LIB_CXX_SRC := $(sort $(wildcard lib/*.cc))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_CXX_SRC:%.cc=$(BUILD)/%.o)
LIB_CXXFLAGS := -std=c++17 -D_GNU_SOURCE -Iinclude -Ilib $(PKG_CFLAGS) $(CXXWARN) $(HARDEN) $(SAN) \
                -pthread -fPIC -fvisibility=hidden -fno-exceptions -fno-rtti -DHM_BUILDING_LIBRARY
CMD_SRC  := $(sort $(wildcard cmd/*.c))
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
REPLAY_BIN := $(FUZZ_SRC:fuzz/fuzz_%.c=$(BUILD)/tests/replay_%)
FUZZ_BIN := $(FUZZ_SRC:fuzz/fuzz_%.c=$(BUILD)/fuzz/fuzz_%)
HEADERS  := $(wildcard include/*.h include/hallmark/*.h) $(wildcard lib/*.h) $(wildcard cmd/*.h)

STATIC := $(BUILD)/libhallmark.a
SHARED := $(BUILD)/libhallmark.so.$(VERSION)
CLI    := $(BUILD)/hallmark

# Sigstore's public-good trusted root, the default for keyless verification: taken
# from the npm package that ships it to sigstore-js, pinned by version and by the
# SHA-256 of the root itself. A new root (key rotation) means bumping both.
SIGSTORE_TUF_VERSION := 5.0.1
SIGSTORE_ROOT_SHA256 := 6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66
SIGSTORE_ROOT := $(BUILD)/sigstore-trusted-root.json
TRUSTED_ROOT_SOURCE ?=

.PHONY: all check test unit clitest fuzz fuzz-run bench bench-dataset install uninstall deps demo clean \
	header-check tsan-check trusted-root

all: $(CLI) $(STATIC) $(BUILD)/libhallmark.so $(BUILD)/hallmark.pc

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(if $(filter lib/%,$<),$(LIB_CFLAGS),$(EXE_CFLAGS)) $(CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.cc $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CXX     $<"
	@$(CXX) $(LIB_CXXFLAGS) $(CXXFLAGS) -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(SHARED): $(LIB_OBJ)
	@echo "  LD      $@"
	@$(CXX) -shared -Wl,-soname,libhallmark.so.$(SOVER) -Wl,-z,relro,-z,now $(SAN) $(LDFLAGS) \
	    -o $@ $^ $(PKG_LIBS) -pthread

$(BUILD)/libhallmark.so: $(SHARED)
	@ln -sf libhallmark.so.$(VERSION) $(BUILD)/libhallmark.so.$(SOVER)
	@ln -sf libhallmark.so.$(VERSION) $@

$(CLI): $(CMD_OBJ) $(STATIC)
	@echo "  LD      $@"
	@$(CXX) $(EXE_LDFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) $(STATIC) $(PKG_LIBS)

$(BUILD)/hallmark.pc: hallmark.pc.in Makefile
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCDIR@|$(INCDIR)|g' \
	    -e 's|@VERSION@|$(VERSION)|g' -e 's|@REQUIRES@|$(PKGS)|g' $< > $@

# Unit tests: one cmocka program per file, linked against the static library so
# internal functions (lib/*.h) can be tested too.
$(BUILD)/tests/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(STATIC)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(EXE_CFLAGS) $(CMOCKA_CFLAGS) $(CFLAGS) -Itests/unit $(EXE_LDFLAGS) $(LDFLAGS) \
	    -o $@ $< $(STATIC) $(PKG_LIBS) $(CMOCKA_LIBS) -lstdc++

# Fuzz corpus replay: each harness linked with a plain main() that feeds it every
# file of its corpus. Built with the normal compiler, run by `make check`.
$(BUILD)/tests/replay_%: fuzz/fuzz_%.c tests/fuzz/replay.c $(wildcard fuzz/*.h) $(STATIC)
	@mkdir -p $(dir $@)
	@echo "  REPLAY  $@"
	@$(CC) $(EXE_CFLAGS) $(CFLAGS) $(EXE_LDFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c \
	    $(STATIC) $(PKG_LIBS) -lstdc++

# Header test: the public header compiles alone, pedantic, warnings as errors.
$(BUILD)/tests/header_check.o: tests/header_check.c $(wildcard include/*.h include/hallmark/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -pedantic -Wall -Wextra -Werror -Iinclude -c $< -o $@

header-check: $(BUILD)/tests/header_check.o

check test: all header-check $(UNIT_BIN) $(REPLAY_BIN)
	@BUILD=$(BUILD) sh tests/run.sh

# ThreadSanitizer: the tests that run the hash pool, mapped hashing and the archive's
# writer threads, and the digest CLI test, built in their own directory. A race
# stops the program (halt_on_error) and fails the run. TSan needs a low-entropy
# address layout; setarch -R gives it one where the kernel's mmap_rnd_bits is high.
TSAN_BUILD := build-tsan
TSAN_TESTS := test_manifest test_mapguard test_dataset_bigfile test_dataset_chunks test_archive test_archive_store \
              test_digest.sh
tsan-check:
	@$(MAKE) --no-print-directory BUILD=$(TSAN_BUILD) SANITIZE=thread \
	    $(TSAN_BUILD)/hallmark $(patsubst %,$(TSAN_BUILD)/tests/%,$(filter-out %.sh,$(TSAN_TESTS)))
	@run=; if setarch "$$(uname -m)" -R true 2>/dev/null; then run="setarch $$(uname -m) -R"; fi; \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 $$TSAN_OPTIONS" \
	  BUILD=$(TSAN_BUILD) TESTS="$(TSAN_TESTS)" $$run sh tests/run.sh

# libFuzzer builds: clang, separate object files with fuzzer instrumentation.
FUZZ_CC ?= clang
FUZZ_CXX ?= clang++
FUZZ_CFLAGS := -g -O1 -fsanitize=address,undefined -std=c11 -D_GNU_SOURCE -Iinclude -Ilib \
               -DHM_VERSION_STRING='"$(VERSION)"' -DHM_DATADIR='"$(DATADIR)"' $(PKG_CFLAGS) -pthread
FUZZ_CXXFLAGS := -g -O1 -fsanitize=address,undefined -std=c++17 -D_GNU_SOURCE -Iinclude -Ilib \
                 -fno-exceptions -fno-rtti $(PKG_CFLAGS) -pthread
FUZZ_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o) $(LIB_CXX_SRC:%.cc=$(BUILD)/fuzz/obj/%.o)
fuzz: $(FUZZ_BIN)
# The library is compiled once with coverage instrumentation, then linked into each harness.
$(BUILD)/fuzz/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(BUILD)/fuzz/obj/%.o: %.cc $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  FUZZCXX $<"
	@$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(BUILD)/fuzz/libhallmark-fuzz.a: $(FUZZ_OBJ)
	@rm -f $@
	@ar rcs $@ $^
$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(wildcard fuzz/*.h) $(BUILD)/fuzz/libhallmark-fuzz.a
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/fuzz/libhallmark-fuzz.a $(PKG_LIBS) \
	    -lstdc++

# Run every harness for FUZZ_SECONDS each on a copy of its corpus.
FUZZ_SECONDS ?= 30
fuzz-run: fuzz
	@for f in $(FUZZ_BIN); do n=$${f##*/fuzz_}; mkdir -p $(BUILD)/fuzz/corpus-$$n; \
	  echo "== $$n"; $$f -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-$$n fuzz/corpus/$$n || exit 1; done

bench: all
	@BUILD=$(BUILD) sh bench/run.sh

# The dataset section of the benchmark alone.
bench-dataset: all
	@BUILD=$(BUILD) sh bench/dataset.sh

# A sub-make builds, so that `make deps demo` on a fresh machine sees the packages
# `deps` just installed (this make read pkg-config before they were there).
demo:
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh demo/demo.sh

deps:
	@sh scripts/deps.sh

trusted-root: $(SIGSTORE_ROOT)
$(SIGSTORE_ROOT):
	@sh scripts/trusted-root.sh $@ $(SIGSTORE_ROOT_SHA256) $(SIGSTORE_TUF_VERSION) $(TRUSTED_ROOT_SOURCE)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR)/hallmark \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(CLI) $(DESTDIR)$(BINDIR)/hallmark
	install -m 0644 $(STATIC) $(DESTDIR)$(LIBDIR)/libhallmark.a
	install -m 0755 $(SHARED) $(DESTDIR)$(LIBDIR)/libhallmark.so.$(VERSION)
	ln -sf libhallmark.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libhallmark.so.$(SOVER)
	ln -sf libhallmark.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libhallmark.so
	install -m 0644 include/hallmark.h $(DESTDIR)$(INCDIR)/hallmark.h
	install -m 0644 include/hallmark/*.h $(DESTDIR)$(INCDIR)/hallmark/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCDIR@|$(INCDIR)|g' \
	    -e 's|@VERSION@|$(VERSION)|g' -e 's|@REQUIRES@|$(PKGS)|g' hallmark.pc.in \
	    > $(DESTDIR)$(LIBDIR)/pkgconfig/hallmark.pc
	chmod 0644 $(DESTDIR)$(LIBDIR)/pkgconfig/hallmark.pc
	install -d $(DESTDIR)$(DATADIR)
	install -m 0644 data/screen-patterns.txt $(DESTDIR)$(DATADIR)/screen-patterns.txt
	install -d $(DESTDIR)$(DATADIR)/benchmarks
	install -m 0644 data/benchmarks/*.json $(DESTDIR)$(DATADIR)/benchmarks/
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 scripts/oms-conformance-adapter $(DESTDIR)$(LIBEXECDIR)/oms-conformance-adapter
	@if [ -f $(SIGSTORE_ROOT) ]; then \
	    echo "install -m 0644 $(SIGSTORE_ROOT) $(DESTDIR)$(DATADIR)/sigstore-trusted-root.json"; \
	    install -m 0644 $(SIGSTORE_ROOT) $(DESTDIR)$(DATADIR)/sigstore-trusted-root.json; \
	else \
	    echo "note: no Sigstore trusted root installed (run make trusted-root first);" \
	         "keyless verification will need --trusted-root FILE"; \
	fi
	for m in man/*.1; do [ -e "$$m" ] && install -m 0644 $$m $(DESTDIR)$(MANDIR)/man1/; done; true
	for m in man/*.3; do [ -e "$$m" ] && install -m 0644 $$m $(DESTDIR)$(MANDIR)/man3/; done; true
	for m in man/*.5; do [ -e "$$m" ] && install -m 0644 $$m $(DESTDIR)$(MANDIR)/man5/; done; true

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hallmark $(DESTDIR)$(LIBDIR)/libhallmark.* \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/hallmark.pc $(DESTDIR)$(INCDIR)/hallmark.h
	rm -rf $(DESTDIR)$(INCDIR)/hallmark $(DESTDIR)$(DATADIR) $(DESTDIR)$(LIBEXECDIR)

clean:
	rm -rf $(BUILD)
