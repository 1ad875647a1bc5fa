# Makefile: builds the `sems` core and the `ivr.so` plug-in, runs the tests.
#
#   make            build build/sems and build/ivr.so
#   make run        install into build/run and start the server on 127.0.0.1:5060
#   make test       unit tests (Check) and end-to-end tests (sipp, Kamailio)
#   make bench      load benchmark, prints a table (SEMS_REF=<SEMS 2.1 prefix>: side by side)
#   make soak       10,000 IVR calls, 100 at a time; RSS, fds, threads back at baseline
#   make install    PREFIX=/usr/local, DESTDIR honoured; never overwrites
#                   a config file (installs NAME.conf.dist beside it)
#   make deps       install missing build/runtime Debian packages (apt-get)
#   make deps-test  the same for the test peers (Kamailio, sipp ...); the
#                   kamailio package's own service is kept from starting
#   make fuzz       libFuzzer targets (clang, ASan+UBSan), FUZZ_SECONDS each
#
#   SANITIZE=1      (any target) build with ASan+UBSan into build-san/ instead
#                   of build/, e.g. `make test SANITIZE=1`
#   CFLAGS, LDFLAGS, CPPFLAGS given on the command line are added to the
#   flags the build needs (SEMS_CFLAGS), they never replace them.

PREFIX  ?= /usr/local
DESTDIR ?=
SANITIZE ?=
ifeq ($(SANITIZE),1)
BUILD   := build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
else
BUILD   := build
SAN_FLAGS :=
endif
PYTHON  := /usr/bin/python3

# build and runtime: all that `make`, `make run` and `make install` need
DEB_PACKAGES := build-essential pkg-config libre-dev libspandsp-dev \
	libsndfile1-dev libsamplerate0-dev libjansson-dev libpython3-dev \
	python3 check flite1-dev libopus-dev
# test peers and tools: only `make test` / `make e2e` / `make bench`
DEB_TEST_PACKAGES := sip-tester kamailio kamailio-extra-modules sox procps strace \
	iproute2 ffmpeg python3-prometheus-client curl

PC_LIBS := libre spandsp sndfile samplerate jansson opus
CC      ?= cc
# User-overridable (make CFLAGS=... LDFLAGS=...); what the build needs is in
# SEMS_CFLAGS/SEMS_LDFLAGS and always applies.
CFLAGS  ?= -O2 -g
LDFLAGS ?=
SEMS_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Iinclude -Isrc/core \
	   -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H $(SAN_FLAGS)
SEMS_LDFLAGS := $(SAN_FLAGS)
ALL_CFLAGS = $(SEMS_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SEMS_LDFLAGS) $(LDFLAGS)
PC_CFLAGS = $(shell pkg-config --cflags $(PC_LIBS) 2>/dev/null)
PC_LDLIBS = $(shell pkg-config --libs $(PC_LIBS) 2>/dev/null)
PY_CFLAGS = $(shell pkg-config --cflags python3-embed 2>/dev/null)
PY_LDLIBS = $(shell pkg-config --libs python3-embed 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)
# flite has no pkg-config file
FLITE_LIBS := -lflite_cmu_us_kal -lflite_usenglish -lflite_cmulex -lflite

