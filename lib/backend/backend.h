/* backend.h - which device the prover's hot loops run on: the CPU or one GPU.
 *
 * Tools call rk_backend_select once (from --device, else RAIKO_DEVICE, else
 * "auto"); the libraries then ask rk_backend_offload(words) to dispatch their
 * heavy loops (lib/ntt, lib/merkle, lib/fri) to lib/gpu.  The choice never
 * changes an output byte: both backends compute identical results.
 *
 *   "cpu"   the CPU (OpenMP, AVX2).  The state before any selection.
 *   "gpu"   the first device of CUDA_VISIBLE_DEVICES (run one process per GPU);
 *           RK_EINTERNAL when there is none, saying why.  A GPU call that fails
 *           later (out of device memory, a failed launch) fails the operation.
 *   "auto"  the GPU when one is usable, else the CPU; with verbose on, the
 *           fallback is said once on stderr.  A GPU call that fails later
 *           switches the process to the CPU (said once on stderr) and the
 *           operation is redone there: same bytes, slower.
 *
 * Small calls stay on the CPU: moving the data over PCIe costs more than the
 * work.  A call goes to the GPU when it touches at least rk_backend_gpu_min_words()
 * field words (default 2^18 = 1 MiB; $RAIKO_GPU_MIN_WORDS or
 * rk_backend_set_gpu_min_words override it; 0 sends everything, for tests).
 */
#ifndef RAIKO_BACKEND_H
#define RAIKO_BACKEND_H

#include <stddef.h>

#include "common/err.h"

#define RK_DEVICE_ENV "RAIKO_DEVICE"
#define RK_GPU_MIN_WORDS_ENV "RAIKO_GPU_MIN_WORDS"
#define RK_GPU_MIN_WORDS_DEFAULT ((size_t)1 << 18)
/* TESTS ONLY: "1" makes "gpu"/"auto" use lib/gpu's host emulation of the kernels (CUDA
 * builds), so the tools' GPU paths can be exercised without a device.  Slow; small inputs. */
#define RK_GPU_EMULATE_ENV "RAIKO_GPU_EMULATE"

/* name: "cpu", "gpu" or "auto"; NULL or "" means $RAIKO_DEVICE, or "auto"
 * when that is unset or empty.  RK_EINPUT on any other name.  Clears a
 * recorded GPU failure (rk_backend_gpu_error). */
int rk_backend_select(const char *name, rk_err *e);
/* The same with the name's origin for messages ("--device", "prover.device in
 * raiko.yaml"); NULL or "" name still falls back to $RAIKO_DEVICE, then "auto". */
int rk_backend_select_from(const char *name, const char *source, rk_err *e);
/* The same, but "gpu" and "auto" open the device on a thread of their own (CUDA's start takes
 * a fraction of a second) while the caller goes on (raiko-prove-seg builds the traces); the
 * first rk_backend_is_gpu or rk_backend_ready waits for it.  A "gpu" that cannot open the
 * device is reported by rk_backend_ready (with rk_backend_select_from's message); call it
 * before the first GPU work, and before exiting (so the thread is not left running). */
int rk_backend_select_later(const char *name, const char *source, rk_err *e);
int rk_backend_ready(rk_err *e);
/* 1 iff the selected backend is the GPU (and no failure has switched "auto" to the CPU). */
int rk_backend_is_gpu(void);
/* "cpu" or "gpu". */
const char *rk_backend_name(void);
/* Verbose (-v): say on stderr, once, when "auto" falls back to the CPU. */
void rk_backend_set_verbose(int on);
/* The prefix of the backend's stderr lines (the tool's name; default "raiko"), and quiet (-q):
 * then even a GPU failure that "auto" recovers from mid-proof is not said.  tool must outlive
 * the process's use of the backend (a string literal). */
void rk_backend_set_messages(const char *tool, int quiet);

/* The size threshold in field words (4-byte elements); SIZE_MAX restores
 * $RAIKO_GPU_MIN_WORDS or the default.  Not thread-safe: set it before proving. */
void rk_backend_set_gpu_min_words(size_t words);
size_t rk_backend_gpu_min_words(void);
/* 1 iff a call that reads or writes `words` field words (> 0) should run on the GPU. */
int rk_backend_offload(size_t words);

/* Device-resident proving (lib/stark): with the GPU backend, each committed LDE is made on the
 * device and stays there for its Merkle tree, the quotient and FRI's row sums, instead of being
 * copied up again by each of those calls.  On by default; "0" in $RAIKO_GPU_RESIDENT (or
 * rk_backend_set_resident(0)) turns it off: each GPU call then copies its own data.  Same bytes
 * either way.  rk_backend_set_resident(-1) goes back to the environment's choice. */
#define RK_GPU_RESIDENT_ENV "RAIKO_GPU_RESIDENT"
void rk_backend_set_resident(int on);
/* 1 iff the backend is the GPU and resident proving is on. */
int rk_backend_resident(void);

/* A dispatched GPU call failed with ge.  Records the first failure's message.
 * "auto": switches to the CPU, says so once on stderr, returns RK_OK (the
 * caller redoes the work on the CPU).  "gpu": returns RK_EINTERNAL (the caller
 * fails; tools print rk_backend_gpu_error() as the reason).  Thread-safe. */
int rk_backend_gpu_failed(const rk_err *ge);
/* The first GPU failure since rk_backend_select ("gpu: out of device memory: ..."), or NULL. */
const char *rk_backend_gpu_error(void);

/* Accounting of the dispatched calls (for -v/--json and benchmarks; thread-safe):
 * a caller takes t0 = rk_backend_clock() before a GPU call and reports it after with
 * the bytes the call copied between host and device. */
double rk_backend_clock(void);
void rk_backend_gpu_call_done(double t0, size_t pcie_bytes);
typedef struct rk_backend_stats {
    unsigned long long calls; /* dispatched GPU calls that succeeded */
    double seconds;           /* wall time inside them: PCIe copies + kernels */
    unsigned long long pcie_bytes;
} rk_backend_stats;
void rk_backend_get_stats(rk_backend_stats *s);
void rk_backend_reset_stats(void);

#endif
