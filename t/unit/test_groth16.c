/* test_groth16.c - Groth16 setup/prove/verify, the .zkey and JSON codecs,
 * determinism across thread counts, setup from a snarkjs .ptau fixture, and
 * the Solidity emitter's shape.  Interop with the real snarkjs and the EVM is
 * in t/groth16.bats. */
#include <omp.h>
#include <stdlib.h>

#include "common/io.h"
#include "groth16/groth16.h"
#include "test.h"

/* x public input, y = x^(2^k) chain with a few extra linear terms */
static void build_chain(r1cs *cs, uint64_t xv, unsigned k)
{
    fr_t x, v, *vals = malloc((k + 1) * sizeof *vals);
    fr_from_u64(&x, xv);
    v = x;
    for (unsigned i = 0; i < k; i++) {
        fr_sqr(&v, &v);
        fr_add(&v, &v, &x);
        vals[i] = v;
    }
    r1cs_init(cs);
    uint32_t vy = r1cs_public(cs, &vals[k - 1]);
    uint32_t vx = r1cs_public(cs, &x);
    cs->n_outputs = 1;
    uint32_t prev = vx;
    fr_t m1;
    fr_one(&m1);
    fr_neg(&m1, &m1);
    for (unsigned i = 0; i < k; i++) {
        uint32_t cur = i + 1 == k ? vy : r1cs_private(cs, &vals[i]);
        r1cs_lc a, c;
        r1cs_lc_var(&a, prev);
        r1cs_lc_var(&c, cur);
        r1cs_lc_add_term(&c, vx, &m1);
        r1cs_enforce(cs, &a, &a, &c);
        prev = cur;
    }
    free(vals);
}

static void proof_bytes(uint8_t out[256], const g16_proof *p)
{
    g1_to_bytes(out, &p->a);
    g2_to_bytes(out + 64, &p->b);
    g1_to_bytes(out + 192, &p->c);
}

static void test_insecure_prove_verify(void)
{
    r1cs cs;
    rk_err e;
    g16_pk pk;
    g16_vk vk;
    build_chain(&cs, 3, 20);
    CHECK_EQ_U64(r1cs_check(&cs, &e), RK_OK);
    g16_pk_init(&pk);
    g16_vk_init(&vk);
    CHECK_EQ_U64(g16_setup_insecure_deterministic(&pk, &cs, 42, &e), RK_OK);
    CHECK_EQ_U64(pk.domain_size, 32); /* 20 constraints + 3 rows for 1 and the 2 public variables */
    CHECK_EQ_U64(g16_vk_from_pk(&vk, &pk, &e), RK_OK);
    g16_proof p;
    CHECK_EQ_U64(g16_prove(&p, &pk, cs.w, cs.n_vars, NULL, &e), RK_OK);
    CHECK_EQ_U64(g16_verify(&vk, cs.w + 1, 2, &p, &e), RK_OK);
    /* wrong public input */
    fr_t pub[2] = {cs.w[1], cs.w[2]};
    fr_t one;
    fr_one(&one);
    fr_add(&pub[1], &pub[1], &one);
    CHECK_EQ_U64(g16_verify(&vk, pub, 2, &p, &e), RK_EFALSE);
    CHECK_STR_HAS(e.msg, "not valid");
    CHECK_EQ_U64(g16_verify(&vk, pub, 1, &p, &e), RK_EINPUT);
    /* tampered proof: C negated, A and C swapped roles */
    g16_proof t = p;
    g1_affine_neg(&t.c, &t.c);
    CHECK_EQ_U64(g16_verify(&vk, cs.w + 1, 2, &t, &e), RK_EFALSE);
    t = p;
    t.a = p.c;
    CHECK_EQ_U64(g16_verify(&vk, cs.w + 1, 2, &t, &e), RK_EFALSE);
    /* a witness that breaks one constraint gives a proof that does not verify */
    fr_t *w = malloc(cs.n_vars * sizeof *w);
    memcpy(w, cs.w, cs.n_vars * sizeof *w);
    fr_add(&w[5], &w[5], &one);
    CHECK_EQ_U64(r1cs_check_witness(&cs, w, cs.n_vars, &e), RK_EFALSE);
    CHECK_EQ_U64(g16_prove(&t, &pk, w, cs.n_vars, NULL, &e), RK_OK);
    CHECK_EQ_U64(g16_verify(&vk, w + 1, 2, &t, &e), RK_EFALSE);
    free(w);
    /* another setup seed: the proof does not verify under it */
    g16_pk pk2;
    g16_vk vk2;
    g16_pk_init(&pk2);
    g16_vk_init(&vk2);
    CHECK_EQ_U64(g16_setup_insecure_deterministic(&pk2, &cs, 43, &e), RK_OK);
    g16_vk_from_pk(&vk2, &pk2, &e);
    CHECK_EQ_U64(g16_verify(&vk2, cs.w + 1, 2, &p, &e), RK_EFALSE);
    g16_pk_free(&pk2);
    g16_vk_free(&vk2);
    /* bad witness size */
    CHECK_EQ_U64(g16_prove(&t, &pk, cs.w, cs.n_vars - 1, NULL, &e), RK_EINPUT);
    g16_vk_free(&vk);
    g16_pk_free(&pk);
    r1cs_free(&cs);
}

