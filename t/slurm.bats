#!/usr/bin/env bats
# scripts/raiko-slurm on a real single-node Slurm cluster (munged, slurmctld
# and slurmd started here by t/slurmd.bash, with two fake GPUs): a run proven
# through sbatch array tasks and an afterok aggregation job, a task killed
# mid-proof and resubmitted, a damaged receipt resubmitted.  Every result must
# equal, byte for byte, the receipt of a local run.
load helper
load slurmd

fib=$top/guests/build/fib.elf

setup_file() {
    export F="$BATS_FILE_TMPDIR"
    reference_run "$F/local"
    if [ "$(id -u)" != 0 ]; then
        echo "the Slurm tests start slurmd and munged, which need root (CI runs as root)" >"$F/skip"
    elif ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
        echo "slurmctld or munged is missing: run scripts/install-deps" >"$F/broken"
    else
        start_slurm "$F/slurm" >"$F/slurm.start" 2>&1 || echo "Slurm did not start: $(cat "$F/slurm.start")" >"$F/broken"
    fi
}

teardown_file() {
    [ -d "$F/slurm" ] && stop_slurm "$F/slurm"
    return 0
}

setup() {
    T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/raiko-t.XXXXXX")
    export PATH="$RAIKO_BIN:$top/scripts:$PATH"
    if [ "${BATS_TEST_DESCRIPTION#*usage}" = "$BATS_TEST_DESCRIPTION" ]; then
        [ ! -f "$F/skip" ] || skip "$(cat "$F/skip")"
        [ ! -f "$F/broken" ] || fail "$(cat "$F/broken")"
        [ -f "$F/local/run.ragg" ] || fail "the local reference run failed: $(cat "$F/local.log")"
        export SLURM_CONF=$F/slurm/slurm.conf
    fi
}

# a raiko-prove-seg that hangs on segment 1 the first time (so a test can kill
# the task mid-proof) and records what Slurm gave each task
slow_tool() {
    mkdir -p "$T/tool"
    cat >"$T/tool/raiko-prove-seg" <<SH
#!/usr/bin/env bash
echo "\$* CUDA_VISIBLE_DEVICES=\${CUDA_VISIBLE_DEVICES-unset} OMP_NUM_THREADS=\${OMP_NUM_THREADS-unset}" >>"$T/calls"
case "\$*" in *seg-00001.rseg*) mkdir "$T/hung" 2>/dev/null && { echo \$\$ >"$T/hung/pid"; sleep 300; exit 1; } ;; esac
exec "$RAIKO_BIN/raiko-prove-seg" "\$@"
SH
    chmod +x "$T/tool/raiko-prove-seg"
}

@test "slurm usage: errors are one line with exit 2, --help documents the exit codes" {
    run raiko-slurm --resubmit -w "$T/none"
    assert_failure 2
    assert_output --partial "$T/none/split/manifest.yaml: no split to resubmit"
    assert_one_line
    run raiko-slurm --resubmit -w "$T/none" "$fib"
    assert_failure 2
    assert_output --partial "--resubmit takes no PROGRAM.elf"
    run raiko-slurm --max-running x "$fib"
    assert_failure 2
    assert_output "raiko-slurm: not a number: x"
    run raiko-slurm -w "$T/w" "$T/missing.elf"
    assert_failure 2
    assert_output "raiko-slurm: $T/missing.elf: no such file"
    run env -u SLURM_ARRAY_TASK_ID raiko-slurm --task prove -w "$F/local"
    assert_failure 2
    assert_output --partial "runs as a Slurm array task"
    run raiko-slurm --help
    assert_success
    assert_output --partial "Exit: 0 jobs submitted"
    # the man page is made from --help like every tool's
    scripts_mkman=$top/scripts/mkman
    "$scripts_mkman" "$top/scripts/raiko-slurm" "$T"
    grep -q '^raiko-slurm \\- Prove a guest run on a Slurm cluster, one array task (one GPU) per segment.$' "$T/raiko-slurm.1"
}

