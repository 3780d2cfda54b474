# tlpress - the advisory publishing pipeline of a national CSIRT
#
#   make            build build/tlpress and build/libtlpress.a
#   make deps       install the missing Debian packages needed to build
#   make check      install what the tests need, build with -Werror, run every
#                   test (unit tests also under ASan and UBSan)
#   make demo       build and run the pipeline on advisories/
#   make bench      measure speed and memory (see bench/)
#   make install    PREFIX=/usr/local DESTDIR= ... (SYSTEMD=1: the units too)

VERSION = 0.1.0

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/tlpress
MANDIR ?= $(PREFIX)/share/man
PKGLIBDIR ?= $(PREFIX)/lib/tlpress

CC ?= cc
CFLAGS ?= -O2 -g -fstack-protector-strong
# Warnings stay on whatever CFLAGS the user gives; -Werror with WERROR=1
# (make check and CI set it), so that a new compiler's warning does not
# break a user's build.
override CFLAGS := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wno-missing-field-initializers $(if $(WERROR),-Werror) $(CFLAGS)
override CPPFLAGS := -D_GNU_SOURCE -DTLPRESS_VERSION='"$(VERSION)"' \
	-DTLPRESS_DATADIR='"$(DATADIR)"' -Ilib $(CPPFLAGS)

# pkg-config names of the libraries lib/ uses: the tlpress binary links
# CORE_PKGS, tlpress-net.so NET_PKGS (lib/net.h), libtlpress.a all three;
# DL_PKGS the binary loads with dlopen() when first needed (lib/cvrf.c)
CORE_PKGS = libcmark-gfm yaml-0.1 jansson libgcrypt gpgme libassuan sqlite3 glib-2.0
NET_PKGS = libcurl gmime-3.0
DL_PKGS = libxml-2.0
PKGS = $(CORE_PKGS) $(NET_PKGS) $(DL_PKGS)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CORE_LIBS := $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null)
NET_LIBS := $(shell pkg-config --libs $(NET_PKGS) 2>/dev/null)

# Debian packages: to build, and in addition to run the tests
BUILD_DEBS = gcc make pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev \
	libyaml-dev libjansson-dev libxml2-dev libgpgme-dev libgmime-3.0-dev \
	libcurl4-openssl-dev libsqlite3-dev libgcrypt20-dev libassuan-dev gnupg openssh-client
TEST_DEBS = perl libxml2-utils cmark-gfm valgrind python3 python3-feedparser \
	openjdk-17-jre-headless nodejs npm=npm nginx openssh-server python3-aiosmtpd
# the manual pages, the bash completion and the systemd units (tests/cli/007*)
TEST_DEBS += mandoc man-db groff-base bash systemd
# headless Chromium and a font for the site's screenshots (tests/cli/0075)
TEST_DEBS += chromium fonts-dejavu-core
# and in addition to run the benchmarks (make bench)
BENCH_DEBS = hugo time cmark-gfm python3

