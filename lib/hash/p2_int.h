/* p2_int.h - private to lib/hash: the Poseidon2 constants and the AVX-512 block kernels that
 * poseidon2.c dispatches to (not a public header; everything else uses poseidon2.h). */
#ifndef RAIKO_HASH_P2_INT_H
#define RAIKO_HASH_P2_INT_H

#include "hash/poseidon2.h"

/* Round constants in internal (Montgomery) form, defined in poseidon2.c. */
extern const bb_t p2_rc_ext_init[4][16];
extern const bb_t p2_rc_ext_final[4][16];
extern const bb_t p2_rc_int[13];

#ifdef BB_HAVE_AVX2_CODE
/* Blocks of 16 states, one state per 32-bit lane.  Call only when bb_simd_avx512() is 1.
 * Each gives exactly the scalar path's bytes. */
void p2_avx512_permute16(bb_t (*st)[P2_WIDTH]);                  /* st[0..16) in place */
void p2_avx512_compress16(const p2_digest *in, p2_digest *out); /* out[j] = compress(in[2j], in[2j+1]), j < 16;
                                                                    all of in is read before out is written */
/* out[l] = hash of row i + l of the concatenated matrices, l < 16 (as p2_hash_rows). */
void p2_avx512_hash_rows16(const bb_t *const *mats, const size_t *widths, size_t n_mats, size_t i,
                           p2_digest *out);
#endif

#endif
