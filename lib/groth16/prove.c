/* prove.c - the Groth16 prover and verifier (snarkjs's relation, groth16.h). */
#include "groth16/internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "snarkjs/snarkjs.h"

void g16_fr_from_64(fr_t *out, const uint8_t in[64])
{
    uint64_t lo[4], hi[4];
    for (int i = 0; i < 4; i++) {
        lo[i] = rk_le64(in + 8 * i);
        hi[i] = rk_le64(in + 32 + 8 * i);
    }
    lo[3] &= (1ULL << 58) - 1; /* 250 bits: below r, so fr_from_u256 accepts */
    hi[3] &= (1ULL << 58) - 1;
    fr_t a, b, r1, r2;
    fr_from_u256(&a, lo);
    fr_from_u256(&b, hi);
    g16_fr_mont_r(&r1, &r2);
    fr_mul(&b, &b, &r1); /* b * 2^256 + a: ~500 random bits reduced mod r */
    fr_add(out, &a, &b);
}

/* r and s: from the OS, or from BLAKE2b(domain || seed) for reproducible runs. */
static int blinding(fr_t *r, fr_t *s, const uint8_t seed[32], rk_err *e)
{
    uint8_t bytes[128];
    if (seed) {
        for (int k = 0; k < 2; k++) {
            sj_blake2b h;
            sj_blake2b_init(&h);
            static const char dom[] = "raiko groth16 blinding v1";
            uint8_t idx = (uint8_t)k;
            sj_blake2b_update(&h, dom, sizeof dom - 1);
            sj_blake2b_update(&h, &idx, 1);
            sj_blake2b_update(&h, seed, 32);
            sj_blake2b_final(&h, bytes + 64 * k);
        }
    } else {
        size_t got = 0;
        while (got < sizeof bytes) {
            ssize_t k = getrandom(bytes + got, sizeof bytes - got, 0);
            if (k <= 0)
                return rk_fail(e, RK_EINTERNAL, "groth16: getrandom failed");
            got += (size_t)k;
        }
    }
    g16_fr_from_64(r, bytes);
    g16_fr_from_64(s, bytes + 64);
    memset(bytes, 0, sizeof bytes);
    return RK_OK;
}

/* h = A(x)B(x) - C(x) on the odd coset of the 2n-th roots: the values snarkjs
 * multiplies with the H points (which hold the 2n-Lagrange basis at odd
 * indices, so the division by Z(x) = -2 there is folded into the key). */
static int quotient_values(fr_t *h, const g16_pk *pk, const fr_t *w, rk_err *e)
{
    size_t n = pk->domain_size;
    fr_t *a = h, *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    if (!b || !c) {
        free(b);
        free(c);
        return rk_fail(e, RK_EINTERNAL, "groth16 prove: out of memory (%zu-point domain)", n);
    }
    memset(a, 0, n * sizeof *a);
    memset(b, 0, n * sizeof *b);
    for (size_t i = 0; i < pk->n_coefs; i++) {
        const g16_coef *k = &pk->coefs[i];
        fr_t t;
        fr_t *row = k->matrix ? b : a;
        fr_mul(&t, &k->value, &w[k->signal]);
        fr_add(&row[k->constraint], &row[k->constraint], &t);
    }
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        fr_mul(&c[i], &a[i], &b[i]);
    fr_t shift;
    fr_root_of_unity(&shift, pk->log_n + 1);
    fr_t *v[3] = {a, b, c};
    int rc = RK_OK;
    for (int k = 0; k < 3 && !rc; k++)
        if (fr_ifft(v[k], pk->log_n) || fr_coset_fft(v[k], pk->log_n, &shift))
            rc = rk_fail(e, RK_EINTERNAL, "groth16 prove: FFT failed (out of memory)");
    if (!rc) {
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++) {
            fr_mul(&a[i], &a[i], &b[i]);
            fr_sub(&h[i], &a[i], &c[i]);
        }
    }
    free(b);
    free(c);
    return rc;
}

