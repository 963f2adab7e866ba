/* u256.c - see u256.h. */
#include "u256/u256.h"

#include <string.h>

__extension__ typedef unsigned __int128 u128;

void u256_from_words(u256 *r, const uint32_t w[8])
{
    for (int i = 0; i < 4; i++)
        r->w[i] = (uint64_t)w[2 * i] | (uint64_t)w[2 * i + 1] << 32;
}

void u256_to_words(uint32_t w[8], const u256 *a)
{
    for (int i = 0; i < 4; i++) {
        w[2 * i] = (uint32_t)a->w[i];
        w[2 * i + 1] = (uint32_t)(a->w[i] >> 32);
    }
}

void u256_from_be(u256 *r, const uint8_t *b, unsigned len)
{
    memset(r, 0, sizeof *r);
    for (unsigned i = 0; i < len && i < 32; i++) {
        unsigned k = len - 1 - i; /* byte k from the least significant end */
        r->w[k / 8] |= (uint64_t)b[i] << (8 * (k % 8));
    }
}

void u256_to_be(uint8_t *b, unsigned len, const u256 *a)
{
    for (unsigned i = 0; i < len; i++) {
        unsigned k = len - 1 - i;
        b[i] = k < 32 ? (uint8_t)(a->w[k / 8] >> (8 * (k % 8))) : 0;
    }
}

int u256_cmp(const u256 *a, const u256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

int u256_is_zero(const u256 *a) { return !(a->w[0] | a->w[1] | a->w[2] | a->w[3]); }

uint64_t u256_add(u256 *r, const u256 *a, const u256 *b)
{
    u128 c = 0;
    for (int i = 0; i < 4; i++) {
        c += (u128)a->w[i] + b->w[i];
        r->w[i] = (uint64_t)c;
        c >>= 64;
    }
    return (uint64_t)c;
}

uint64_t u256_sub(u256 *r, const u256 *a, const u256 *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t x = a->w[i], y = b->w[i];
        uint64_t d = x - y - borrow;
        borrow = (x < y) || (x == y && borrow);
        r->w[i] = d;
    }
    return borrow;
}

static void mul_wide(uint64_t out[8], const u256 *a, const u256 *b)
{
    memset(out, 0, 8 * sizeof *out);
    for (int i = 0; i < 4; i++) {
        u128 c = 0;
        for (int j = 0; j < 4; j++) {
            c += (u128)a->w[j] * b->w[i] + out[i + j];
            out[i + j] = (uint64_t)c;
            c >>= 64;
        }
        out[i + 4] = (uint64_t)c;
    }
}

/* x (512 bits) mod m, m != 0: shift-and-subtract, one bit at a time (used
 * for arbitrary moduli and the Montgomery set-up only). */
static void mod_wide(u256 *r, const uint64_t x[8], const u256 *m)
{
    u256 rem = {{0, 0, 0, 0}};
    for (int bit = 511; bit >= 0; bit--) {
        uint64_t top = rem.w[3] >> 63;
        for (int i = 3; i > 0; i--)
            rem.w[i] = rem.w[i] << 1 | rem.w[i - 1] >> 63;
        rem.w[0] = rem.w[0] << 1 | ((x[bit / 64] >> (bit % 64)) & 1);
        if (top || u256_cmp(&rem, m) >= 0)
            u256_sub(&rem, &rem, m); /* with top set the 257-bit value minus m fits */
    }
    *r = rem;
}

void u256_mulmod_any(u256 *r, const u256 *a, const u256 *b, const u256 *m)
{
    uint64_t t[8];
    mul_wide(t, a, b);
    if (u256_is_zero(m)) {
        memcpy(r->w, t, sizeof r->w);
        return;
    }
    mod_wide(r, t, m);
}

int u256_field_init(u256_field *f, const u256 *p)
{
    if (!(p->w[0] & 1) || (p->w[0] == 1 && !(p->w[1] | p->w[2] | p->w[3])))
        return -1;
    f->p = *p;
    uint64_t x = 1; /* Newton: x = p^-1 mod 2^64, doubling the correct bits each step */
    for (int i = 0; i < 6; i++)
        x *= 2 - p->w[0] * x;
    f->pinv = (uint64_t)0 - x;
    uint64_t t[8] = {0, 0, 0, 0, 1, 0, 0, 0}; /* 2^256 */
    u256 rmod;
    mod_wide(&rmod, t, p);
    mul_wide(t, &rmod, &rmod);
    mod_wide(&f->r2, t, p);
    return 0;
}

/* a * b * 2^-256 mod p, for a, b < p (CIOS). */
static void mont_mul(u256 *r, const u256 *a, const u256 *b, const u256_field *f)
{
    uint64_t t[6] = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        u128 c = 0;
        for (int j = 0; j < 4; j++) {
            c += (u128)a->w[j] * b->w[i] + t[j];
            t[j] = (uint64_t)c;
            c >>= 64;
        }
        c += t[4];
        t[4] = (uint64_t)c;
        t[5] = (uint64_t)(c >> 64);
        uint64_t mq = t[0] * f->pinv;
        c = ((u128)mq * f->p.w[0] + t[0]) >> 64;
        for (int j = 1; j < 4; j++) {
            c += (u128)mq * f->p.w[j] + t[j];
            t[j - 1] = (uint64_t)c;
            c >>= 64;
        }
        c += t[4];
        t[3] = (uint64_t)c;
        t[4] = t[5] + (uint64_t)(c >> 64);
    }
    u256 res = {{t[0], t[1], t[2], t[3]}};
    if (t[4] || u256_cmp(&res, &f->p) >= 0)
        u256_sub(&res, &res, &f->p);
    *r = res;
}

