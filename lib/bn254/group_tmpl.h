/* group_tmpl.h - point arithmetic of a short Weierstrass curve y^2 = x^3 + b
 * (a = 0), included by g1.c (over Fq) and g2.c (over Fq2) with:
 *   GN(name)  public name (g1_##name / g2_##name),  GA / GJ  affine / Jacobian types
 *   FE        coordinate type,  FO(op)  its operations (fq_##op / fq2_##op)
 *   CURVE_B   the constant b (FE),  GEN_X / GEN_Y  the generator
 * Jacobian (X, Y, Z) stands for (X/Z^2, Y/Z^3); Z = 0 is infinity. */

#include <string.h>

static int fe_is_zero(const FE *a) { return FO(is_zero)(a); }

void GN(generator)(GA *p)
{
    p->x = GEN_X;
    p->y = GEN_Y;
    p->infinity = 0;
}
void GN(affine_infinity)(GA *p) { memset(p, 0, sizeof *p); p->infinity = 1; }
void GN(jac_infinity)(GJ *p)
{
    /* (1, 1, 0): Z = 0 marks infinity; X = Y = 1 keeps it a valid projective triple */
    FO(one)(&p->X);
    FO(one)(&p->Y);
    FO(zero)(&p->Z);
}
int GN(jac_is_infinity)(const GJ *p) { return fe_is_zero(&p->Z); }

void GN(jac_from_affine)(GJ *o, const GA *p)
{
    if (p->infinity) {
        GN(jac_infinity)(o);
        return;
    }
    o->X = p->x;
    o->Y = p->y;
    FO(one)(&o->Z);
}

void GN(jac_to_affine)(GA *o, const GJ *p)
{
    if (GN(jac_is_infinity)(p)) {
        GN(affine_infinity)(o);
        return;
    }
    FE zi, zi2, zi3;
    FO(inv)(&zi, &p->Z);
    FO(sqr)(&zi2, &zi);
    FO(mul)(&zi3, &zi2, &zi);
    FO(mul)(&o->x, &p->X, &zi2);
    FO(mul)(&o->y, &p->Y, &zi3);
    o->infinity = 0;
}

void GN(jac_batch_to_affine)(GA *o, const GJ *p, size_t n)
{
    /* Montgomery's trick over the Z coordinates, 64 at a time on the stack */
    enum { CH = 64 };
    FE pre[CH], acc, inv, zi, zi2;
    for (size_t base = 0; base < n; base += CH) {
        size_t m = n - base < CH ? n - base : CH;
        FO(one)(&acc);
        for (size_t i = 0; i < m; i++) {
            pre[i] = acc;
            if (!GN(jac_is_infinity)(&p[base + i]))
                FO(mul)(&acc, &acc, &p[base + i].Z);
        }
        FO(inv)(&inv, &acc);
        for (size_t i = m; i-- > 0;) {
            const GJ *q = &p[base + i];
            if (GN(jac_is_infinity)(q)) {
                GN(affine_infinity)(&o[base + i]);
                continue;
            }
            FO(mul)(&zi, &inv, &pre[i]);
            FO(mul)(&inv, &inv, &q->Z);
            FO(sqr)(&zi2, &zi);
            FE x, y;
            FO(mul)(&x, &q->X, &zi2);
            FO(mul)(&zi2, &zi2, &zi);
            FO(mul)(&y, &q->Y, &zi2);
            o[base + i].x = x;
            o[base + i].y = y;
            o[base + i].infinity = 0;
        }
    }
}

