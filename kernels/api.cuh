/* api.cuh - the C declarations of lib/gpu/gpu.h, seen from the .cu files, so
 * that nvcc checks every definition against the public header. */
#ifndef RAIKO_KERNELS_API_CUH
#define RAIKO_KERNELS_API_CUH

extern "C" {
#include "gpu/gpu.h"
void gpu_ntt_release(void); /* ntt.cu: free the cached twiddle tables */
void gpu_host_copy_parallel(void *dst, const void *src, size_t bytes); /* lib/gpu/hostcopy.c */
}

#include "bb.cuh"

namespace rk {
/* A lib/field extension element as the kernels' type (the same words). */
static inline bb4 to_rk(bb4_t v)
{
    bb4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = v.c[i];
    return r;
}
} /* namespace rk */

#endif
