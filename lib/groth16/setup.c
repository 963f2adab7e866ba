/* setup.c - Groth16 keys for an R1CS: phase-2 start from a prepared
 * powers-of-tau file (snarkjs's `zkey new`, byte for byte), and an insecure
 * deterministic setup for tests and benchmarks. */
#include "groth16/internal.h"

#include <stdlib.h>
#include <string.h>

#include "snarkjs/snarkjs.h"

/* Domain: the smallest power of two holding the constraints plus one row per
 * public variable (and the constant), as snarkjs sizes it. */
static unsigned domain_log(const r1cs *cs)
{
    uint64_t m = (uint64_t)cs->n_constraints + cs->n_public + 1;
    unsigned l = 1;
    while ((1ULL << l) < m)
        l++;
    return l;
}

/* The coefficient list (matrix A and B, constraint order, then one A-row per
 * public variable) - the .zkey section 4 in snarkjs's order. */
static int build_coefs(g16_pk *pk, const r1cs *cs, rk_err *e)
{
    size_t nc = 0;
    for (uint32_t c = 0; c < cs->n_constraints; c++)
        nc += (size_t)(cs->row[3 * (size_t)c + 2] - cs->row[3 * (size_t)c]);
    nc += cs->n_public + 1;
    if (nc > UINT32_MAX)
        return rk_fail(e, RK_EINPUT, "groth16 setup: too many coefficients");
    pk->coefs = malloc(nc * sizeof *pk->coefs);
    if (!pk->coefs)
        return rk_fail(e, RK_EINTERNAL, "groth16 setup: out of memory");
    size_t k = 0;
    for (uint32_t c = 0; c < cs->n_constraints; c++)
        for (uint32_t m = 0; m < 2; m++) {
            const uint64_t *r = cs->row + 3 * (size_t)c + m;
            for (uint64_t t = r[0]; t < r[1]; t++)
                pk->coefs[k++] = (g16_coef){m, c, cs->terms[t].var, cs->terms[t].coef};
        }
    for (uint32_t s = 0; s <= cs->n_public; s++) {
        fr_t one;
        fr_one(&one);
        pk->coefs[k++] = (g16_coef){0, cs->n_constraints + s, s, one};
    }
    pk->n_coefs = k;
    return RK_OK;
}

static int alloc_points(g16_pk *pk, rk_err *e)
{
    size_t nv = pk->n_vars, npriv = nv - pk->n_public - 1;
    pk->ic = calloc(pk->n_public + 1, sizeof *pk->ic);
    pk->a = calloc(nv, sizeof *pk->a);
    pk->b1 = calloc(nv, sizeof *pk->b1);
    pk->b2 = calloc(nv, sizeof *pk->b2);
    pk->c = calloc(npriv ? npriv : 1, sizeof *pk->c);
    pk->h = calloc(pk->domain_size, sizeof *pk->h);
    pk->mpc_len = 68;
    pk->mpc = calloc(1, pk->mpc_len);
    if (!pk->ic || !pk->a || !pk->b1 || !pk->b2 || !pk->c || !pk->h || !pk->mpc)
        return rk_fail(e, RK_EINTERNAL, "groth16 setup: out of memory");
    return RK_OK;
}

static int check_cs(const r1cs *cs, rk_err *e)
{
    if (r1cs_status(cs, e))
        return e ? e->code : RK_EINPUT;
    if (cs->n_public + 1 > cs->n_vars)
        return rk_fail(e, RK_EINPUT, "groth16 setup: bad circuit sizes");
    if (domain_log(cs) >= 27)
        return rk_fail(e, RK_EINPUT, "groth16 setup: circuit too big (%u constraints)", cs->n_constraints);
    return RK_OK;
}

/* ------------------------------------------------------------ insecure */

