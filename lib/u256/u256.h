/* u256.h - constant-size 256-bit integers and arithmetic modulo an odd
 * 256-bit prime, for the executor's precompiles (secp256k1, BN254, uint256;
 * docs/exec.md).  No allocation; every value is four little-endian 64-bit
 * limbs.  Field elements are kept canonical (< p) between calls; the
 * Montgomery form is internal to one multiplication or power.  Not constant
 * time: the executor's inputs are public. */
#ifndef RAIKO_U256_H
#define RAIKO_U256_H

#include <stdint.h>

typedef struct u256 {
    uint64_t w[4]; /* w[0] least significant */
} u256;

/* An odd modulus p > 1 with its Montgomery constants. */
typedef struct u256_field {
    u256 p;
    uint64_t pinv; /* -p^-1 mod 2^64 */
    u256 r2;       /* 2^512 mod p */
} u256_field;

void u256_from_words(u256 *r, const uint32_t w[8]); /* 8 little-endian 32-bit words */
void u256_to_words(uint32_t w[8], const u256 *a);
void u256_from_be(u256 *r, const uint8_t *b, unsigned len); /* len <= 32 big-endian bytes */
void u256_to_be(uint8_t *b, unsigned len, const u256 *a);   /* low len bytes, big-endian */
int u256_cmp(const u256 *a, const u256 *b);
int u256_is_zero(const u256 *a);
uint64_t u256_add(u256 *r, const u256 *a, const u256 *b); /* returns the carry */
uint64_t u256_sub(u256 *r, const u256 *a, const u256 *b); /* returns the borrow */
/* (a * b) mod m for any m != 0, a and b any 256-bit values; m == 0 means 2^256. */
void u256_mulmod_any(u256 *r, const u256 *a, const u256 *b, const u256 *m);

/* Field set-up; p must be odd and > 1 (returns -1 otherwise). */
int u256_field_init(u256_field *f, const u256 *p);
void u256_fp_reduce(u256 *r, const u256 *a, const u256_field *f); /* any 256-bit a mod p */
void u256_fp_add(u256 *r, const u256 *a, const u256 *b, const u256_field *f);
void u256_fp_sub(u256 *r, const u256 *a, const u256 *b, const u256_field *f);
void u256_fp_neg(u256 *r, const u256 *a, const u256_field *f);
void u256_fp_mul(u256 *r, const u256 *a, const u256 *b, const u256_field *f);
void u256_fp_pow(u256 *r, const u256 *a, const u256 *e, const u256_field *f);
/* a^(p-2): the inverse for a prime p, and 0 for a == 0 (as SP1's modpow). */
void u256_fp_inv(u256 *r, const u256 *a, const u256_field *f);
/* A square root of a (canonical) when one exists: returns 1 and r; else 0.
 * Any odd prime p: x^((p+1)/4) when p = 3 mod 4, else Tonelli-Shanks with
 * the non-residue nqr. */
int u256_fp_sqrt(u256 *r, const u256 *a, const u256 *nqr, const u256_field *f);

#endif
