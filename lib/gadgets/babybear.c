/* babybear.c - bit decomposition, and BabyBear (p = 2^31 - 2^27 + 1) and its
 * degree-4 extension emulated in BN254's Fr. */
#include "gadgets/gadgets.h"

/* A combination with at most `limit` terms: longer ones become a new variable
 * (one linear constraint), so builders never overflow R1CS_LC_MAX. */
static void lc_materialize(r1cs *cs, r1cs_lc *l)
{
    fr_t v;
    r1cs_lc_eval(cs, l, &v);
    uint32_t x = r1cs_private(cs, &v);
    r1cs_lc lx;
    r1cs_lc_var(&lx, x);
    r1cs_enforce(cs, l, NULL, &lx);
    *l = lx;
}

void gd_assert_bool(r1cs *cs, uint32_t b)
{
    r1cs_lc lb, lbm1, zero;
    fr_t m1;
    fr_one(&m1);
    fr_neg(&m1, &m1);
    r1cs_lc_var(&lb, b);
    r1cs_lc_var(&lbm1, b);
    r1cs_lc_add_const(&lbm1, &m1);
    r1cs_lc_zero(&zero);
    r1cs_enforce(cs, &lb, &lbm1, &zero);
}

uint32_t gd_bits(r1cs *cs, const r1cs_lc *x, unsigned nbits)
{
    fr_t v;
    uint64_t u[4];
    r1cs_lc_eval(cs, x, &v);
    fr_to_u256(u, &v);
    if (nbits > 250)
        nbits = 250;
    /* all bit variables first, so they are consecutive */
    uint32_t first = 0;
    for (unsigned i = 0; i < nbits; i++) {
        fr_t bit;
        fr_from_u64(&bit, (u[i / 64] >> (i % 64)) & 1);
        uint32_t b = r1cs_private(cs, &bit);
        if (i == 0)
            first = b;
    }
    r1cs_lc acc;
    r1cs_lc_zero(&acc);
    fr_t pw, two;
    fr_one(&pw);
    fr_from_u64(&two, 2);
    for (unsigned i = 0; i < nbits; i++) {
        gd_assert_bool(cs, first + i);
        if (acc.n >= R1CS_LC_MAX - 4)
            lc_materialize(cs, &acc);
        r1cs_lc_add_term(&acc, first + i, &pw);
        fr_mul(&pw, &pw, &two);
    }
    r1cs_enforce_equal(cs, &acc, x);
    return first;
}

/* ------------------------------------------------------------ BabyBear */

static void fr_u64(fr_t *a, uint64_t v) { fr_from_u64(a, v); }

uint32_t gd_bb_value(const r1cs *cs, gd_bb a)
{
    uint64_t u[4];
    fr_to_u256(u, r1cs_value(cs, a.var));
    return (uint32_t)u[0];
}

void gd_bb_assert_canonical(r1cs *cs, uint32_t var)
{
    r1cs_lc x;
    r1cs_lc_var(&x, var);
    uint32_t b = gd_bits(cs, &x, 31);
    /* x < p = 0x78000001  <=>  not (b27..b30 all set and some lower bit set) */
    r1cs_lc l27, l28, l29, l30;
    r1cs_lc_var(&l27, b + 27);
    r1cs_lc_var(&l28, b + 28);
    r1cs_lc_var(&l29, b + 29);
    r1cs_lc_var(&l30, b + 30);
    r1cs_lc t;
    r1cs_lc_var(&t, r1cs_mul(cs, &l27, &l28));
    r1cs_lc_var(&t, r1cs_mul(cs, &t, &l29));
    r1cs_lc_var(&t, r1cs_mul(cs, &t, &l30));
    r1cs_lc low, zero;
    r1cs_lc_zero(&low);
    r1cs_lc_zero(&zero);
    fr_t pw, two;
    fr_one(&pw);
    fr_from_u64(&two, 2);
    for (uint32_t i = 0; i < 27; i++) {
        r1cs_lc_add_term(&low, b + i, &pw);
        fr_mul(&pw, &pw, &two);
    }
    r1cs_enforce(cs, &t, &low, &zero);
}

static gd_bb bb_new(r1cs *cs, uint64_t v, int public)
{
    fr_t x;
    fr_u64(&x, v % GD_BB_P);
    gd_bb a = {public ? r1cs_public(cs, &x) : r1cs_private(cs, &x)};
    return a;
}

gd_bb gd_bb_alloc(r1cs *cs, uint32_t v)
{
    gd_bb a = bb_new(cs, v, 0);
    gd_bb_assert_canonical(cs, a.var);
    return a;
}

gd_bb gd_bb_public(r1cs *cs, uint32_t v)
{
    /* the range check's bit variables are private: allocate the public value first */
    gd_bb a = bb_new(cs, v, 1);
    return a; /* the caller checks it later with gd_bb_assert_canonical once publics are done */
}