static void secret(fr_t *out, uint64_t seed, const char *label)
{
    uint8_t d[64], s8[8];
    sj_blake2b h;
    sj_blake2b_init(&h);
    static const char dom[] = "raiko groth16 INSECURE deterministic setup v1/";
    sj_blake2b_update(&h, dom, sizeof dom - 1);
    sj_blake2b_update(&h, label, strlen(label));
    rk_put_le64(s8, seed);
    sj_blake2b_update(&h, s8, 8);
    sj_blake2b_final(&h, d);
    g16_fr_from_64(out, d);
}

/* L_i(tau) for the n-th roots omega^i: (omega^i / n) (tau^n - 1) / (tau - omega^i);
 * only the indices lo + i*step for i < count. */
static int lagrange_at(fr_t *out, unsigned log_n, const fr_t *tau, size_t lo, size_t step, size_t count)
{
    size_t n = (size_t)1 << log_n;
    fr_t w, wi, wstep, zt, ninv, t;
    fr_root_of_unity(&w, log_n);
    uint64_t e[4] = {lo, 0, 0, 0};
    fr_pow(&wi, &w, e);
    e[0] = step;
    fr_pow(&wstep, &w, e);
    e[0] = n;
    fr_pow(&zt, tau, e);
    fr_one(&t);
    fr_sub(&zt, &zt, &t);
    fr_from_u64(&ninv, n);
    fr_inv(&ninv, &ninv);
    fr_mul(&zt, &zt, &ninv);
    fr_t *den = malloc((count ? count : 1) * sizeof *den);
    fr_t *num = malloc((count ? count : 1) * sizeof *num);
    if (!den || !num) {
        free(den);
        free(num);
        return RK_EINTERNAL;
    }
    for (size_t i = 0; i < count; i++) {
        fr_sub(&den[i], tau, &wi);
        num[i] = wi;
        fr_mul(&wi, &wi, &wstep);
    }
    fr_batch_inv(den, den, count);
    for (size_t i = 0; i < count; i++) {
        fr_mul(&out[i], &num[i], &den[i]);
        fr_mul(&out[i], &out[i], &zt);
    }
    free(den);
    free(num);
    return RK_OK;
}

