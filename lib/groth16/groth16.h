/* groth16.h - Groth16 over BN254, interoperable with snarkjs 0.7.x:
 * proving keys are snarkjs .zkey files, setup starts from a snarkjs .ptau
 * (powers of tau, "prepared" for phase 2), proofs/keys/public inputs are
 * snarkjs's JSON files, and a Solidity verifier can be emitted for a key.
 * Formats and the protocol: docs/groth16.md.
 *
 * The relation is snarkjs's: for a witness w (w[0] = 1, public w[1..n_public]),
 *   A = alpha + sum w_i A_i + r delta,  B = beta + sum w_i B_i + s delta  (G2 and G1),
 *   C = sum_{i>n_public} w_i C_i + sum_j h_j H_j + s A + r B1 - r s delta,
 * with h the values of A(x)B(x)-C(x) on the odd coset of the 2n-th roots,
 * and the verifier checks e(-A, B) e(vk_x, gamma) e(C, delta) e(alpha, beta) = 1.
 */
#ifndef RAIKO_GROTH16_GROTH16_H
#define RAIKO_GROTH16_GROTH16_H

#include <stddef.h>
#include <stdint.h>

#include "bn254/bn254.h"
#include "common/buf.h"
#include "common/err.h"
#include "r1cs/r1cs.h"

typedef struct g16_coef {
    uint32_t matrix;      /* 0 = A, 1 = B */
    uint32_t constraint;  /* row, < domain_size */
    uint32_t signal;      /* variable, < n_vars */
    fr_t value;
} g16_coef;

/* A proving key: the contents of a snarkjs Groth16 .zkey. */
typedef struct g16_pk {
    uint32_t n_vars, n_public, domain_size;
    unsigned log_n;
    g1_affine alpha1, beta1, delta1;
    g2_affine beta2, gamma2, delta2;
    g1_affine *ic;          /* n_public + 1 */
    g16_coef *coefs;        /* the A and B matrices (plus one row per public input) */
    size_t n_coefs;
    g1_affine *a, *b1;      /* n_vars */
    g2_affine *b2;          /* n_vars */
    g1_affine *c;           /* n_vars - n_public - 1 (the private variables) */
    g1_affine *h;           /* domain_size */
    uint8_t *mpc;           /* section 10 verbatim: csHash[64], contributions */
    size_t mpc_len;
} g16_pk;

typedef struct g16_vk {
    uint32_t n_public;
    g1_affine alpha1;
    g2_affine beta2, gamma2, delta2;
    g1_affine *ic;          /* n_public + 1 */
} g16_vk;

typedef struct g16_proof {
    g1_affine a;
    g2_affine b;
    g1_affine c;
} g16_proof;

void g16_pk_init(g16_pk *pk);
void g16_pk_free(g16_pk *pk);
void g16_vk_init(g16_vk *vk);
void g16_vk_free(g16_vk *vk);
/* vk = the verification part of pk (deep copy). */
int g16_vk_from_pk(g16_vk *vk, const g16_pk *pk, rk_err *e);

/* ------------------------------------------------------------ .zkey */
/* Parse a snarkjs Groth16 .zkey (version 1).  Checks sizes, canonical
 * coordinates, every point on its curve, the verification-key G2 points in
 * their subgroup (the proving-key G2 points are only checked on the curve:
 * a bad one can only make our own proofs invalid). */
int g16_zkey_read(g16_pk *pk, const uint8_t *buf, size_t len, const char *name, rk_err *e);
int g16_zkey_write(const g16_pk *pk, rk_buf *out, rk_err *e);
int g16_zkey_load(g16_pk *pk, const char *path, rk_err *e);
int g16_zkey_save(const g16_pk *pk, const char *path, rk_err *e);

/* ------------------------------------------------------------ setup */
/* Phase-2 start from a prepared powers-of-tau file (exactly what
 * `snarkjs groth16 setup` / `zkey new` computes, byte for byte: delta = 1,
 * no contribution yet, so `snarkjs zkey verify` accepts it; contribute with
 * `snarkjs zkey contribute` before real use). */
