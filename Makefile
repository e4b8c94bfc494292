# forkscope — build, test, run, bench.  `make run` and `make test` do all the set-up.
.DEFAULT_GOAL := all
SHELL := /bin/bash

VERSION := 0.1.0
BUILD ?= build
CC ?= cc
CLANG ?= clang
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

# Debian 12 packages the project needs (build, tests, demos).
DEPS_PKGS := clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libncurses-dev \
	libcmocka-dev libjson-c-dev pkg-config python3 tmux make gcc mandoc shellcheck

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -I$(BUILD) -Isrc -DFS_VERSION=\"$(VERSION)\"
LDLIBS := -lbpf -lelf -lz -ljson-c -lncursesw
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
BUILD := build-san
endif

# Layers, lowest first (docs/architecture.md): a file includes only its own layer's and
# lower layers' headers (make check-layers). The core has no libbpf and no curses, so the
# unit tests link it alone: base (words, text, clocks), model, record, output and view
# (the UI's pure parts), export (pictures and traces for other tools). The tool adds
# trace, workload, tui and cli.
LAYERS := base model record output export trace workload view tui cli
CORE_LAYERS := base model record output export view
CORE_SRCS := $(foreach l,$(CORE_LAYERS),$(wildcard src/$(l)/*.c))
TOOL_SRCS := $(foreach l,trace workload tui cli,$(wildcard src/$(l)/*.c)) src/main.c
CORE_OBJS := $(patsubst src/%.c,$(BUILD)/%.o,$(CORE_SRCS))
TOOL_OBJS := $(patsubst src/%.c,$(BUILD)/%.o,$(TOOL_SRCS))
HEADERS := $(wildcard src/*/*.h)
# Data files the binary finds next to itself (base/paths.c): build/share/forkscope.
SHARE := $(BUILD)/share/forkscope
SHARE_FILES := $(patsubst %,$(SHARE)/%,$(wildcard demos/*.py)) \
	$(patsubst src/pyhook/%,$(SHARE)/pyhook/%,$(wildcard src/pyhook/*.py)) \
	$(patsubst demos/recordings/%,$(SHARE)/recordings/%,$(wildcard demos/recordings/*.jsonl))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all deps build run test unit integration tui-test bench clean format lint check-layers \
	install uninstall

all: $(BUILD)/forkscope $(SHARE_FILES) $(SHARE)/pyhook/__pycache__/.stamp

$(SHARE)/demos/%: demos/% | $(BUILD)/.dir
	@mkdir -p $(@D)
	cp $< $@

$(SHARE)/recordings/%: demos/recordings/% | $(BUILD)/.dir
	@mkdir -p $(@D)
	cp $< $@

$(SHARE)/pyhook/%: src/pyhook/% | $(BUILD)/.dir
	@mkdir -p $(@D)
	cp $< $@

# The hook's byte code, compiled once here: a workload run as the sudo user cannot write
# __pycache__ in the share folder, and compiling the hook from source at every Python
# start cost a spawn child about 4 ms of its 5 ms budget (bench/RESULTS.md, pyhook).
# Other interpreters compile it from source as before.
$(SHARE)/pyhook/__pycache__/.stamp: $(filter $(SHARE)/pyhook/%,$(SHARE_FILES))
	/usr/bin/python3 -m compileall -q $(SHARE)/pyhook
	@touch $@

# make install / make uninstall, as a Debian tool does: PREFIX (default /usr/local) and
# DESTDIR (staging). The binary finds share/forkscope at ../share/forkscope from itself
# (base/paths.c), so a staged copy works from its DESTDIR too. docs/install.md.
PREFIX ?= /usr/local
BINDIR := $(DESTDIR)$(PREFIX)/bin
DATADIR := $(DESTDIR)$(PREFIX)/share/forkscope
MANDIR := $(DESTDIR)$(PREFIX)/share/man/man1
COMPLDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
INSTALL_DEMOS := $(notdir $(wildcard demos/*.py))
INSTALL_HOOK := $(notdir $(wildcard src/pyhook/*.py))
INSTALL_RECORDINGS := $(notdir $(wildcard demos/recordings/*.jsonl))

install: all
	install -d $(BINDIR) $(DATADIR)/demos $(DATADIR)/pyhook $(DATADIR)/recordings \
	  $(MANDIR) $(COMPLDIR)
	install -m 755 $(BUILD)/forkscope $(BINDIR)/forkscope
	install -p -m 644 $(addprefix demos/,$(INSTALL_DEMOS)) $(DATADIR)/demos
	install -p -m 644 $(addprefix src/pyhook/,$(INSTALL_HOOK)) $(DATADIR)/pyhook
	/usr/bin/python3 -m compileall -q -d $(PREFIX)/share/forkscope/pyhook $(DATADIR)/pyhook
	$(if $(INSTALL_RECORDINGS),install -p -m 644 \
	  $(addprefix demos/recordings/,$(INSTALL_RECORDINGS)) $(DATADIR)/recordings)
	install -m 644 docs/forkscope.1 $(MANDIR)/forkscope.1
	install -m 644 docs/completion/forkscope.bash $(COMPLDIR)/forkscope

# Removes what install put, and the folders of its own once empty.
uninstall:
	rm -f $(BINDIR)/forkscope $(MANDIR)/forkscope.1 $(COMPLDIR)/forkscope
	rm -f $(addprefix $(DATADIR)/demos/,$(INSTALL_DEMOS)) \
	  $(addprefix $(DATADIR)/pyhook/,$(INSTALL_HOOK)) \
	  $(addprefix $(DATADIR)/recordings/,$(INSTALL_RECORDINGS))
	rm -f $(foreach f,$(basename $(INSTALL_HOOK)),$(DATADIR)/pyhook/__pycache__/$(f).*.pyc)
	rmdir $(DATADIR)/pyhook/__pycache__ $(DATADIR)/pyhook $(DATADIR)/demos \
	  $(DATADIR)/recordings $(DATADIR) 2>/dev/null || true

# $(call install_missing,WHO,PACKAGES,ON_FAILURE): apt-get update and install, only when
# one of the Debian PACKAGES is missing (a fresh machine has stale package lists).
define install_missing
	@missing=""; for p in $(2); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "$(1): installing$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing \
	    || { echo "$(1): apt-get failed; missing:$$missing" >&2; $(3); }; \
	fi
endef

deps:
	$(call install_missing,deps,$(DEPS_PKGS),exit 1)

build: deps
	@$(MAKE) --no-print-directory all

$(BUILD)/.dir:
	@mkdir -p $(BUILD)/tests && touch $@

$(BUILD)/vmlinux.h: | $(BUILD)/.dir
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BUILD)/forkscope.bpf.o: bpf/forkscope.bpf.c bpf/comm.bpf.h bpf/slots.bpf.h bpf/wakeup.bpf.h src/base/event.h $(BUILD)/vmlinux.h
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(BUILD) -Isrc -c $< -o $@
	llvm-strip -g $@ 2>/dev/null || true

$(BUILD)/forkscope.skel.h: $(BUILD)/forkscope.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(BUILD)/trace/trace.o $(BUILD)/trace/probe.o: $(BUILD)/forkscope.skel.h

# The second object: the workload's output and its channel (one sys_exit program).
$(BUILD)/output.bpf.o: bpf/output.bpf.c bpf/comm.bpf.h bpf/slots.bpf.h bpf/wakeup.bpf.h src/base/event.h $(BUILD)/vmlinux.h
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(BUILD) -Isrc -c $< -o $@
	llvm-strip -g $@ 2>/dev/null || true

$(BUILD)/output.skel.h: $(BUILD)/output.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(BUILD)/trace/capture.o: $(BUILD)/output.skel.h

$(BUILD)/%.o: src/%.c $(HEADERS) | $(BUILD)/.dir
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libfscore.a: $(CORE_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/forkscope: $(TOOL_OBJS) $(BUILD)/libfscore.a
	$(CC) $(LDFLAGS) -o $@ $(TOOL_OBJS) $(BUILD)/libfscore.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libfscore.a | $(BUILD)/.dir
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libfscore.a $(LDFLAGS) -lcmocka -ljson-c

unit: $(UNIT_TESTS) $(BUILD)/tests/fuzz_corpus
	@fail=0; for t in $(UNIT_TESTS); do echo "== $$t"; $$t || fail=1; done; \
	echo "== $(BUILD)/tests/fuzz_corpus tests/fuzz/corpus/*"; \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(BUILD)/tests/fuzz_corpus tests/fuzz/corpus/* \
	  || fail=1; exit $$fail

# The fuzz harness without libFuzzer: one pass over the fuzz corpus (a regression test).
$(BUILD)/tests/fuzz_corpus: tests/fuzz/fuzz_record.c tests/fuzz/run_corpus.c $(BUILD)/libfscore.a | $(BUILD)/.dir
	$(CC) $(CFLAGS) -o $@ tests/fuzz/fuzz_record.c tests/fuzz/run_corpus.c $(BUILD)/libfscore.a $(LDFLAGS) -ljson-c

integration: $(BUILD)/forkscope
	@rc=0; FORKSCOPE=$(BUILD)/forkscope /usr/bin/python3 tests/integration/run_tests.py || rc=1; \
	FORKSCOPE=$(BUILD)/forkscope /usr/bin/python3 tests/integration/test_bad_input.py || rc=1; \
	FORKSCOPE=$(BUILD)/forkscope /usr/bin/python3 tests/integration/test_narrate.py || rc=1; \
	FORKSCOPE=$(BUILD)/forkscope MMDC=$(MMDC) MMDC_PUPPETEER=$(NPM_DIR)/puppeteer.json \
	  /usr/bin/python3 tests/integration/test_export.py || rc=1; exit $$rc

# The exports rendered by the real tools (tests/integration/test_export.py, docs/export.md):
# Graphviz, librsvg and Mermaid's CLI, which runs Debian's chromium through puppeteer (its
# own browser download skipped). npm packages go to build/npm, never committed; nodejs and
# npm from Debian only where no npm is on PATH (node may come from elsewhere).
EXPORT_PKGS := graphviz librsvg2-bin chromium $(if $(shell command -v npm),,nodejs npm)
NPM_DIR := $(BUILD)/npm
MMDC := $(NPM_DIR)/node_modules/.bin/mmdc
MERMAID_CLI := @mermaid-js/mermaid-cli@11.17.0
CHROMIUM_ARGS := "--no-sandbox","--headless","--disable-gpu","--disable-background-networking",\
	"--disable-component-update","--disable-sync","--no-first-run"
.PHONY: export-deps export-test

$(MMDC): | $(BUILD)/.dir
	@mkdir -p $(NPM_DIR)
	@[ -f $(NPM_DIR)/package.json ] || echo '{"private":true}' > $(NPM_DIR)/package.json
	cd $(NPM_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error \
	  $(MERMAID_CLI)

$(NPM_DIR)/puppeteer.json: Makefile | $(BUILD)/.dir
	@mkdir -p $(NPM_DIR)
	echo '{"executablePath":"/usr/bin/chromium","args":[$(CHROMIUM_ARGS)]}' > $@

export-deps:
	$(call install_missing,export,$(EXPORT_PKGS),exit 1)
	@$(MAKE) --no-print-directory $(MMDC) $(NPM_DIR)/puppeteer.json

export-test: export-deps $(BUILD)/forkscope
	FORKSCOPE=$(BUILD)/forkscope MMDC=$(MMDC) MMDC_PUPPETEER=$(NPM_DIR)/puppeteer.json \
	  /usr/bin/python3 tests/integration/test_export.py

# libFuzzer on the recording reader, the model and the printers (docs/testing.md). New
# inputs go to build-fuzz/corpus; tests/fuzz/corpus holds the seeds and kept finds.
FUZZ_PKGS := clang libclang-rt-14-dev
FUZZ_SECONDS ?= 300
FUZZ_DIR := build-fuzz
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc -DFS_VERSION=\"$(VERSION)\" \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
.PHONY: fuzz

$(FUZZ_DIR)/fuzz_record: tests/fuzz/fuzz_record.c $(CORE_SRCS) $(HEADERS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_record.c $(CORE_SRCS) -ljson-c

fuzz: deps
	$(call install_missing,fuzz,$(FUZZ_PKGS),exit 1)
	@$(MAKE) --no-print-directory $(FUZZ_DIR)/fuzz_record
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/artifacts
	$(FUZZ_DIR)/fuzz_record -max_total_time=$(FUZZ_SECONDS) -dict=tests/fuzz/record.dict \
	  -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	  -artifact_prefix=$(FUZZ_DIR)/artifacts/ $(FUZZ_DIR)/corpus tests/fuzz/corpus

# terminal tests: the UI driven through tmux
tui-test: $(BUILD)/forkscope
	FORKSCOPE=$(BUILD)/forkscope /usr/bin/python3 tests/tui/run_tui_tests.py

# The frame benchmark draws through the UI's own objects (its main() replaces the tool's):
# the help lists the key tables, whose actions reach the loop and the live runs.
BENCH_FRAME_OBJS := $(filter-out $(BUILD)/main.o,$(TOOL_OBJS))
$(BUILD)/bench_frame: tests/tui/bench_frame.c $(BENCH_FRAME_OBJS) $(BUILD)/libfscore.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# No include points up the layer order of src/LAYERS; no source file over 600 lines; no
# role word or signal name outside src/base/names.c. Each check's own test breaks a copy of
# the tree and sees it fail.
check-layers:
	@/usr/bin/python3 tests/layers/check_layers.py
	@/usr/bin/python3 tests/layers/test_check_layers.py
	@/usr/bin/python3 tests/layers/check_vocabulary.py
	@/usr/bin/python3 tests/layers/test_check_vocabulary.py

test: deps
	@$(MAKE) --no-print-directory check-layers
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory export-deps
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory tui-test

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/forkscope run --method forkserver pool-recycle

# The shipped recordings (demos/recordings): every demo under every start method, with
# every line type (threads, CPU, output, channel and Python facts), for classes without
# root. Needs BPF (root); run it again after a change to the demos or the recording.
DEMO_NAMES := $(patsubst demos/%.py,%,$(wildcard demos/*.py))
METHODS := fork spawn forkserver
.PHONY: recordings
recordings: all
	@mkdir -p demos/recordings
	@for d in $(DEMO_NAMES); do for m in $(METHODS); do \
	  echo "recordings: $$d under $$m"; \
	  $(BUILD)/forkscope run --no-tui --method $$m -o demos/recordings/$$d-$$m.jsonl.tmp $$d \
	    >/dev/null 2>demos/recordings/.err || { cat demos/recordings/.err >&2; exit 1; }; \
	  mv demos/recordings/$$d-$$m.jsonl.tmp demos/recordings/$$d-$$m.jsonl; \
	done; done; rm -f demos/recordings/.err
	@$(MAKE) --no-print-directory recording-variants

# The variants docs/guide.md shows beside the plain runs: NAME:METHOD:DEMO:ARGS (colons for
# spaces; METHOD default: no --method), each recorded as demos/recordings/NAME-METHOD.jsonl.
RECORDING_VARIANTS := \
	pool-recycle-chunksize-default:fork:pool-recycle:--chunksize:default \
	missing-guard-variant-process:spawn:missing-guard:--variant:process \
	daemon-parent-waits:fork:daemon:--parent-waits \
	executor-max-tasks-per-child:default:executor:--max-tasks-per-child:2
.PHONY: recording-variants
recording-variants: all
	@for v in $(RECORDING_VARIANTS); do IFS=: read -r name m d args <<< "$$v"; \
	  echo "recordings: $$name under $$m"; \
	  meth="--method $$m"; [ "$$m" != default ] || meth=""; \
	  $(BUILD)/forkscope run --no-tui $$meth -o demos/recordings/$$name-$$m.jsonl.tmp \
	    $$d $${args//:/ } >/dev/null 2>demos/recordings/.err \
	    || { cat demos/recordings/.err >&2; exit 1; }; \
	  mv demos/recordings/$$name-$$m.jsonl.tmp demos/recordings/$$name-$$m.jsonl; \
	done; rm -f demos/recordings/.err

# docs/guide.md's pictures: SVG exports of shipped recordings (forkscope export).
GUIDE_PICTURES := start-methods-forkserver start-methods-spawn missing-guard-spawn \
	missing-guard-variant-process-spawn daemon-fork executor-fork \
	executor-max-tasks-per-child-default pool-recycle-fork pool-recycle-chunksize-default-fork gil-fork
.PHONY: guide-pictures
guide-pictures: all
	@mkdir -p docs/guide
	@for r in $(GUIDE_PICTURES); do \
	  $(BUILD)/forkscope export --format svg -o docs/guide/$$r.svg demos/recordings/$$r.jsonl || exit 1; \
	done; echo "guide-pictures: docs/guide/*.svg"

# The fork(+exec) storm the overhead benchmark runs (bench/README.md).
$(BUILD)/storm: bench/storm.c bench/bench_util.h | $(BUILD)/.dir
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# The context-switch storm (two processes bouncing a byte over pipes) of the switch part.
$(BUILD)/pingpong: bench/pingpong.c bench/bench_util.h | $(BUILD)/.dir
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# The switch part's floor: an empty tp_btf/sched_switch program and its loader.
$(BUILD)/empty_switch.bpf.o: bench/empty_switch.bpf.c $(BUILD)/vmlinux.h
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(BUILD) -c $< -o $@

$(BUILD)/empty_switch: bench/empty_switch.c $(BUILD)/empty_switch.bpf.o | $(BUILD)/.dir
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lbpf

# The output benchmark's writer (a pty flood) and its system-call loop.
$(BUILD)/flood: bench/flood.c bench/bench_util.h | $(BUILD)/.dir
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# The recording reader (and model) throughput and memory benchmark.
$(BUILD)/replay_bench: bench/replay_bench.c $(BUILD)/libfscore.a | $(BUILD)/.dir
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libfscore.a $(LDFLAGS) -ljson-c

# Peak memory of the UI's replay path (session + model) under the UI's limits, a big
# recording against a small one: replay_memory SMALL BIG (bench/replay_memory.c).
$(BUILD)/replay_memory: bench/replay_memory.c $(BUILD)/libfscore.a | $(BUILD)/.dir
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libfscore.a $(LDFLAGS) -ljson-c

# The peers `make bench` compares forkscope with (execsnoop is in libbpf-tools) and jq.
BENCH_PKGS := libbpf-tools bpftrace forkstat jq
# Extra options for bench/bench.py, e.g. `make bench BENCH_ARGS=--quick`.
BENCH_ARGS ?=

bench: deps
	$(call install_missing,bench,$(BENCH_PKGS),echo "bench: the missing peers are skipped" >&2)
	@$(MAKE) --no-print-directory all $(BUILD)/storm $(BUILD)/pingpong $(BUILD)/flood $(BUILD)/replay_bench \
	  $(BUILD)/empty_switch \
	  $(BUILD)/replay_memory $(BUILD)/bench_frame
	/usr/bin/python3 bench/bench.py --forkscope $(BUILD)/forkscope --storm $(BUILD)/storm \
	  --pingpong $(BUILD)/pingpong --replay-bench $(BUILD)/replay_bench $(BENCH_ARGS)
	$(BUILD)/bench_frame

format:
	clang-format -i src/*.c src/*/*.[ch] bpf/*.[ch] tests/unit/*.c tests/tui/*.c \
	  tests/fuzz/*.c bench/*.c

lint:
	cppcheck --quiet --enable=warning,style,performance --std=c11 --error-exitcode=1 \
	  --suppress=missingIncludeSystem --inline-suppr -Isrc -I$(BUILD) -ibench/empty_switch.bpf.c src \
	  tests/unit tests/fuzz tests/tui bench

clean:
	rm -rf build build-san build-fuzz