/* MSM that skips the witness values 0 and 1 (bits: a large share of the
 * wrap circuit's wires): zeros cost nothing, ones cost one addition instead
 * of a trip through every Pippenger window.  The rest goes to lib/bn254's MSM.
 * The sums of ones use a fixed chunking, so the result never depends on the
 * thread count. */
#define SPARSE_MSM_IMPL(G, NAME)                                                           \
    static int NAME(G##_jac *out, const G##_affine *pts, const fr_t *k, size_t n)         \
    {                                                                                      \
        size_t n_rest = 0, n_easy = 0;                                                     \
        for (size_t i = 0; i < n; i++)                                                     \
            if (fr_is_zero(&k[i]) || fr_is_one(&k[i]))                                     \
                n_easy++;                                                                  \
        if (n_easy * 16 < n) /* few: not worth the copy */                                 \
            return G##_msm(out, pts, k, n);                                                \
        n_rest = n - n_easy;                                                               \
        G##_affine *p2 = malloc((n_rest ? n_rest : 1) * sizeof *p2);                       \
        fr_t *k2 = malloc((n_rest ? n_rest : 1) * sizeof *k2);                             \
        if (!p2 || !k2) {                                                                  \
            free(p2);                                                                      \
            free(k2);                                                                      \
            return RK_EINTERNAL;                                                           \
        }                                                                                  \
        size_t m = 0;                                                                      \
        for (size_t i = 0; i < n; i++)                                                     \
            if (!fr_is_zero(&k[i]) && !fr_is_one(&k[i])) {                                 \
                p2[m] = pts[i];                                                            \
                k2[m++] = k[i];                                                            \
            }                                                                              \
        enum { CHUNKS = 64 };                                                              \
        G##_jac part[CHUNKS];                                                              \
        _Pragma("omp parallel for schedule(static)")                                       \
        for (int c = 0; c < CHUNKS; c++) {                                                 \
            G##_jac_infinity(&part[c]);                                                    \
            for (size_t i = n * (size_t)c / CHUNKS; i < n * (size_t)(c + 1) / CHUNKS; i++) \
                if (fr_is_one(&k[i]) && !pts[i].infinity)                                  \
                    G##_jac_add_affine(&part[c], &part[c], &pts[i]);                       \
        }                                                                                  \
        int rc = G##_msm(out, p2, k2, m);                                                  \
        for (int c = 0; c < CHUNKS; c++)                                                   \
            G##_jac_add(out, out, &part[c]);                                               \
        free(p2);                                                                          \
        free(k2);                                                                          \
        return rc;                                                                         \
    }

SPARSE_MSM_IMPL(g1, msm1)
SPARSE_MSM_IMPL(g2, msm2)

int g16_prove(g16_proof *proof, const g16_pk *pk, const fr_t *w, size_t n, const uint8_t seed[32], rk_err *e)
{
    if (n != pk->n_vars)
        return rk_fail(e, RK_EINPUT, "groth16 prove: witness has %zu values, the key expects %u", n, pk->n_vars);
    if (!fr_is_one(&w[0]))
        return rk_fail(e, RK_EINPUT, "groth16 prove: witness value 0 must be 1");
    fr_t r, s;
    int rc = blinding(&r, &s, seed, e);
    if (rc)
        return rc;
    fr_t *h = malloc((size_t)pk->domain_size * sizeof *h);
    if (!h)
        return rk_fail(e, RK_EINTERNAL, "groth16 prove: out of memory");
    if ((rc = quotient_values(h, pk, w, e))) {
        free(h);
        return rc;
    }
    g1_jac ja, jb1, jc, jh, t;
    g2_jac jb2, t2;
    size_t npriv = pk->n_vars - pk->n_public - 1;
    if (msm1(&ja, pk->a, w, n) || msm1(&jb1, pk->b1, w, n) || msm2(&jb2, pk->b2, w, n) ||
        msm1(&jc, pk->c, w + pk->n_public + 1, npriv) || g1_msm(&jh, pk->h, h, pk->domain_size)) {
        free(h);
        return rk_fail(e, RK_EINTERNAL, "groth16 prove: MSM failed (out of memory)");
    }
    free(h);
    g1_jac d1;
    g1_jac_from_affine(&d1, &pk->delta1);
    /* A = alpha + sum w A_i + r delta */
    g1_jac_add_affine(&ja, &ja, &pk->alpha1);
    g1_jac_mul(&t, &d1, &r);
    g1_jac_add(&ja, &ja, &t);
    /* B = beta + sum w B_i + s delta (in G2, and in G1 for C) */
    g2_jac d2;
    g2_jac_from_affine(&d2, &pk->delta2);
    g2_jac_add_affine(&jb2, &jb2, &pk->beta2);
    g2_jac_mul(&t2, &d2, &s);
    g2_jac_add(&jb2, &jb2, &t2);
    g1_jac_add_affine(&jb1, &jb1, &pk->beta1);
    g1_jac_mul(&t, &d1, &s);
    g1_jac_add(&jb1, &jb1, &t);
    /* C = sum w C_i + H + s A + r B1 - r s delta */
    g1_jac_add(&jc, &jc, &jh);
    g1_jac_mul(&t, &ja, &s);
    g1_jac_add(&jc, &jc, &t);
    g1_jac_mul(&t, &jb1, &r);
    g1_jac_add(&jc, &jc, &t);
    fr_t rs;
    fr_mul(&rs, &r, &s);
    fr_neg(&rs, &rs);
    g1_jac_mul(&t, &d1, &rs);
    g1_jac_add(&jc, &jc, &t);
    g1_jac_to_affine(&proof->a, &ja);
    g2_jac_to_affine(&proof->b, &jb2);
    g1_jac_to_affine(&proof->c, &jc);
    memset(&r, 0, sizeof r);
    memset(&s, 0, sizeof s);
    return RK_OK;
}

/* ------------------------------------------------------------ verify */

void g16_vk_init(g16_vk *vk) { memset(vk, 0, sizeof *vk); }

void g16_vk_free(g16_vk *vk)
{
    free(vk->ic);
    memset(vk, 0, sizeof *vk);
}

int g16_vk_from_pk(g16_vk *vk, const g16_pk *pk, rk_err *e)
{
    g16_vk_free(vk);
    vk->ic = malloc((pk->n_public + 1) * sizeof *vk->ic);
    if (!vk->ic)
        return rk_fail(e, RK_EINTERNAL, "groth16: out of memory");
    memcpy(vk->ic, pk->ic, (pk->n_public + 1) * sizeof *vk->ic);
    vk->n_public = pk->n_public;
    vk->alpha1 = pk->alpha1;
    vk->beta2 = pk->beta2;
    vk->gamma2 = pk->gamma2;
    vk->delta2 = pk->delta2;
    return RK_OK;
}

int g16_verify(const g16_vk *vk, const fr_t *pub, size_t n_pub, const g16_proof *proof, rk_err *e)
{
    if (n_pub != vk->n_public)
        return rk_fail(e, RK_EINPUT, "groth16 verify: %zu public inputs given, the key expects %u", n_pub,
                       vk->n_public);
    /* vk_x = IC_0 + sum pub_i IC_{i+1} (straight-line: one scalar mult per input) */
    g1_jac acc, t;
    g1_jac_from_affine(&acc, &vk->ic[0]);
    for (size_t i = 0; i < n_pub; i++) {
        g1_jac_from_affine(&t, &vk->ic[i + 1]);
        g1_jac_mul(&t, &t, &pub[i]);
        g1_jac_add(&acc, &acc, &t);
    }
    g1_affine ps[4];
    g2_affine qs[4];
    g1_affine_neg(&ps[0], &proof->a);
    qs[0] = proof->b;
    g1_jac_to_affine(&ps[1], &acc);
    qs[1] = vk->gamma2;
    ps[2] = proof->c;
    qs[2] = vk->delta2;
    ps[3] = vk->alpha1;
    qs[3] = vk->beta2;
    if (!bn254_pairing_check(ps, qs, 4))
        return rk_fail(e, RK_EFALSE, "groth16 verify: the proof is not valid for these public inputs");
    return RK_OK;
}