int g16_setup_from_ptau(g16_pk *pk, const r1cs *cs, const uint8_t *ptau, size_t ptau_len, const char *ptau_name,
                        rk_err *e);
/* INSECURE, for tests and benchmarks only: tau, alpha, beta, delta are
 * derived from seed, so anyone who knows the seed can forge proofs. */
int g16_setup_insecure_deterministic(g16_pk *pk, const r1cs *cs, uint64_t seed, rk_err *e);

/* ------------------------------------------------------------ prove / verify */
/* Prove with witness w (n values = n_vars).  r and s come from the OS
 * (getrandom) when seed is NULL, or from BLAKE2b(seed) for reproducible tests.
 * The witness is not checked against the constraints (use r1cs_check); a
 * wrong witness yields a proof that does not verify. */
int g16_prove(g16_proof *proof, const g16_pk *pk, const fr_t *w, size_t n, const uint8_t seed[32], rk_err *e);
/* RK_OK if valid, RK_EFALSE if not, RK_EINPUT if the input count is wrong. */
int g16_verify(const g16_vk *vk, const fr_t *pub, size_t n_pub, const g16_proof *proof, rk_err *e);

/* ------------------------------------------------------------ JSON (snarkjs) */
int g16_vk_write_json(const g16_vk *vk, rk_buf *out, rk_err *e);   /* with vk_alphabeta_12 */
int g16_vk_read_json(g16_vk *vk, const char *text, size_t len, const char *name, rk_err *e);
int g16_proof_write_json(const g16_proof *p, rk_buf *out, rk_err *e);
int g16_proof_read_json(g16_proof *p, const char *text, size_t len, const char *name, rk_err *e);
int g16_public_write_json(const fr_t *pub, size_t n, rk_buf *out, rk_err *e);
/* *pub malloc'ed (free()); values must be canonical decimals below r. */
int g16_public_read_json(fr_t **pub, size_t *n, const char *text, size_t len, const char *name, rk_err *e);

/* ------------------------------------------------------------ Solidity */
/* A self-contained verifier contract "Groth16Verifier" for vk with
 * verifyProof(uint[2] pA, uint[2][2] pB, uint[2] pC, uint[N] pubSignals)
 * (snarkjs's ABI; pB's Fq2 elements as [c1, c0]). */
int g16_solidity_verifier(const g16_vk *vk, rk_buf *out, rk_err *e);

/* ------------------------------------------------------------ whole files */
/* The raiko-groth16 subcommands: read by path ("-" = stdin), write
 * atomically ("-" = stdout).  Exit-code semantics as rk_code. */
int g16_vk_load_json(g16_vk *vk, const char *path, rk_err *e);
/* proof.json (and public.json when public_out) from a .zkey and a .wtns */
int g16_cmd_prove(const char *zkey, const char *wtns, const char *proof_out, const char *public_out,
                  const uint8_t seed[32], rk_err *e);
/* RK_OK valid, RK_EFALSE invalid, RK_EINPUT unreadable input */
int g16_cmd_verify(const char *vk_json, const char *public_json, const char *proof_json, rk_err *e);
/* .zkey from a .r1cs and a prepared .ptau; ptau NULL = the INSECURE deterministic setup from seed */
int g16_cmd_setup(const char *r1cs_path, const char *ptau_path, uint64_t insecure_seed, const char *zkey_out,
                  rk_err *e);
int g16_cmd_export_vk(const char *zkey, const char *vk_out, rk_err *e);
int g16_cmd_solidity(const char *vk_json, const char *sol_out, rk_err *e);
/* RK_OK if the .wtns satisfies the .r1cs, RK_EFALSE (first failing constraint) if not */
int g16_cmd_check(const char *r1cs_path, const char *wtns, rk_err *e);

#endif
