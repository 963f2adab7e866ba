/* files.c - circom/snarkjs .r1cs and .wtns files (docs/groth16.md). */
#include "r1cs/r1cs.h"

#include <stdlib.h>
#include <string.h>

#include "common/io.h"
#include "snarkjs/snarkjs.h"

static void put_prime_r(rk_buf *b)
{
    uint8_t le[32];
    for (int i = 0; i < 4; i++)
        rk_put_le64(le + 8 * i, BN254_R[i]);
    rk_buf_u32(b, 32);
    rk_buf_put(b, le, 32);
}

/* Reads "u32 n8 | prime" and checks it is BN254's r. */
static int check_prime_r(rk_rd *r, const char *name, rk_err *e)
{
    uint32_t n8 = rk_rd_u32(r);
    const uint8_t *p = rk_rd_bytes(r, 32);
    if (r->bad || n8 != 32)
        return rk_fail(e, RK_EINPUT, "%s: bad field size (n8 %u, expected 32)", name, n8);
    for (int i = 0; i < 4; i++)
        if (rk_le64(p + 8 * i) != BN254_R[i])
            return rk_fail(e, RK_EINPUT, "%s: field is not BN254's scalar field", name);
    return RK_OK;
}

static void put_lc(rk_buf *b, const r1cs_term *t, size_t n)
{
    rk_buf_u32(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        uint8_t le[32];
        rk_buf_u32(b, t[i].var);
        fr_to_bytes_le(le, &t[i].coef);
        rk_buf_put(b, le, 32);
    }
}

int r1cs_write_r1cs(const r1cs *cs, rk_buf *out, rk_err *e)
{
    if (cs->err.code)
        return r1cs_status(cs, e);
    sj_binfile_begin(out, "r1cs", 1, 3);
    size_t m = sj_section_begin(out, 1);
    put_prime_r(out);
    rk_buf_u32(out, cs->n_vars);
    rk_buf_u32(out, cs->n_outputs);
    rk_buf_u32(out, cs->n_public - cs->n_outputs);
    rk_buf_u32(out, 0);                 /* private inputs: not distinguished from other private wires */
    rk_buf_u64(out, cs->n_vars);        /* labels: one per wire */
    rk_buf_u32(out, cs->n_constraints);
    sj_section_end(out, m);
    m = sj_section_begin(out, 2);
    for (uint32_t c = 0; c < cs->n_constraints; c++) {
        const uint64_t *r = cs->row + 3 * (size_t)c;
        for (int k = 0; k < 3; k++)
            put_lc(out, cs->terms + r[k], (size_t)(r[k + 1] - r[k]));
    }
    sj_section_end(out, m);
    m = sj_section_begin(out, 3);
    for (uint32_t i = 0; i < cs->n_vars; i++)
        rk_buf_u64(out, i);
    sj_section_end(out, m);
    return out->oom ? rk_fail(e, RK_EINTERNAL, "r1cs: out of memory") : RK_OK;
}

int r1cs_read_r1cs(r1cs *cs, const uint8_t *buf, size_t len, const char *name, rk_err *e)
{
    sj_binfile f;
    int touched = 0;
    int rc = sj_binfile_parse(&f, buf, len, "r1cs", 1, name, e);
    if (rc)
        return rc;
    rk_rd r;
    if ((rc = sj_binfile_section(&f, 1, &r, e)))
        goto out;
    if ((rc = check_prime_r(&r, name, e)))
        goto out;
    uint32_t n_vars = rk_rd_u32(&r), n_out = rk_rd_u32(&r), n_pub = rk_rd_u32(&r);
    (void)rk_rd_u32(&r); /* private inputs */
    (void)rk_rd_u64(&r); /* labels */
    uint32_t n_cons = rk_rd_u32(&r);
    if (!rk_rd_done(&r)) {
        rc = rk_fail(e, RK_EINPUT, "%s: bad header section", name);
        goto out;
    }
    if (n_vars == 0 || (uint64_t)n_out + n_pub >= n_vars) {
        rc = rk_fail(e, RK_EINPUT, "%s: bad header (%u wires, %u outputs, %u public inputs)", name, n_vars,
                     n_out, n_pub);
        goto out;
    }
    if ((rc = sj_binfile_section(&f, 2, &r, e)))
        goto out;
    /* every constraint takes >= 12 bytes: bounds the allocation by the file size */
    if (n_cons > rk_rd_left(&r) / 12) {
        rc = rk_fail(e, RK_EINPUT, "%s: constraints section too short for %u constraints", name, n_cons);
        goto out;
    }
    r1cs_free(cs);
    touched = 1;
    memset(cs, 0, sizeof *cs);
    rk_err_clear(&cs->err);
    cs->n_vars = n_vars;
    cs->n_outputs = n_out;
    cs->n_public = n_out + n_pub;
    cs->n_constraints = n_cons;
    cs->row_cap = 3 * (size_t)n_cons + 1;
    cs->row = malloc(cs->row_cap * sizeof *cs->row);
    cs->terms_cap = rk_rd_left(&r) / 36 + 1; /* each term takes 36 bytes */
    cs->terms = malloc(cs->terms_cap * sizeof *cs->terms);
    if (!cs->row || !cs->terms) {
        rc = rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
        goto out;
    }
    cs->row[0] = 0;
    for (uint32_t c = 0; c < n_cons; c++) {
        for (int k = 0; k < 3; k++) {
            uint32_t nt = rk_rd_u32(&r);
            if (r.bad || nt > rk_rd_left(&r) / 36) {
                rc = rk_fail(e, RK_EINPUT, "%s: truncated constraint %u", name, c);
                goto out;
            }
            for (uint32_t i = 0; i < nt; i++) {
                r1cs_term *t = &cs->terms[cs->n_terms++];
                t->var = rk_rd_u32(&r);
                const uint8_t *le = rk_rd_bytes(&r, 32);
                if (t->var >= n_vars) {
                    rc = rk_fail(e, RK_EINPUT, "%s: constraint %u uses wire %u of %u", name, c, t->var, n_vars);
                    goto out;
                }
                if (fr_from_bytes_le(&t->coef, le)) {
                    rc = rk_fail(e, RK_EINPUT, "%s: constraint %u: coefficient not below r", name, c);
                    goto out;
                }
            }
            cs->row[3 * (size_t)c + (size_t)k + 1] = cs->n_terms;
        }
    }
    if (!rk_rd_done(&r)) {
        rc = rk_fail(e, RK_EINPUT, "%s: %zu stray bytes after the constraints", name, rk_rd_left(&r));
        goto out;
    }
    /* the wire map (section 3) only maps wires to circom labels: not needed to prove or set up */
out:
    if (rc && touched) { /* leave an empty, valid system behind */
        r1cs_free(cs);
        r1cs_init(cs);
    }
    sj_binfile_free(&f);
    return rc;
}