CORE_SRC  := $(filter-out src/core/main.c,$(wildcard src/core/*.c src/core/*/*.c))
CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/%.o)
IVR_SRC   := $(wildcard src/ivr/*.c)
IVR_OBJ   := $(IVR_SRC:%.c=$(BUILD)/pic/%.o)
UNIT_SRC  := $(wildcard tests/unit/*.c)
UNIT_OBJ  := $(UNIT_SRC:%.c=$(BUILD)/%.o)
HEADERS   := $(wildcard include/sems/*.h src/core/*.h src/core/*/*.h src/ivr/*.h)

.PHONY: all deps deps-test run install test unit e2e bench soak fuzz fuzz-build clean
all: deps $(BUILD)/sems $(BUILD)/ivr.so

# Installs only what is missing: quick when everything is present.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing missing packages:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

# The kamailio package starts a service on 127.0.0.1:5060 (the server's
# default port) where systemd runs: a policy-rc.d keeps invoke-rc.d from
# starting it during the install, and it is disabled and stopped after.
deps-test: deps
	@missing=$$(for p in $(DEB_TEST_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing missing test packages:" $$missing; \
		policy=; if [ ! -e /usr/sbin/policy-rc.d ]; then \
			printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && \
			chmod 755 /usr/sbin/policy-rc.d && policy=1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
		rc=$$?; [ -n "$$policy" ] && rm -f /usr/sbin/policy-rc.d; \
		[ $$rc = 0 ] || exit $$rc; \
	fi; \
	if command -v systemctl >/dev/null && [ -d /run/systemd/system ] && \
	   systemctl is-enabled kamailio >/dev/null 2>&1; then \
		echo "disabling the kamailio package's service (it takes 127.0.0.1:5060)"; \
		systemctl disable --now kamailio; \
	fi; true

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PC_CFLAGS) -c $< -o $@

$(BUILD)/pic/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC $(PY_CFLAGS) -c $< -o $@

$(BUILD)/sems: $(BUILD)/src/core/main.o $(CORE_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -rdynamic $(PC_LDLIBS) $(FLITE_LIBS) -lpthread -ldl -lm

# The plug-in is not linked against the sanitizer runtime: the sems binary
# that dlopen()s it already carries it (-fsanitize on the executable).
$(BUILD)/ivr.so: $(IVR_OBJ)
	$(CC) $(LDFLAGS) -shared -o $@ $^ $(PY_LDLIBS)

$(BUILD)/unit_tests: $(UNIT_OBJ) $(CORE_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -rdynamic $(CHECK_LIBS) $(PC_LDLIBS) $(FLITE_LIBS) \
		-lpthread -ldl -lm

# Config files are never overwritten: an existing one that differs gets
# NAME.conf.dist beside it.  SYSTEMD_DIR: where sems.service goes.
SYSTEMD_DIR ?= $(PREFIX)/lib/systemd/system
define install_conf
	if [ -e "$(2)" ] && ! cmp -s "$(1)" "$(2)"; then \
		cp "$(1)" "$(2).dist"; \
		echo "kept $(2) (edited): the new one is $(2).dist"; \
	elif [ ! -e "$(2)" ]; then cp "$(1)" "$(2)"; fi
endef

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/lib/sems/plug-in \
		$(DESTDIR)$(PREFIX)/lib/sems/python $(DESTDIR)$(PREFIX)/lib/sems/ivr \
		$(DESTDIR)$(PREFIX)/lib/sems/audio $(DESTDIR)$(PREFIX)/etc/sems/etc \
		$(DESTDIR)$(PREFIX)/include/sems $(DESTDIR)$(SYSTEMD_DIR) \
		$(BUILD)/conf
	install -m 755 $(BUILD)/sems $(DESTDIR)$(PREFIX)/sbin/sems
	sed 's|@PREFIX@|$(PREFIX)|g' scripts/sems-ctl > $(BUILD)/sems-ctl
	install -m 755 $(BUILD)/sems-ctl $(DESTDIR)$(PREFIX)/sbin/sems-ctl
	install -m 644 $(BUILD)/ivr.so $(DESTDIR)$(PREFIX)/lib/sems/plug-in/ivr.so
	install -m 644 src/ivr/python/*.py src/ivr/python/*.pyi \
		$(DESTDIR)$(PREFIX)/lib/sems/python/
	install -m 644 $(filter-out %_server.py,$(wildcard scripts/*.py)) \
		$(DESTDIR)$(PREFIX)/lib/sems/ivr/
	install -m 644 scripts/audio/* $(DESTDIR)$(PREFIX)/lib/sems/audio/
	install -m 644 include/sems/*.h $(DESTDIR)$(PREFIX)/include/sems/
	sed 's|@PREFIX@|$(PREFIX)|g' etc/sems.service > $(DESTDIR)$(SYSTEMD_DIR)/sems.service
	sed 's|@PREFIX@|$(PREFIX)|g' etc/sems.conf > $(BUILD)/conf/sems.conf
	@$(call install_conf,$(BUILD)/conf/sems.conf,$(DESTDIR)$(PREFIX)/etc/sems/sems.conf)
	@for f in etc/*.conf scripts/*.conf; do \
		[ -e "$$f" ] || continue; [ "$$f" = etc/sems.conf ] && continue; \
		b=$$(basename $$f); \
		sed 's|@PREFIX@|$(PREFIX)|g' $$f > $(BUILD)/conf/$$b; \
		$(call install_conf,$(BUILD)/conf/$$b,$(DESTDIR)$(PREFIX)/etc/sems/etc/$$b); \
	done

RUN_DIR := $(CURDIR)/$(BUILD)/run
run: all
	$(MAKE) --no-print-directory install PREFIX=$(RUN_DIR) DESTDIR=
	$(RUN_DIR)/sbin/sems -f $(RUN_DIR)/etc/sems/sems.conf -E

# SANITIZE=1: every sanitizer report (ASan, LSan, UBSan) of the unit tests
# and of each server the e2e cases start goes to a file in $(SAN_LOGS); the
# run fails if any appears.  CPython's own allocations are suppressed
# (tests/lsan.supp says why, one by one); PYTHONMALLOC=malloc makes Python
# use malloc() instead of its arenas, so LSan sees its blocks.  E2E_CASES
# restricts the e2e run to some cases (names or prefixes, e.g. "01 93"),
# E2E_JOBS says how many run at once.
SAN_LOGS := $(CURDIR)/$(BUILD)/san-logs
ifeq ($(SANITIZE),1)
SAN_ENV = ASAN_OPTIONS=log_path=$(SAN_LOGS)/asan:detect_leaks=1:suppressions=$(CURDIR)/tests/asan.supp \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(SAN_LOGS)/ubsan \
	PYTHONMALLOC=malloc CK_DEFAULT_TIMEOUT=60 E2E_CASE_TIMEOUT=$${E2E_CASE_TIMEOUT:-240} \
	SEMS_SANITIZED=1
SAN_CHECK = if ls $(SAN_LOGS)/* >/dev/null 2>&1; then \
	echo "sanitizer reports:"; head -n 60 $(SAN_LOGS)/*; rc=1; \
	else echo "sanitizers: no report"; fi
else
SAN_ENV = CK_DEFAULT_TIMEOUT=20
SAN_CHECK = :
endif
E2E_CASES ?=
# e2e cases run at once: they are mostly waiting (prompts, timers, sipp
# pauses); each has its own ports and directories.  6 on 2 cores takes the
# suite from 11 minutes to a little over 2 (docs/testing.md).
E2E_JOBS ?= 6

test: all deps-test $(BUILD)/unit_tests
	$(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/test-install DESTDIR= >/dev/null
	@rm -rf $(SAN_LOGS); mkdir -p $(SAN_LOGS); rc=0; \
	$(SAN_ENV) $(BUILD)/unit_tests || rc=1; \
	$(SAN_ENV) PYTHON=$(PYTHON) E2E_JOBS=$(E2E_JOBS) bash tests/e2e/run.sh $(CURDIR)/$(BUILD)/test-install $(E2E_CASES) || rc=1; \
	$(SAN_CHECK); \
	exit $$rc

unit: all $(BUILD)/unit_tests
	@rm -rf $(SAN_LOGS); mkdir -p $(SAN_LOGS); rc=0; \
	$(SAN_ENV) $(BUILD)/unit_tests || rc=1; \
	$(SAN_CHECK); \
	exit $$rc

e2e: all deps-test
	$(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/test-install DESTDIR= >/dev/null
	@rm -rf $(SAN_LOGS); mkdir -p $(SAN_LOGS); rc=0; \
	$(SAN_ENV) PYTHON=$(PYTHON) E2E_JOBS=$(E2E_JOBS) bash tests/e2e/run.sh $(CURDIR)/$(BUILD)/test-install $(E2E_CASES) || rc=1; \
	$(SAN_CHECK); \
	exit $$rc

# SEMS_REF: install prefix of a reference SEMS 2.1 (docs/performance.md);
# the BENCH_* environment variables size the run (tests/bench/run.sh).
SEMS_REF ?=
bench: all deps-test
	$(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/bench-install DESTDIR= >/dev/null
	bash tests/bench/run.sh $(CURDIR)/$(BUILD)/bench-install $(SEMS_REF)

# Not part of `test` (nor of .ci/run): about 6 minutes; the SOAK_*
# environment variables size it (tests/soak/run.sh), e.g. SOAK_CALLS=500.
soak: all deps-test
	$(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/soak-install DESTDIR= >/dev/null
	PYTHON=$(PYTHON) bash tests/soak/run.sh $(CURDIR)/$(BUILD)/soak-install

clean:
	rm -rf build build-san

# Coverage-guided fuzzing (clang, libFuzzer) of every parser that takes
# outside bytes, with ASan+UBSan; each target runs FUZZ_SECONDS from its
# seed corpus tests/fuzz/corpus/NAME (new inputs go to build/fuzz/corpus/
# NAME, never into the tree).  Any finding (crash, leak, UB, timeout) fails
# the run; the reproducer is left in build/fuzz/ (crash-*, leak-*, ...).
#   make fuzz FUZZ_SECONDS=30        all of them (CI)
#   make fuzz FUZZ_TARGETS="sdp rtp" some
FUZZ_SECONDS ?= 30
FUZZ_CC ?= clang
FUZZ_DIR := build/fuzz
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -g -O1 \
	-Iinclude -Isrc/core $(PC_CFLAGS) -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TARGETS ?= sip_msg sdp rtp ser_parse ser_rpc config audio_decode sip_headers
FUZZ_SRC_sip_msg      := src/core/sip/sip_msg_convert.c src/core/sip_request.c \
	src/core/sip_headers.c
FUZZ_SRC_sdp          := src/core/media/sdp_negotiate.c src/core/media/codec.c \
	src/core/log.c
FUZZ_SRC_rtp          := src/core/media/codec.c src/core/dtmf/dtmf_rfc4733.c \
	src/core/dtmf/dtmf_inband.c src/core/dtmf/dtmf_keys.c src/core/log.c \
	src/core/config.c src/core/core_config.c
FUZZ_SRC_ser_parse    := src/core/ser/ser_parse.c src/core/sip_request.c
FUZZ_SRC_ser_rpc      := src/core/ser/ser_socket.c src/core/log.c
FUZZ_SRC_config       := src/core/config.c src/core/core_config.c src/core/log.c
FUZZ_SRC_audio_decode := src/core/audio/audio_decode.c
FUZZ_SRC_sip_headers  := src/core/sip_headers.c
# per-target options: big datagrams for the t_write_unix socket
FUZZ_OPT_ser_parse    := -max_len=70000
FUZZ_OPT_audio_decode := -max_len=16384
FUZZ_OPT_rtp          := -max_len=8192
FUZZ_ENV := ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:suppressions=$(CURDIR)/tests/asan.supp \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

$(FUZZ_DIR)/%: tests/fuzz/fuzz_%.c $(HEADERS) $(wildcard src/core/*/*.c src/core/*.c)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_FLAGS) $< $(FUZZ_SRC_$*) -o $@ $(PC_LDLIBS) -lm

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)

fuzz: fuzz-build
	@rc=0; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t; \
		echo "== fuzz $$t: $(FUZZ_SECONDS) s"; \
		opt=; case $$t in \
		ser_parse) opt="$(FUZZ_OPT_ser_parse)";; \
		audio_decode) opt="$(FUZZ_OPT_audio_decode)";; \
		rtp) opt="$(FUZZ_OPT_rtp)";; esac; \
		(cd $(FUZZ_DIR) && $(FUZZ_ENV) ./$$t -max_total_time=$(FUZZ_SECONDS) \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=0 $$opt \
			corpus/$$t $(CURDIR)/tests/fuzz/corpus/$$t) \
			> $(FUZZ_DIR)/$$t.log 2>&1 \
			|| { rc=1; echo "FUZZ FINDING in $$t:"; \
			     grep -A 30 -E '^==[0-9]+==|runtime error|SUMMARY|Test unit written' \
				$(FUZZ_DIR)/$$t.log | head -60; }; \
		tail -n 1 $(FUZZ_DIR)/$$t.log; \
	done; exit $$rc