void GN(jac_double)(GJ *o, const GJ *a)
{
    /* dbl-2009-l (a = 0): 2M + 5S */
    if (GN(jac_is_infinity)(a)) {
        *o = *a;
        return;
    }
    FE A, B, C, D, E, F, t;
    FO(sqr)(&A, &a->X);
    FO(sqr)(&B, &a->Y);
    FO(sqr)(&C, &B);
    FO(add)(&t, &a->X, &B);
    FO(sqr)(&t, &t);
    FO(sub)(&t, &t, &A);
    FO(sub)(&t, &t, &C);
    FO(double)(&D, &t);
    FO(double)(&E, &A);
    FO(add)(&E, &E, &A);
    FO(sqr)(&F, &E);
    FE X3, Y3, Z3;
    FO(mul)(&Z3, &a->Y, &a->Z);
    FO(double)(&Z3, &Z3);
    FO(double)(&t, &D);
    FO(sub)(&X3, &F, &t);
    FO(sub)(&t, &D, &X3);
    FO(mul)(&Y3, &E, &t);
    FO(double)(&C, &C);
    FO(double)(&C, &C);
    FO(double)(&C, &C);
    FO(sub)(&Y3, &Y3, &C);
    o->X = X3;
    o->Y = Y3;
    o->Z = Z3;
}

void GN(jac_add)(GJ *o, const GJ *a, const GJ *b)
{
    /* add-2007-bl: 11M + 5S; equal inputs fall back to doubling */
    if (GN(jac_is_infinity)(a)) {
        *o = *b;
        return;
    }
    if (GN(jac_is_infinity)(b)) {
        *o = *a;
        return;
    }
    FE Z1Z1, Z2Z2, U1, U2, S1, S2, H, I, J, r, V, t;
    FO(sqr)(&Z1Z1, &a->Z);
    FO(sqr)(&Z2Z2, &b->Z);
    FO(mul)(&U1, &a->X, &Z2Z2);
    FO(mul)(&U2, &b->X, &Z1Z1);
    FO(mul)(&S1, &a->Y, &b->Z);
    FO(mul)(&S1, &S1, &Z2Z2);
    FO(mul)(&S2, &b->Y, &a->Z);
    FO(mul)(&S2, &S2, &Z1Z1);
    FO(sub)(&H, &U2, &U1);
    FO(sub)(&r, &S2, &S1);
    if (fe_is_zero(&H)) {
        if (fe_is_zero(&r))
            GN(jac_double)(o, a);
        else
            GN(jac_infinity)(o);
        return;
    }
    FO(double)(&I, &H);
    FO(sqr)(&I, &I);
    FO(mul)(&J, &H, &I);
    FO(double)(&r, &r);
    FO(mul)(&V, &U1, &I);
    FE X3, Y3, Z3;
    FO(sqr)(&X3, &r);
    FO(sub)(&X3, &X3, &J);
    FO(double)(&t, &V);
    FO(sub)(&X3, &X3, &t);
    FO(sub)(&t, &V, &X3);
    FO(mul)(&Y3, &r, &t);
    FO(mul)(&t, &S1, &J);
    FO(double)(&t, &t);
    FO(sub)(&Y3, &Y3, &t);
    FO(add)(&Z3, &a->Z, &b->Z);
    FO(sqr)(&Z3, &Z3);
    FO(sub)(&Z3, &Z3, &Z1Z1);
    FO(sub)(&Z3, &Z3, &Z2Z2);
    FO(mul)(&Z3, &Z3, &H);
    o->X = X3;
    o->Y = Y3;
    o->Z = Z3;
}

void GN(jac_add_affine)(GJ *o, const GJ *a, const GA *b)
{
    /* madd-2007-bl: 7M + 4S */
    if (b->infinity) {
        *o = *a;
        return;
    }
    if (GN(jac_is_infinity)(a)) {
        GN(jac_from_affine)(o, b);
        return;
    }
    FE Z1Z1, U2, S2, H, HH, I, J, r, V, t;
    FO(sqr)(&Z1Z1, &a->Z);
    FO(mul)(&U2, &b->x, &Z1Z1);
    FO(mul)(&S2, &b->y, &a->Z);
    FO(mul)(&S2, &S2, &Z1Z1);
    FO(sub)(&H, &U2, &a->X);
    FO(sub)(&r, &S2, &a->Y);
    if (fe_is_zero(&H)) {
        if (fe_is_zero(&r))
            GN(jac_double)(o, a);
        else
            GN(jac_infinity)(o);
        return;
    }
    FO(sqr)(&HH, &H);
    FO(double)(&I, &HH);
    FO(double)(&I, &I);
    FO(mul)(&J, &H, &I);
    FO(double)(&r, &r);
    FO(mul)(&V, &a->X, &I);
    FE X3, Y3, Z3;
    FO(sqr)(&X3, &r);
    FO(sub)(&X3, &X3, &J);
    FO(double)(&t, &V);
    FO(sub)(&X3, &X3, &t);
    FO(sub)(&t, &V, &X3);
    FO(mul)(&Y3, &r, &t);
    FO(mul)(&t, &a->Y, &J);
    FO(double)(&t, &t);
    FO(sub)(&Y3, &Y3, &t);
    FO(add)(&Z3, &a->Z, &H);
    FO(sqr)(&Z3, &Z3);
    FO(sub)(&Z3, &Z3, &Z1Z1);
    FO(sub)(&Z3, &Z3, &HH);
    o->X = X3;
    o->Y = Y3;
    o->Z = Z3;
}

