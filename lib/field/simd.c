/* simd.c - the one switch between the AVX2 and the portable paths of lib/ntt and lib/hash. */
#include "field/field.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_int simd_mode = -1; /* -1: not decided yet; 0: scalar; 1: AVX2 */

static int cpu_has_avx2(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
#else
    return 0;
#endif
}

int bb_simd_avx2(void)
{
    int m = atomic_load_explicit(&simd_mode, memory_order_relaxed);
    if (m < 0) {
        const char *env = getenv("RAIKO_NO_AVX2");
        int off = env && *env && strcmp(env, "0") != 0;
        m = !off && cpu_has_avx2();
        atomic_store_explicit(&simd_mode, m, memory_order_relaxed);
    }
    return m;
}

void bb_simd_set_avx2(int on)
{
    atomic_store_explicit(&simd_mode, on && cpu_has_avx2(), memory_order_relaxed);
}
