/* g1.c - G1: y^2 = x^3 + 3 over Fq, generator (1, 2); cofactor 1. */
#include "bn254/bn254_impl.h"

#define GN(name) g1_##name
#define GA g1_affine
#define GJ g1_jac
#define FE fq_t
#define FO(op) fqi_##op
/* Montgomery forms of 3, 1, 2 (python3: x * 2^256 % q) */
#define CURVE_B ((fq_t){{0x7a17caa950ad28d7ULL, 0x1f6ac17ae15521b9ULL, 0x334bea4e696bd284ULL, 0x2a1f6744ce179d8eULL}})
#define GEN_X ((fq_t){{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}})
#define GEN_Y ((fq_t){{0xa6ba871b8b1e1b3aULL, 0x14f1d651eb8e167bULL, 0xccdd46def0f28c58ULL, 0x1c14ef83340fbe5eULL}})
#include "bn254/group_tmpl.h"

int g1_from_bytes(g1_affine *p, const uint8_t in[64])
{
    g1_affine t;
    if (fq_from_bytes_be(&t.x, in) != RK_OK || fq_from_bytes_be(&t.y, in + 32) != RK_OK)
        return RK_EINPUT;
    t.infinity = fq_is_zero(&t.x) && fq_is_zero(&t.y);
    if (!g1_affine_is_on_curve(&t))
        return RK_EINPUT;
    *p = t;
    return RK_OK;
}

void g1_to_bytes(uint8_t out[64], const g1_affine *p)
{
    if (p->infinity) {
        memset(out, 0, 64);
        return;
    }
    fq_to_bytes_be(out, &p->x);
    fq_to_bytes_be(out + 32, &p->y);
}