static void test_deterministic(void)
{
    r1cs cs;
    rk_err e;
    g16_pk pk, pk2;
    build_chain(&cs, 5, 40);
    g16_pk_init(&pk);
    g16_pk_init(&pk2);
    uint8_t seed[32] = {1, 2, 3};
    int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    g16_setup_insecure_deterministic(&pk, &cs, 7, &e);
    g16_proof p1, p2, p3;
    CHECK_EQ_U64(g16_prove(&p1, &pk, cs.w, cs.n_vars, seed, &e), RK_OK);
    omp_set_num_threads(nt > 1 ? nt : 2);
    g16_setup_insecure_deterministic(&pk2, &cs, 7, &e);
    CHECK_EQ_U64(g16_prove(&p2, &pk2, cs.w, cs.n_vars, seed, &e), RK_OK);
    omp_set_num_threads(nt);
    uint8_t b1[256], b2[256], b3[256];
    proof_bytes(b1, &p1);
    proof_bytes(b2, &p2);
    CHECK_MEM(b1, b2, 256);
    /* same key bytes whatever the thread count */
    rk_buf z1, z2;
    rk_buf_init(&z1);
    rk_buf_init(&z2);
    g16_zkey_write(&pk, &z1, &e);
    g16_zkey_write(&pk2, &z2, &e);
    CHECK(z1.len == z2.len && memcmp(z1.data, z2.data, z1.len) == 0);
    /* an unseeded proof is blinded differently but verifies */
    CHECK_EQ_U64(g16_prove(&p3, &pk, cs.w, cs.n_vars, NULL, &e), RK_OK);
    proof_bytes(b3, &p3);
    CHECK(memcmp(b1, b3, 256) != 0);
    g16_vk vk;
    g16_vk_init(&vk);
    g16_vk_from_pk(&vk, &pk, &e);
    CHECK_EQ_U64(g16_verify(&vk, cs.w + 1, 2, &p3, &e), RK_OK);
    g16_vk_free(&vk);
    rk_buf_free(&z1);
    rk_buf_free(&z2);
    g16_pk_free(&pk);
    g16_pk_free(&pk2);
    r1cs_free(&cs);
}

