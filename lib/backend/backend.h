/* backend.h - which device the prover's hot loops run on: the CPU or one GPU.
 *
 * Tools call rk_backend_select once (from --device, else RAIKO_DEVICE, else
 * "auto"); the libraries then ask rk_backend_is_gpu() to dispatch their heavy
 * loops (lib/ntt, lib/hash, lib/merkle, lib/fri) to lib/gpu.  The choice never
 * changes an output byte: both backends compute identical results.
 *
 *   "cpu"   the CPU (OpenMP, AVX2).  The state before any selection.
 *   "gpu"   the first device of CUDA_VISIBLE_DEVICES (run one process per GPU);
 *           RK_EINTERNAL when there is none, saying why.
 *   "auto"  the GPU when one is usable, else the CPU; with verbose on, the
 *           fallback is said once on stderr.
 */
#ifndef RAIKO_BACKEND_H
#define RAIKO_BACKEND_H

#include "common/err.h"

#define RK_DEVICE_ENV "RAIKO_DEVICE"

/* name: "cpu", "gpu" or "auto"; NULL or "" means $RAIKO_DEVICE, or "auto"
 * when that is unset or empty.  RK_EINPUT on any other name. */
int rk_backend_select(const char *name, rk_err *e);
/* 1 iff the selected backend is the GPU. */
int rk_backend_is_gpu(void);
/* "cpu" or "gpu". */
const char *rk_backend_name(void);
/* Verbose (-v): say on stderr, once, when "auto" falls back to the CPU. */
void rk_backend_set_verbose(int on);

#endif
