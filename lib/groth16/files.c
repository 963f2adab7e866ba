/* files.c - whole-file operations behind raiko-groth16's subcommands: read
 * inputs by path, run one step, write outputs atomically. */
#include "groth16/internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/io.h"

static int load_text(const char *path, char **text, size_t *len, rk_err *e)
{
    uint8_t *d;
    int rc = rk_read_file(path, &d, len, e);
    if (!rc)
        *text = (char *)d;
    return rc;
}

static int save_buf(rk_buf *b, const char *path, rk_err *e)
{
    if (b->oom)
        return rk_fail(e, RK_EINTERNAL, "%s: out of memory", path);
    return rk_write_atomic(path, b->data, b->len, e);
}

int g16_vk_load_json(g16_vk *vk, const char *path, rk_err *e)
{
    char *t;
    size_t n;
    int rc = load_text(path, &t, &n, e);
    if (rc)
        return rc;
    rc = g16_vk_read_json(vk, t, n, path, e);
    free(t);
    return rc;
}

int g16_cmd_prove(const char *zkey, const char *wtns, const char *proof_out, const char *public_out,
                  const uint8_t seed[32], rk_err *e)
{
    g16_pk pk;
    g16_pk_init(&pk);
    fr_t *w = NULL;
    size_t n = 0;
    rk_buf b;
    rk_buf_init(&b);
    int rc = g16_zkey_load(&pk, zkey, e);
    if (!rc)
        rc = r1cs_load_wtns(&w, &n, wtns, e);
    if (!rc && n != pk.n_vars)
        rc = rk_fail(e, RK_EINPUT, "%s: %zu values, but %s has %u variables", wtns, n, zkey, pk.n_vars);
    g16_proof proof;
    if (!rc)
        rc = g16_prove(&proof, &pk, w, n, seed, e);
    if (!rc) {
        g16_proof_write_json(&proof, &b, e);
        rc = save_buf(&b, proof_out, e);
    }
    if (!rc && public_out) {
        rk_buf_free(&b);
        g16_public_write_json(w + 1, pk.n_public, &b, e);
        rc = save_buf(&b, public_out, e);
    }
    rk_buf_free(&b);
    free(w);
    g16_pk_free(&pk);
    return rc;
}

int g16_cmd_verify(const char *vk_path, const char *public_path, const char *proof_path, rk_err *e)
{
    g16_vk vk;
    g16_vk_init(&vk);
    fr_t *pub = NULL;
    size_t np = 0;
    char *t = NULL;
    size_t n;
    g16_proof proof;
    int rc = g16_vk_load_json(&vk, vk_path, e);
    if (!rc && !(rc = load_text(public_path, &t, &n, e))) {
        rc = g16_public_read_json(&pub, &np, t, n, public_path, e);
        free(t);
        t = NULL;
    }
    if (!rc && !(rc = load_text(proof_path, &t, &n, e))) {
        rc = g16_proof_read_json(&proof, t, n, proof_path, e);
        free(t);
    }
    if (!rc && np != vk.n_public)
        rc = rk_fail(e, RK_EINPUT, "%s: %zu public inputs, the key %s expects %u", public_path, np, vk_path,
                     vk.n_public);
    if (!rc && g16_verify(&vk, pub, np, &proof, e) == RK_EFALSE)
        rc = rk_fail(e, RK_EFALSE, "%s: invalid proof", proof_path);
    free(pub);
    g16_vk_free(&vk);
    return rc;
}

int g16_cmd_setup(const char *r1cs_path, const char *ptau_path, uint64_t insecure_seed, const char *zkey_out,
                  rk_err *e)
{
    r1cs cs;
    r1cs_init(&cs);
    g16_pk pk;
    g16_pk_init(&pk);
    int rc = r1cs_load_r1cs(&cs, r1cs_path, e);
    if (!rc) {
        if (ptau_path) {
            uint8_t *d;
            size_t n;
            if (!(rc = rk_read_file(ptau_path, &d, &n, e))) {
                rc = g16_setup_from_ptau(&pk, &cs, d, n, ptau_path, e);
                free(d);
            }
        } else {
            rc = g16_setup_insecure_deterministic(&pk, &cs, insecure_seed, e);
        }
    }
    if (!rc)
        rc = g16_zkey_save(&pk, zkey_out, e);
    g16_pk_free(&pk);
    r1cs_free(&cs);
    return rc;
}

int g16_cmd_export_vk(const char *zkey, const char *vk_out, rk_err *e)
{
    g16_pk pk;
    g16_pk_init(&pk);
    g16_vk vk;
    g16_vk_init(&vk);
    rk_buf b;
    rk_buf_init(&b);
    int rc = g16_zkey_load(&pk, zkey, e);
    if (!rc)
        rc = g16_vk_from_pk(&vk, &pk, e);
    if (!rc && !(rc = g16_vk_write_json(&vk, &b, e)))
        rc = save_buf(&b, vk_out, e);
    rk_buf_free(&b);
    g16_vk_free(&vk);
    g16_pk_free(&pk);
    return rc;
}

int g16_cmd_solidity(const char *vk_path, const char *sol_out, rk_err *e)
{
    g16_vk vk;
    g16_vk_init(&vk);
    rk_buf b;
    rk_buf_init(&b);
    int rc = g16_vk_load_json(&vk, vk_path, e);
    if (!rc && !(rc = g16_solidity_verifier(&vk, &b, e)))
        rc = save_buf(&b, sol_out, e);
    if (rc && e && strncmp(e->msg, "solidity:", 9) == 0)
        rk_err_prefix(e, "%s", vk_path);
    rk_buf_free(&b);
    g16_vk_free(&vk);
    return rc;
}

int g16_cmd_check(const char *r1cs_path, const char *wtns, rk_err *e)
{
    r1cs cs;
    r1cs_init(&cs);
    fr_t *w = NULL;
    size_t n = 0;
    int rc = r1cs_load_r1cs(&cs, r1cs_path, e);
    if (!rc)
        rc = r1cs_load_wtns(&w, &n, wtns, e);
    if (!rc && (rc = r1cs_check_witness(&cs, w, n, e)))
        rk_err_prefix(e, "%s", wtns);
    free(w);
    r1cs_free(&cs);
    return rc;
}
