/* fq.c - the base field Fq of BN254 (Montgomery form, R = 2^256). */
#include "bn254/bn254_impl.h"

#include <stdlib.h>

const uint64_t BN254_Q[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                             0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t FQ_ONE[4] = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL,
                                   0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL};
static const uint64_t FQ_R2[4] = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL,
                                  0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL};

static const uint64_t FQ_PINV = 0x87d20782e4866389ULL;   /* -q^-1 mod 2^64 */

void bn254_fq_mont_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4])
{
    mont_mul_portable(c, a, b, BN254_Q, FQ_PINV);
}

#ifdef BN254_HAVE_ADX
void bn254_mod_add_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4])
{
    mod_add_portable(c, a, b, p);
}
void bn254_mod_sub_portable(uint64_t c[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4])
{
    mod_sub_portable(c, a, b, p);
}
#endif

static inline void fq_mont(uint64_t c[4], const uint64_t a[4], const uint64_t b[4])
{
    BN254_MONT(c, a, b, BN254_Q, FQ_PINV, bn254_fq_mont_portable);
}

#define FN(name) fq_##name
#define FT fq_t
#define FP BN254_Q
#define FONE FQ_ONE
#define FR2 FQ_R2
#define FMUL fq_mont
#include "bn254/field_tmpl.h"

#ifdef BN254_HAVE_ADX
#include <cpuid.h>
int bn254_adx;

/* CPUID leaf 7: EBX bit 8 = BMI2 (MULX), bit 19 = ADX (ADCX/ADOX) */
static int cpu_has_bmi2_adx(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b >> 8 & 1) && (b >> 19 & 1);
}

__attribute__((constructor)) static void bn254_detect_cpu(void) { bn254_adx = cpu_has_bmi2_adx(); }
#endif

int bn254_use_asm(int on)
{
#ifdef BN254_HAVE_ADX
    bn254_adx = on && cpu_has_bmi2_adx();
    return bn254_adx;
#else
    (void)on;
    return 0;
#endif
}

int fq_sqrt(fq_t *c, const fq_t *a)
{
    /* q = 3 mod 4: the candidate root is a^((q+1)/4) */
    static const uint64_t e[4] = {0x4f082305b61f3f52ULL, 0x65e05aa45a1c72a3ULL,
                                  0x6e14116da0605617ULL, 0x0c19139cb84c680aULL};
    fq_t s, s2;
    fq_pow(&s, a, e);
    fq_sqr(&s2, &s);
    if (!fq_eq(&s2, a))
        return RK_EFALSE;
    *c = s;
    return RK_OK;
}