int g16_setup_insecure_deterministic(g16_pk *pk, const r1cs *cs, uint64_t seed, rk_err *e)
{
    g16_pk_free(pk);
    int rc = check_cs(cs, e);
    if (rc)
        return rc;
    unsigned log_n = domain_log(cs);
    pk->log_n = log_n;
    pk->domain_size = 1u << log_n;
    pk->n_vars = cs->n_vars;
    pk->n_public = cs->n_public;
    if ((rc = build_coefs(pk, cs, e)) || (rc = alloc_points(pk, e))) {
        g16_pk_free(pk);
        return rc;
    }
    fr_t tau, alpha, beta, delta, dinv;
    secret(&tau, seed, "tau");
    secret(&alpha, seed, "alpha");
    secret(&beta, seed, "beta");
    secret(&delta, seed, "delta");
    fr_inv(&dinv, &delta);

    size_t n = pk->domain_size, nv = cs->n_vars, np = cs->n_public;
    fr_t *lag = malloc(n * sizeof *lag), *hs = malloc(n * sizeof *hs);
    fr_t *u = calloc(nv, sizeof *u), *v = calloc(nv, sizeof *v), *x = calloc(nv, sizeof *x);
    if (!lag || !hs || !u || !v || !x || lagrange_at(lag, log_n, &tau, 0, 1, n) ||
        lagrange_at(hs, log_n + 1, &tau, 1, 2, n)) {
        rc = rk_fail(e, RK_EINTERNAL, "groth16 setup: out of memory");
        goto out;
    }
    /* u, v, x = the A, B, C columns evaluated at tau (calloc'ed zeros are 0 in Montgomery form) */
    for (uint32_t c = 0; c < cs->n_constraints; c++) {
        fr_t *dst[3] = {u, v, x};
        for (int m = 0; m < 3; m++) {
            const uint64_t *r = cs->row + 3 * (size_t)c + m;
            for (uint64_t t = r[0]; t < r[1]; t++) {
                fr_t p;
                fr_mul(&p, &cs->terms[t].coef, &lag[c]);
                fr_add(&dst[m][cs->terms[t].var], &dst[m][cs->terms[t].var], &p);
            }
        }
    }
    for (uint32_t s = 0; s <= np; s++)
        fr_add(&u[s], &u[s], &lag[cs->n_constraints + s]);
    /* x := beta u + alpha v + w  (divided by delta for the private variables) */
    for (size_t s = 0; s < nv; s++) {
        fr_t t1, t2;
        fr_mul(&t1, &beta, &u[s]);
        fr_mul(&t2, &alpha, &v[s]);
        fr_add(&t1, &t1, &t2);
        fr_add(&x[s], &x[s], &t1);
        if (s > np)
            fr_mul(&x[s], &x[s], &dinv);
    }
    for (size_t i = 0; i < n; i++)
        fr_mul(&hs[i], &hs[i], &dinv);
    g1_affine g1;
    g2_affine g2;
    g1_generator(&g1);
    g2_generator(&g2);
    fr_t ks[4] = {alpha, beta, delta};
    g1_affine k1[3];
    g2_affine k2[2];
    fr_t k2s[2] = {beta, delta};
    if (g16_g1_fixed_base(k1, &g1, ks, 3) || g16_g2_fixed_base(k2, &g2, k2s, 2) ||
        g16_g1_fixed_base(pk->a, &g1, u, nv) || g16_g1_fixed_base(pk->b1, &g1, v, nv) ||
        g16_g2_fixed_base(pk->b2, &g2, v, nv) || g16_g1_fixed_base(pk->ic, &g1, x, np + 1) ||
        g16_g1_fixed_base(pk->c, &g1, x + np + 1, nv - np - 1) || g16_g1_fixed_base(pk->h, &g1, hs, n)) {
        rc = rk_fail(e, RK_EINTERNAL, "groth16 setup: out of memory");
        goto out;
    }
    pk->alpha1 = k1[0];
    pk->beta1 = k1[1];
    pk->delta1 = k1[2];
    pk->beta2 = k2[0];
    pk->delta2 = k2[1];
    pk->gamma2 = g2;
    /* no phase-2 transcript: the "circuit hash" just names this setup */
    sj_blake2b h;
    sj_blake2b_init(&h);
    static const char tag[] = "raiko groth16 INSECURE deterministic setup";
    sj_blake2b_update(&h, tag, sizeof tag - 1);
    uint8_t s8[8];
    rk_put_le64(s8, seed);
    sj_blake2b_update(&h, s8, 8);
    sj_blake2b_final(&h, pk->mpc);
out:
    free(lag);
    free(hs);
    free(u);
    free(v);
    free(x);
    memset(&tau, 0, sizeof tau);
    if (rc)
        g16_pk_free(pk);
    return rc;
}

/* ------------------------------------------------------------ from .ptau */

typedef struct ptau {
    sj_binfile f;
    unsigned power;
} ptau;

/* n points of level `level` of a Lagrange section (levels 0..power are stored one after another). */
static int ptau_level_g1(g1_affine *o, const ptau *pt, unsigned sec, unsigned level, size_t first, size_t n,
                         const char *what, rk_err *e)
{
    rk_rd r;
    int rc = sj_binfile_section(&pt->f, sec, &r, e);
    if (rc)
        return rc;
    size_t skip = (((size_t)1 << level) - 1 + first) * 64;
    if (!rk_rd_bytes(&r, skip) && skip)
        return rk_fail(e, RK_EINPUT, "%s: section %u is too short", pt->f.name, sec);
    return g16_read_g1s(o, &r, n, pt->f.name, what, e);
}

