/* pairing.c - optimal ate pairing on BN254 (docs/bn254.md).
 *
 * Miller loop over the signed binary (NAF) digits of 6x+2, x = 4965661367192848881,
 * with T on the twist in homogeneous projective coordinates (x = X/Z, y = Y/Z);
 * each step returns the line through T (and Q) evaluated at P in the sparse
 * form  a + (b + c v) w  (Fq2 coefficients at 1, w and w^3).  Lines are scaled
 * by Fq2 factors, which the final exponentiation removes.  Then the two
 * Frobenius lines, and f^((q^12-1)/r) exactly: the easy part (q^6-1)(q^2+1)
 * and the hard part (q^4-q^2+1)/r by Scott et al.'s vector addition chain in
 * x (equal to the plain power, which the tests check). */
#include "bn254/bn254_impl.h"

#define BN_X 0x44e992b44a6909f1ULL   /* x = 4965661367192848881 */

/* NAF digits of 6x+2, least significant first (python3: standard NAF) */
static const int8_t ATE_NAF[66] = {
    0, 0, 0, 1, 0, 1, 0, -1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, -1, 0, 0, 0, 1, 0, -1, 0, 0, 0, 0, -1, 0, 0,
    1, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, -1, 0, 0, -1, 0, 1, 0, -1, 0, 0, 0, -1, 0, -1, 0, 0, 0, 1, 0, -1, 0, 1};

/* 3 b' = 9/(9+u), Montgomery form (python3) */
static const fq2_t TWIST_3B = {{{0x3baa927cb62e0d6aULL, 0xd71e7c52d1b664fdULL, 0x03873e63d95d4664ULL, 0x0e75b5b1082ab8f4ULL}},
                               {{0xaab7c6667596fe35ULL, 0x31d21a78bb6a27baULL, 0x85dd7297680401ffULL, 0x03c52d6adf39a7e9ULL}}};
/* Frobenius on the twist: pi(x, y) = (conj(x) G12, conj(y) G13), G1k = xi^((q-1)/(6/k')) ...
 * precisely G12 = xi^((q-1)/3), G13 = xi^((q-1)/2); pi^2(x, y) = (x G22, y G23) with
 * G22 = xi^((q^2-1)/3) in Fq and G23 = xi^((q^2-1)/2) = -1. */
static const fq2_t G12 = {{{0xb5773b104563ab30ULL, 0x347f91c8a9aa6454ULL, 0x7a007127242e0991ULL, 0x1956bcd8118214ecULL}},
                          {{0x6e849f1ea0aa4757ULL, 0xaa1c7b6d89f89141ULL, 0xb6e713cdfae0ca3aULL, 0x26694fbb4e82ebc3ULL}}};
static const fq2_t G13 = {{{0xe4bbdd0c2936b629ULL, 0xbb30f162e133bacbULL, 0x31a9d1b6f9645366ULL, 0x253570bea500f8ddULL}},
                          {{0xa1d77ce45ffe77c7ULL, 0x07affd117826d1dbULL, 0x6d16bd27bb7edc6bULL, 0x2c87200285defeccULL}}};
static const fq_t G22 = {{0x3350c88e13e80b9cULL, 0x7dce557cdb5e56b9ULL, 0x6001b4b8b615564aULL, 0x2682e617020217e0ULL}};

typedef struct { fq2_t X, Y, Z; } g2_proj;
typedef struct { fq2_t a, b, c; } line_t;   /* a + (b + c v) w */

/* (x0 + x1 v + x2 v^2)(b + c v) */
static void fq6_mul_by_01(fq6_t *o, const fq6_t *x, const fq2_t *b, const fq2_t *c)
{
    fq2_t t0, t1, r0, r1, r2;
    fq2i_mul(&t0, &x->c0, b);
    fq2i_mul(&t1, &x->c2, c);
    fq2i_mul_xi(&t1, &t1);
    fq2i_add(&r0, &t0, &t1);
    fq2i_mul(&t0, &x->c0, c);
    fq2i_mul(&t1, &x->c1, b);
    fq2i_add(&r1, &t0, &t1);
    fq2i_mul(&t0, &x->c1, c);
    fq2i_mul(&t1, &x->c2, b);
    fq2i_add(&r2, &t0, &t1);
    o->c0 = r0;
    o->c1 = r1;
    o->c2 = r2;
}

