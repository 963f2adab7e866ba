/* fri.h - FRI low-degree test and the polynomial commitment opening built on it
 * (Plonky3 TwoAdicFriPcs style; docs/stark.md has the exact protocol).
 *
 * Committed polynomials are matrices of LDE evaluations: a column of a matrix
 * of LDE height 2^h holds p(s * w_h^bitrev_h(i)) at row i, s = 31 the coset
 * shift, w_h = bb_two_adic_generator(h), rows in bit-reversed order, and
 * deg p < 2^(h - log_blowup).  Each matrix is opened at a few extension-field
 * points z (values y = p(z) per column).  fri_prove / fri_verify prove that
 * the claimed values are right:
 *
 *   1. sample alpha; for every LDE height h, the reduced codeword
 *        R_h(x) = sum over (batch, matrix of height h, point z, column c), in that order,
 *                 of alpha^k * (p_c(x) - y_c(z)) / (x - z),   k = 0, 1, 2, ... per height;
 *   2. commit phase: f_0 = R_L (L = max height); while f has more than 2^lf
 *      values (lf = log_final_poly_len + log_blowup): pick the round's arity 2^a
 *      (a <= max_log_arity, not folding past 2^lf nor past a height with a
 *      reduced codeword), commit f in rows of 2^a consecutive values, observe
 *      the root, sample beta, fold a times in halves with beta, beta^2, beta^4, ..:
 *        f'(y^2) = (f(y) + f(-y))/2 + b (f(y) - f(-y))/(2y)
 *      (y over the subgroup: FRI works on p(s*y)), then add beta^(2^a) R_h at
 *      the new height h if present;
 *   3. final polynomial: the 2^log_final_poly_len coefficients of f_R, observed;
 *   4. proof of work: grind pow_bits (challenger.h);
 *   5. num_queries times: index = sample_bits(L); open every batch at index
 *      (shifted per tree), every commit-phase tree at the pair, and check.
 *
 * Conjectured security (ethSTARK conjecture): log_blowup * num_queries + pow_bits.
 */
#ifndef RAIKO_FRI_H
#define RAIKO_FRI_H

#include <stddef.h>
#include <stdint.h>

#include "challenger/challenger.h"
#include "common/buf.h"
#include "common/err.h"
#include "field/field.h"
#include "merkle/merkle.h"

typedef struct fri_params {
    uint32_t log_blowup;          /* 1..4 */
    uint32_t num_queries;         /* 1..1000 */
    uint32_t pow_bits;            /* 0..CHAL_MAX_BITS */
    uint32_t log_final_poly_len;  /* 0..8 */
    uint32_t log_arity;           /* folds up to 2^log_arity per committed round: 1..4, and 0
                                   * reads as 1 (so positional initializers {b, q, pow, f} keep
                                   * folding by 2); it changes the proof layout and is part of
                                   * a verifying key (fri_log_arity gives the effective value) */
} fri_params;
#define FRI_MAX_LOG_ARITY 4

/* The effective folding log arity of p (1..FRI_MAX_LOG_ARITY; 0 reads as 1). */
static inline unsigned fri_log_arity(const fri_params *p) { return p->log_arity ? p->log_arity : 1; }

/* log_blowup 1, 100 queries, 16 PoW bits, constant final polynomial, folding by 2: 116 bits. */
void fri_params_default(fri_params *p);
/* RK_EINPUT when a parameter is out of the range above (log_arity 0..4). */
int fri_params_check(const fri_params *p, rk_err *e);
/* Conjectured security bits: log_blowup * num_queries + pow_bits. */
unsigned fri_security_bits(const fri_params *p);

