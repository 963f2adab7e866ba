/* json_io.c - snarkjs's proof.json, public.json and verification_key.json.
 * Numbers are decimal strings of canonical (non-Montgomery) values; G1 is
 * [x, y, z], G2 is [[x.c0, x.c1], [y.c0, y.c1], [z.c0, z.c1]] (projective,
 * written with z = 1; infinity is z = 0).  Readers also take points without
 * z, like snarkjs, and check every point (G2 also in its subgroup). */
#include "groth16/internal.h"

#include <stdlib.h>
#include <string.h>

#include "snarkjs/snarkjs.h"

/* ------------------------------------------------------------ writing */

static void jw_fq(sj_jw *w, const fq_t *a)
{
    char d[80];
    fq_to_dec(d, a);
    sj_jw_str(w, NULL, d);
}

static void jw_g1(sj_jw *w, const char *key, const g1_affine *p)
{
    sj_jw_arr_begin(w, key);
    if (p->infinity) {
        sj_jw_str(w, NULL, "0");
        sj_jw_str(w, NULL, "1");
        sj_jw_str(w, NULL, "0");
    } else {
        jw_fq(w, &p->x);
        jw_fq(w, &p->y);
        sj_jw_str(w, NULL, "1");
    }
    sj_jw_arr_end(w);
}

static void jw_fq2(sj_jw *w, const fq2_t *a)
{
    sj_jw_arr_begin(w, NULL);
    jw_fq(w, &a->c0);
    jw_fq(w, &a->c1);
    sj_jw_arr_end(w);
}

static void jw_pair(sj_jw *w, const char *a, const char *b)
{
    sj_jw_arr_begin(w, NULL);
    sj_jw_str(w, NULL, a);
    sj_jw_str(w, NULL, b);
    sj_jw_arr_end(w);
}

static void jw_g2(sj_jw *w, const char *key, const g2_affine *p)
{
    sj_jw_arr_begin(w, key);
    if (p->infinity) {
        jw_pair(w, "0", "0");
        jw_pair(w, "1", "0");
        jw_pair(w, "0", "0");
    } else {
        jw_fq2(w, &p->x);
        jw_fq2(w, &p->y);
        jw_pair(w, "1", "0");
    }
    sj_jw_arr_end(w);
}

static int jw_done(rk_buf *b, rk_err *e)
{
    return b->oom ? rk_fail(e, RK_EINTERNAL, "json: out of memory") : RK_OK;
}

int g16_proof_write_json(const g16_proof *p, rk_buf *out, rk_err *e)
{
    sj_jw w;
    sj_jw_init(&w, out);
    sj_jw_obj_begin(&w, NULL);
    jw_g1(&w, "pi_a", &p->a);
    jw_g2(&w, "pi_b", &p->b);
    jw_g1(&w, "pi_c", &p->c);
    sj_jw_str(&w, "protocol", "groth16");
    sj_jw_str(&w, "curve", "bn128");
    sj_jw_obj_end(&w);
    return jw_done(out, e);
}

int g16_public_write_json(const fr_t *pub, size_t n, rk_buf *out, rk_err *e)
{
    sj_jw w;
    sj_jw_init(&w, out);
    sj_jw_arr_begin(&w, NULL);
    for (size_t i = 0; i < n; i++) {
        char d[80];
        fr_to_dec(d, &pub[i]);
        sj_jw_str(&w, NULL, d);
    }
    sj_jw_arr_end(&w);
    return jw_done(out, e);
}