void u256_fp_reduce(u256 *r, const u256 *a, const u256_field *f)
{
    uint64_t t[8] = {a->w[0], a->w[1], a->w[2], a->w[3], 0, 0, 0, 0};
    if (u256_cmp(a, &f->p) < 0)
        *r = *a;
    else
        mod_wide(r, t, &f->p);
}

void u256_fp_add(u256 *r, const u256 *a, const u256 *b, const u256_field *f)
{
    u256 s;
    uint64_t c = u256_add(&s, a, b);
    if (c || u256_cmp(&s, &f->p) >= 0)
        u256_sub(&s, &s, &f->p);
    *r = s;
}

void u256_fp_sub(u256 *r, const u256 *a, const u256 *b, const u256_field *f)
{
    u256 d;
    if (u256_sub(&d, a, b))
        u256_add(&d, &d, &f->p);
    *r = d;
}

void u256_fp_neg(u256 *r, const u256 *a, const u256_field *f)
{
    u256 z = {{0, 0, 0, 0}};
    u256_fp_sub(r, &z, a, f);
}

void u256_fp_mul(u256 *r, const u256 *a, const u256 *b, const u256_field *f)
{
    u256 t;
    mont_mul(&t, a, b, f);      /* a b R^-1 */
    mont_mul(r, &t, &f->r2, f); /* a b */
}

void u256_fp_pow(u256 *r, const u256 *a, const u256 *e, const u256_field *f)
{
    u256 one = {{1, 0, 0, 0}}, am, acc;
    mont_mul(&am, a, &f->r2, f);  /* a R */
    mont_mul(&acc, &one, &f->r2, f); /* R */
    for (int bit = 255; bit >= 0; bit--) {
        mont_mul(&acc, &acc, &acc, f);
        if ((e->w[bit / 64] >> (bit % 64)) & 1)
            mont_mul(&acc, &acc, &am, f);
    }
    mont_mul(r, &acc, &one, f);
}

void u256_fp_inv(u256 *r, const u256 *a, const u256_field *f)
{
    u256 e, two = {{2, 0, 0, 0}};
    u256_sub(&e, &f->p, &two);
    u256_fp_pow(r, a, &e, f);
}

int u256_fp_sqrt(u256 *r, const u256 *a, const u256 *nqr, const u256_field *f)
{
    u256 one = {{1, 0, 0, 0}}, e, x, chk;
    if (u256_is_zero(a)) {
        *r = *a;
        return 1;
    }
    if ((f->p.w[0] & 3) == 3) {
        uint64_t cy = u256_add(&e, &f->p, &one); /* (p + 1) / 4, the carry is bit 256 */
        for (int i = 0; i < 4; i++)
            e.w[i] = e.w[i] >> 2 | (i < 3 ? e.w[i + 1] << 62 : cy << 62);
        u256_fp_pow(&x, a, &e, f);
        u256_fp_mul(&chk, &x, &x, f);
        if (u256_cmp(&chk, a))
            return 0;
        *r = x;
        return 1;
    }
    /* Tonelli-Shanks: p - 1 = q 2^s */
    u256 q, c, t, b, pm1;
    u256_sub(&pm1, &f->p, &one);
    /* Euler's criterion first: a^((p-1)/2) must be 1 */
    e = pm1;
    for (int i = 0; i < 4; i++)
        e.w[i] = e.w[i] >> 1 | (i < 3 ? e.w[i + 1] << 63 : 0);
    u256_fp_pow(&chk, a, &e, f);
    if (u256_cmp(&chk, &one))
        return 0;
    q = pm1;
    int s = 0;
    while (!(q.w[0] & 1)) {
        for (int i = 0; i < 4; i++)
            q.w[i] = q.w[i] >> 1 | (i < 3 ? q.w[i + 1] << 63 : 0);
        s++;
    }
    u256_fp_pow(&c, nqr, &q, f);
    u256_add(&e, &q, &one);
    for (int i = 0; i < 4; i++)
        e.w[i] = e.w[i] >> 1 | (i < 3 ? e.w[i + 1] << 63 : 0);
    u256_fp_pow(&x, a, &e, f);
    u256_fp_pow(&t, a, &q, f);
    int m = s;
    while (u256_cmp(&t, &one)) {
        int i = 0;
        u256 tt = t;
        while (u256_cmp(&tt, &one)) {
            u256_fp_mul(&tt, &tt, &tt, f);
            if (++i == m)
                return 0; /* nqr was not a non-residue */
        }
        b = c;
        for (int k = 0; k < m - i - 1; k++)
            u256_fp_mul(&b, &b, &b, f);
        u256_fp_mul(&x, &x, &b, f);
        u256_fp_mul(&c, &b, &b, f);
        u256_fp_mul(&t, &t, &c, f);
        m = i;
    }
    *r = x;
    return 1;
}
