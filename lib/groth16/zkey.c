/* zkey.c - snarkjs Groth16 .zkey files: points in Montgomery little-endian
 * form (x || y; G2 as x.c0 || x.c1 || y.c0 || y.c1; all-zero = infinity),
 * coefficients as canonical LE integers of coef * R^2 (snarkjs multiplies
 * them by its Montgomery-form witness without a conversion).  docs/groth16.md. */
#include "groth16/internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/io.h"
#include "common/mem.h"
#include "snarkjs/snarkjs.h"

void g16_pk_init(g16_pk *pk) { memset(pk, 0, sizeof *pk); }

void g16_pk_free(g16_pk *pk)
{
    free(pk->ic);
    free(pk->coefs);
    free(pk->a);
    free(pk->b1);
    free(pk->b2);
    free(pk->c);
    free(pk->h);
    free(pk->mpc);
    memset(pk, 0, sizeof *pk);
}

/* R = 2^256 mod r and R^2, as field elements. */
void g16_fr_mont_r(fr_t *r1, fr_t *r2)
{
    fr_t two;
    uint64_t e[4] = {256, 0, 0, 0};
    fr_from_u64(&two, 2);
    fr_pow(r1, &two, e);
    fr_sqr(r2, r1);
}

/* raw 256-bit LE value < modulus? */
static int raw_below(const uint8_t *p, const uint64_t mod[4])
{
    for (int i = 3; i >= 0; i--) {
        uint64_t v = rk_le64(p + 8 * i);
        if (v != mod[i])
            return v < mod[i];
    }
    return 0;
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

int g16_g1_from_lem(g1_affine *o, const uint8_t in[64])
{
    if (all_zero(in, 64)) {
        g1_affine_infinity(o);
        return RK_OK;
    }
    if (!raw_below(in, BN254_Q) || !raw_below(in + 32, BN254_Q))
        return RK_EINPUT;
    fq_from_mont_le(&o->x, in);
    fq_from_mont_le(&o->y, in + 32);
    o->infinity = 0;
    return g1_affine_is_on_curve(o) ? RK_OK : RK_EINPUT;
}

void g16_g1_to_lem(uint8_t out[64], const g1_affine *p)
{
    if (p->infinity) {
        memset(out, 0, 64);
        return;
    }
    fq_to_mont_le(out, &p->x);
    fq_to_mont_le(out + 32, &p->y);
}

int g16_g2_from_lem(g2_affine *o, const uint8_t in[128])
{
    if (all_zero(in, 128)) {
        g2_affine_infinity(o);
        return RK_OK;
    }
    for (int i = 0; i < 4; i++)
        if (!raw_below(in + 32 * i, BN254_Q))
            return RK_EINPUT;
    fq_from_mont_le(&o->x.c0, in);
    fq_from_mont_le(&o->x.c1, in + 32);
    fq_from_mont_le(&o->y.c0, in + 64);
    fq_from_mont_le(&o->y.c1, in + 96);
    o->infinity = 0;
    return g2_affine_is_on_curve(o) ? RK_OK : RK_EINPUT;
}

void g16_g2_to_lem(uint8_t out[128], const g2_affine *p)
{
    if (p->infinity) {
        memset(out, 0, 128);
        return;
    }
    fq_to_mont_le(out, &p->x.c0);
    fq_to_mont_le(out + 32, &p->x.c1);
    fq_to_mont_le(out + 64, &p->y.c0);
    fq_to_mont_le(out + 96, &p->y.c1);
}

/* n points of a group from a section reader; checks each (in parallel). */
int g16_read_g1s(g1_affine *o, rk_rd *r, size_t n, const char *name, const char *what, rk_err *e)
{
    const uint8_t *p = rk_rd_bytes(r, n * 64);
    if (!p)
        return rk_fail(e, RK_EINPUT, "%s: %s: truncated", name, what);
    long bad = -1;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        if (g16_g1_from_lem(&o[i], p + 64 * i)) {
#pragma omp critical
            if (bad < 0 || (long)i < bad)
                bad = (long)i;
        }
    if (bad >= 0)
        return rk_fail(e, RK_EINPUT, "%s: %s point %ld is not a valid G1 point", name, what, bad);
    return RK_OK;
}

int g16_read_g2s(g2_affine *o, rk_rd *r, size_t n, const char *name, const char *what, rk_err *e)
{
    const uint8_t *p = rk_rd_bytes(r, n * 128);
    if (!p)
        return rk_fail(e, RK_EINPUT, "%s: %s: truncated", name, what);
    long bad = -1;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++)
        if (g16_g2_from_lem(&o[i], p + 128 * i)) {
#pragma omp critical
            if (bad < 0 || (long)i < bad)
                bad = (long)i;
        }
    if (bad >= 0)
        return rk_fail(e, RK_EINPUT, "%s: %s point %ld is not a valid G2 point", name, what, bad);
    return RK_OK;
}