int g16_vk_write_json(const g16_vk *vk, rk_buf *out, rk_err *e)
{
    /* snarkjs's vk_alphabeta_12 is ffjavascript's pairing, whose final
     * exponentiation (Fuentes-Castaneda et al.) raises to lambda * (q^12-1)/r with
     * lambda = 2z(6z^2+3z+1), z = 4965661367192848881; ours is exact, so raise it
     * to lambda to write the same value.  Verifiers do not read this field. */
    static const uint64_t lambda[3] = {0x2e5d4e223ddedaf4ULL, 0x1ea96b02d9d9e38dULL, 0x3bec47df15e307c8ULL};
    fq12_t ab;
    bn254_pairing(&ab, &vk->alpha1, &vk->beta2);
    fq12_pow(&ab, &ab, lambda, 3);
    sj_jw w;
    sj_jw_init(&w, out);
    sj_jw_obj_begin(&w, NULL);
    sj_jw_str(&w, "protocol", "groth16");
    sj_jw_str(&w, "curve", "bn128");
    sj_jw_num(&w, "nPublic", vk->n_public);
    jw_g1(&w, "vk_alpha_1", &vk->alpha1);
    jw_g2(&w, "vk_beta_2", &vk->beta2);
    jw_g2(&w, "vk_gamma_2", &vk->gamma2);
    jw_g2(&w, "vk_delta_2", &vk->delta2);
    sj_jw_arr_begin(&w, "vk_alphabeta_12");
    const fq6_t *h[2] = {&ab.c0, &ab.c1};
    for (int i = 0; i < 2; i++) {
        sj_jw_arr_begin(&w, NULL);
        jw_fq2(&w, &h[i]->c0);
        jw_fq2(&w, &h[i]->c1);
        jw_fq2(&w, &h[i]->c2);
        sj_jw_arr_end(&w);
    }
    sj_jw_arr_end(&w);
    sj_jw_arr_begin(&w, "IC");
    for (uint32_t i = 0; i <= vk->n_public; i++)
        jw_g1(&w, NULL, &vk->ic[i]);
    sj_jw_arr_end(&w);
    sj_jw_obj_end(&w);
    return jw_done(out, e);
}

/* ------------------------------------------------------------ reading */

static int rd_fq(fq_t *a, const sj_json *j)
{
    return (j && j->type == SJ_STR && fq_from_dec(a, j->str) == RK_OK) ? RK_OK : RK_EINPUT;
}

static int rd_fq2(fq2_t *a, const sj_json *j)
{
    if (!j || j->type != SJ_ARR || j->n != 2)
        return RK_EINPUT;
    return rd_fq(&a->c0, &j->items[0]) || rd_fq(&a->c1, &j->items[1]) ? RK_EINPUT : RK_OK;
}

static int rd_g1(g1_affine *p, const sj_json *j)
{
    if (!j || j->type != SJ_ARR || (j->n != 2 && j->n != 3))
        return RK_EINPUT;
    g1_jac q;
    if (rd_fq(&q.X, &j->items[0]) || rd_fq(&q.Y, &j->items[1]))
        return RK_EINPUT;
    if (j->n == 3) {
        if (rd_fq(&q.Z, &j->items[2]))
            return RK_EINPUT;
    } else {
        fq_one(&q.Z);
    }
    /* snarkjs reads [x, y, z] as Jacobian coordinates */
    g1_jac_to_affine(p, &q);
    return g1_affine_is_on_curve(p) ? RK_OK : RK_EINPUT;
}

static int rd_g2(g2_affine *p, const sj_json *j)
{
    if (!j || j->type != SJ_ARR || (j->n != 2 && j->n != 3))
        return RK_EINPUT;
    g2_jac q;
    if (rd_fq2(&q.X, &j->items[0]) || rd_fq2(&q.Y, &j->items[1]))
        return RK_EINPUT;
    if (j->n == 3) {
        if (rd_fq2(&q.Z, &j->items[2]))
            return RK_EINPUT;
    } else {
        fq2_one(&q.Z);
    }
    g2_jac_to_affine(p, &q);
    return g2_affine_is_on_curve(p) && g2_affine_in_subgroup(p) ? RK_OK : RK_EINPUT;
}

int g16_proof_read_json(g16_proof *p, const char *text, size_t len, const char *name, rk_err *e)
{
    sj_json *j;
    int rc = sj_json_parse(&j, text, len, name, e);
    if (rc)
        return rc;
    const sj_json *proto = sj_json_get(j, "protocol");
    if (j->type != SJ_OBJ)
        rc = rk_fail(e, RK_EINPUT, "%s: not a proof (expected a JSON object)", name);
    else if (proto && (proto->type != SJ_STR || strcmp(proto->str, "groth16") != 0))
        rc = rk_fail(e, RK_EINPUT, "%s: not a Groth16 proof (protocol %s)", name,
                     proto->type == SJ_STR ? proto->str : "?");
    else if (rd_g1(&p->a, sj_json_get(j, "pi_a")))
        rc = rk_fail(e, RK_EINPUT, "%s: pi_a is missing or not a valid G1 point", name);
    else if (rd_g2(&p->b, sj_json_get(j, "pi_b")))
        rc = rk_fail(e, RK_EINPUT, "%s: pi_b is missing or not a valid G2 point", name);
    else if (rd_g1(&p->c, sj_json_get(j, "pi_c")))
        rc = rk_fail(e, RK_EINPUT, "%s: pi_c is missing or not a valid G1 point", name);
    sj_json_free(j);
    return rc;
}