/* One Merkle tree of matrices and their openings. */
typedef struct fri_batch {
    p2_digest root;
    const merkle_tree *tree;       /* prover only (NULL for the verifier) */
    size_t n_mats;
    const unsigned *log_heights;   /* LDE heights, log2 */
    const size_t *widths;
    const unsigned *n_points;      /* per matrix: how many points it is opened at */
    const bb4_t *const *points;    /* per matrix: n_points[m] points */
    const bb4_t *const *values;    /* per matrix: n_points[m] * widths[m], point-major */
    const bb_t *const *d_mats;     /* prover, optional: device copies of tree->mats (lib/gpu; an
                                    * entry may be NULL): step 1's row sums run on the GPU.  A
                                    * matrix may be on the device only (tree->mats[m] NULL): if
                                    * the GPU then fails, fri_prove_ex fails with RK_EINTERNAL
                                    * (the caller makes the host matrix and proves again) */
} fri_batch;

/* Prove the openings; appends the FRI proof to out (layout in docs/stark.md).
 * The challenger must already have observed the roots and the values.  The
 * prover does not check that the claims are true (a false claim yields a
 * proof that fails verification).  RK_EINPUT on bad shapes (a height below
 * log_final_poly_len + log_blowup), RK_EINTERNAL on OOM. */
int fri_prove(const fri_params *p, chal *c, const fri_batch *batches, size_t n_batches,
              rk_buf *out, rk_err *e);

/* fri_prove / fri_verify with p->log_arity replaced by max_log_arity
 * (1..FRI_MAX_LOG_ARITY).  Prover and verifier must use the same value; it
 * changes the proof layout. */
int fri_prove_ex(const fri_params *p, unsigned max_log_arity, chal *c, const fri_batch *batches,
                 size_t n_batches, rk_buf *out, rk_err *e);
int fri_verify_ex(const fri_params *p, unsigned max_log_arity, chal *c, const fri_batch *batches,
                  size_t n_batches, rk_rd *in, rk_err *e);

/* Read the FRI proof from in and check it against the batches (roots, shapes,
 * points and claimed values, all from the verifier).  RK_OK, RK_EFALSE (a
 * check failed, or the bytes are malformed), RK_EINPUT (bad shapes). */
int fri_verify(const fri_params *p, chal *c, const fri_batch *batches, size_t n_batches,
               rk_rd *in, rk_err *e);

/* Helpers shared with lib/stark. */
/* Reverse the low `bits` bits of i (bits <= 63): swap-based 64-bit reversal, then shift. */
static inline size_t fri_bitrev(size_t i, unsigned bits)
{
    uint64_t x = i;
    x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
    x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0full) | ((x & 0x0f0f0f0f0f0f0f0full) << 4);
    x = __builtin_bswap64(x);
    return bits ? (size_t)(x >> (64 - bits)) : 0;
}
/* sum_k coef[k] * row[k] (extension times base), with lazy reduction: products
 * are reduced in pairs (2 p^2 < 2^32 p keeps one Montgomery reduction exact)
 * and the reduced words summed in 64 bits, reduced once at the end. */
static inline bb4_t fri_dot_ext_base(const bb4_t *coef, const bb_t *row, size_t w)
{
    uint64_t acc[4] = {0, 0, 0, 0};
    size_t k = 0;
    for (; k + 2 <= w; k += 2)
        for (int j = 0; j < 4; j++)
            acc[j] += bb_monty_reduce((uint64_t)coef[k].c[j] * row[k] +
                                      (uint64_t)coef[k + 1].c[j] * row[k + 1]);
    if (k < w)
        for (int j = 0; j < 4; j++)
            acc[j] += bb_monty_reduce((uint64_t)coef[k].c[j] * row[k]);
    bb4_t r;
    for (int j = 0; j < 4; j++)
        r.c[j] = (bb_t)(acc[j] % BB_P);
    return r;
}
/* Read / write an extension element (4 canonical u32) and a digest (8). */
void fri_put_ext(rk_buf *b, bb4_t v);
void fri_put_digest(rk_buf *b, const p2_digest *d);
/* Readers return 0 (and set r->bad) on overrun or a non-canonical word. */
bb_t fri_get_base(rk_rd *r);
bb4_t fri_get_ext(rk_rd *r);
p2_digest fri_get_digest(rk_rd *r);

#endif