static int read_prime(rk_rd *r, const uint64_t mod[4])
{
    uint32_t n8 = rk_rd_u32(r);
    const uint8_t *p = rk_rd_bytes(r, 32);
    if (r->bad || n8 != 32)
        return 0;
    for (int i = 0; i < 4; i++)
        if (rk_le64(p + 8 * i) != mod[i])
            return 0;
    return 1;
}

static int section_done(rk_rd *r, const char *name, unsigned sec, rk_err *e)
{
    if (!rk_rd_done(r))
        return rk_fail(e, RK_EINPUT, "%s: section %u has the wrong size", name, sec);
    return RK_OK;
}

int g16_zkey_read(g16_pk *pk, const uint8_t *buf, size_t len, const char *name, rk_err *e)
{
    g16_pk_free(pk);
    sj_binfile f;
    int rc = sj_binfile_parse(&f, buf, len, "zkey", 1, name, e);
    if (rc)
        return rc;
    rk_rd r;
    if ((rc = sj_binfile_section(&f, 1, &r, e)))
        goto out;
    uint32_t protocol = rk_rd_u32(&r);
    if (r.bad || protocol != 1) {
        rc = rk_fail(e, RK_EINPUT, "%s: not a Groth16 key (protocol %u)", name, protocol);
        goto out;
    }
    if ((rc = sj_binfile_section(&f, 2, &r, e)))
        goto out;
    if (!read_prime(&r, BN254_Q) || !read_prime(&r, BN254_R)) {
        rc = rk_fail(e, RK_EINPUT, "%s: not a BN254 (bn128) key", name);
        goto out;
    }
    pk->n_vars = rk_rd_u32(&r);
    pk->n_public = rk_rd_u32(&r);
    pk->domain_size = rk_rd_u32(&r);
    if (r.bad) {
        rc = rk_fail(e, RK_EINPUT, "%s: truncated header", name);
        goto out;
    }
    unsigned log_n = 0;
    while (log_n < 28 && (1u << log_n) < pk->domain_size)
        log_n++;
    if (pk->domain_size == 0 || (1u << log_n) != pk->domain_size || log_n >= 28 ||
        (uint64_t)pk->n_public + 1 > pk->n_vars) {
        rc = rk_fail(e, RK_EINPUT, "%s: bad sizes (%u variables, %u public, domain %u)", name, pk->n_vars,
                     pk->n_public, pk->domain_size);
        goto out;
    }
    pk->log_n = log_n;
    if ((rc = g16_read_g1s(&pk->alpha1, &r, 1, name, "alpha1", e)) ||
        (rc = g16_read_g1s(&pk->beta1, &r, 1, name, "beta1", e)) ||
        (rc = g16_read_g2s(&pk->beta2, &r, 1, name, "beta2", e)) ||
        (rc = g16_read_g2s(&pk->gamma2, &r, 1, name, "gamma2", e)) ||
        (rc = g16_read_g1s(&pk->delta1, &r, 1, name, "delta1", e)) ||
        (rc = g16_read_g2s(&pk->delta2, &r, 1, name, "delta2", e)) || (rc = section_done(&r, name, 2, e)))
        goto out;
    if (!g2_affine_in_subgroup(&pk->beta2) || !g2_affine_in_subgroup(&pk->gamma2) ||
        !g2_affine_in_subgroup(&pk->delta2)) {
        rc = rk_fail(e, RK_EINPUT, "%s: a verification-key G2 point is not in the subgroup", name);
        goto out;
    }
    /* the point sections are sized by the header: check the file holds them before allocating */
    size_t nv = pk->n_vars, npriv = nv - pk->n_public - 1, nd = pk->domain_size;
    static const unsigned secs[] = {3, 4, 5, 6, 7, 8, 9, 10};
    for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++)
        if ((rc = sj_binfile_section(&f, secs[i], &r, e)))
            goto out;
    sj_binfile_section(&f, 5, &r, e);
    if (rk_rd_left(&r) != nv * 64) {
        rc = rk_fail(e, RK_EINPUT, "%s: section 5 (A) has the wrong size", name);
        goto out;
    }
    sj_binfile_section(&f, 9, &r, e);
    if (rk_rd_left(&r) != nd * 64) {
        rc = rk_fail(e, RK_EINPUT, "%s: section 9 (H) has the wrong size", name);
        goto out;
    }
    pk->ic = malloc((pk->n_public + 1) * sizeof *pk->ic);
    /* huge pages: page faults on these ~30 MB (2^16 constraints) were a
     * visible share of a proof (rk_big_alloc) */
    pk->a = rk_big_alloc(nv * sizeof *pk->a);
    pk->b1 = rk_big_alloc(nv * sizeof *pk->b1);
    pk->b2 = rk_big_alloc(nv * sizeof *pk->b2);
    pk->c = rk_big_alloc((npriv ? npriv : 1) * sizeof *pk->c);
    pk->h = rk_big_alloc(nd * sizeof *pk->h);
    if (!pk->ic || !pk->a || !pk->b1 || !pk->b2 || !pk->c || !pk->h) {
        rc = rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
        goto out;
    }
    sj_binfile_section(&f, 3, &r, e);
    if ((rc = g16_read_g1s(pk->ic, &r, pk->n_public + 1, name, "IC", e)) || (rc = section_done(&r, name, 3, e)))
        goto out;
    sj_binfile_section(&f, 5, &r, e);
    if ((rc = g16_read_g1s(pk->a, &r, nv, name, "A", e)) || (rc = section_done(&r, name, 5, e)))
        goto out;
    sj_binfile_section(&f, 6, &r, e);
    if ((rc = g16_read_g1s(pk->b1, &r, nv, name, "B1", e)) || (rc = section_done(&r, name, 6, e)))
        goto out;
    sj_binfile_section(&f, 7, &r, e);
    if ((rc = g16_read_g2s(pk->b2, &r, nv, name, "B2", e)) || (rc = section_done(&r, name, 7, e)))
        goto out;
    sj_binfile_section(&f, 8, &r, e);
    if ((rc = g16_read_g1s(pk->c, &r, npriv, name, "C", e)) || (rc = section_done(&r, name, 8, e)))
        goto out;
    sj_binfile_section(&f, 9, &r, e);
    if ((rc = g16_read_g1s(pk->h, &r, nd, name, "H", e)) || (rc = section_done(&r, name, 9, e)))
        goto out;
    /* coefficients */
    sj_binfile_section(&f, 4, &r, e);
    uint32_t nc = rk_rd_u32(&r);
    if (r.bad || rk_rd_left(&r) != (size_t)nc * 44) {
        rc = rk_fail(e, RK_EINPUT, "%s: section 4 (coefficients) has the wrong size", name);
        goto out;
    }
    pk->coefs = malloc((nc ? nc : 1) * sizeof *pk->coefs);
    if (!pk->coefs) {
        rc = rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
        goto out;
    }
    fr_t rr1, rr2, rinv2;
    g16_fr_mont_r(&rr1, &rr2);
    fr_inv(&rinv2, &rr2);
    for (uint32_t i = 0; i < nc; i++) {
        g16_coef *c = &pk->coefs[i];
        c->matrix = rk_rd_u32(&r);
        c->constraint = rk_rd_u32(&r);
        c->signal = rk_rd_u32(&r);
        if (c->matrix > 1 || c->constraint >= nd || c->signal >= nv) {
            rc = rk_fail(e, RK_EINPUT, "%s: coefficient %u out of range (matrix %u, row %u, variable %u)", name, i,
                         c->matrix, c->constraint, c->signal);
            goto out;
        }
        if (fr_from_bytes_le(&c->value, rk_rd_bytes(&r, 32))) {
            rc = rk_fail(e, RK_EINPUT, "%s: coefficient %u is not below r", name, i);
            goto out;
        }
        fr_mul(&c->value, &c->value, &rinv2);
    }
    pk->n_coefs = nc;
    sj_binfile_section(&f, 10, &r, e);
    pk->mpc_len = rk_rd_left(&r);
    if (pk->mpc_len < 68) {
        rc = rk_fail(e, RK_EINPUT, "%s: section 10 (contributions) is too short", name);
        goto out;
    }
    pk->mpc = malloc(pk->mpc_len);
    if (!pk->mpc) {
        rc = rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
        goto out;
    }
    memcpy(pk->mpc, rk_rd_bytes(&r, pk->mpc_len), pk->mpc_len);