B = build
LIB_SRC := $(sort $(wildcard lib/*.c))
CMD_SRC := $(sort $(wildcard cmd/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

# The modules that use libcurl and GMime go into tlpress-net.so, which the
# binary loads when it first needs them (lib/net.h); lib/net.c is built
# three ways: plain for libtlpress.a, the loader for the binary, the
# version for tlpress-net.so.
NET_SRC := lib/mail.c lib/smtp.c lib/transport.c lib/transport_file.c lib/transport_http.c \
	lib/transport_sftp.c lib/verify.c
CORE_SRC := $(filter-out $(NET_SRC) lib/net.c,$(LIB_SRC))

LIB_OBJ := $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
CORE_OBJ := $(CORE_SRC:lib/%.c=$(B)/lib/%.o)
NET_OBJ := $(NET_SRC:lib/%.c=$(B)/pic/%.o) $(B)/pic/net.o
CMD_OBJ := $(CMD_SRC:cmd/%.c=$(B)/cmd/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

SAN = $(B)/asan
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
SAN_LIB_OBJ := $(LIB_SRC:lib/%.c=$(SAN)/lib/%.o)
SAN_CORE_OBJ := $(CORE_SRC:lib/%.c=$(SAN)/lib/%.o)
SAN_NET_OBJ := $(NET_SRC:lib/%.c=$(SAN)/pic/%.o) $(SAN)/pic/net.o
SAN_CMD_OBJ := $(CMD_SRC:cmd/%.c=$(SAN)/cmd/%.o)
SAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(SAN)/tests/%)

all: $(B)/tlpress $(B)/tlpress-net.so

# the binary exports the tlpress_* symbols, which tlpress-net.so uses
EXPORT = -Wl,--export-dynamic-symbol='tlpress_*'
LOADER = -DTLPRESS_NET_LOADER -DTLPRESS_PKGLIBDIR='"$(PKGLIBDIR)"'
$(B)/pic/net.o $(SAN)/pic/net.o: CPPFLAGS += -DTLPRESS_NET_PLUGIN

$(B)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libtlpress.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/loader.o: lib/net.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LOADER) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/pic/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -fPIC -MMD -MP -c -o $@ $<

$(B)/tlpress: $(CMD_OBJ) $(CORE_OBJ) $(B)/loader.o
	$(CC) $(CFLAGS) $(LDFLAGS) $(EXPORT) -o $@ $^ $(CORE_LIBS) -lpthread -lm

$(B)/tlpress-net.so: $(NET_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-Bsymbolic -o $@ $^ $(NET_LIBS) -lpthread

$(B)/tests/%: tests/unit/%.c $(B)/libtlpress.a tests/unit/harness.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -o $@ $< $(B)/libtlpress.a $(PKG_LIBS) -lpthread -lm

# The same with AddressSanitizer and UndefinedBehaviorSanitizer
$(SAN)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -MMD -MP -c -o $@ $<

$(SAN)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -MMD -MP -c -o $@ $<

$(SAN)/libtlpress.a: $(SAN_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SAN)/loader.o: lib/net.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LOADER) $(PKG_CFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -MMD -MP -c -o $@ $<

$(SAN)/pic/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -fPIC -MMD -MP -c -o $@ $<

$(SAN)/tlpress: $(SAN_CMD_OBJ) $(SAN_CORE_OBJ) $(SAN)/loader.o
	$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) $(EXPORT) -o $@ $^ $(CORE_LIBS) -lpthread -lm

$(SAN)/tlpress-net.so: $(SAN_NET_OBJ)
	$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -shared -Wl,-Bsymbolic -o $@ $^ $(NET_LIBS) -lpthread

$(SAN)/tests/%: tests/unit/%.c $(SAN)/libtlpress.a tests/unit/harness.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -o $@ $< $(SAN)/libtlpress.a $(PKG_LIBS) -lpthread -lm

unit: $(UNIT_BIN)
asan: $(SAN)/tlpress $(SAN)/tlpress-net.so $(SAN_UNIT_BIN)

deps:
	@sh .ci/deps $(BUILD_DEBS)

check-deps:
	@sh .ci/deps $(BUILD_DEBS) $(TEST_DEBS)

# Every test: unit tests (plain and sanitized) and the command-line tests,
# in one prove(1) run. TLPRESS names the binary the CLI tests run;
# TLPRESS_SHARED the shared folder with schemas and spec suites.
TLPRESS_SHARED ?= $(abspath ../shared)
PROVE_JOBS ?= 2
check: check-deps
	$(MAKE) WERROR=1 all unit asan
	TLPRESS=$(abspath $(B)/tlpress) TLPRESS_ASAN=$(abspath $(SAN)/tlpress) \
	TLPRESS_SHARED=$(TLPRESS_SHARED) TLPRESS_TOP=$(CURDIR) \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	prove -j$(PROVE_JOBS) --exec '' $(UNIT_BIN) $(SAN_UNIT_BIN) $(sort $(wildcard tests/cli/*.t))

# The whole pipeline on advisories/, with the embedded defaults: a local
# public/ site signed with a demo key in a project-local GnuPG home.
demo: deps
	$(MAKE) all
	@sh tests/demo.sh

bench:
	@sh .ci/deps $(BUILD_DEBS) $(BENCH_DEBS)
	$(MAKE) all
	@sh bench/run

# The binary, its templates, the manual pages and the bash completion; the
# systemd units too with SYSTEMD=1 (or make install-systemd), their
# ExecStart pointing at $(BINDIR). Builds nothing that is up to date.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
MAN1 = docs/tlpress.1
MAN5 = docs/tlpress.yml.5 docs/tlpress-advisory.5
UNITS = contrib/systemd/tlpress-publish.service contrib/systemd/tlpress-publish.timer

install: all $(if $(SYSTEMD),install-systemd)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGLIBDIR) $(DESTDIR)$(DATADIR)/templates \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(B)/tlpress $(DESTDIR)$(BINDIR)/tlpress
	install -m 644 $(B)/tlpress-net.so $(DESTDIR)$(PKGLIBDIR)/tlpress-net.so
	for f in templates/*; do [ -f "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(DATADIR)/templates/; done; true
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 644 contrib/bash-completion/tlpress $(DESTDIR)$(BASHCOMPDIR)/tlpress

install-systemd:
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	for f in $(UNITS); do \
		sed 's|/usr/bin/tlpress|$(BINDIR)/tlpress|g' "$$f" >$(DESTDIR)$(SYSTEMDUNITDIR)/$${f##*/} && \
		chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${f##*/} || exit 1; \
	done

clean:
	rm -rf $(B)

# ---- fuzzing (docs/fuzzing.md) ---------------------------------------------
# make fuzz         build the libFuzzer targets with clang and run each for
#                   FUZZ_SECONDS on a copy of its corpus in build/fuzz/corpus
# make fuzz-merge   merge what those runs found back into tests/fuzz/corpus
# make check replays every committed corpus file through the same targets
# built with gcc and the sanitizers (replay.c, tests/cli/0080-fuzz-replay.t).
FUZZ_TARGETS = advisory rendition template config members cvss
FUZZ_DEBS = clang libclang-rt-dev
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?= -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_MAXLEN_advisory = 16384
FUZZ_MAXLEN_rendition = 16384
FUZZ_MAXLEN_template = 8192
FUZZ_MAXLEN_config = 8192
FUZZ_MAXLEN_members = 8192
FUZZ_MAXLEN_cvss = 512
FZ = $(B)/fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -g -O1 -Wall -Wextra -Wno-missing-field-initializers $(FUZZ_SAN)
FUZZ_LIB_OBJ := $(LIB_SRC:lib/%.c=$(FZ)/lib/%.o)
FUZZ_BIN := $(FUZZ_TARGETS:%=$(FZ)/fuzz_%)
FUZZ_REPLAY_BIN := $(FUZZ_TARGETS:%=$(SAN)/fuzz/replay_%)

$(FZ)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FZ)/libtlpress.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(FZ)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FZ)/libtlpress.a
	$(FUZZ_CC) $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FZ)/libtlpress.a $(PKG_LIBS) -lpthread -lm

