/* tower.c - Fq2 = Fq[u]/(u^2+1), Fq6 = Fq2[v]/(v^3 - xi), xi = 9+u,
 * Fq12 = Fq6[w]/(w^2 - v).  Karatsuba products; the Frobenius map uses one
 * table of constants (docs/bn254.md). */
#include "bn254/bn254_impl.h"
#include <string.h>

/* ------------------------------------------------------------------ Fq2 */
/* the bodies are the inline ones in bn254_impl.h */

void fq2_zero(fq2_t *a) { fq2i_zero(a); }
void fq2_one(fq2_t *a) { fq2i_one(a); }
void fq2_add(fq2_t *c, const fq2_t *a, const fq2_t *b) { fq2i_add(c, a, b); }
void fq2_sub(fq2_t *c, const fq2_t *a, const fq2_t *b) { fq2i_sub(c, a, b); }
void fq2_neg(fq2_t *c, const fq2_t *a) { fq2i_neg(c, a); }
void fq2_double(fq2_t *c, const fq2_t *a) { fq2i_double(c, a); }
void fq2_conj(fq2_t *c, const fq2_t *a) { fq2i_conj(c, a); }
int fq2_eq(const fq2_t *a, const fq2_t *b) { return fq2i_eq(a, b); }
int fq2_is_zero(const fq2_t *a) { return fq2i_is_zero(a); }
void fq2_mul(fq2_t *c, const fq2_t *a, const fq2_t *b) { fq2i_mul(c, a, b); }
void fq2_sqr(fq2_t *c, const fq2_t *a) { fq2i_sqr(c, a); }
void fq2_mul_fq(fq2_t *c, const fq2_t *a, const fq_t *b) { fq2i_mul_fq(c, a, b); }
void fq2_mul_xi(fq2_t *c, const fq2_t *a) { fq2i_mul_xi(c, a); }

void fq2_inv(fq2_t *c, const fq2_t *a)
{
    /* 1/(a0 + a1 u) = (a0 - a1 u)/(a0^2 + a1^2) */
    fq_t n, t;
    fqi_sqr(&n, &a->c0);
    fqi_sqr(&t, &a->c1);
    fqi_add(&n, &n, &t);
    fq_inv(&n, &n);
    fqi_mul(&c->c0, &a->c0, &n);
    fqi_mul(&t, &a->c1, &n);
    fqi_neg(&c->c1, &t);
}

int fq2_sqrt(fq2_t *c, const fq2_t *a)
{
    /* q = 3 mod 4, u^2 = -1: with n = a0^2 + a1^2 (the norm, a square in Fq
     * iff a is a square in Fq2), x0^2 = (a0 +- sqrt(n))/2, x1 = a1/(2 x0). */
    if (fq2i_is_zero(a)) {
        fq2i_zero(c);
        return RK_OK;
    }
    fq_t n, t, s, half, x0, x1;
    fqi_sqr(&n, &a->c0);
    fqi_sqr(&t, &a->c1);
    fqi_add(&n, &n, &t);
    if (fq_sqrt(&s, &n) != RK_OK)
        return RK_EFALSE;
    fq_from_u64(&half, 2);
    fqi_inv(&half, &half);
    fqi_add(&t, &a->c0, &s);
    fqi_mul(&t, &t, &half);
    if (fq_sqrt(&x0, &t) != RK_OK) {
        fqi_sub(&t, &a->c0, &s);
        fqi_mul(&t, &t, &half);
        if (fq_sqrt(&x0, &t) != RK_OK)
            return RK_EFALSE;
    }
    if (fqi_is_zero(&x0)) {
        /* a0 + sqrt(n) = 0 happens for a = -m^2 (a1 = 0): root = m u */
        fqi_neg(&t, &a->c0);
        if (fq_sqrt(&x1, &t) != RK_OK)
            return RK_EFALSE;
    } else {
        fqi_double(&t, &x0);
        fqi_inv(&t, &t);
        fqi_mul(&x1, &a->c1, &t);
    }
    fq2_t r = {x0, x1}, chk;
    fq2i_sqr(&chk, &r);
    if (!fq2i_eq(&chk, a))
        return RK_EFALSE;
    *c = r;
    return RK_OK;
}

/* ------------------------------------------------------------------ Fq6 */

void fq6_zero(fq6_t *a) { memset(a, 0, sizeof *a); }
void fq6_one(fq6_t *a) { fq6_zero(a); fq2i_one(&a->c0); }
void fq6_add(fq6_t *c, const fq6_t *a, const fq6_t *b)
{
    fq2i_add(&c->c0, &a->c0, &b->c0); fq2i_add(&c->c1, &a->c1, &b->c1); fq2i_add(&c->c2, &a->c2, &b->c2);
}
void fq6_sub(fq6_t *c, const fq6_t *a, const fq6_t *b)
{
    fq2i_sub(&c->c0, &a->c0, &b->c0); fq2i_sub(&c->c1, &a->c1, &b->c1); fq2i_sub(&c->c2, &a->c2, &b->c2);
}
void fq6_neg(fq6_t *c, const fq6_t *a) { fq2i_neg(&c->c0, &a->c0); fq2i_neg(&c->c1, &a->c1); fq2i_neg(&c->c2, &a->c2); }
int fq6_eq(const fq6_t *a, const fq6_t *b) { return fq2i_eq(&a->c0, &b->c0) & fq2i_eq(&a->c1, &b->c1) & fq2i_eq(&a->c2, &b->c2); }
int fq6_is_zero(const fq6_t *a) { return fq2i_is_zero(&a->c0) & fq2i_is_zero(&a->c1) & fq2i_is_zero(&a->c2); }

