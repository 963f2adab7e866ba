/* simd.c - the one switch between the AVX-512, AVX2 and portable paths of lib/ntt, lib/hash, lib/air. */
#include "field/field.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_int simd_mode = -1; /* -1: not decided yet; 0: scalar; 1: AVX2 */
static atomic_int simd512_mode = -1; /* -1: not decided yet; 0: off; 1: AVX-512 */

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

static int cpu_has_avx512(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

int bb_simd_avx512(void)
{
    if (!bb_simd_avx2())
        return 0;
    int m = atomic_load_explicit(&simd512_mode, memory_order_relaxed);
    if (m < 0) {
        const char *env = getenv("RAIKO_NO_AVX512");
        int off = env && *env && strcmp(env, "0") != 0;
        m = !off && cpu_has_avx512();
        atomic_store_explicit(&simd512_mode, m, memory_order_relaxed);
    }
    return m;
}

void bb_simd_set_avx512(int on)
{
    atomic_store_explicit(&simd512_mode, on && cpu_has_avx512(), memory_order_relaxed);
}
