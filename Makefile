# fitbench's front door. `make report` and `make test` do everything on a
# fresh Debian 12 machine: missing Debian packages are installed first
# (as root; otherwise the exact apt-get command is printed and make stops).

BUILD   ?= build
ASAN    ?= build-asan
RESULTS ?= results
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=

# Debian packages the build, the tests and the report need.
PACKAGES = cmake make gcc g++ pkg-config zlib1g-dev libbenchmark-dev libjson-c-dev \
           gnuplot-nox hyperfine valgrind python3 \
           perl sqlite3 git xz-utils zstd binutils \
           libjemalloc2 libgoogle-perftools4 libmimalloc2.0 parallel

FITBENCH = $(BUILD)/harness/fitbench
BENCH    = $(BUILD)/harness/fitbench-bench
# Extra arguments: `make report RUN_ARGS="-a fit,libc"`, `make bench BENCH_ARGS=...`.
RUN_ARGS   ?=
# `make report` continues what an earlier (interrupted) report left in the
# results folder; REPORT_MODE=--force starts afresh. RUN_JOBS: cells at once.
REPORT_MODE ?= --resume
RUN_JOBS    ?= $(JOBS)
BENCH_ARGS ?=
PROGRAMS_ARGS ?=

.PHONY: all build deps test sanitize report bench programs numbers suite clean

all: build

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing Debian packages:$$missing"; \
	    echo "run: sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: deps
	$(MAKE) build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# The tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: deps
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DFB_SANITIZE=ON
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ctest --output-on-failure -j $(JOBS) -LE nosan $(CTEST_ARGS)

# The main job: the bundled suite against every allocator, then charts and
# results/report.html. A cell that is not ok (an allocator that runs out of
# its fixed region, say) is a result, not a failure of the job. Run again,
# it runs only the cells the results folder lacks (--resume).
report: deps
	$(MAKE) build
	$(FITBENCH) run $(REPORT_MODE) -j $(RUN_JOBS) -o $(RESULTS) $(RUN_ARGS); rc=$$?; [ $$rc -le 1 ] || exit $$rc
	$(FITBENCH) report $(RESULTS)

# Google Benchmark micro-benchmarks and trace replays, into the results
# folder; the report picks them up. A replay case over its time budget is
# skipped with a message (status 1), which does not fail the job.
bench: deps
	$(MAKE) build
	mkdir -p $(RESULTS)
	$(BENCH) --benchmark_out=$(RESULTS)/bench.json --benchmark_out_format=json $(BENCH_ARGS); \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc
	$(BENCH) --ns-table $(RESULTS)/bench.json > $(RESULTS)/bench_ns.md
	@if [ -f $(RESULTS)/results.csv ]; then $(FITBENCH) report $(RESULTS); fi

# Real programs under every policy (libfitmalloc.so) and every installed
# system allocator, timed with hyperfine; the report picks them up.
programs: deps
	$(MAKE) build
	$(FITBENCH) programs -o $(RESULTS) $(PROGRAMS_ARGS); rc=$$?; [ $$rc -le 1 ] || exit $$rc
	@if [ -f $(RESULTS)/results.csv ]; then $(FITBENCH) report $(RESULTS); fi

# Every figure of the README's measured sections, from a fresh run, with
# the date, machine and commit (plots/numbers.sh says how; NUMBERS="trim
# preload" runs some sections only). About an hour on 2 cores.
NUMBERS ?=
numbers: deps
	$(MAKE) build
	BUILD=$(BUILD) bash plots/numbers.sh $(NUMBERS)

# Re-records and regenerates the bundled suite in traces/ (the programs it
# records come from these Debian packages).
SUITE_PACKAGES = python3 perl sqlite3 bc jq groff imagemagick zlib1g-dev
suite: deps
	$(MAKE) deps PACKAGES="$(SUITE_PACKAGES)"
	$(MAKE) build
	FITBENCH=$(FITBENCH) bash traces/make-suite.sh

clean:
	rm -rf $(BUILD) $(ASAN)