/* lhs = c + k * p with c canonical and k < 2^kbits: the reduction step shared
 * by add, sub, mul and the extension. */
static gd_bb reduce(r1cs *cs, const r1cs_lc *lhs, unsigned kbits)
{
    fr_t v;
    uint64_t u[4];
    r1cs_lc_eval(cs, lhs, &v);
    fr_to_u256(u, &v);
    /* lhs < 2^(31 + kbits) <= 2^70 here: the value fits in two limbs */
    unsigned __int128 w = (unsigned __int128)u[1] << 64 | u[0];
    uint64_t k = (uint64_t)(w / GD_BB_P), c = (uint64_t)(w % GD_BB_P);
    fr_t fk, fc;
    fr_u64(&fk, k);
    fr_u64(&fc, c);
    uint32_t vk = r1cs_private(cs, &fk);
    gd_bb out = {r1cs_private(cs, &fc)};
    gd_bb_assert_canonical(cs, out.var);
    if (kbits == 1) {
        gd_assert_bool(cs, vk);
    } else {
        r1cs_lc lk;
        r1cs_lc_var(&lk, vk);
        gd_bits(cs, &lk, kbits);
    }
    r1cs_lc rhs;
    fr_t p;
    fr_u64(&p, GD_BB_P);
    r1cs_lc_var(&rhs, out.var);
    r1cs_lc_add_term(&rhs, vk, &p);
    r1cs_enforce_equal(cs, lhs, &rhs);
    return out;
}

gd_bb gd_bb_add(r1cs *cs, gd_bb a, gd_bb b)
{
    r1cs_lc s;
    r1cs_lc_var(&s, a.var);
    r1cs_lc_add_var(&s, b.var);
    return reduce(cs, &s, 1); /* a + b < 2p */
}

gd_bb gd_bb_sub(r1cs *cs, gd_bb a, gd_bb b)
{
    r1cs_lc s;
    fr_t p, m1;
    fr_u64(&p, GD_BB_P);
    fr_one(&m1);
    fr_neg(&m1, &m1);
    r1cs_lc_var(&s, a.var);
    r1cs_lc_add_term(&s, b.var, &m1);
    r1cs_lc_add_const(&s, &p);
    return reduce(cs, &s, 1); /* 0 < a - b + p < 2p */
}

gd_bb gd_bb_mul(r1cs *cs, gd_bb a, gd_bb b)
{
    r1cs_lc la, lb, prod;
    r1cs_lc_var(&la, a.var);
    r1cs_lc_var(&lb, b.var);
    r1cs_lc_var(&prod, r1cs_mul(cs, &la, &lb));
    /* a b <= (p-1)^2, so the quotient is < p < 2^31 and q p + c < 2^63 << r */
    return reduce(cs, &prod, 31);
}

void gd_bb_assert_equal(r1cs *cs, gd_bb a, gd_bb b)
{
    r1cs_lc la, lb;
    r1cs_lc_var(&la, a.var);
    r1cs_lc_var(&lb, b.var);
    r1cs_enforce_equal(cs, &la, &lb);
}

/* ------------------------------------------------------------ extension */

gd_bb4 gd_bb4_alloc(r1cs *cs, const uint32_t v[4])
{
    gd_bb4 a;
    for (int i = 0; i < 4; i++)
        a.c[i] = gd_bb_alloc(cs, v[i]);
    return a;
}

gd_bb4 gd_bb4_add(r1cs *cs, gd_bb4 a, gd_bb4 b)
{
    gd_bb4 c;
    for (int i = 0; i < 4; i++)
        c.c[i] = gd_bb_add(cs, a.c[i], b.c[i]);
    return c;
}

gd_bb4 gd_bb4_mul(r1cs *cs, gd_bb4 a, gd_bb4 b)
{
    /* the 16 integer products, then each coefficient of the product reduced
     * once: c_k = sum_{i+j=k} a_i b_j + 11 sum_{i+j=k+4} a_i b_j < 34 p^2 < 2^68,
     * so its quotient by p fits in 38 bits */
    uint32_t prod[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            r1cs_lc la, lb;
            r1cs_lc_var(&la, a.c[i].var);
            r1cs_lc_var(&lb, b.c[j].var);
            prod[i][j] = r1cs_mul(cs, &la, &lb);
        }
    fr_t one, eleven;
    fr_one(&one);
    fr_u64(&eleven, 11);
    gd_bb4 c;
    for (int k = 0; k < 4; k++) {
        r1cs_lc s;
        r1cs_lc_zero(&s);
        for (int i = 0; i < 4; i++) {
            int j = k - i;
            if (j >= 0)
                r1cs_lc_add_term(&s, prod[i][j], &one);
            else
                r1cs_lc_add_term(&s, prod[i][j + 4], &eleven);
        }
        c.c[k] = reduce(cs, &s, 38);
    }
    return c;
}
