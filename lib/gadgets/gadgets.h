/* gadgets.h - R1CS building blocks for the Groth16 wrap of a BabyBear STARK
 * verifier: BabyBear arithmetic emulated in BN254's Fr with range checks, its
 * degree-4 extension (X^4 = 11), Poseidon2 over BN254 (t = 3), and Merkle
 * path verification with it.  Each gadget computes the witness values of
 * the variables it creates (from the values already in the system) and adds
 * the constraints that pin them down.  Constraint counts: docs/groth16.md
 * (and t/unit/test_gadgets prints them).
 *
 * Soundness notes: BabyBear values are always kept canonical (< p) in their
 * variables; products and sums are reduced with an explicit quotient whose
 * bit-length is range-checked, and every bound keeps the integer identity
 * below r, so it holds over the integers, not just mod r.
 */
#ifndef RAIKO_GADGETS_GADGETS_H
#define RAIKO_GADGETS_GADGETS_H

#include <stdint.h>

#include "r1cs/r1cs.h"

/* ------------------------------------------------------------ bits */

/* Constrain x to fit in nbits (<= 250) bits: nbits boolean variables b_i
 * (b_i (b_i - 1) = 0) and sum b_i 2^i = x.  nbits + 1 constraints.  The bit
 * variables are consecutive; the first is returned (0 on a builder error).
 * A value of x that does not fit makes the witness unsatisfying. */
uint32_t gd_bits(r1cs *cs, const r1cs_lc *x, unsigned nbits);
/* b (b - 1) = 0: 1 constraint. */
void gd_assert_bool(r1cs *cs, uint32_t b);

/* ------------------------------------------------------------ BabyBear in Fr */

#define GD_BB_P 0x78000001u

typedef struct gd_bb { uint32_t var; } gd_bb;  /* a variable holding a canonical BabyBear value */

/* x < p for a variable already known to hold < 2^31... done by decomposing:
 * 31 bits + "top four bits all set implies the low 27 bits are zero". */
void gd_bb_assert_canonical(r1cs *cs, uint32_t var);
/* A new private BabyBear variable holding v (reduced mod p), range-checked. */
gd_bb gd_bb_alloc(r1cs *cs, uint32_t v);
/* A public BabyBear input (public variables come before private ones, so it
 * is not range-checked here: call gd_bb_assert_canonical on it afterwards). */
gd_bb gd_bb_public(r1cs *cs, uint32_t v);
uint32_t gd_bb_value(const r1cs *cs, gd_bb a);  /* canonical value of the witness */
gd_bb gd_bb_add(r1cs *cs, gd_bb a, gd_bb b);    /* (a + b) mod p */
gd_bb gd_bb_sub(r1cs *cs, gd_bb a, gd_bb b);    /* (a - b) mod p */
gd_bb gd_bb_mul(r1cs *cs, gd_bb a, gd_bb b);    /* (a * b) mod p */
void gd_bb_assert_equal(r1cs *cs, gd_bb a, gd_bb b);

/* Degree-4 extension: c0 + c1 X + c2 X^2 + c3 X^3, X^4 = 11 (Plonky3/SP1). */
typedef struct gd_bb4 { gd_bb c[4]; } gd_bb4;
gd_bb4 gd_bb4_alloc(r1cs *cs, const uint32_t v[4]);
gd_bb4 gd_bb4_add(r1cs *cs, gd_bb4 a, gd_bb4 b);
gd_bb4 gd_bb4_mul(r1cs *cs, gd_bb4 a, gd_bb4 b);

/* ------------------------------------------------------------ Poseidon2 over BN254 */
/* HorizenLabs' Poseidon2 instance for BN254 (also gnark's): t = 3, x^5,
 * R_F = 8, R_P = 56, external matrix circ(2,1,1), internal diag(1,1,2) + 1,
 * constants from HorizenLabs/poseidon2 poseidon2_instance_bn256.rs. */
void gd_p2bn_permute_native(fr_t st[3]);
/* The permutation on three linear combinations, in place (each result is a
 * single variable or a short combination).  3 constraints per S-box: 243. */
void gd_p2bn_permute(r1cs *cs, r1cs_lc st[3]);
/* 2-to-1 compression (our choice, as Plonky3's TruncatedPermutation):
 * perm(l, r, 0)[0]. */
void gd_p2bn_compress_native(fr_t *out, const fr_t *l, const fr_t *r);
void gd_p2bn_compress(r1cs *cs, const r1cs_lc *l, const r1cs_lc *r, r1cs_lc *out);

/* ------------------------------------------------------------ Merkle paths */
/* The root of a depth-d path: leaf at position index (bit i of index chooses
 * whether the node at level i is the right child), siblings[i] the sibling at
 * level i.  The index is decomposed into d bits (d + 1 constraints), each level
 * costs 1 selection constraint + one compression.  root: a short combination. */
void gd_merkle_root(r1cs *cs, const r1cs_lc *leaf, const r1cs_lc *index, const uint32_t *siblings,
                    unsigned depth, r1cs_lc *root);
/* The same and enforce root == expected. */
void gd_merkle_verify(r1cs *cs, const r1cs_lc *leaf, const r1cs_lc *index, const uint32_t *siblings,
                      unsigned depth, const r1cs_lc *root);
/* Native root (for witnesses and tests). */
void gd_merkle_root_native(fr_t *root, const fr_t *leaf, uint64_t index, const fr_t *siblings, unsigned depth);

#endif