out:
    sj_binfile_free(&f);
    if (rc)
        g16_pk_free(pk);
    return rc;
}

static void put_g1s(rk_buf *b, const g1_affine *p, size_t n)
{
    uint8_t *d = rk_buf_extend(b, n * 64);
    if (d)
        for (size_t i = 0; i < n; i++)
            g16_g1_to_lem(d + 64 * i, &p[i]);
}

static void put_g2s(rk_buf *b, const g2_affine *p, size_t n)
{
    uint8_t *d = rk_buf_extend(b, n * 128);
    if (d)
        for (size_t i = 0; i < n; i++)
            g16_g2_to_lem(d + 128 * i, &p[i]);
}

static void put_prime(rk_buf *b, const uint64_t mod[4])
{
    rk_buf_u32(b, 32);
    for (int i = 0; i < 4; i++)
        rk_buf_u64(b, mod[i]);
}

int g16_zkey_write(const g16_pk *pk, rk_buf *b, rk_err *e)
{
    /* sections in the order snarkjs writes them, so equal keys are equal files */
    sj_binfile_begin(b, "zkey", 1, 10);
    size_t m = sj_section_begin(b, 1);
    rk_buf_u32(b, 1);
    sj_section_end(b, m);
    m = sj_section_begin(b, 2);
    put_prime(b, BN254_Q);
    put_prime(b, BN254_R);
    rk_buf_u32(b, pk->n_vars);
    rk_buf_u32(b, pk->n_public);
    rk_buf_u32(b, pk->domain_size);
    put_g1s(b, &pk->alpha1, 1);
    put_g1s(b, &pk->beta1, 1);
    put_g2s(b, &pk->beta2, 1);
    put_g2s(b, &pk->gamma2, 1);
    put_g1s(b, &pk->delta1, 1);
    put_g2s(b, &pk->delta2, 1);
    sj_section_end(b, m);
    m = sj_section_begin(b, 4);
    rk_buf_u32(b, (uint32_t)pk->n_coefs);
    fr_t rr1, rr2;
    g16_fr_mont_r(&rr1, &rr2);
    for (size_t i = 0; i < pk->n_coefs; i++) {
        uint8_t le[32];
        fr_t v;
        rk_buf_u32(b, pk->coefs[i].matrix);
        rk_buf_u32(b, pk->coefs[i].constraint);
        rk_buf_u32(b, pk->coefs[i].signal);
        fr_mul(&v, &pk->coefs[i].value, &rr2);
        fr_to_bytes_le(le, &v);
        rk_buf_put(b, le, 32);
    }
    sj_section_end(b, m);
    m = sj_section_begin(b, 3);
    put_g1s(b, pk->ic, pk->n_public + 1);
    sj_section_end(b, m);
    m = sj_section_begin(b, 9);
    put_g1s(b, pk->h, pk->domain_size);
    sj_section_end(b, m);
    m = sj_section_begin(b, 8);
    put_g1s(b, pk->c, pk->n_vars - pk->n_public - 1);
    sj_section_end(b, m);
    m = sj_section_begin(b, 5);
    put_g1s(b, pk->a, pk->n_vars);
    sj_section_end(b, m);
    m = sj_section_begin(b, 6);
    put_g1s(b, pk->b1, pk->n_vars);
    sj_section_end(b, m);
    m = sj_section_begin(b, 7);
    put_g2s(b, pk->b2, pk->n_vars);
    sj_section_end(b, m);
    m = sj_section_begin(b, 10);
    rk_buf_put(b, pk->mpc, pk->mpc_len);
    sj_section_end(b, m);
    return b->oom ? rk_fail(e, RK_EINTERNAL, "zkey: out of memory") : RK_OK;
}