static int ptau_level_g2(g2_affine *o, const ptau *pt, unsigned sec, unsigned level, size_t n, const char *what,
                         rk_err *e)
{
    rk_rd r;
    int rc = sj_binfile_section(&pt->f, sec, &r, e);
    if (rc)
        return rc;
    size_t skip = (((size_t)1 << level) - 1) * 128;
    if (!rk_rd_bytes(&r, skip) && skip)
        return rk_fail(e, RK_EINPUT, "%s: section %u is too short", pt->f.name, sec);
    return g16_read_g2s(o, &r, n, pt->f.name, what, e);
}

static void hash_u32_be(sj_blake2b *h, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    sj_blake2b_update(h, b, 4);
}

static void hash_g1s(sj_blake2b *h, const g1_affine *p, size_t n)
{
    uint8_t u[64];
    for (size_t i = 0; i < n; i++) {
        g1_to_bytes(u, &p[i]);
        sj_blake2b_update(h, u, 64);
    }
}

static void hash_g2s(sj_blake2b *h, const g2_affine *p, size_t n)
{
    uint8_t u[128];
    for (size_t i = 0; i < n; i++) {
        g2_to_bytes(u, &p[i]);
        sj_blake2b_update(h, u, 128);
    }
}

/* One variable's point: sum over its terms of coef * basis[row]. */
typedef struct col_term {
    uint32_t var, row;
    uint8_t kind; /* 0 A, 1 B, 2 C, 3 public-input row (A with coefficient 1) */
    fr_t coef;
} col_term;

static int cmp_col(const void *a, const void *b)
{
    const col_term *x = a, *y = b;
    if (x->var != y->var)
        return x->var < y->var ? -1 : 1;
    /* stable enough: terms are summed, the order does not change the group element */
    return 0;
}