# gcc, no libFuzzer: replay.c's main() feeds files to the target
$(SAN)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(SAN)/libtlpress.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -o $@ $< tests/fuzz/replay.c \
		$(SAN)/libtlpress.a $(PKG_LIBS) -lpthread -lm

asan: $(FUZZ_REPLAY_BIN)

fuzz-deps:
	@sh .ci/deps $(BUILD_DEBS) $(FUZZ_DEBS)

fuzz-build: fuzz-deps
	$(MAKE) $(FUZZ_BIN)

# one target at a time (-j1): each run has the machine to itself
fuzz: fuzz-build
	$(MAKE) -j1 $(FUZZ_TARGETS:%=fuzz-run-%)

fuzz-run-%: $(FZ)/fuzz_%
	@mkdir -p $(FZ)/corpus/$* $(FZ)/artifacts
	cp -n tests/fuzz/corpus/$*/* $(FZ)/corpus/$*/
	$(FZ)/fuzz_$* $(FUZZ_FLAGS) $(if $(wildcard tests/fuzz/$*.dict),-dict=tests/fuzz/$*.dict) \
		-max_len=$(FUZZ_MAXLEN_$*) -max_total_time=$(FUZZ_SECONDS) \
		-artifact_prefix=$(FZ)/artifacts/$*- $(FZ)/corpus/$*

fuzz-merge: fuzz-build
	$(MAKE) -j1 $(FUZZ_TARGETS:%=fuzz-merge-%)

fuzz-merge-%: $(FZ)/fuzz_%
	$(FZ)/fuzz_$* -merge=1 -max_len=$(FUZZ_MAXLEN_$*) $(FUZZ_FLAGS) \
		tests/fuzz/corpus/$* $(FZ)/corpus/$*

.PHONY: fuzz fuzz-build fuzz-deps fuzz-merge
-include $(FUZZ_LIB_OBJ:.o=.d)
# ---- end of fuzzing ----------------------------------------------------------

.PHONY: all unit asan deps check-deps check demo bench install install-systemd clean

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(SAN_LIB_OBJ:.o=.d) $(SAN_CMD_OBJ:.o=.d)
-include $(NET_OBJ:.o=.d) $(SAN_NET_OBJ:.o=.d) $(B)/loader.d $(SAN)/loader.d