int g16_zkey_load(g16_pk *pk, const char *path, rk_err *e)
{
    /* A regular file is mapped (MAP_POPULATE: one call faults it all in from
     * the page cache) instead of copied into fresh heap pages: the copy and
     * its page faults were ~5% of a 2^16 proof.  The key must not be
     * truncated while it is read (as for any mapped input). */
    if (strcmp(path, "-") != 0) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
            size_t len = (size_t)st.st_size;
            void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
            close(fd);
            if (m != MAP_FAILED) {
                int rc = g16_zkey_read(pk, m, len, path, e);
                munmap(m, len);
                return rc;
            }
        } else if (fd >= 0) {
            close(fd);
        }
    }
    /* stdin, empty or special files, and every error message: the plain reader */
    uint8_t *d;
    size_t n;
    int rc = rk_read_file(path, &d, &n, e);
    if (rc)
        return rc;
    rc = g16_zkey_read(pk, d, n, path, e);
    free(d);
    return rc;
}

int g16_zkey_save(const g16_pk *pk, const char *path, rk_err *e)
{
    rk_buf b;
    rk_buf_init(&b);
    int rc = g16_zkey_write(pk, &b, e);
    if (!rc)
        rc = rk_write_atomic(path, b.data, b.len, e);
    rk_buf_free(&b);
    return rc;
}
