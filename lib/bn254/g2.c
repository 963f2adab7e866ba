/* g2.c - G2 as points of the twist y^2 = x^3 + 3/(9+u) over Fq2 (EIP-197's
 * generator); the curve has a large cofactor, so points read from outside
 * must pass g2_affine_in_subgroup. */
#include "bn254/bn254_impl.h"

#define GN(name) g2_##name
#define GA g2_affine
#define GJ g2_jac
#define FE fq2_t
#define FO(op) fq2i_##op
/* b' = 3/(9+u) and the EIP-197 generator, Montgomery form (python3 big integers) */
#define CURVE_B ((fq2_t){{{0x3bf938e377b802a8ULL, 0x020b1b273633535dULL, 0x26b7edf049755260ULL, 0x2514c6324384a86dULL}}, \
                         {{0x38e7ecccd1dcff67ULL, 0x65f0b37d93ce0d3eULL, 0xd749d0dd22ac00aaULL, 0x0141b9ce4a688d4dULL}}})
#define GEN_X ((fq2_t){{{0x8e83b5d102bc2026ULL, 0xdceb1935497b0172ULL, 0xfbb8264797811adfULL, 0x19573841af96503bULL}}, \
                       {{0xafb4737da84c6140ULL, 0x6043dd5a5802d8c4ULL, 0x09e950fc52a02f86ULL, 0x14fef0833aea7b6bULL}}})
#define GEN_Y ((fq2_t){{{0x619dfa9d886be9f6ULL, 0xfe7fd297f59e9b78ULL, 0xff9e1a62231b7dfeULL, 0x28fd7eebae9e4206ULL}}, \
                       {{0x64095b56c71856eeULL, 0xdc57f922327d3cbbULL, 0x55f935be33351076ULL, 0x0da4a0e693fd6482ULL}}})
#include "bn254/group_tmpl.h"

int g2_affine_in_subgroup(const g2_affine *p)
{
    if (p->infinity)
        return 1;
    g2_jac j, t;
    g2_jac_from_affine(&j, p);
    g2_jac_mul_u256(&t, &j, BN254_R);
    return g2_jac_is_infinity(&t);
}

int g2_from_bytes(g2_affine *p, const uint8_t in[128])
{
    g2_affine t;
    if (fq_from_bytes_be(&t.x.c1, in) != RK_OK || fq_from_bytes_be(&t.x.c0, in + 32) != RK_OK ||
        fq_from_bytes_be(&t.y.c1, in + 64) != RK_OK || fq_from_bytes_be(&t.y.c0, in + 96) != RK_OK)
        return RK_EINPUT;
    t.infinity = fq2_is_zero(&t.x) && fq2_is_zero(&t.y);
    if (!g2_affine_is_on_curve(&t) || !g2_affine_in_subgroup(&t))
        return RK_EINPUT;
    *p = t;
    return RK_OK;
}

void g2_to_bytes(uint8_t out[128], const g2_affine *p)
{
    if (p->infinity) {
        memset(out, 0, 128);
        return;
    }
    fq_to_bytes_be(out, &p->x.c1);
    fq_to_bytes_be(out + 32, &p->x.c0);
    fq_to_bytes_be(out + 64, &p->y.c1);
    fq_to_bytes_be(out + 96, &p->y.c0);
}
