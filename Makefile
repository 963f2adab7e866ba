# raiko - distributed zkVM proving as UNIX tools.
#
#   make              build lib/libraiko.a and bin/raiko-*
#   make check        install missing deps, build, run every test (C unit + bats)
#   make check SAN=1  the same under ASan + UBSan (objects in build-san/)
#   make demo         the main job on a bundled example
#   make bench        benchmarks (results go to bench/RESULTS.md by hand)
#   make fuzz         run each libFuzzer target briefly (clang)
#   make install PREFIX=/usr/local DESTDIR=
#
# Sources are discovered, not listed: every lib/<concept>/*.c goes into
# libraiko.a, every tools/<name>/ becomes bin/raiko-<name>, every
# t/unit/test_*.c becomes one unit-test program, every t/*.bats runs.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= cc
SAN       ?= 0
WERROR    ?= 0

ifeq ($(SAN),1)
BUILD     := build-san
OPT       := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
SANLD     := -fsanitize=address,undefined
else
BUILD     := build
OPT       ?= -O2 -g
SANLD     :=
endif

BINDIR    := $(if $(filter 1,$(SAN)),$(BUILD)/bin,bin)
LIBA      := $(if $(filter 1,$(SAN)),$(BUILD)/libraiko.a,lib/libraiko.a)

WARN      := -Wall -Wextra -Wshadow -Wno-unused-parameter $(if $(filter 1,$(WERROR)),-Werror,)
CPPFLAGS  += -Ilib -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -DRAIKO_VERSION='"$(VERSION)"'
CFLAGS    += -std=c11 $(OPT) $(WARN) -fopenmp -MMD -MP
LDLIBS    += -lzstd -lxxhash -lyaml -lm -lpthread
LDFLAGS   += -fopenmp $(SANLD)

