/* fr.c - the scalar field Fr of BN254 (Montgomery form, R = 2^256). */
#include "bn254/bn254_impl.h"

const uint64_t BN254_R[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL,
                             0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t FR_ONE[4] = {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL,
                                   0x666ea36f7879462eULL, 0x0e0a77c19a07df2fULL};
static const uint64_t FR_R2[4] = {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL,
                                  0x8c49833d53bb8085ULL, 0x0216d0b17f4e44a5ULL};

static const uint64_t FR_PINV = 0xc2e1f593efffffffULL;   /* -r^-1 mod 2^64 */

void bn254_fr_mont_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4])
{
    mont_mul_portable(c, a, b, BN254_R, FR_PINV);
}

static inline void fr_mont(uint64_t c[4], const uint64_t a[4], const uint64_t b[4])
{
    BN254_MONT(c, a, b, BN254_R, FR_PINV, bn254_fr_mont_portable);
}

#define FN(name) fr_##name
#define FT fr_t
#define FP BN254_R
#define FONE FR_ONE
#define FR2 FR_R2
#define FMUL fr_mont
#include "bn254/field_tmpl.h"
