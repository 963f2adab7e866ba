/* internal.h - helpers shared by the lib/groth16 sources (not public API). */
#ifndef RAIKO_GROTH16_INTERNAL_H
#define RAIKO_GROTH16_INTERNAL_H

#include "common/buf.h"
#include "groth16/groth16.h"

/* R = 2^256 mod r and R^2 as field elements (snarkjs's coefficient scaling). */
void g16_fr_mont_r(fr_t *r1, fr_t *r2);
/* Montgomery little-endian point codecs (.zkey/.ptau); all-zero = infinity.
 * The readers check canonical coordinates and the curve equation. */
int g16_g1_from_lem(g1_affine *o, const uint8_t in[64]);
void g16_g1_to_lem(uint8_t out[64], const g1_affine *p);
int g16_g2_from_lem(g2_affine *o, const uint8_t in[128]);
void g16_g2_to_lem(uint8_t out[128], const g2_affine *p);
int g16_read_g1s(g1_affine *o, rk_rd *r, size_t n, const char *name, const char *what, rk_err *e);
int g16_read_g2s(g2_affine *o, rk_rd *r, size_t n, const char *name, const char *what, rk_err *e);

/* Fixed-base scalar multiplication: out[i] = k[i] * base, in affine form,
 * with a table of 32 byte-windows (multithreaded, deterministic). */
int g16_g1_fixed_base(g1_affine *out, const g1_affine *base, const fr_t *k, size_t n);
int g16_g2_fixed_base(g2_affine *out, const g2_affine *base, const fr_t *k, size_t n);

/* Uniform-enough field element from 64 bytes (two 250-bit halves). */
void g16_fr_from_64(fr_t *out, const uint8_t in[64]);

#endif