# ---- CUDA (optional): kernels/*.cu compiled when nvcc is found, CUDA=0|1 overrides
NVCC      ?= $(shell command -v nvcc 2>/dev/null || { test -x /usr/local/cuda/bin/nvcc && echo /usr/local/cuda/bin/nvcc; })
# SAN builds stay CPU-only: ASan/UBSan do not instrument nvcc's host code and
# the CUDA runtime trips ASan; the kernels are tested in CUDA builds.
CUDA      ?= $(if $(filter 1,$(SAN)),0,$(if $(NVCC),1,0))
CU_SRCS   := $(wildcard kernels/*.cu)
ifeq ($(CUDA),1)
ifneq ($(CU_SRCS),)
CUDA_HOME ?= $(patsubst %/bin/nvcc,%,$(NVCC))
# Which GPUs the kernels are compiled for: CUDA_ARCHS=auto (default) is the
# GPUs of this machine (nvidia-smi), or with none a single PTX target
# (compute_80, JIT-compiled by the driver on any sm_80 or newer card);
# CUDA_ARCHS=all the five release targets; CUDA_ARCHS="80 90" those.
CUDA_ARCHS ?= auto
comma     := ,
ifeq ($(CUDA_ARCHS),auto)
CUDA_ARCHS_ := $(sort $(shell nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | tr -d . | grep -E '^[0-9]+$$'))
else ifeq ($(CUDA_ARCHS),all)
CUDA_ARCHS_ := 80 86 89 90 ptx90
else
CUDA_ARCHS_ := $(CUDA_ARCHS)
endif
ifeq ($(strip $(CUDA_ARCHS_)),)
CUDA_GENCODE := -gencode arch=compute_80,code=compute_80
else
CUDA_GENCODE := $(foreach a,$(CUDA_ARCHS_),$(if $(filter ptx%,$(a)),-gencode arch=compute_$(a:ptx%=%)$(comma)code=compute_$(a:ptx%=%),-gencode arch=compute_$(a)$(comma)code=sm_$(a)))
endif
NVFLAGS   ?= -O3 -std=c++17 -Ilib -Xcompiler -fPIC,-Wall,-Wextra,-Wshadow $(CUDA_GENCODE)
CPPFLAGS  += -DRAIKO_CUDA=1
CU_OBJS   := $(CU_SRCS:%.cu=$(BUILD)/%.o)
LDLIBS    += -L$(CUDA_HOME)/lib64 -lcudart_static -ldl -lrt -lstdc++
endif
endif

LIB_SRCS  := $(wildcard lib/*/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(CU_OBJS)
TOOL_DIRS := $(patsubst tools/%/main.c,%,$(wildcard tools/*/main.c))
TOOLS     := $(TOOL_DIRS:%=$(BINDIR)/raiko-%)
UNIT_SRCS := $(wildcard t/unit/test_*.c)
UNITS     := $(UNIT_SRCS:t/unit/%.c=$(BUILD)/t/%)
FUZZ_SRCS_ := $(wildcard t/fuzz/fuzz_*.c)
SCRIPTS   := $(wildcard scripts/raiko-*)

.SECONDARY:
.PHONY: all deps check demo bench fuzz install clean units guests print-ldlibs
all: $(LIBA) $(TOOLS) $(BINDIR)/raiko-prove

# the pipeline script beside the tools, so that PATH=bin:$PATH has all of them
$(BINDIR)/raiko-prove: scripts/raiko-prove
	@mkdir -p $(dir $@)
	install -m 755 $< $@

# demo, check and bench build with every core (make -jN from nproc)
NPROC     := $(shell nproc 2>/dev/null || echo 2)

$(LIBA): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/kernels/%.o: kernels/%.cu $(wildcard kernels/*.cuh) lib/gpu/gpu.h lib/air/air.h
	@mkdir -p $(dir $@)
	$(NVCC) $(NVFLAGS) -c $< -o $@

define tool_rule
$(BINDIR)/raiko-$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard tools/$(1)/*.c)) $(LIBA)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach t,$(TOOL_DIRS),$(eval $(call tool_rule,$(t))))

$(BUILD)/t/test_%: $(BUILD)/t/unit/test_%.o $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

HELPER_SRCS := $(wildcard t/helpers/*.c)
HELPERS   := $(HELPER_SRCS:t/helpers/%.c=$(BUILD)/t/helpers/%)
$(BUILD)/t/helpers/%: $(BUILD)/t/helpers/%.o $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Each fuzz target is also built with a replay driver, so make check runs it
# over its corpus (seeds and the crashes that became regressions).
FUZZ_REPLAYS := $(FUZZ_SRCS_:t/fuzz/fuzz_%.c=$(BUILD)/t/fuzz/replay_%)
$(BUILD)/t/fuzz/replay_%: $(BUILD)/t/fuzz/fuzz_%.o $(BUILD)/t/fuzz/replay.o $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

units: $(UNITS) $(HELPERS) $(FUZZ_REPLAYS)

# Guest programs (RISC-V ELF) are built by guests/Makefile with the cross compiler.
guests:
	@if [ -f guests/Makefile ]; then $(MAKE) -C guests; fi

deps:
	@scripts/install-deps

check: deps
	$(MAKE) -j$(NPROC) all units guests
	RAIKO_BIN=$(CURDIR)/$(BINDIR) RAIKO_UNITS=$(CURDIR)/$(BUILD)/t RAIKO_HELPERS=$(CURDIR)/$(BUILD)/t/helpers scripts/run-tests

demo: deps
	$(MAKE) -j$(NPROC) all guests
	scripts/demo

bench: deps
	$(MAKE) -j$(NPROC) all guests
	@if [ -x bench/run ]; then bench/run; else echo "no benchmarks yet"; fi

# the libraries a program linked against lib/libraiko.a needs (bench/run uses it: CUDA or not)
print-ldlibs:
	@echo $(LDFLAGS) $(LDLIBS)

# libFuzzer targets: t/fuzz/fuzz_*.c, each linked against the library sources built with clang.
FUZZ_SRCS := $(wildcard t/fuzz/fuzz_*.c)
FUZZ_TIME ?= 20
fuzz: deps
	@scripts/run-fuzz $(FUZZ_TIME)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	$(if $(SCRIPTS),install -m 755 $(SCRIPTS) $(DESTDIR)$(PREFIX)/bin/,)
	for t in $(TOOLS) $(SCRIPTS); do PATH=$(CURDIR)/$(BINDIR):$$PATH scripts/mkman $$t $(DESTDIR)$(PREFIX)/share/man/man1 || exit 1; done

clean:
	rm -rf build build-san build-fuzz bin lib/libraiko.a
	@if [ -f guests/Makefile ]; then $(MAKE) -C guests clean; fi

-include $(LIB_OBJS:.o=.d) $(wildcard $(BUILD)/tools/*/*.d) $(wildcard $(BUILD)/t/unit/*.d) $(wildcard $(BUILD)/t/helpers/*.d)
