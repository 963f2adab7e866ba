/* field_tmpl.h - the body of one 4-limb prime field, included once by fq.c
 * and once by fr.c with these macros defined:
 *   FN(name)  the public name (fq_##name / fr_##name)
 *   FT        the element type
 *   FP        the modulus, FINV = -p^-1 mod 2^64, FONE = 2^256 mod p,
 *   FR2       = 2^512 mod p (to enter Montgomery form),  FMUL the Montgomery product
 * A template by inclusion keeps the two fields one piece of code while each
 * gets its modulus as compile-time constants. */

#include <string.h>
#include "common/err.h"

/* four little-endian 64-bit words (memcpy on little-endian hosts: the byte
 * loop was a visible share of reading a proving key) */
static inline void FN(load_le4)(uint64_t v[4], const uint8_t in[32])
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(v, in, 32);
#else
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 7; j >= 0; j--)
            w = (w << 8) | in[i * 8 + j];
        v[i] = w;
    }
#endif
}

void FN(zero)(FT *a) { memset(a, 0, sizeof *a); }
void FN(one)(FT *a) { memcpy(a->l, FONE, sizeof a->l); }

void FN(add)(FT *c, const FT *a, const FT *b) { mod_add(c->l, a->l, b->l, FP); }
void FN(sub)(FT *c, const FT *a, const FT *b) { mod_sub(c->l, a->l, b->l, FP); }
void FN(double)(FT *c, const FT *a) { mod_add(c->l, a->l, a->l, FP); }
void FN(neg)(FT *c, const FT *a)
{
    static const uint64_t z[4] = {0, 0, 0, 0};
    mod_sub(c->l, z, a->l, FP);
}
void FN(mul)(FT *c, const FT *a, const FT *b) { FMUL(c->l, a->l, b->l); }
void FN(sqr)(FT *c, const FT *a) { FMUL(c->l, a->l, a->l); }

int FN(eq)(const FT *a, const FT *b)
{
    return ((a->l[0] ^ b->l[0]) | (a->l[1] ^ b->l[1]) | (a->l[2] ^ b->l[2]) | (a->l[3] ^ b->l[3])) == 0;
}
int FN(is_zero)(const FT *a) { return (a->l[0] | a->l[1] | a->l[2] | a->l[3]) == 0; }
int FN(is_one)(const FT *a)
{
    FT o;
    FN(one)(&o);
    return FN(eq)(a, &o);
}

int FN(from_u256)(FT *a, const uint64_t v[4])
{
    if (!u256_lt(v, FP))
        return RK_EINPUT;
    FMUL(a->l, v, FR2);
    return RK_OK;
}
void FN(to_u256)(uint64_t v[4], const FT *a)
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    FMUL(v, a->l, one);
}
void FN(from_u64)(FT *a, uint64_t v)
{
    uint64_t t[4] = {v, 0, 0, 0};
    /* v < 2^64 < p always */
    FMUL(a->l, t, FR2);
}

void FN(pow)(FT *c, const FT *a, const uint64_t e[4])
{
    FT r, b = *a;
    FN(one)(&r);
    for (int i = 3; i >= 0; i--)
        for (int j = 63; j >= 0; j--) {
            FN(sqr)(&r, &r);
            if ((e[i] >> j) & 1)
                FN(mul)(&r, &r, &b);
        }
    *c = r;
}

void FN(inv)(FT *c, const FT *a)
{
    /* Fermat: a^(p-2); 0 maps to 0 by itself */
    uint64_t e[4];
    static const uint64_t two[4] = {2, 0, 0, 0};
    u256_sub(e, FP, two);
    FN(pow)(c, a, e);
}