int r1cs_write_wtns(const fr_t *w, size_t n, rk_buf *out, rk_err *e)
{
    if (n > UINT32_MAX)
        return rk_fail(e, RK_EINPUT, "wtns: too many values");
    sj_binfile_begin(out, "wtns", 2, 2);
    size_t m = sj_section_begin(out, 1);
    put_prime_r(out);
    rk_buf_u32(out, (uint32_t)n);
    sj_section_end(out, m);
    m = sj_section_begin(out, 2);
    uint8_t *d = rk_buf_extend(out, n * 32);
    if (d)
        for (size_t i = 0; i < n; i++)
            fr_to_bytes_le(d + 32 * i, &w[i]);
    sj_section_end(out, m);
    return out->oom ? rk_fail(e, RK_EINTERNAL, "wtns: out of memory") : RK_OK;
}

int r1cs_read_wtns(fr_t **w, size_t *n, const uint8_t *buf, size_t len, const char *name, rk_err *e)
{
    *w = NULL;
    *n = 0;
    sj_binfile f;
    int rc = sj_binfile_parse(&f, buf, len, "wtns", 2, name, e);
    if (rc)
        return rc;
    rk_rd r;
    if ((rc = sj_binfile_section(&f, 1, &r, e)) || (rc = check_prime_r(&r, name, e)))
        goto out;
    uint32_t nw = rk_rd_u32(&r);
    if (!rk_rd_done(&r)) {
        rc = rk_fail(e, RK_EINPUT, "%s: bad header section", name);
        goto out;
    }
    if ((rc = sj_binfile_section(&f, 2, &r, e)))
        goto out;
    if (nw == 0 || rk_rd_left(&r) != (size_t)nw * 32) {
        rc = rk_fail(e, RK_EINPUT, "%s: %u values announced, section holds %zu bytes", name, nw, rk_rd_left(&r));
        goto out;
    }
    fr_t *v = malloc((size_t)nw * sizeof *v);
    if (!v) {
        rc = rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
        goto out;
    }
    for (uint32_t i = 0; i < nw; i++)
        if (fr_from_bytes_le(&v[i], rk_rd_bytes(&r, 32))) {
            free(v);
            rc = rk_fail(e, RK_EINPUT, "%s: value %u is not below r", name, i);
            goto out;
        }
    if (!fr_is_one(&v[0])) {
        free(v);
        rc = rk_fail(e, RK_EINPUT, "%s: value 0 (the constant) is not 1", name);
        goto out;
    }
    *w = v;
    *n = nw;
out:
    sj_binfile_free(&f);
    return rc;
}

int r1cs_save_r1cs(const r1cs *cs, const char *path, rk_err *e)
{
    rk_buf b;
    rk_buf_init(&b);
    int rc = r1cs_write_r1cs(cs, &b, e);
    if (!rc)
        rc = rk_write_atomic(path, b.data, b.len, e);
    rk_buf_free(&b);
    return rc;
}

int r1cs_load_r1cs(r1cs *cs, const char *path, rk_err *e)
{
    uint8_t *d;
    size_t n;
    int rc = rk_read_file(path, &d, &n, e);
    if (rc)
        return rc;
    rc = r1cs_read_r1cs(cs, d, n, path, e);
    free(d);
    return rc;
}

int r1cs_save_wtns(const fr_t *w, size_t n, const char *path, rk_err *e)
{
    rk_buf b;
    rk_buf_init(&b);
    int rc = r1cs_write_wtns(w, n, &b, e);
    if (!rc)
        rc = rk_write_atomic(path, b.data, b.len, e);
    rk_buf_free(&b);
    return rc;
}

int r1cs_load_wtns(fr_t **w, size_t *n, const char *path, rk_err *e)
{
    uint8_t *d;
    size_t len;
    int rc = rk_read_file(path, &d, &len, e);
    if (rc)
        return rc;
    rc = r1cs_read_wtns(w, n, d, len, path, e);
    free(d);
    return rc;
}
