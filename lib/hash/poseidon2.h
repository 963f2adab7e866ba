/* poseidon2.h - Poseidon2 over BabyBear, width 16, exactly Plonky3's default instance
 * (default_babybear_poseidon2_16: HorizenLabs round constants, R_F = 8, R_P = 13, x^7 S-box,
 * external matrix circ(2 M4, M4, M4, M4) with M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]],
 * internal matrix J + diag(V16_P3)), and the sponge / compression built on it (Plonky3
 * PaddingFreeSponge<16,8,8> and TruncatedPermutation<2,8,16>).  See docs/primitives.md.
 *
 * All functions are deterministic; the AVX-512 path (16 states per vector) and the AVX2 path
 * (8 states per vector) give byte-identical results to the scalar path (see bb_simd_avx512 and
 * bb_simd_avx2 in field.h). */
#ifndef RAIKO_HASH_POSEIDON2_H
#define RAIKO_HASH_POSEIDON2_H

#include <stddef.h>

#include "field/field.h"

#define P2_WIDTH 16
#define P2_RATE 8
#define P2_DIGEST 8

typedef struct { bb_t v[P2_DIGEST]; } p2_digest;

/* The permutation, in place. */
void p2_permute(bb_t st[P2_WIDTH]);
/* n independent states, in place (vector paths: 16 or 8 states at a time; any n, including
 * n % 16 != 0). */
void p2_permute_batch(bb_t (*st)[P2_WIDTH], size_t n);

/* Sponge hash: zero state; for each chunk of up to 8 inputs overwrite state[0..len) with it and
 * permute (a last partial chunk overwrites only its len words; no padding); digest = state[0..8).
 * n == 0 gives the all-zero digest (no permutation). */
void p2_hash(const bb_t *in, size_t n, p2_digest *out);

/* 2-to-1 compression: perm(l || r)[0..8). */
void p2_compress(const p2_digest *l, const p2_digest *r, p2_digest *out);

/* Hash row i of the concatenation of several row-major matrices of equal height (mixed-matrix
 * Merkle leaves): out[i] = p2_hash(row i of mats[0] || row i of mats[1] || ...), i < height.
 * Batched (AVX-512 / AVX2) and multithreaded (OpenMP); output independent of the thread count. */
void p2_hash_rows(const bb_t *const *mats, const size_t *widths, size_t n_mats, size_t height,
                  p2_digest *out);

/* One Merkle layer: out[i] = p2_compress(&in[2i], &in[2i+1]) for i < n.  Batched and
 * multithreaded.  out must not overlap in (except out == in, which is allowed). */
void p2_compress_layer(const p2_digest *in, size_t n, p2_digest *out);

#endif