void FN(batch_inv)(FT *out, const FT *in, size_t n)
{
    /* Montgomery's trick in chunks of 64 so the prefix products live on the stack */
    enum { CH = 64 };
    FT pre[CH], acc, inv, t;
    for (size_t base = 0; base < n; base += CH) {
        size_t m = n - base < CH ? n - base : CH;
        FN(one)(&acc);
        for (size_t i = 0; i < m; i++) {
            pre[i] = acc;
            if (!FN(is_zero)(&in[base + i]))
                FN(mul)(&acc, &acc, &in[base + i]);
        }
        FN(inv)(&inv, &acc);
        for (size_t i = m; i-- > 0;) {
            if (FN(is_zero)(&in[base + i])) {
                FN(zero)(&out[base + i]);
                continue;
            }
            FN(mul)(&t, &inv, &pre[i]);            /* = in[i]^-1 */
            FN(mul)(&inv, &inv, &in[base + i]);    /* drop in[i] from the running inverse */
            out[base + i] = t;
        }
    }
}

int FN(from_bytes_be)(FT *a, const uint8_t in[32])
{
    uint64_t v[4];
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++)
            w = (w << 8) | in[(3 - i) * 8 + j];
        v[i] = w;
    }
    return FN(from_u256)(a, v);
}
void FN(to_bytes_be)(uint8_t out[32], const FT *a)
{
    uint64_t v[4];
    FN(to_u256)(v, a);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            out[(3 - i) * 8 + j] = (uint8_t)(v[i] >> (56 - 8 * j));
}
int FN(from_bytes_le)(FT *a, const uint8_t in[32])
{
    uint64_t v[4];
    FN(load_le4)(v, in);
    return FN(from_u256)(a, v);
}
void FN(to_bytes_le)(uint8_t out[32], const FT *a)
{
    uint64_t v[4];
    FN(to_u256)(v, a);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            out[i * 8 + j] = (uint8_t)(v[i] >> (8 * j));
}
int FN(from_mont_le_canon)(FT *a, const uint8_t in[32])
{
    uint64_t v[4];
    FN(load_le4)(v, in);
    if (!u256_lt(v, FP))
        return RK_EINPUT;
    memcpy(a->l, v, sizeof v);
    return RK_OK;
}

void FN(from_mont_le)(FT *a, const uint8_t in[32])
{
    uint64_t v[4];
    FN(load_le4)(v, in);
    /* keep the invariant every product relies on (limbs < p): reduce a
     * non-canonical input (2^256/p < 6, so a few subtractions) */
    while (!u256_lt(v, FP))
        u256_sub(v, v, FP);
    memcpy(a->l, v, sizeof v);
}
void FN(to_mont_le)(uint8_t out[32], const FT *a)
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            out[i * 8 + j] = (uint8_t)(a->l[i] >> (8 * j));
}

int FN(from_dec)(FT *a, const char *dec)
{
    uint64_t v[4] = {0, 0, 0, 0};
    if (!dec || !*dec)
        return RK_EINPUT;
    for (const char *s = dec; *s; s++) {
        if (*s < '0' || *s > '9')
            return RK_EINPUT;
        /* v = v*10 + digit, rejecting anything that leaves 256 bits */
        u128 t = (u128)(unsigned)(*s - '0');
        for (int i = 0; i < 4; i++) {
            t += (u128)v[i] * 10;
            v[i] = (uint64_t)t;
            t >>= 64;
        }
        if (t)
            return RK_EINPUT;
    }
    return FN(from_u256)(a, v);
}

void FN(to_dec)(char out[80], const FT *a)
{
    uint64_t v[4];
    char tmp[80];
    int n = 0;
    FN(to_u256)(v, a);
    do {
        /* divide v by 10 in place; the remainder is the next digit */
        u128 rem = 0;
        for (int i = 3; i >= 0; i--) {
            u128 cur = (rem << 64) | v[i];
            v[i] = (uint64_t)(cur / 10);
            rem = cur % 10;
        }
        tmp[n++] = (char)('0' + (int)rem);
    } while (v[0] | v[1] | v[2] | v[3]);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
}
