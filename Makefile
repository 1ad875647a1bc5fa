# Makefile: builds the `sems` core and the `ivr.so` plug-in, runs the tests.
#
#   make            build build/sems and build/ivr.so
#   make run        install into build/run and start the server on 127.0.0.1:5060
#   make test       unit tests (Check) and end-to-end tests (sipp, Kamailio)
#   make bench      load benchmark, prints a table (SEMS_REF=<SEMS 2.1 prefix>: side by side)
#   make install    PREFIX=/usr/local, DESTDIR honoured
#   make deps       install missing Debian packages (apt-get)

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   := build
PYTHON  := /usr/bin/python3

DEB_PACKAGES := build-essential pkg-config libre-dev libspandsp-dev \
	libsndfile1-dev libsamplerate0-dev libjansson-dev libpython3-dev \
	python3 check sip-tester kamailio kamailio-extra-modules sox procps \
	iproute2 flite1-dev libopus-dev ffmpeg

PC_LIBS := libre spandsp sndfile samplerate jansson opus
CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Iinclude -Isrc/core \
	   -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H
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

.PHONY: all deps run install test unit e2e bench fuzz clean
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

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PC_CFLAGS) -c $< -o $@

$(BUILD)/pic/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC $(PY_CFLAGS) -c $< -o $@

$(BUILD)/sems: $(BUILD)/src/core/main.o $(CORE_OBJ)
	$(CC) -o $@ $^ -rdynamic $(PC_LDLIBS) $(FLITE_LIBS) -lpthread -ldl -lm

$(BUILD)/ivr.so: $(IVR_OBJ)
	$(CC) -shared -o $@ $^ $(PY_LDLIBS)

$(BUILD)/unit_tests: $(UNIT_OBJ) $(CORE_OBJ)
	$(CC) -o $@ $^ -rdynamic $(CHECK_LIBS) $(PC_LDLIBS) $(FLITE_LIBS) \
		-lpthread -ldl -lm

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/lib/sems/plug-in \
		$(DESTDIR)$(PREFIX)/lib/sems/python $(DESTDIR)$(PREFIX)/lib/sems/ivr \
		$(DESTDIR)$(PREFIX)/lib/sems/audio $(DESTDIR)$(PREFIX)/etc/sems/etc \
		$(DESTDIR)$(PREFIX)/include/sems
	install -m 755 $(BUILD)/sems $(DESTDIR)$(PREFIX)/sbin/sems
	install -m 644 $(BUILD)/ivr.so $(DESTDIR)$(PREFIX)/lib/sems/plug-in/ivr.so
	install -m 644 src/ivr/python/*.py $(DESTDIR)$(PREFIX)/lib/sems/python/
	install -m 644 scripts/*.py $(DESTDIR)$(PREFIX)/lib/sems/ivr/
	install -m 644 scripts/audio/* $(DESTDIR)$(PREFIX)/lib/sems/audio/
	install -m 644 include/sems/*.h $(DESTDIR)$(PREFIX)/include/sems/
	sed 's|@PREFIX@|$(PREFIX)|g' etc/sems.conf > $(DESTDIR)$(PREFIX)/etc/sems/sems.conf
	for f in etc/*.conf scripts/*.conf; do \
		[ -e "$$f" ] || continue; [ "$$f" = etc/sems.conf ] && continue; \
		sed 's|@PREFIX@|$(PREFIX)|g' $$f > $(DESTDIR)$(PREFIX)/etc/sems/etc/$$(basename $$f); \
	done

RUN_DIR := $(CURDIR)/$(BUILD)/run
run: all
	$(MAKE) --no-print-directory install PREFIX=$(RUN_DIR) DESTDIR=
	$(RUN_DIR)/sbin/sems -f $(RUN_DIR)/etc/sems/sems.conf -E

test: all $(BUILD)/unit_tests
	$(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/test-install DESTDIR= >/dev/null
	@rc=0; \
	CK_DEFAULT_TIMEOUT=20 $(BUILD)/unit_tests || rc=1; \
	PYTHON=$(PYTHON) bash tests/e2e/run.sh $(CURDIR)/$(BUILD)/test-install || rc=1; \
	exit $$rc

unit: all $(BUILD)/unit_tests
	CK_DEFAULT_TIMEOUT=20 $(BUILD)/unit_tests

e2e: all
	$(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/test-install DESTDIR= >/dev/null
	PYTHON=$(PYTHON) bash tests/e2e/run.sh $(CURDIR)/$(BUILD)/test-install

# SEMS_REF: install prefix of a reference SEMS 2.1 (docs/performance.md);
# the BENCH_* environment variables size the run (bench/run.sh).
SEMS_REF ?=
bench: all
	$(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/bench-install DESTDIR= >/dev/null
	bash bench/run.sh $(CURDIR)/$(BUILD)/bench-install $(SEMS_REF)

clean:
	rm -rf $(BUILD)

# Coverage-guided fuzzing of the parsers that take outside input (clang).
FUZZ_SECONDS ?= 30
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -g -O1 \
	-Iinclude -Isrc/core $(PC_CFLAGS) \
	-fsanitize=fuzzer,address,undefined
fuzz:
	@mkdir -p $(BUILD)/fuzz
	clang $(FUZZ_FLAGS) tests/fuzz/fuzz_ser_parse.c src/core/ser/ser_parse.c \
		src/core/sip_request.c -o $(BUILD)/fuzz/ser_parse -lre
	clang $(FUZZ_FLAGS) tests/fuzz/fuzz_sip_headers.c src/core/sip_headers.c \
		-o $(BUILD)/fuzz/sip_headers
	$(BUILD)/fuzz/ser_parse -max_total_time=$(FUZZ_SECONDS) -max_len=70000
	$(BUILD)/fuzz/sip_headers -max_total_time=$(FUZZ_SECONDS)
