/* challenger.h - the Fiat-Shamir transcript: a duplex sponge over Poseidon2.
 *
 * Plonky3 DuplexChallenger<BabyBear, Poseidon2 [A], WIDTH 16, RATE 8> with the
 * "era 3" semantics of Plonky3 v0.6+ (PR #1769), which is the era whose
 * known-answer vector we match (t/unit/test_challenger.c):
 *
 *   state: 16 elements, all zero at start; input buffer (<= 8), output buffer (<= 8).
 *   observe(v): clear the output buffer; append v to the input buffer; when it
 *               holds 8 elements, duplex.
 *   duplex:     with n = buffered inputs: if n > 0, overwrite state[0..n) with
 *               them, ZERO state[n..8), and add n to state[8] (a length tag, so
 *               that absorbing [a] and [a, 0] differ); permute; output buffer
 *               = state[0..8).  (n == 0: just permute.)
 *   sample():   if inputs are pending or the output buffer is empty, duplex;
 *               then pop the LAST element of the output buffer (state[7] first).
 *   sample_ext: 4 successive samples c0, c1, c2, c3.
 *   sample_bits(b): canonical(sample()) & (2^b - 1), b <= 27.  Bias: p - 1 =
 *               15 * 2^27, so for b <= 27 every residue mod 2^b is hit by exactly
 *               15 * 2^(27-b) values of [0, p-1) and residue 0 by one more
 *               (the value p-1): statistical distance < 2^-30 per sample.
 *   observe_ext: c0..c3;  observe_digest: its 8 elements in order.
 *
 * Grinding (proof of work): a witness w (a base-field element, canonical < p)
 * is valid for b bits iff, on a copy of the challenger, observe(w) followed by
 * sample_bits(b) gives 0.  The prover searches w = 0, 1, 2, ... and returns
 * the smallest valid one, so proofs are deterministic.
 */
#ifndef RAIKO_CHALLENGER_H
#define RAIKO_CHALLENGER_H

#include <stddef.h>
#include <stdint.h>

#include "field/field.h"
#include "hash/poseidon2.h"

#define CHAL_MAX_BITS 27

typedef struct chal {
    bb_t st[P2_WIDTH];
    bb_t in[P2_RATE];
    bb_t out[P2_RATE];
    unsigned n_in, n_out;
} chal;

void chal_init(chal *c);
void chal_observe(chal *c, bb_t v);
void chal_observe_many(chal *c, const bb_t *v, size_t n);
void chal_observe_u32(chal *c, uint32_t v); /* observe bb_from_u32(v) (v < p for canonical use) */
void chal_observe_ext(chal *c, bb4_t v);
void chal_observe_digest(chal *c, const p2_digest *d);
bb_t chal_sample(chal *c);
bb4_t chal_sample_ext(chal *c);
/* bits in [0, 27]; see the bias note above. */
uint32_t chal_sample_bits(chal *c, unsigned bits);

/* The smallest witness w in [0, p) valid for `bits` from c's current state
 * (c itself is unchanged).  bits == 0 returns 0.  Multithreaded, but the
 * result does not depend on the thread count. */
uint32_t chal_grind(const chal *c, unsigned bits);
/* Observe witness w into c and return 1 iff sample_bits(bits) == 0.  The
 * verifier calls this with the proof's witness (w must be < p: the caller's
 * decoder rejects non-canonical words). */
int chal_check_witness(chal *c, unsigned bits, uint32_t w);

#endif
