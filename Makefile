# fitbench's front door. `make report` and `make test` do everything on a
# fresh Debian 12 machine: missing Debian packages are installed first
# (as root; otherwise the exact apt-get command is printed and make stops).

BUILD   ?= build
ASAN    ?= build-asan
RESULTS ?= results
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=

# Debian packages the build, the tests and the report need.
PACKAGES = cmake make gcc g++ pkg-config zlib1g-dev libbenchmark-dev \
           gnuplot-nox hyperfine valgrind \
           libjemalloc2 libgoogle-perftools4 libmimalloc2.0

FITBENCH = $(BUILD)/harness/fitbench

.PHONY: all build deps test sanitize report bench clean

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

clean:
	rm -rf $(BUILD) $(ASAN)
