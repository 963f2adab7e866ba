/* bb.cuh - BabyBear and its degree-4 extension for CUDA kernels (and their host emulation).
 *
 * Same representation as lib/field: an element is a uint32_t holding the
 * Montgomery form a*2^32 mod p, always reduced into [0, p).  Because the
 * representation is canonical, equal field values are equal words, so a
 * kernel's output can be compared with the CPU's byte for byte.
 *
 * Every function is __host__ __device__: the same code runs in the kernels and
 * in the host emulation the unit tests use on machines without a GPU.
 * Extension: F_p[X]/(X^4 - 11) (Plonky3 / SP1), coefficients c0..c3.
 */
#ifndef RAIKO_KERNELS_BB_CUH
#define RAIKO_KERNELS_BB_CUH

#include <stdint.h>

#ifdef __CUDACC__
#define RK_HD __host__ __device__ __forceinline__
#else
#define RK_HD static inline
#endif

/* Loop unrolling hints for the device pass only (host compilers warn on them). */
#ifdef __CUDA_ARCH__
#define RK_UNROLL _Pragma("unroll")
#define RK_UNROLL1 _Pragma("unroll 1")
#else
#define RK_UNROLL
#define RK_UNROLL1
#endif

namespace rk {

static constexpr uint32_t RK_P = 0x78000001u;
static constexpr uint32_t RK_MU = 0x88000001u;   /* p^-1 mod 2^32 (Plonky3 MONTY_MU) */
static constexpr uint32_t RK_R2 = 0x45dddde3u;   /* 2^64 mod p: to_mont(x) = x * R2 * 2^-32 */
static constexpr uint32_t RK_ONE = 0x0ffffffeu;  /* 2^32 mod p: Montgomery form of 1 */

/* Montgomery form of a canonical constant, usable in static initializers. */
#define RK_MONT(x) ((uint32_t)((((uint64_t)(x)) << 32) % 0x78000001ull))

/* x < p * 2^32  ->  x * 2^-32 mod p, in [0, p). */
RK_HD uint32_t bb_reduce(uint64_t x)
{
    uint32_t t = (uint32_t)x * RK_MU;       /* t*p == x (mod 2^32) */
    uint64_t u = (uint64_t)t * RK_P;
    uint32_t hi = (uint32_t)((x - u) >> 32); /* (x - u) / 2^32, exact, in (-p, p) */
    return x < u ? hi + RK_P : hi;
}

/* The GPU forms below are written for the instruction set (32-bit multiply
 * halves, unsigned min) and are the same formulas on the host, so the
 * emulation tests exactly what the device computes. */
RK_HD uint32_t rk_umin(uint32_t a, uint32_t b)
{
#ifdef __CUDA_ARCH__
    return umin(a, b);
#else
    return a < b ? a : b;
#endif
}

RK_HD uint32_t rk_umulhi(uint32_t a, uint32_t b)
{
#ifdef __CUDA_ARCH__
    return __umulhi(a, b);
#else
    return (uint32_t)(((uint64_t)a * b) >> 32);
#endif
}

/* a + b reduced: s - p wraps above s exactly when s < p, so the minimum picks the right one. */
RK_HD uint32_t bb_add(uint32_t a, uint32_t b)
{
    uint32_t s = a + b; /* < 2p < 2^32 */
    return rk_umin(s, s - RK_P);
}

/* a - b reduced: when a < b, d wraps to >= 2^32 - p and d + p is the answer (< p). */
RK_HD uint32_t bb_sub(uint32_t a, uint32_t b)
{
    uint32_t d = a - b;
    return rk_umin(d, d + RK_P);
}

RK_HD uint32_t bb_neg(uint32_t a) { return a ? RK_P - a : 0; }

/* Montgomery product a*b*2^-32 mod p, in [0, p).  With x = a*b and t = x*mu mod
 * 2^32, x - t*p is divisible by 2^32, so the low words cancel exactly and the
 * result is hi(x) - hi(t*p), plus p when that is negative: four 32-bit
 * multiplies (no 64-bit arithmetic), same value as bb_reduce. */
RK_HD uint32_t bb_mul(uint32_t a, uint32_t b)
{
    uint32_t lo = a * b, hi = rk_umulhi(a, b);
    uint32_t t = lo * RK_MU;
    uint32_t r = hi - rk_umulhi(t, RK_P);
    return rk_umin(r, r + RK_P);
}
RK_HD uint32_t bb_to_mont(uint32_t x) { return bb_mul(x % RK_P, RK_R2); }
RK_HD uint32_t bb_from_mont(uint32_t a) { return bb_reduce(a); }

RK_HD uint32_t bb_pow(uint32_t a, uint64_t e)
{
    uint32_t r = RK_ONE;
    while (e) {
        if (e & 1)
            r = bb_mul(r, a);
        a = bb_mul(a, a);
        e >>= 1;
    }
    return r;
}

RK_HD uint32_t bb_inv(uint32_t a) { return bb_pow(a, RK_P - 2); } /* 0 -> 0 */

/* Plonky3 two_adic_generator(bits) = 0x1a427a41^(2^(27 - bits)), bits <= 27. */
RK_HD uint32_t bb_two_adic_gen(unsigned bits)
{
    uint32_t g = RK_MONT(0x1a427a41u);
    for (unsigned i = bits; i < 27; i++)
        g = bb_mul(g, g);
    return g;
}

/* ---- degree-4 extension, X^4 = 11 ---- */
struct bb4 {
    uint32_t c[4];
};

RK_HD bb4 bb4_add(bb4 a, bb4 b)
{
    bb4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb_add(a.c[i], b.c[i]);
    return r;
}

RK_HD bb4 bb4_sub(bb4 a, bb4 b)
{
    bb4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb_sub(a.c[i], b.c[i]);
    return r;
}

RK_HD bb4 bb4_mul_base(bb4 a, uint32_t b)
{
    bb4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb_mul(a.c[i], b);
    return r;
}

RK_HD bb4 bb4_mul(bb4 a, bb4 b)
{
    const uint32_t w = RK_MONT(11u);
    uint32_t t[7];
    for (int k = 0; k < 7; k++)
        t[k] = 0;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            t[i + j] = bb_add(t[i + j], bb_mul(a.c[i], b.c[j]));
    bb4 r;
    for (int k = 0; k < 3; k++)
        r.c[k] = bb_add(t[k], bb_mul(w, t[k + 4]));
    r.c[3] = t[3];
    return r;
}

/* a^-1 (0 for 0).  With b = a(-X) = a0 - a1 X + a2 X^2 - a3 X^3, a b = c0 + c2 X^2 has no odd
 * terms, so it lives in F_p[Y]/(Y^2 - 11) (Y = X^2), where (c0 + c2 Y)^-1 =
 * (c0 - c2 Y) / (c0^2 - 11 c2^2); then a^-1 = b (a b)^-1.  One base inversion. */
RK_HD bb4 bb4_inv(bb4 a)
{
    const uint32_t w = RK_MONT(11u);
    bb4 b = a;
    b.c[1] = bb_neg(a.c[1]);
    b.c[3] = bb_neg(a.c[3]);
    bb4 c = bb4_mul(a, b); /* c.c[1] = c.c[3] = 0 */
    uint32_t d = bb_sub(bb_mul(c.c[0], c.c[0]), bb_mul(w, bb_mul(c.c[2], c.c[2])));
    uint32_t di = bb_inv(d);
    bb4 ci;
    ci.c[0] = bb_mul(c.c[0], di);
    ci.c[1] = 0;
    ci.c[2] = bb_neg(bb_mul(c.c[2], di));
    ci.c[3] = 0;
    return bb4_mul(b, ci);
}

} /* namespace rk */

#endif