static void fq12_mul_by_line(fq12_t *f, const line_t *l)
{
    /* f = f0 + f1 w, L = L0 + L1 w with L0 = a, L1 = b + c v:
     * f L = (f0 L0 + v f1 L1) + ((f0 + f1)(L0 + L1) - f0 L0 - f1 L1) w */
    fq6_t f0l0, f1l1, s;
    fq2_t ab;
    fq2i_mul(&f0l0.c0, &f->c0.c0, &l->a);
    fq2i_mul(&f0l0.c1, &f->c0.c1, &l->a);
    fq2i_mul(&f0l0.c2, &f->c0.c2, &l->a);
    fq6_mul_by_01(&f1l1, &f->c1, &l->b, &l->c);
    fq6_add(&s, &f->c0, &f->c1);
    fq2i_add(&ab, &l->a, &l->b);
    fq6_mul_by_01(&s, &s, &ab, &l->c);
    fq6_sub(&s, &s, &f0l0);
    fq6_sub(&f->c1, &s, &f1l1);
    fq6_mul_v(&f1l1, &f1l1);
    fq6_add(&f->c0, &f0l0, &f1l1);
}

/* T = 2T; line tangent at T through P: -2YZ yP + 3X^2 xP w + (3b'Z^2 - Y^2) w^3 */
static void dbl_step(g2_proj *T, line_t *l, const g1_affine *p)
{
    fq2_t A, B, C, E, F, G, H, I, J, t;
    fq2i_mul(&A, &T->X, &T->Y);
    fq2i_half(&A, &A);
    fq2i_sqr(&B, &T->Y);
    fq2i_sqr(&C, &T->Z);
    fq2i_mul(&E, &C, &TWIST_3B);
    fq2i_double(&F, &E);
    fq2i_add(&F, &F, &E);
    fq2i_add(&G, &B, &F);
    fq2i_half(&G, &G);
    fq2i_add(&H, &T->Y, &T->Z);
    fq2i_sqr(&H, &H);
    fq2i_sub(&H, &H, &B);
    fq2i_sub(&H, &H, &C);
    fq2i_sub(&I, &E, &B);
    fq2i_sqr(&J, &T->X);
    /* X3 = A (B - F), Y3 = G^2 - 3 E^2, Z3 = B H */
    fq2i_sub(&t, &B, &F);
    fq2i_mul(&T->X, &A, &t);
    fq2i_sqr(&t, &E);
    fq2i_sqr(&T->Y, &G);
    fq2i_sub(&T->Y, &T->Y, &t);
    fq2i_sub(&T->Y, &T->Y, &t);
    fq2i_sub(&T->Y, &T->Y, &t);
    fq2i_mul(&T->Z, &B, &H);
    /* line */
    fq_t nyp;
    fqi_neg(&nyp, &p->y);
    fq2i_mul_fq(&l->a, &H, &nyp);
    fq2i_double(&t, &J);
    fq2i_add(&t, &t, &J);
    fq2i_mul_fq(&l->b, &t, &p->x);
    l->c = I;
}

/* T = T + Q (Q affine on the twist); line through T and Q at P:
 * lambda yP - theta xP w + (theta xQ - lambda yQ) w^3 */
static void add_step(g2_proj *T, line_t *l, const fq2_t *qx, const fq2_t *qy, const g1_affine *p)
{
    fq2_t theta, lam, C, D, E, F, G, H, t;
    fq2i_mul(&t, qy, &T->Z);
    fq2i_sub(&theta, &T->Y, &t);
    fq2i_mul(&t, qx, &T->Z);
    fq2i_sub(&lam, &T->X, &t);
    fq2i_sqr(&C, &theta);
    fq2i_sqr(&D, &lam);
    fq2i_mul(&E, &lam, &D);
    fq2i_mul(&F, &T->Z, &C);
    fq2i_mul(&G, &T->X, &D);
    fq2i_add(&H, &E, &F);
    fq2i_sub(&H, &H, &G);
    fq2i_sub(&H, &H, &G);
    fq2i_mul(&T->X, &lam, &H);
    fq2i_sub(&t, &G, &H);
    fq2i_mul(&t, &t, &theta);
    fq2i_mul(&G, &T->Y, &E);
    fq2i_sub(&T->Y, &t, &G);
    fq2i_mul(&T->Z, &T->Z, &E);
    /* line */
    fq2i_mul_fq(&l->a, &lam, &p->y);
    fq_t nxp;
    fqi_neg(&nxp, &p->x);
    fq2i_mul_fq(&l->b, &theta, &nxp);
    fq2i_mul(&t, &theta, qx);
    fq2i_mul(&C, &lam, qy);
    fq2i_sub(&l->c, &t, &C);
}

