/* rt.cuh - the small CUDA runtime layer every kernel host wrapper uses.
 *
 * Device selection, checked allocation with peak accounting, copies, launch
 * checks, and the host EMULATION mode: with rt_emulating() set, "device"
 * buffers are host buffers and every kernel body runs in plain loops on the
 * CPU.  The kernels are written as __host__ __device__ bodies so that the
 * emulation runs the very index math and arithmetic the GPU runs; unit tests
 * use it on machines without a GPU (it is slow: tests only).
 *
 * Every public gpu_* function holds one process-wide recursive lock
 * (RK_API_LOCK), so callers on several host threads are serialised (the
 * twiddle cache and the allocation table are shared).
 */
#ifndef RAIKO_KERNELS_RT_CUH
#define RAIKO_KERNELS_RT_CUH

#include <stddef.h>
#include <stdint.h>
#include <cuda_runtime.h>

extern "C" {
#include "common/err.h"
}

namespace rk {

/* Scope guard over the process-wide recursive lock of the gpu_* API. */
struct rt_api_guard {
    rt_api_guard();
    ~rt_api_guard();
};
#define RK_API_LOCK rk::rt_api_guard rk_api_guard_

int rt_emulating(void);
/* Initialise the device once (device 0 of CUDA_VISIBLE_DEVICES); RK_OK or RK_EINTERNAL with the reason. */
int rt_init(rk_err *e);
/* Checked device allocation; out of memory says how much was asked and how much is free. */
int rt_alloc(void **p, size_t bytes, const char *what, rk_err *e);
void rt_free(void *p);
int rt_h2d(void *dst, const void *src, size_t bytes, rk_err *e);
int rt_d2h(void *dst, const void *src, size_t bytes, rk_err *e);
int rt_d2d(void *dst, const void *src, size_t bytes, rk_err *e);
int rt_zero(void *dst, size_t bytes, rk_err *e);
/* After a launch: the launch error (bad configuration) or, with sync, the execution error. */
int rt_launched(const char *kernel, rk_err *e);
int rt_sync(const char *what, rk_err *e);
/* bytes * count, failing with RK_EINPUT on overflow. */
int rt_size(size_t *out, size_t a, size_t b, size_t c, const char *what, rk_err *e);

/* Blocks of `threads` covering n items (n > 0). */
static inline unsigned rt_blocks(uint64_t n, unsigned threads)
{
    return (unsigned)((n + threads - 1) / threads);
}

/* Check a CUDA runtime call: on failure return RK_EINTERNAL naming the call. */
#define RK_CU(call, e)                                                                             \
    do {                                                                                           \
        cudaError_t rk_cu_err_ = (call);                                                           \
        if (rk_cu_err_ != cudaSuccess)                                                             \
            return rk_fail((e), RK_EINTERNAL, "gpu: %s: %s", #call,                                \
                           cudaGetErrorString(rk_cu_err_));                                        \
    } while (0)

/* Run a flat kernel: one body call per index i < n, on the GPU or in the emulation. */
#ifdef __CUDACC__
template <class F>
__global__ void rt_flat_kernel(uint64_t n, F body)
{
    uint64_t i = (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        body(i);
}

template <class F>
static int rt_flat(const char *name, uint64_t n, F body, rk_err *e)
{
    if (n == 0)
        return RK_OK;
    if (rt_emulating()) {
        for (uint64_t i = 0; i < n; i++)
            body(i);
        return RK_OK;
    }
    const unsigned threads = 256;
    uint64_t blocks = (n + threads - 1) / threads;
    if (blocks > 0x7fffffffu)
        return rk_fail(e, RK_EINTERNAL, "gpu: %s: %llu blocks is too many", name,
                       (unsigned long long)blocks);
    rt_flat_kernel<<<(unsigned)blocks, threads>>>(n, body);
    return rt_launched(name, e);
}
#endif

} /* namespace rk */

#endif