int g16_setup_from_ptau(g16_pk *pk, const r1cs *cs, const uint8_t *buf, size_t len, const char *name, rk_err *e)
{
    g16_pk_free(pk);
    int rc = check_cs(cs, e);
    if (rc)
        return rc;
    ptau pt;
    memset(&pt, 0, sizeof pt);
    if ((rc = sj_binfile_parse(&pt.f, buf, len, "ptau", 1, name, e)))
        return rc;
    g1_affine *lt = NULL, *lat = NULL, *lbt = NULL, *tau1 = NULL;
    g2_affine *lt2 = NULL;
    col_term *cols = NULL;
    rk_rd r;
    if ((rc = sj_binfile_section(&pt.f, 1, &r, e)))
        goto out;
    uint32_t n8 = rk_rd_u32(&r);
    const uint8_t *q = rk_rd_bytes(&r, 32);
    pt.power = rk_rd_u32(&r);
    (void)rk_rd_u32(&r); /* ceremony power */
    if (!rk_rd_done(&r) || n8 != 32 || rk_le64(q) != BN254_Q[0] || rk_le64(q + 24) != BN254_Q[3] ||
        pt.power > 27) {
        rc = rk_fail(e, RK_EINPUT, "%s: not a BN254 powers-of-tau file", name);
        goto out;
    }
    unsigned log_n = domain_log(cs);
    if (!sj_binfile_has(&pt.f, 12)) {
        rc = rk_fail(e, RK_EINPUT, "%s: powers of tau not prepared for phase 2 (snarkjs powersoftau prepare phase2)",
                     name);
        goto out;
    }
    if (log_n + 1 > pt.power) {
        rc = rk_fail(e, RK_EINPUT, "%s: circuit needs 2^%u rows, this ceremony has power %u (needs %u)", name,
                     log_n, pt.power, log_n + 1);
        goto out;
    }
    pk->log_n = log_n;
    pk->domain_size = 1u << log_n;
    pk->n_vars = cs->n_vars;
    pk->n_public = cs->n_public;
    if ((rc = build_coefs(pk, cs, e)) || (rc = alloc_points(pk, e)))
        goto out;
    size_t n = pk->domain_size, nv = cs->n_vars, np = cs->n_public;
    lt = malloc(n * sizeof *lt);
    lat = malloc(n * sizeof *lat);
    lbt = malloc(n * sizeof *lbt);
    lt2 = malloc(n * sizeof *lt2);
    tau1 = malloc(2 * n * sizeof *tau1);
    if (!lt || !lat || !lbt || !lt2 || !tau1) {
        rc = rk_fail(e, RK_EINTERNAL, "groth16 setup: out of memory");
        goto out;
    }
    /* alpha, beta from the ceremony; gamma = delta = the generators (phase 2 not contributed yet) */
    if ((rc = sj_binfile_section(&pt.f, 4, &r, e)) || (rc = g16_read_g1s(&pk->alpha1, &r, 1, name, "alpha", e)) ||
        (rc = sj_binfile_section(&pt.f, 5, &r, e)) || (rc = g16_read_g1s(&pk->beta1, &r, 1, name, "beta", e)) ||
        (rc = sj_binfile_section(&pt.f, 6, &r, e)) || (rc = g16_read_g2s(&pk->beta2, &r, 1, name, "beta2", e)))
        goto out;
    if (!g2_affine_in_subgroup(&pk->beta2)) {
        rc = rk_fail(e, RK_EINPUT, "%s: beta2 is not in the G2 subgroup", name);
        goto out;
    }
    g1_generator(&pk->delta1);
    g2_generator(&pk->gamma2);
    g2_generator(&pk->delta2);
    if ((rc = ptau_level_g1(lt, &pt, 12, log_n, 0, n, "Lagrange tau G1", e)) ||
        (rc = ptau_level_g2(lt2, &pt, 13, log_n, n, "Lagrange tau G2", e)) ||
        (rc = ptau_level_g1(lat, &pt, 14, log_n, 0, n, "Lagrange alpha tau G1", e)) ||
        (rc = ptau_level_g1(lbt, &pt, 15, log_n, 0, n, "Lagrange beta tau G1", e)))
        goto out;
    /* H: the odd-index points of the 2n-level Lagrange basis */
    g1_affine *l2 = tau1; /* borrow: 2n points */
    if ((rc = ptau_level_g1(l2, &pt, 12, log_n + 1, 0, 2 * n, "Lagrange tau G1 (2n)", e)))
        goto out;
    for (size_t i = 0; i < n; i++)
        pk->h[i] = l2[2 * i + 1];
    /* tau^i G1 for the circuit hash of the H section */
    if ((rc = sj_binfile_section(&pt.f, 2, &r, e)) || (rc = g16_read_g1s(tau1, &r, 2 * n, name, "tau G1", e)))
        goto out;

    /* columns: every term of every constraint, grouped by variable */
    size_t nt = cs->n_terms + np + 1;
    cols = malloc(nt * sizeof *cols);
    if (!cols) {
        rc = rk_fail(e, RK_EINTERNAL, "groth16 setup: out of memory");
        goto out;
    }
    size_t k = 0;
    for (uint32_t c = 0; c < cs->n_constraints; c++)
        for (int m = 0; m < 3; m++) {
            const uint64_t *rw = cs->row + 3 * (size_t)c + m;
            for (uint64_t t = rw[0]; t < rw[1]; t++)
                cols[k++] = (col_term){cs->terms[t].var, c, (uint8_t)m, cs->terms[t].coef};
        }
    for (uint32_t s = 0; s <= np; s++) {
        fr_t one;
        fr_one(&one);
        cols[k++] = (col_term){s, cs->n_constraints + s, 3, one};
    }
    qsort(cols, k, sizeof *cols, cmp_col);
    size_t *start = malloc((nv + 1) * sizeof *start);
    if (!start) {
        rc = rk_fail(e, RK_EINTERNAL, "groth16 setup: out of memory");
        goto out;
    }
    for (size_t s = 0, j = 0; s <= nv; s++) {
        while (j < k && cols[j].var < s)
            j++;
        start[s] = j;
    }
#pragma omp parallel for schedule(dynamic, 64)
    for (size_t s = 0; s < nv; s++) {
        g1_jac a, b1, l, t, tj;
        g2_jac b2, t2, tj2;
        g1_jac_infinity(&a);
        g1_jac_infinity(&b1);
        g1_jac_infinity(&l);
        g2_jac_infinity(&b2);
        for (size_t j = start[s]; j < start[s + 1]; j++) {
            const col_term *ct = &cols[j];
            switch (ct->kind) {
            case 0: /* A: tau-basis into A, beta-tau basis into IC/C */
            case 3:
                g1_jac_from_affine(&tj, &lt[ct->row]);
                g1_jac_mul(&t, &tj, &ct->coef);
                g1_jac_add(&a, &a, &t);
                g1_jac_from_affine(&tj, &lbt[ct->row]);
                g1_jac_mul(&t, &tj, &ct->coef);
                g1_jac_add(&l, &l, &t);
                break;
            case 1: /* B: tau-basis into B1 and B2, alpha-tau basis into IC/C */
                g1_jac_from_affine(&tj, &lt[ct->row]);
                g1_jac_mul(&t, &tj, &ct->coef);
                g1_jac_add(&b1, &b1, &t);
                g2_jac_from_affine(&tj2, &lt2[ct->row]);
                g2_jac_mul(&t2, &tj2, &ct->coef);
                g2_jac_add(&b2, &b2, &t2);
                g1_jac_from_affine(&tj, &lat[ct->row]);
                g1_jac_mul(&t, &tj, &ct->coef);
                g1_jac_add(&l, &l, &t);
                break;
            default: /* C: tau-basis into IC/C */
                g1_jac_from_affine(&tj, &lt[ct->row]);
                g1_jac_mul(&t, &tj, &ct->coef);
                g1_jac_add(&l, &l, &t);
            }
        }
        g1_jac_to_affine(&pk->a[s], &a);
        g1_jac_to_affine(&pk->b1[s], &b1);
        g2_jac_to_affine(&pk->b2[s], &b2);
        g1_jac_to_affine(s <= np ? &pk->ic[s] : &pk->c[s - np - 1], &l);
    }
    free(start);

    /* the circuit hash, as snarkjs computes it (zkey_new.js): header points, then
     * each point section with its count (u32 big-endian), in writing order */
    sj_blake2b h;
    sj_blake2b_init(&h);
    hash_g1s(&h, &pk->alpha1, 1);
    hash_g1s(&h, &pk->beta1, 1);
    hash_g2s(&h, &pk->beta2, 1);
    hash_g2s(&h, &pk->gamma2, 1);
    hash_g1s(&h, &pk->delta1, 1);
    hash_g2s(&h, &pk->delta2, 1);
    hash_u32_be(&h, (uint32_t)(np + 1));
    hash_g1s(&h, pk->ic, np + 1);
    hash_u32_be(&h, (uint32_t)(n - 1));
    for (size_t i = 0; i + 1 < n; i++) { /* tau^i (tau^n - 1) G1 */
        g1_jac a, b;
        g1_affine d;
        g1_jac_from_affine(&a, &tau1[i + n]);
        g1_jac_from_affine(&b, &tau1[i]);
        g1_jac_neg(&b, &b);
        g1_jac_add(&a, &a, &b);
        g1_jac_to_affine(&d, &a);
        hash_g1s(&h, &d, 1);
    }
    hash_u32_be(&h, (uint32_t)(nv - np - 1));
    hash_g1s(&h, pk->c, nv - np - 1);
    hash_u32_be(&h, (uint32_t)nv);
    hash_g1s(&h, pk->a, nv);
    hash_u32_be(&h, (uint32_t)nv);
    hash_g1s(&h, pk->b1, nv);
    hash_u32_be(&h, (uint32_t)nv);
    hash_g2s(&h, pk->b2, nv);
    sj_blake2b_final(&h, pk->mpc); /* csHash, then 0 contributions (u32, already zero) */
out:
    free(lt);
    free(lat);
    free(lbt);
    free(lt2);
    free(tau1);
    free(cols);
    sj_binfile_free(&pt.f);
    if (rc)
        g16_pk_free(pk);
    return rc;
}