/* Product of the Miller loops of up to MULTI pairs sharing one accumulator,
 * so the squarings of f are paid once per step for all pairs.  Pairs with
 * an infinity contribute 1 and are skipped. */
enum { MULTI = 8 };

static void miller_multi(fq12_t *f, const g1_affine *ps, const g2_affine *qs, size_t n)
{
    g2_proj T[MULTI];
    fq2_t nqy[MULTI];
    size_t idx[MULTI], k = 0;
    for (size_t i = 0; i < n; i++) {
        if (ps[i].infinity || qs[i].infinity)
            continue;
        idx[k] = i;
        T[k].X = qs[i].x;
        T[k].Y = qs[i].y;
        fq2i_one(&T[k].Z);
        fq2i_neg(&nqy[k], &qs[i].y);
        k++;
    }
    line_t l;
    for (int i = 64; i >= 0; i--) {
        if (i < 64)   /* f = 1 before the first step: nothing to square */
            fq12_sqr(f, f);
        for (size_t j = 0; j < k; j++) {
            const g1_affine *p = &ps[idx[j]];
            const g2_affine *q = &qs[idx[j]];
            dbl_step(&T[j], &l, p);
            fq12_mul_by_line(f, &l);
            if (ATE_NAF[i] == 1) {
                add_step(&T[j], &l, &q->x, &q->y, p);
                fq12_mul_by_line(f, &l);
            } else if (ATE_NAF[i] == -1) {
                add_step(&T[j], &l, &q->x, &nqy[j], p);
                fq12_mul_by_line(f, &l);
            }
        }
    }
    for (size_t j = 0; j < k; j++) {
        const g1_affine *p = &ps[idx[j]];
        const g2_affine *q = &qs[idx[j]];
        /* Q1 = pi(Q), -Q2 = -pi^2(Q) = (x G22, y) since G23 = -1 */
        fq2_t x1, y1, x2;
        fq2i_conj(&x1, &q->x);
        fq2i_mul(&x1, &x1, &G12);
        fq2i_conj(&y1, &q->y);
        fq2i_mul(&y1, &y1, &G13);
        fq2i_mul_fq(&x2, &q->x, &G22);
        add_step(&T[j], &l, &x1, &y1, p);
        fq12_mul_by_line(f, &l);
        add_step(&T[j], &l, &x2, &q->y, p);
        fq12_mul_by_line(f, &l);
    }
}

void bn254_miller_loop(fq12_t *out, const g1_affine *p, const g2_affine *q)
{
    fq12_t f;
    fq12_one(&f);
    miller_multi(&f, p, q, 1);
    *out = f;
}

/* (x + y s)^2 in Fq4 = Fq2[s]/(s^2 - xi): x^2 + xi y^2 + ((x+y)^2 - x^2 - y^2) s */
static void fq4_sqr(fq2_t *ox, fq2_t *oy, const fq2_t *x, const fq2_t *y)
{
    fq2_t x2, y2, t;
    fq2i_sqr(&x2, x);
    fq2i_sqr(&y2, y);
    fq2i_add(&t, x, y);
    fq2i_sqr(&t, &t);
    fq2i_sub(&t, &t, &x2);
    fq2i_sub(oy, &t, &y2);
    fq2i_mul_xi(&y2, &y2);
    fq2i_add(ox, &x2, &y2);
}

/* Granger-Scott squaring, valid in the cyclotomic subgroup (after the easy
 * part).  View Fq12 as Fq4[t]/(t^3 - s), s = w^3, t = w:
 *   a = A0 + A1 t + A2 t^2,  A0 = c0.c0 + c1.c1 s, A1 = c1.c0 + c0.c2 s, A2 = c0.c1 + c1.c2 s,
 *   a^2 = (3 A0^2 - 2 conj A0) + (3 s A2^2 + 2 conj A1) t + (3 A1^2 - 2 conj A2) t^2
 * with conj(x + y s) = x - y s.  9 Fq2 squarings instead of 12 products. */
