/* msm.c - multi-scalar multiplication on G1 and G2 (msm_tmpl.h has the design). */
#include "bn254/bn254_impl.h"
#include <stdlib.h>
#include <string.h>

/* Window width by size: the cost per window is ~n additions plus ~2^c for
 * the bucket running sum, over 254/c windows; c = log2(n) - 4 balances them
 * (a sweep on 2^16 and 2^18 points put the optimum at c = 12..13 and 15). */
static unsigned msm_window_bits(size_t n)
{
    unsigned lg = 0;
    while (lg < 63 && ((size_t)1 << (lg + 1)) <= n)
        lg++;
    int c = (int)lg - (lg >= 18 ? 3 : 4);
    if (c < 3)
        c = 3;
    if (c > 20)
        c = 20;
    return (unsigned)c;
}

/* scalars < r < 2^254: ceil(254/c) windows, plus one for the last carry */
static unsigned msm_num_windows(unsigned c) { return (254 + c - 1) / c + 1; }

/* Signed base-2^c digits: d_w in [-2^(c-1), 2^(c-1)), scalar = sum d_w 2^(wc).
 * dig[w * n + i] is digit w of scalar i. */
static void msm_digits(int32_t *dig, const fr_t *s, size_t n, unsigned c, unsigned nwin)
{
    const uint64_t mask = ((uint64_t)1 << c) - 1;
    const int64_t half = (int64_t)1 << (c - 1);
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        uint64_t v[4];
        fr_to_u256(v, &s[i]);
        int64_t carry = 0;
        for (unsigned w = 0; w < nwin; w++) {
            unsigned p = w * c, li = p / 64, off = p % 64;
            uint64_t bits = 0;
            if (li < 4) {
                bits = v[li] >> off;
                if (off + c > 64 && li + 1 < 4)
                    bits |= v[li + 1] << (64 - off);
            }
            int64_t d = (int64_t)(bits & mask) + carry;
            if (d >= half) {
                d -= (int64_t)1 << c;
                carry = 1;
            } else {
                carry = 0;
            }
            dig[(size_t)w * n + i] = (int32_t)d;
        }
    }
}

/* Below this many points the windows use Jacobian buckets: with few points
 * per bucket the affine trees' inversions (one per chunk and round) cost
 * more than the ~4 products per addition they save. */
#define MSM_AFFINE_MIN 512

/* what one entry of a batch of affine additions turns out to be */
enum { ENT_ADD, ENT_DBL, ENT_INF, ENT_COPY };

#define GN(name) g1_##name
#define GA g1_affine
#define GJ g1_jac
#define FE fq_t
#define FO(op) fqi_##op
#define GN_IFMA_CHORDS bn254_ifma_chords_fq
#include "bn254/msm_tmpl.h"
#undef GN_IFMA_CHORDS
#undef GN
#undef GA
#undef GJ
#undef FE
#undef FO

#define GN(name) g2_##name
#define GA g2_affine
#define GJ g2_jac
#define FE fq2_t
#define FO(op) fq2i_##op
#define GN_IFMA_CHORDS bn254_ifma_chords_fq2
#include "bn254/msm_tmpl.h"