int g16_public_read_json(fr_t **pub, size_t *n, const char *text, size_t len, const char *name, rk_err *e)
{
    *pub = NULL;
    *n = 0;
    sj_json *j;
    int rc = sj_json_parse(&j, text, len, name, e);
    if (rc)
        return rc;
    if (j->type != SJ_ARR) {
        sj_json_free(j);
        return rk_fail(e, RK_EINPUT, "%s: public inputs must be a JSON array", name);
    }
    fr_t *v = malloc((j->n ? j->n : 1) * sizeof *v);
    if (!v) {
        sj_json_free(j);
        return rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
    }
    for (size_t i = 0; i < j->n; i++) {
        const sj_json *x = &j->items[i];
        /* snarkjs writes strings; accept plain integers too */
        if ((x->type != SJ_STR && x->type != SJ_NUM) || fr_from_dec(&v[i], x->str)) {
            rc = rk_fail(e, RK_EINPUT, "%s: public input %zu is not a decimal number below r", name, i);
            break;
        }
    }
    if (rc) {
        free(v);
    } else {
        *pub = v;
        *n = j->n;
    }
    sj_json_free(j);
    return rc;
}

int g16_vk_read_json(g16_vk *vk, const char *text, size_t len, const char *name, rk_err *e)
{
    g16_vk_free(vk);
    sj_json *j;
    int rc = sj_json_parse(&j, text, len, name, e);
    if (rc)
        return rc;
    const sj_json *proto = sj_json_get(j, "protocol"), *curve = sj_json_get(j, "curve");
    const sj_json *np = sj_json_get(j, "nPublic"), *ic = sj_json_get(j, "IC");
    if (j->type != SJ_OBJ || !proto || proto->type != SJ_STR || strcmp(proto->str, "groth16") != 0) {
        rc = rk_fail(e, RK_EINPUT, "%s: not a Groth16 verification key", name);
        goto out;
    }
    if (curve && (curve->type != SJ_STR || strcmp(curve->str, "bn128") != 0)) {
        rc = rk_fail(e, RK_EINPUT, "%s: curve is not bn128", name);
        goto out;
    }
    if (!ic || ic->type != SJ_ARR || ic->n == 0 || ic->n > (1u << 24)) {
        rc = rk_fail(e, RK_EINPUT, "%s: IC is missing or empty", name);
        goto out;
    }
    if (np && (np->type != SJ_NUM || strtoull(np->str, NULL, 10) != ic->n - 1)) {
        rc = rk_fail(e, RK_EINPUT, "%s: nPublic does not match the %zu IC points", name, ic->n);
        goto out;
    }
    vk->n_public = (uint32_t)(ic->n - 1);
    vk->ic = malloc(ic->n * sizeof *vk->ic);
    if (!vk->ic) {
        rc = rk_fail(e, RK_EINTERNAL, "%s: out of memory", name);
        goto out;
    }
    if (rd_g1(&vk->alpha1, sj_json_get(j, "vk_alpha_1")))
        rc = rk_fail(e, RK_EINPUT, "%s: vk_alpha_1 is missing or not a valid G1 point", name);
    else if (rd_g2(&vk->beta2, sj_json_get(j, "vk_beta_2")))
        rc = rk_fail(e, RK_EINPUT, "%s: vk_beta_2 is missing or not a valid G2 point", name);
    else if (rd_g2(&vk->gamma2, sj_json_get(j, "vk_gamma_2")))
        rc = rk_fail(e, RK_EINPUT, "%s: vk_gamma_2 is missing or not a valid G2 point", name);
    else if (rd_g2(&vk->delta2, sj_json_get(j, "vk_delta_2")))
        rc = rk_fail(e, RK_EINPUT, "%s: vk_delta_2 is missing or not a valid G2 point", name);
    for (size_t i = 0; !rc && i < ic->n; i++)
        if (rd_g1(&vk->ic[i], &ic->items[i]))
            rc = rk_fail(e, RK_EINPUT, "%s: IC[%zu] is not a valid G1 point", name, i);
out:
    sj_json_free(j);
    if (rc)
        g16_vk_free(vk);
    return rc;
}
