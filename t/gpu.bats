#!/usr/bin/env bats
# raiko-prove-seg --device on a machine without a usable GPU: "gpu" is exit 3 with one
# clear line, "auto" falls back to the CPU (said once with -v), and the device choice never
# changes the receipt's bytes.  (The GPU itself is tested by t/unit/test_gpu*.c and, on a
# GPU machine, scripts/gpu-check.)
load helper

G=${RAIKO_GUESTS:-$top/guests/build}

setup_file() {
    export F="$BATS_FILE_TMPDIR"
    printf 'fri:\n  num_queries: 2\n  proof_of_work_bits: 1\nsecurity:\n  min_bits: 3\n' >"$F/small.yaml"
    [ -f "$G/fib.elf" ] || return 0
    raiko-split -q --po2 10 --segment 0 -o "$F/fib" "$G/fib.elf"
    RAIKO_CONFIG="$F/small.yaml" raiko-prove-seg -q --device cpu "$F/fib/seg-00000.rseg" -o "$F/cpu.rrcpt"
}

setup() {
    T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/raiko-t.XXXXXX")
    [ -f "$G/fib.elf" ] || skip "guests not built (make -C guests needs riscv64-unknown-elf-gcc)"
    if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
        skip "a GPU is present (scripts/gpu-check covers it)"
    fi
    export RAIKO_CONFIG="$F/small.yaml"
    unset RAIKO_DEVICE
    S=$F/fib/seg-00000.rseg
}

@test "gpu: --device gpu without a usable GPU is exit 3 with one line saying why" {
    run raiko-prove-seg --device gpu "$S" -o "$T/r.rrcpt"
    assert_failure 3
    assert_one_line
    assert_output --regexp '^raiko-prove-seg: --device gpu: (no usable CUDA device|no CUDA device|CUDA device 0 unusable|raiko was built without CUDA)'
    [ ! -e "$T/r.rrcpt" ]
}

@test "gpu: RAIKO_DEVICE=gpu and prover.device: gpu fail the same way, naming their origin" {
    RAIKO_DEVICE=gpu run raiko-prove-seg "$S" -o "$T/r.rrcpt"
    assert_failure 3
    assert_one_line
    assert_output --partial 'raiko-prove-seg: RAIKO_DEVICE gpu: '
    { cat "$F/small.yaml"; printf 'prover:\n  device: gpu\n'; } >"$T/gpu.yaml"
    run raiko-prove-seg -c "$T/gpu.yaml" "$S" -o "$T/r.rrcpt"
    assert_failure 3
    assert_one_line
    assert_output --partial 'raiko-prove-seg: prover.device gpu: '
    # the flag wins over the environment and the config
    RAIKO_DEVICE=gpu run raiko-prove-seg -q -c "$T/gpu.yaml" --device cpu "$S" -o "$T/r.rrcpt"
    assert_success
    [ -s "$T/r.rrcpt" ]
}

@test "gpu: an unknown device name is a usage error (exit 2)" {
    run raiko-prove-seg --device tpu "$S" -o "$T/r.rrcpt"
    assert_failure 2
    assert_output --partial "--device must be cpu, gpu or auto, not 'tpu'"
    RAIKO_DEVICE=tpu run raiko-prove-seg "$S" -o "$T/r.rrcpt"
    assert_failure 2
    assert_one_line
    assert_output --partial "RAIKO_DEVICE: unknown device 'tpu'"
}

@test "gpu: --device auto falls back to the CPU, says so once with -v, and gives the CPU's bytes" {
    run raiko-prove-seg -v --json --device auto "$S" -o "$T/auto.rrcpt"
    assert_success
    [ "$(grep -c 'device auto: using the CPU' <<<"$output")" -eq 1 ]
    assert_output --partial 'raiko-prove-seg: device cpu'
    assert_output --partial '"device":"cpu"'
    cmp "$T/auto.rrcpt" "$F/cpu.rrcpt"
}

@test "gpu: --device gpu through the kernels' host emulation gives the CPU's receipt, byte for byte" {
    # RAIKO_GPU_EMULATE=1 (tests only) runs the CUDA kernels' bodies on the host; threshold 0
    # sends every NTT, Merkle tree and FRI fold of the proof through them.
    RAIKO_GPU_EMULATE=1 RAIKO_GPU_MIN_WORDS=0 run raiko-prove-seg -v --json --device gpu "$S" -o "$T/gpu.rrcpt"
    if [[ "$output" == *"built without CUDA"* ]]; then skip "built without CUDA"; fi
    assert_success
    assert_output --regexp 'raiko-prove-seg: device gpu: host emulation, [1-9][0-9]* calls, [0-9.]+ s in them \([0-9.]+ GB over PCIe\), peak device memory [0-9.]+ MiB'
    assert_output --regexp '"device":"gpu","gpu":"host emulation","gpu_mem_peak_bytes":[1-9][0-9]*,"gpu_calls":[1-9][0-9]*,"gpu_s":[0-9.e-]+,"gpu_pcie_bytes":[1-9][0-9]*'
    cmp "$T/gpu.rrcpt" "$F/cpu.rrcpt"
}