@test "slurm: array tasks with one GPU each and an afterok aggregation give the local run's receipt, byte for byte" {
    slow_tool; mkdir "$T/hung"   # no hang here: every call goes through
    run env PATH="$T/tool:$PATH" raiko-slurm -w "$T/w" --po2 12 --input-item "$F/n150" --cpus-per-task 1 --wait "$fib"
    assert_success
    assert_output --partial "submitted array job"
    assert_output --partial "(the whole run)"
    cmp "$T/w/run.ragg" "$F/local/run.ragg"
    # one task per segment, each with the GPU Slurm gave it (gres gpu:1 of 2) and one thread per CPU it got
    [ "$(grep -c 'seg-0000[0-2].rseg' "$T/calls")" = 3 ]
    [ "$(grep -c 'CUDA_VISIBLE_DEVICES=[01] OMP_NUM_THREADS=1$' "$T/calls")" = 3 ]
    # logs a person can follow: one per task, one for the aggregation, and the job ids
    array=$(awk '/prove array job/ {print $5}' "$T/w/slurm.log" | tr -d :)
    agg=$(awk '/aggregate job/ {print $4}' "$T/w/slurm.log")
    grep -q "aggregate job $agg after $array" "$T/w/slurm.log"
    for i in 0 1 2; do grep -q "seg-0000$i.rrcpt verifies" "$T/w/logs/seg-0000$i.$array.log"; done
    grep -q "final receipt: $T/w/run.ragg (3 segments" "$T/w/logs/aggregate.$agg.log"
    # Slurm's own record of the jobs (the job completion log; sacct -c reads it)
    run sacct -c -n -o JobID,State
    assert_output --regexp "$agg +COMPLETED"
}

@test "slurm: a task killed mid-proof cancels the aggregation; --resubmit proves only that segment" {
    slow_tool
    PATH="$T/tool:$PATH" raiko-slurm -w "$T/w" --po2 12 --input-item "$F/n150" --wait "$fib" >"$T/first.log" 2>&1 3>&- &
    first=$!
    for _ in $(seq 300); do [ -f "$T/hung/pid" ] && break; sleep 0.1; done
    [ -f "$T/hung/pid" ] || fail "segment 1 never started: $(cat "$T/first.log")"
    array=$(awk '/prove array job/ {print $5}' "$T/w/slurm.log" | tr -d :)
    # the prover's task is killed as preemption or an operator would kill it
    scancel "${array}_1"
    wait $first && fail "raiko-slurm --wait succeeded although a task was killed"
    grep -q "the aggregation job .* never ran" "$T/first.log"
    grep -q "raiko-slurm --resubmit -w $T/w" "$T/first.log"
    [ ! -e "$T/w/split/seg-00001.rrcpt" ]
    [ ! -e "$T/w/run.ragg" ]
    [ "$(squeue -h | wc -l)" = 0 ]   # the aggregation did not stay pending for ever
    : >"$T/calls"
    run env PATH="$T/tool:$PATH" raiko-slurm --resubmit -w "$T/w" --wait
    assert_success
    assert_output --partial "3 segments, 1 to prove"
    assert_output --partial "segments 1"$'\n'
    # only segment 1 was proven again
    [ "$(grep -c rseg "$T/calls")" = 1 ]
    grep -q seg-00001.rseg "$T/calls"
    cmp "$T/w/run.ragg" "$F/local/run.ragg"
    # nothing left to do: --resubmit says so and submits nothing
    run raiko-slurm --resubmit -w "$T/w"
    assert_success
    assert_output --partial "nothing to submit"
    [ "$(grep -c 'prove array job' "$T/w/slurm.log")" = 2 ]
}

@test "slurm: --resubmit replaces a receipt that does not verify, in a raiko-prove work directory" {
    # the work directory of a local raiko-prove run: the same layout
    cp -a "$F/local" "$T/w"
    rm "$T/w/run.ragg"
    printf '\x55' | dd of="$T/w/split/seg-00002.rrcpt" bs=1 seek=300 conv=notrunc status=none
    run raiko-slurm --resubmit -w "$T/w" --gres none --wait
    assert_success
    assert_output --partial "seg-00002.rrcpt does not verify: removed, submitting seg-00002.rseg again"
    assert_output --partial "segments 2"$'\n'
    cmp "$T/w/run.ragg" "$F/local/run.ragg"
}