static void test_zkey_roundtrip(void)
{
    r1cs cs;
    rk_err e;
    g16_pk pk, back;
    build_chain(&cs, 9, 10);
    g16_pk_init(&pk);
    g16_pk_init(&back);
    g16_setup_insecure_deterministic(&pk, &cs, 1, &e);
    rk_buf b, b2;
    rk_buf_init(&b);
    rk_buf_init(&b2);
    CHECK_EQ_U64(g16_zkey_write(&pk, &b, &e), RK_OK);
    CHECK_EQ_U64(g16_zkey_read(&back, b.data, b.len, "t.zkey", &e), RK_OK);
    CHECK_EQ_U64(back.n_coefs, pk.n_coefs);
    CHECK_EQ_U64(back.domain_size, pk.domain_size);
    g16_zkey_write(&back, &b2, &e);
    CHECK(b.len == b2.len && memcmp(b.data, b2.data, b.len) == 0);
    /* truncations, a point off the curve, a coefficient out of range */
    for (size_t n = 0; n < b.len; n += 97)
        CHECK(g16_zkey_read(&back, b.data, n, "t.zkey", &e) == RK_EINPUT);
    uint8_t *bad = malloc(b.len);
    /* section 2 body starts after: file header 12, sec1 12+4, sec2 header 12; then 2x(4+32) + 12 */
    size_t alpha = 12 + 16 + 12 + 72 + 12;
    memcpy(bad, b.data, b.len);
    bad[alpha + 40] ^= 1; /* alpha1.y */
    CHECK_EQ_U64(g16_zkey_read(&back, bad, b.len, "bad.zkey", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "bad.zkey: alpha1 point 0 is not a valid G1 point");
    memcpy(bad, b.data, b.len);
    size_t coef0 = 12 + 16 + 12 + 72 + 12 + 64 * 3 + 128 * 3 + 12 + 4; /* section 4: after its header and count */
    rk_put_le32(bad + coef0, 2); /* matrix 2 does not exist */
    CHECK_EQ_U64(g16_zkey_read(&back, bad, b.len, "bad.zkey", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "coefficient 0 out of range");
    free(bad);
    rk_buf_free(&b);
    rk_buf_free(&b2);
    g16_pk_free(&pk);
    g16_pk_free(&back);
    r1cs_free(&cs);
}

static void test_json_roundtrip(void)
{
    r1cs cs;
    rk_err e;
    g16_pk pk;
    g16_vk vk, vk2;
    build_chain(&cs, 4, 8);
    g16_pk_init(&pk);
    g16_vk_init(&vk);
    g16_vk_init(&vk2);
    g16_setup_insecure_deterministic(&pk, &cs, 3, &e);
    g16_vk_from_pk(&vk, &pk, &e);
    g16_proof p, p2;
    g16_prove(&p, &pk, cs.w, cs.n_vars, NULL, &e);
    rk_buf b;
    rk_buf_init(&b);
    CHECK_EQ_U64(g16_proof_write_json(&p, &b, &e), RK_OK);
    CHECK_STR_HAS((rk_buf_u8(&b, 0), (char *)b.data), "\"protocol\": \"groth16\"");
    CHECK_EQ_U64(g16_proof_read_json(&p2, (char *)b.data, b.len - 1, "p.json", &e), RK_OK);
    uint8_t x1[256], x2[256];
    proof_bytes(x1, &p);
    proof_bytes(x2, &p2);
    CHECK_MEM(x1, x2, 256);
    rk_buf_free(&b);
    CHECK_EQ_U64(g16_vk_write_json(&vk, &b, &e), RK_OK);
    CHECK_EQ_U64(g16_vk_read_json(&vk2, (char *)b.data, b.len, "vk.json", &e), RK_OK);
    CHECK_EQ_U64(vk2.n_public, 2);
    CHECK_EQ_U64(g16_verify(&vk2, cs.w + 1, 2, &p2, &e), RK_OK);
    rk_buf_free(&b);
    CHECK_EQ_U64(g16_public_write_json(cs.w + 1, 2, &b, &e), RK_OK);
    fr_t *pub;
    size_t np;
    CHECK_EQ_U64(g16_public_read_json(&pub, &np, (char *)b.data, b.len, "pub.json", &e), RK_OK);
    CHECK_EQ_U64(np, 2);
    CHECK(np == 2 && fr_eq(&pub[0], &cs.w[1]) && fr_eq(&pub[1], &cs.w[2]));
    free(pub);
    rk_buf_free(&b);
    /* malformed inputs */
    const char *r_str = "[\"21888242871839275222246405745257275088548364400416034343698204186575808495617\"]";
    CHECK_EQ_U64(g16_public_read_json(&pub, &np, r_str, strlen(r_str), "pub.json", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "below r");
    const char *off = "{\"pi_a\": [\"1\", \"3\", \"1\"], \"pi_b\": [[\"0\",\"0\"],[\"1\",\"0\"],[\"0\",\"0\"]],"
                      " \"pi_c\": [\"1\", \"2\", \"1\"], \"protocol\": \"groth16\"}";
    CHECK_EQ_U64(g16_proof_read_json(&p2, off, strlen(off), "p.json", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "pi_a");
    const char *plonk = "{\"protocol\": \"plonk\"}";
    CHECK_EQ_U64(g16_proof_read_json(&p2, plonk, strlen(plonk), "p.json", &e), RK_EINPUT);
    CHECK_EQ_U64(g16_vk_read_json(&vk2, plonk, strlen(plonk), "vk.json", &e), RK_EINPUT);
    g16_vk_free(&vk);
    g16_vk_free(&vk2);
    g16_pk_free(&pk);
    r1cs_free(&cs);
}

static void test_setup_from_ptau(void)
{
    const char *top = getenv("RAIKO_TOP");
    char path[1024];
    snprintf(path, sizeof path, "%s/t/data/groth16/pot8.ptau", top ? top : ".");
    uint8_t *d;
    size_t n;
    rk_err e;
    if (rk_read_file(path, &d, &n, &e)) {
        printf("# %s\n", e.msg);
        CHECK(0);
        return;
    }
    r1cs cs;
    build_chain(&cs, 6, 30);
    g16_pk pk;
    g16_vk vk;
    g16_pk_init(&pk);
    g16_vk_init(&vk);
    CHECK_EQ_U64(g16_setup_from_ptau(&pk, &cs, d, n, path, &e), RK_OK);
    g16_vk_from_pk(&vk, &pk, &e);
    g16_proof p;
    CHECK_EQ_U64(g16_prove(&p, &pk, cs.w, cs.n_vars, NULL, &e), RK_OK);
    CHECK_EQ_U64(g16_verify(&vk, cs.w + 1, 2, &p, &e), RK_OK);
    /* too big for power 8 (needs 2^8 rows and a 2^9 level) */
    r1cs big;
    build_chain(&big, 6, 200);
    CHECK_EQ_U64(g16_setup_from_ptau(&pk, &big, d, n, path, &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "power 8");
    /* not a ptau */
    CHECK_EQ_U64(g16_setup_from_ptau(&pk, &cs, d, 40, path, &e), RK_EINPUT);
    r1cs_free(&big);
    g16_vk_free(&vk);
    g16_pk_free(&pk);
    r1cs_free(&cs);
    free(d);
}

static void test_solidity_shape(void)
{
    r1cs cs;
    rk_err e;
    g16_pk pk;
    g16_vk vk;
    build_chain(&cs, 2, 4);
    g16_pk_init(&pk);
    g16_vk_init(&vk);
    g16_setup_insecure_deterministic(&pk, &cs, 5, &e);
    g16_vk_from_pk(&vk, &pk, &e);
    rk_buf b;
    rk_buf_init(&b);
    CHECK_EQ_U64(g16_solidity_verifier(&vk, &b, &e), RK_OK);
    rk_buf_u8(&b, 0);
    CHECK_STR_HAS((char *)b.data, "contract Groth16Verifier");
    CHECK_STR_HAS((char *)b.data, "uint256[2] calldata pubSignals");
    CHECK_STR_HAS((char *)b.data, "staticcall(gas(), 8, p, 768, out, 32)");
    char x[80];
    fq_to_dec(x, &vk.ic[2].x);
    CHECK_STR_HAS((char *)b.data, x);
    rk_buf_free(&b);
    g16_vk_free(&vk);
    g16_pk_free(&pk);
    r1cs_free(&cs);
}

int main(void)
{
    RUN(test_insecure_prove_verify);
    RUN(test_deterministic);
    RUN(test_zkey_roundtrip);
    RUN(test_json_roundtrip);
    RUN(test_setup_from_ptau);
    RUN(test_solidity_shape);
    return t_done();
}