void fq6_mul_v(fq6_t *c, const fq6_t *a)
{
    /* (a0 + a1 v + a2 v^2) v = xi a2 + a0 v + a1 v^2 */
    fq2_t t;
    fq2i_mul_xi(&t, &a->c2);
    c->c2 = a->c1;
    c->c1 = a->c0;
    c->c0 = t;
}

void fq6_mul(fq6_t *c, const fq6_t *a, const fq6_t *b)
{
    /* Karatsuba over three coefficients: 6 Fq2 products */
    fq2_t v0, v1, v2, s, t, r0, r1, r2;
    fq2i_mul(&v0, &a->c0, &b->c0);
    fq2i_mul(&v1, &a->c1, &b->c1);
    fq2i_mul(&v2, &a->c2, &b->c2);
    fq2i_add(&s, &a->c1, &a->c2); fq2i_add(&t, &b->c1, &b->c2); fq2i_mul(&s, &s, &t);
    fq2i_sub(&s, &s, &v1); fq2i_sub(&s, &s, &v2); fq2i_mul_xi(&s, &s); fq2i_add(&r0, &s, &v0);
    fq2i_add(&s, &a->c0, &a->c1); fq2i_add(&t, &b->c0, &b->c1); fq2i_mul(&s, &s, &t);
    fq2i_sub(&s, &s, &v0); fq2i_sub(&s, &s, &v1); fq2i_mul_xi(&t, &v2); fq2i_add(&r1, &s, &t);
    fq2i_add(&s, &a->c0, &a->c2); fq2i_add(&t, &b->c0, &b->c2); fq2i_mul(&s, &s, &t);
    fq2i_sub(&s, &s, &v0); fq2i_sub(&s, &s, &v2); fq2i_add(&r2, &s, &v1);
    c->c0 = r0; c->c1 = r1; c->c2 = r2;
}

void fq6_sqr(fq6_t *c, const fq6_t *a)
{
    /* Chung-Hasan SQR2: 2 squarings + 3 products... written as
     * s0 = a0^2, s1 = 2 a0 a1, s2 = (a0 - a1 + a2)^2, s3 = 2 a1 a2, s4 = a2^2 */
    fq2_t s0, s1, s2, s3, s4, t;
    fq2i_sqr(&s0, &a->c0);
    fq2i_mul(&s1, &a->c0, &a->c1); fq2i_double(&s1, &s1);
    fq2i_sub(&t, &a->c0, &a->c1); fq2i_add(&t, &t, &a->c2); fq2i_sqr(&s2, &t);
    fq2i_mul(&s3, &a->c1, &a->c2); fq2i_double(&s3, &s3);
    fq2i_sqr(&s4, &a->c2);
    /* c0 = s0 + xi s3, c1 = s1 + xi s4, c2 = s1 + s2 + s3 - s0 - s4 */
    fq2_t r0, r1, r2;
    fq2i_mul_xi(&t, &s3); fq2i_add(&r0, &s0, &t);
    fq2i_mul_xi(&t, &s4); fq2i_add(&r1, &s1, &t);
    fq2i_add(&r2, &s1, &s2); fq2i_add(&r2, &r2, &s3); fq2i_sub(&r2, &r2, &s0); fq2i_sub(&r2, &r2, &s4);
    c->c0 = r0; c->c1 = r1; c->c2 = r2;
}

void fq6_inv(fq6_t *c, const fq6_t *a)
{
    fq2_t t0, t1, t2, s, d;
    fq2i_sqr(&t0, &a->c0); fq2i_mul(&s, &a->c1, &a->c2); fq2i_mul_xi(&s, &s); fq2i_sub(&t0, &t0, &s);
    fq2i_sqr(&t1, &a->c2); fq2i_mul_xi(&t1, &t1); fq2i_mul(&s, &a->c0, &a->c1); fq2i_sub(&t1, &t1, &s);
    fq2i_sqr(&t2, &a->c1); fq2i_mul(&s, &a->c0, &a->c2); fq2i_sub(&t2, &t2, &s);
    /* d = a0 t0 + xi (a2 t1 + a1 t2) */
    fq2i_mul(&d, &a->c2, &t1); fq2i_mul(&s, &a->c1, &t2); fq2i_add(&d, &d, &s); fq2i_mul_xi(&d, &d);
    fq2i_mul(&s, &a->c0, &t0); fq2i_add(&d, &d, &s);
    fq2i_inv(&d, &d);
    fq2i_mul(&c->c0, &t0, &d);
    fq2i_mul(&c->c1, &t1, &d);
    fq2i_mul(&c->c2, &t2, &d);
}

