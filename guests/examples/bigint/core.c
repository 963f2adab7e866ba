/* bigint/core.c - 256-bit modular arithmetic as in signature verification:
 * Montgomery multiplication (8 x 32-bit limbs, CIOS) and Fermat inversion
 * x^(p-2) modulo the secp256k1 field prime and group order.
 * Input: u32 k (inversions per modulus, default 2).  Output: the last value
 * mod p and mod n (32 bytes LE each) and u32 count of checks x * x^-1 == 1. */
#include <stddef.h>
#include <stdint.h>

typedef struct { uint32_t w[8]; } u256;

static const u256 SECP_P = {{0xFFFFFC2F, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}};
static const u256 SECP_N = {{0xD0364141, 0xBFD25E8C, 0xAF48A03B, 0xBAAEDCE6, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}};

static int u256_geq(const u256 *a, const u256 *b)
{
    for (int i = 7; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] > b->w[i];
    return 1;
}

static uint32_t u256_sub(u256 *r, const u256 *a, const u256 *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t d = (uint64_t)a->w[i] - b->w[i] - borrow;
        r->w[i] = (uint32_t)d;
        borrow = (d >> 32) & 1;
    }
    return (uint32_t)borrow;
}

static void mod_add(u256 *r, const u256 *a, const u256 *b, const u256 *m)
{
    uint64_t c = 0;
    u256 s;
    for (int i = 0; i < 8; i++) {
        c += (uint64_t)a->w[i] + b->w[i];
        s.w[i] = (uint32_t)c;
        c >>= 32;
    }
    if (c || u256_geq(&s, m))
        u256_sub(&s, &s, m);
    *r = s;
}

typedef struct { u256 m, r2, one; uint32_t minv; } mont_ctx;

static void mont_mul(u256 *r, const u256 *a, const u256 *b, const mont_ctx *c)
{
    uint32_t t[10] = {0};
    for (int i = 0; i < 8; i++) {
        uint64_t C = 0;
        for (int j = 0; j < 8; j++) {
            C += (uint64_t)t[j] + (uint64_t)a->w[j] * b->w[i];
            t[j] = (uint32_t)C;
            C >>= 32;
        }
        C += t[8];
        t[8] = (uint32_t)C;
        t[9] = (uint32_t)(C >> 32);
        uint32_t q = t[0] * c->minv;
        C = ((uint64_t)t[0] + (uint64_t)q * c->m.w[0]) >> 32;
        for (int j = 1; j < 8; j++) {
            C += (uint64_t)t[j] + (uint64_t)q * c->m.w[j];
            t[j - 1] = (uint32_t)C;
            C >>= 32;
        }
        C += t[8];
        t[7] = (uint32_t)C;
        t[8] = t[9] + (uint32_t)(C >> 32);
    }
    u256 s;
    for (int i = 0; i < 8; i++) s.w[i] = t[i];
    if (t[8] || u256_geq(&s, &c->m))
        u256_sub(&s, &s, &c->m);
    *r = s;
}

static void mont_init(mont_ctx *c, const u256 *m)
{
    c->m = *m;
    uint32_t inv = 1;
    for (int i = 0; i < 5; i++)
        inv *= 2 - m->w[0] * inv; /* Newton: inv = m^-1 mod 2^32 */
    c->minv = 0u - inv;
    u256 x = {{1}};
    for (int i = 0; i < 512; i++)
        mod_add(&x, &x, &x, m); /* 2^512 mod m = R^2 */
    c->r2 = x;
    u256 one = {{1}};
    mont_mul(&c->one, &one, &c->r2, c);
}

static void mont_pow(u256 *r, const u256 *a, const u256 *e, const mont_ctx *c)
{
    u256 acc = c->one;
    for (int i = 255; i >= 0; i--) {
        mont_mul(&acc, &acc, &acc, c);
        if ((e->w[i / 32] >> (i % 32)) & 1)
            mont_mul(&acc, &acc, a, c);
    }
    *r = acc;
}

static uint32_t inversions(const u256 *m, uint32_t k, u256 *last)
{
    mont_ctx c;
    mont_init(&c, m);
    u256 e = *m, two = {{2}}, three = {{3}}, x = {{0x12345678, 0x9ABCDEF0, 7, 0, 0, 0, 0, 0x01000000}};
    u256_sub(&e, &e, &two);
    uint32_t ok = 0;
    for (uint32_t i = 0; i < k; i++) {
        u256 xm, inv, prod, plain, one = {{1}};
        mont_mul(&xm, &x, &c.r2, &c);     /* to Montgomery form */
        mont_pow(&inv, &xm, &e, &c);      /* x^(p-2) = x^-1 */
        mont_mul(&prod, &xm, &inv, &c);
        ok += u256_geq(&prod, &c.one) && u256_geq(&c.one, &prod);
        mont_mul(&plain, &inv, &one, &c); /* back to normal form */
        mod_add(&x, &plain, &three, m);
    }
    *last = x;
    return ok;
}

size_t bigint_core(const uint8_t *in, size_t len, uint8_t *out, void *(*alloc)(size_t));
size_t bigint_core(const uint8_t *in, size_t len, uint8_t *out, void *(*alloc)(size_t))
{
    (void)alloc;
    uint32_t k = len >= 4 ? (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24 : 2;
    u256 a, b;
    uint32_t ok = inversions(&SECP_P, k, &a) + inversions(&SECP_N, k, &b);
    for (int i = 0; i < 32; i++) {
        out[i] = (uint8_t)(a.w[i / 4] >> (8 * (i % 4)));
        out[32 + i] = (uint8_t)(b.w[i / 4] >> (8 * (i % 4)));
    }
    out[64] = (uint8_t)ok; out[65] = (uint8_t)(ok >> 8); out[66] = (uint8_t)(ok >> 16); out[67] = (uint8_t)(ok >> 24);
    return 68;
}