void GN(jac_neg)(GJ *o, const GJ *a)
{
    o->X = a->X;
    FO(neg)(&o->Y, &a->Y);
    o->Z = a->Z;
}

void GN(affine_neg)(GA *o, const GA *a)
{
    o->x = a->x;
    FO(neg)(&o->y, &a->y);
    o->infinity = a->infinity;
}

void GN(jac_mul_u256)(GJ *o, const GJ *p, const uint64_t k[4])
{
    /* plain double-and-add from the top bit (variable time: scalars here are
     * public or prover-side; docs/bn254.md) */
    GJ r, base = *p;
    GN(jac_infinity)(&r);
    for (int i = 3; i >= 0; i--)
        for (int j = 63; j >= 0; j--) {
            GN(jac_double)(&r, &r);
            if ((k[i] >> j) & 1)
                GN(jac_add)(&r, &r, &base);
        }
    *o = r;
}

void GN(jac_mul)(GJ *o, const GJ *p, const fr_t *k)
{
    uint64_t v[4];
    fr_to_u256(v, k);
    GN(jac_mul_u256)(o, p, v);
}

int GN(jac_eq)(const GJ *a, const GJ *b)
{
    int ia = GN(jac_is_infinity)(a), ib = GN(jac_is_infinity)(b);
    if (ia || ib)
        return ia && ib;
    /* X1 Z2^2 = X2 Z1^2 and Y1 Z2^3 = Y2 Z1^3 */
    FE z1s, z2s, l, r, t;
    FO(sqr)(&z1s, &a->Z);
    FO(sqr)(&z2s, &b->Z);
    FO(mul)(&l, &a->X, &z2s);
    FO(mul)(&r, &b->X, &z1s);
    if (!FO(eq)(&l, &r))
        return 0;
    FO(mul)(&t, &z2s, &b->Z);
    FO(mul)(&l, &a->Y, &t);
    FO(mul)(&t, &z1s, &a->Z);
    FO(mul)(&r, &b->Y, &t);
    return FO(eq)(&l, &r);
}

int GN(affine_eq)(const GA *a, const GA *b)
{
    if (a->infinity || b->infinity)
        return a->infinity && b->infinity;
    return FO(eq)(&a->x, &b->x) && FO(eq)(&a->y, &b->y);
}

int GN(affine_is_on_curve)(const GA *p)
{
    if (p->infinity)
        return 1;
    FE l, r;
    const FE b = CURVE_B;
    FO(sqr)(&l, &p->y);
    FO(sqr)(&r, &p->x);
    FO(mul)(&r, &r, &p->x);
    FO(add)(&r, &r, &b);
    return FO(eq)(&l, &r);
}

int GN(jac_is_on_curve)(const GJ *p)
{
    if (GN(jac_is_infinity)(p))
        return 1;
    /* Y^2 = X^3 + b Z^6 */
    FE l, r, z6;
    const FE b = CURVE_B;
    FO(sqr)(&l, &p->Y);
    FO(sqr)(&r, &p->X);
    FO(mul)(&r, &r, &p->X);
    FO(sqr)(&z6, &p->Z);
    FO(mul)(&z6, &z6, &p->Z);
    FO(sqr)(&z6, &z6);
    FO(mul)(&z6, &z6, &b);
    FO(add)(&r, &r, &z6);
    return FO(eq)(&l, &r);
}
