# Thin driver over CMake.  `make run` and `make test` are the two commands
# the README starts with; everything else is a convenience.
MAKEFLAGS += --no-print-directory
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
RELEASE := build/release
ASAN    := build/asan
OUT     ?= results/xrsim.db
SCENARIO ?= scenarios/baseline.yaml
# The MPI build of `xrsim sweep` (mpirun -n R xrsim sweep ...): ON when mpicc
# and mpirun are there once `deps` has run (scripts/install-deps.sh installs
# OpenMPI), so `make test` tests it; `make test MPI=OFF` builds without.
# Expanded when a recipe runs, i.e. after deps.
MPI = $(if $(and $(shell command -v mpicc 2>/dev/null),$(shell command -v mpirun 2>/dev/null)),ON,OFF)

.PHONY: all deps build asan run test test-release test-asan test-asan-full bench clean

all: build

deps:
	@sh scripts/install-deps.sh

build: deps
	@cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DXRSIM_WERROR=ON -DXRSIM_MPI=$(MPI) >/dev/null
	@cmake --build $(RELEASE) -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DXRSIM_SANITIZE=ON -DXRSIM_WERROR=ON -DXRSIM_MPI=$(MPI) >/dev/null
	@cmake --build $(ASAN) -j $(JOBS)

# Only the command: `make run` need not wait for the test programs.
run: deps
	@cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DXRSIM_WERROR=ON -DXRSIM_MPI=$(MPI) >/dev/null
	@cmake --build $(RELEASE) -j $(JOBS) --target xrsim
	@mkdir -p $(dir $(OUT))
	@$(RELEASE)/xrsim run $(SCENARIO) --out $(OUT)

test-release: build
	@cd $(RELEASE) && ctest --output-on-failure -j $(JOBS)

# Under the sanitizers `make test` leaves out the tests labelled heavy
# (tests/CMakeLists.txt says which and why); test-asan-full runs them all.
test-asan: asan
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS) -LE 'bench|heavy'

test-asan-full: asan
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS) -LE bench

test: test-release test-asan

# Benchmarks recorded in BENCHMARKS.md (minutes, not part of the tests).
bench: build
	@sh bench/phold.sh
	@$(RELEASE)/xrsim bench core
	@$(RELEASE)/xrsim bench sig

clean:
	rm -rf build