static void cyc_sqr(fq12_t *c, const fq12_t *a)
{
    fq2_t a0x, a0y, a1x, a1y, a2x, a2y, t;
    fq4_sqr(&a0x, &a0y, &a->c0.c0, &a->c1.c1);
    fq4_sqr(&a1x, &a1y, &a->c1.c0, &a->c0.c2);
    fq4_sqr(&a2x, &a2y, &a->c0.c1, &a->c1.c2);
    fq12_t r;
    /* z0 = 3 A0^2 - 2 conj(A0): x part 3 a0x - 2 x0, y part 3 a0y + 2 y0 */
    fq2i_sub(&t, &a0x, &a->c0.c0); fq2i_double(&t, &t); fq2i_add(&r.c0.c0, &t, &a0x);
    fq2i_add(&t, &a0y, &a->c1.c1); fq2i_double(&t, &t); fq2i_add(&r.c1.c1, &t, &a0y);
    /* z1 = 3 s A2^2 + 2 conj(A1): s (a2x + a2y s) = xi a2y + a2x s */
    fq2_t sx;
    fq2i_mul_xi(&sx, &a2y);
    fq2i_add(&t, &sx, &a->c1.c0); fq2i_double(&t, &t); fq2i_add(&r.c1.c0, &t, &sx);
    fq2i_sub(&t, &a2x, &a->c0.c2); fq2i_double(&t, &t); fq2i_add(&r.c0.c2, &t, &a2x);
    /* z2 = 3 A1^2 - 2 conj(A2) */
    fq2i_sub(&t, &a1x, &a->c0.c1); fq2i_double(&t, &t); fq2i_add(&r.c0.c1, &t, &a1x);
    fq2i_add(&t, &a1y, &a->c1.c2); fq2i_double(&t, &t); fq2i_add(&r.c1.c2, &t, &a1y);
    *c = r;
}

static void cyc_exp_by_x(fq12_t *c, const fq12_t *a)
{
    fq12_t r = *a;
    for (int j = 61; j >= 0; j--) {   /* x has 63 bits; the top bit is the initial r */
        cyc_sqr(&r, &r);
        if ((BN_X >> j) & 1)
            fq12_mul(&r, &r, a);
    }
    *c = r;
}

void bn254_final_exp(fq12_t *out, const fq12_t *in)
{
    fq12_t f, t;
    /* easy part: f^(q^6 - 1) then ^(q^2 + 1) */
    fq12_inv(&t, in);
    fq12_conj(&f, in);
    fq12_mul(&f, &f, &t);
    fq12_frobenius(&t, &f, 2);
    fq12_mul(&f, &f, &t);
    /* hard part: (q^4 - q^2 + 1)/r = l0 + l1 q + l2 q^2 + q^3 (Scott et al.) */
    fq12_t fx, fx2, fx3, y0, y1, y2, y3, y4, y5, y6, T0, T1;
    cyc_exp_by_x(&fx, &f);
    cyc_exp_by_x(&fx2, &fx);
    cyc_exp_by_x(&fx3, &fx2);
    fq12_frobenius(&y0, &f, 1);
    fq12_frobenius(&t, &f, 2);
    fq12_mul(&y0, &y0, &t);
    fq12_frobenius(&t, &f, 3);
    fq12_mul(&y0, &y0, &t);
    fq12_conj(&y1, &f);
    fq12_frobenius(&y2, &fx2, 2);
    fq12_frobenius(&y3, &fx, 1);
    fq12_conj(&y3, &y3);
    fq12_frobenius(&t, &fx2, 1);
    fq12_mul(&y4, &fx, &t);
    fq12_conj(&y4, &y4);
    fq12_conj(&y5, &fx2);
    fq12_frobenius(&t, &fx3, 1);
    fq12_mul(&y6, &fx3, &t);
    fq12_conj(&y6, &y6);
    cyc_sqr(&T0, &y6);
    fq12_mul(&T0, &T0, &y4);
    fq12_mul(&T0, &T0, &y5);
    fq12_mul(&T1, &y3, &y5);
    fq12_mul(&T1, &T1, &T0);
    fq12_mul(&T0, &T0, &y2);
    cyc_sqr(&T1, &T1);
    fq12_mul(&T1, &T1, &T0);
    cyc_sqr(&T1, &T1);
    fq12_mul(&T0, &T1, &y1);
    fq12_mul(&T1, &T1, &y0);
    cyc_sqr(&T0, &T0);
    fq12_mul(out, &T0, &T1);
}

void bn254_pairing(fq12_t *out, const g1_affine *p, const g2_affine *q)
{
    fq12_t f;
    bn254_miller_loop(&f, p, q);
    bn254_final_exp(out, &f);
}

int bn254_pairing_check(const g1_affine *ps, const g2_affine *qs, size_t n)
{
    fq12_t acc, f;
    fq12_one(&acc);
    for (size_t i = 0; i < n; i += MULTI) {
        fq12_one(&f);
        miller_multi(&f, ps + i, qs + i, n - i < MULTI ? n - i : MULTI);
        fq12_mul(&acc, &acc, &f);
    }
    bn254_final_exp(&f, &acc);
    return fq12_is_one(&f);
}