/* ------------------------------------------------------------------ Fq12 */

void fq12_zero(fq12_t *a) { memset(a, 0, sizeof *a); }
void fq12_one(fq12_t *a) { fq12_zero(a); fq2i_one(&a->c0.c0); }
void fq12_add(fq12_t *c, const fq12_t *a, const fq12_t *b) { fq6_add(&c->c0, &a->c0, &b->c0); fq6_add(&c->c1, &a->c1, &b->c1); }
void fq12_sub(fq12_t *c, const fq12_t *a, const fq12_t *b) { fq6_sub(&c->c0, &a->c0, &b->c0); fq6_sub(&c->c1, &a->c1, &b->c1); }
void fq12_conj(fq12_t *c, const fq12_t *a) { c->c0 = a->c0; fq6_neg(&c->c1, &a->c1); }
int fq12_eq(const fq12_t *a, const fq12_t *b) { return fq6_eq(&a->c0, &b->c0) & fq6_eq(&a->c1, &b->c1); }
int fq12_is_one(const fq12_t *a)
{
    fq12_t o;
    fq12_one(&o);
    return fq12_eq(a, &o);
}

void fq12_mul(fq12_t *c, const fq12_t *a, const fq12_t *b)
{
    /* (a0 + a1 w)(b0 + b1 w) = a0b0 + v a1b1 + ((a0+a1)(b0+b1) - a0b0 - a1b1) w */
    fq6_t v0, v1, s, t;
    fq6_mul(&v0, &a->c0, &b->c0);
    fq6_mul(&v1, &a->c1, &b->c1);
    fq6_add(&s, &a->c0, &a->c1);
    fq6_add(&t, &b->c0, &b->c1);
    fq6_mul(&s, &s, &t);
    fq6_sub(&s, &s, &v0);
    fq6_sub(&c->c1, &s, &v1);
    fq6_mul_v(&v1, &v1);
    fq6_add(&c->c0, &v0, &v1);
}

void fq12_sqr(fq12_t *c, const fq12_t *a)
{
    /* complex squaring: m = a0 a1; c0 = (a0+a1)(a0 + v a1) - m - v m; c1 = 2m */
    fq6_t m, s, t, vm;
    fq6_mul(&m, &a->c0, &a->c1);
    fq6_add(&s, &a->c0, &a->c1);
    fq6_mul_v(&t, &a->c1);
    fq6_add(&t, &t, &a->c0);
    fq6_mul(&s, &s, &t);
    fq6_mul_v(&vm, &m);
    fq6_sub(&s, &s, &m);
    fq6_sub(&c->c0, &s, &vm);
    fq6_add(&c->c1, &m, &m);
}

void fq12_inv(fq12_t *c, const fq12_t *a)
{
    /* 1/(a0 + a1 w) = (a0 - a1 w)/(a0^2 - v a1^2) */
    fq6_t t0, t1;
    fq6_sqr(&t0, &a->c0);
    fq6_sqr(&t1, &a->c1);
    fq6_mul_v(&t1, &t1);
    fq6_sub(&t0, &t0, &t1);
    fq6_inv(&t0, &t0);
    fq6_mul(&c->c0, &a->c0, &t0);
    fq6_mul(&t1, &a->c1, &t0);
    fq6_neg(&c->c1, &t1);
}

#include "bn254/frob.inc"

void fq12_frobenius(fq12_t *c, const fq12_t *a, unsigned k)
{
    /* coefficient of w^m (m = j + 2i for c_j.c_i) picks up conj^k and FROB[k][m] */
    k %= 12;
    const fq2_t *in[6] = {&a->c0.c0, &a->c1.c0, &a->c0.c1, &a->c1.c1, &a->c0.c2, &a->c1.c2};
    fq2_t out[6];
    for (int m = 0; m < 6; m++) {
        fq2_t t = *in[m];
        if (k & 1)
            fq2i_conj(&t, &t);
        if (m)
            fq2i_mul(&t, &t, &FROB[k][m]);
        out[m] = t;
    }
    c->c0.c0 = out[0]; c->c1.c0 = out[1]; c->c0.c1 = out[2];
    c->c1.c1 = out[3]; c->c0.c2 = out[4]; c->c1.c2 = out[5];
}

void fq12_pow(fq12_t *c, const fq12_t *a, const uint64_t *e, size_t n)
{
    fq12_t r, b = *a;
    fq12_one(&r);
    for (size_t i = n; i-- > 0;)
        for (int j = 63; j >= 0; j--) {
            fq12_sqr(&r, &r);
            if ((e[i] >> j) & 1)
                fq12_mul(&r, &r, &b);
        }
    *c = r;
}
