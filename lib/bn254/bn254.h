/* bn254.h - the BN254 (alt_bn128, Ethereum's) curve: base field Fq, scalar
 * field Fr, the towers Fq2/Fq6/Fq12, the groups G1 and G2, the optimal ate
 * pairing, multi-scalar multiplication and an FFT over Fr.
 *
 *   q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
 *   r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
 *
 * Field elements are kept in Montgomery form (a*R mod p, R = 2^256) as four
 * little-endian 64-bit limbs, always fully reduced (< p), so equal values
 * have equal bytes.  Every byte/decimal parser rejects non-canonical input
 * (>= modulus) with RK_EINPUT.  Layouts, conventions and algorithms:
 * docs/bn254.md.
 *
 * Conventions: out-parameter first; outputs may alias inputs everywhere
 * unless a comment says otherwise.  Nothing here allocates except the MSM
 * and the FFT (which return RK_EINTERNAL when memory runs out).
 */
#ifndef RAIKO_BN254_BN254_H
#define RAIKO_BN254_BN254_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ fields */

typedef struct { uint64_t l[4]; } fq_t;   /* base field, Montgomery form, LE limbs */
typedef struct { uint64_t l[4]; } fr_t;   /* scalar field, Montgomery form, LE limbs */

#define BN254_FIELD_DECL(X)                                                    \
    void X##_zero(X##_t *a);                                                   \
    void X##_one(X##_t *a);                                                    \
    void X##_from_u64(X##_t *a, uint64_t v);                                   \
    void X##_add(X##_t *c, const X##_t *a, const X##_t *b);                    \
    void X##_sub(X##_t *c, const X##_t *a, const X##_t *b);                    \
    void X##_mul(X##_t *c, const X##_t *a, const X##_t *b);                    \
    void X##_sqr(X##_t *c, const X##_t *a);                                    \
    void X##_neg(X##_t *c, const X##_t *a);                                    \
    void X##_double(X##_t *c, const X##_t *a);                                 \
    void X##_inv(X##_t *c, const X##_t *a); /* inv(0) = 0 */                   \
    /* a^e, e a 256-bit little-endian exponent (plain integer, not Montgomery) */ \
    void X##_pow(X##_t *c, const X##_t *a, const uint64_t e[4]);               \
    int X##_eq(const X##_t *a, const X##_t *b);                                \
    int X##_is_zero(const X##_t *a);                                           \
    int X##_is_one(const X##_t *a);                                            \
    /* canonical 32-byte encodings of the integer value; parsers: RK_OK or     \
     * RK_EINPUT (value >= modulus) */                                         \
    int X##_from_bytes_be(X##_t *a, const uint8_t in[32]);                     \
    void X##_to_bytes_be(uint8_t out[32], const X##_t *a);                     \
    int X##_from_bytes_le(X##_t *a, const uint8_t in[32]);                     \
    void X##_to_bytes_le(uint8_t out[32], const X##_t *a);                     \
    /* decimal string (digits only, as in snarkjs JSON); RK_EINPUT on empty,   \
     * non-digit, or value >= modulus */                                       \
    int X##_from_dec(X##_t *a, const char *dec);                               \
    void X##_to_dec(char out[80], const X##_t *a);                             \
    /* raw Montgomery limbs, little-endian bytes (snarkjs .zkey/.ptau/.wtns    \
     * sections store field elements this way).  from_mont_le never fails: a   \
     * non-canonical input (limbs >= p) is reduced mod p; from_mont_le_canon   \
     * rejects it with RK_EINPUT instead (for strict file readers). */        \
    void X##_from_mont_le(X##_t *a, const uint8_t in[32]);                     \
    int X##_from_mont_le_canon(X##_t *a, const uint8_t in[32]);                \
    void X##_to_mont_le(uint8_t out[32], const X##_t *a);                      \
    /* plain integer value <-> element (limbs LE); from: RK_EINPUT if >= p */  \
    int X##_from_u256(X##_t *a, const uint64_t v[4]);                          \
    void X##_to_u256(uint64_t v[4], const X##_t *a);                           \
    /* out[i] = in[i]^-1 (zeros stay zero); out may equal in; allocates        \
     * nothing (Montgomery's trick in chunks on the stack) */                  \
    void X##_batch_inv(X##_t *out, const X##_t *in, size_t n);

BN254_FIELD_DECL(fq)
BN254_FIELD_DECL(fr)

/* Square root in Fq: RK_OK and c with c^2 = a, or RK_EFALSE if a is a non-residue. */
int fq_sqrt(fq_t *c, const fq_t *a);

/* Field products use MULX/ADX inline asm when the CPU has BMI2+ADX (x86-64),
 * else portable C; both give identical results.  bn254_use_asm(0) forces
 * the portable path (tests, comparisons), bn254_use_asm(1) restores the
 * default; returns 1 iff the asm path is now in use.  Not thread-safe:
 * call it while no other thread uses this library. */
int bn254_use_asm(int on);

/* The MSM's batched affine additions run 8 at a time on AVX-512 IFMA when
 * the CPU has it (and RAIKO_NO_AVX512 is unset or "0"); the results are the
 * same bytes as the portable path.  bn254_use_ifma(0) forces the portable
 * path, bn254_use_ifma(1) restores the default; returns 1 iff IFMA is now in
 * use.  Not thread-safe, as bn254_use_asm. */
int bn254_use_ifma(int on);

/* The moduli as plain integers (LE limbs). */
extern const uint64_t BN254_Q[4];
extern const uint64_t BN254_R[4];

/* ------------------------------------------------------------------ towers */
/* Fq2 = Fq[u]/(u^2+1), Fq6 = Fq2[v]/(v^3 - (9+u)), Fq12 = Fq6[w]/(w^2 - v) */

typedef struct { fq_t c0, c1; } fq2_t;           /* c0 + c1 u */
typedef struct { fq2_t c0, c1, c2; } fq6_t;      /* c0 + c1 v + c2 v^2 */
typedef struct { fq6_t c0, c1; } fq12_t;         /* c0 + c1 w */

void fq2_zero(fq2_t *a);
void fq2_one(fq2_t *a);
void fq2_add(fq2_t *c, const fq2_t *a, const fq2_t *b);
void fq2_sub(fq2_t *c, const fq2_t *a, const fq2_t *b);
void fq2_neg(fq2_t *c, const fq2_t *a);
void fq2_double(fq2_t *c, const fq2_t *a);
void fq2_mul(fq2_t *c, const fq2_t *a, const fq2_t *b);
void fq2_sqr(fq2_t *c, const fq2_t *a);
void fq2_mul_fq(fq2_t *c, const fq2_t *a, const fq_t *b);
void fq2_mul_xi(fq2_t *c, const fq2_t *a);          /* a * (9+u) */
void fq2_conj(fq2_t *c, const fq2_t *a);            /* c0 - c1 u (= a^q) */
void fq2_inv(fq2_t *c, const fq2_t *a);             /* inv(0) = 0 */
int fq2_eq(const fq2_t *a, const fq2_t *b);
int fq2_is_zero(const fq2_t *a);
int fq2_sqrt(fq2_t *c, const fq2_t *a);             /* RK_OK or RK_EFALSE (non-residue) */

void fq6_zero(fq6_t *a);
void fq6_one(fq6_t *a);
void fq6_add(fq6_t *c, const fq6_t *a, const fq6_t *b);
void fq6_sub(fq6_t *c, const fq6_t *a, const fq6_t *b);
void fq6_neg(fq6_t *c, const fq6_t *a);
void fq6_mul(fq6_t *c, const fq6_t *a, const fq6_t *b);
void fq6_sqr(fq6_t *c, const fq6_t *a);
void fq6_mul_v(fq6_t *c, const fq6_t *a);           /* a * v */
void fq6_inv(fq6_t *c, const fq6_t *a);
int fq6_eq(const fq6_t *a, const fq6_t *b);
int fq6_is_zero(const fq6_t *a);

void fq12_zero(fq12_t *a);
void fq12_one(fq12_t *a);
void fq12_add(fq12_t *c, const fq12_t *a, const fq12_t *b);
void fq12_sub(fq12_t *c, const fq12_t *a, const fq12_t *b);
void fq12_mul(fq12_t *c, const fq12_t *a, const fq12_t *b);
void fq12_sqr(fq12_t *c, const fq12_t *a);
void fq12_conj(fq12_t *c, const fq12_t *a);         /* c0 - c1 w (= a^(q^6); the inverse on the cyclotomic subgroup) */
void fq12_inv(fq12_t *c, const fq12_t *a);
void fq12_frobenius(fq12_t *c, const fq12_t *a, unsigned k);   /* a^(q^k), k in 0..11 */
/* a^e, e an n-limb little-endian plain integer */
void fq12_pow(fq12_t *c, const fq12_t *a, const uint64_t *e, size_t n);
int fq12_eq(const fq12_t *a, const fq12_t *b);
int fq12_is_one(const fq12_t *a);

/* ------------------------------------------------------------------ curves */
/* G1: y^2 = x^3 + 3 over Fq, generator (1, 2).
 * G2: y^2 = x^3 + 3/(9+u) over Fq2 (the D-type sextic twist), generator as
 * in EIP-197.  Jacobian: (X, Y, Z) stands for (X/Z^2, Y/Z^3); Z = 0 is the
 * point at infinity. */

typedef struct { fq_t x, y; int infinity; } g1_affine;
typedef struct { fq_t X, Y, Z; } g1_jac;
typedef struct { fq2_t x, y; int infinity; } g2_affine;
typedef struct { fq2_t X, Y, Z; } g2_jac;

#define BN254_GROUP_DECL(G, A)                                                 \
    void G##_generator(G##_affine *p);                                         \
    void G##_affine_infinity(G##_affine *p);                                   \
    void G##_jac_infinity(G##_jac *p);                                         \
    void G##_jac_from_affine(G##_jac *o, const G##_affine *p);                 \
    void G##_jac_to_affine(G##_affine *o, const G##_jac *p);                   \
    /* n Jacobian points to affine with one inversion; allocates nothing */    \
    void G##_jac_batch_to_affine(G##_affine *o, const G##_jac *p, size_t n);   \
    void G##_jac_add(G##_jac *o, const G##_jac *a, const G##_jac *b);          \
    void G##_jac_add_affine(G##_jac *o, const G##_jac *a, const G##_affine *b); \
    void G##_jac_double(G##_jac *o, const G##_jac *a);                         \
    void G##_jac_neg(G##_jac *o, const G##_jac *a);                            \
    void G##_affine_neg(G##_affine *o, const G##_affine *a);                   \
    void G##_jac_mul(G##_jac *o, const G##_jac *p, const fr_t *k);             \
    /* k given as a plain 256-bit integer (LE limbs), any value */             \
    void G##_jac_mul_u256(G##_jac *o, const G##_jac *p, const uint64_t k[4]);  \
    int G##_jac_is_infinity(const G##_jac *p);                                 \
    int G##_jac_eq(const G##_jac *a, const G##_jac *b);                        \
    int G##_affine_eq(const G##_affine *a, const G##_affine *b);               \
    int G##_affine_is_on_curve(const G##_affine *p); /* infinity counts as on */ \
    int G##_jac_is_on_curve(const G##_jac *p);

BN254_GROUP_DECL(g1, fq)
BN254_GROUP_DECL(g2, fq2)

/* 1 iff p is in the order-r subgroup (infinity: yes).  G1 has cofactor 1, so
 * for G1 this equals on-curve; for G2 it computes [r]p. */
int g2_affine_in_subgroup(const g2_affine *p);

/* Encodings as in the Ethereum precompiles (EIP-196/197) and snarkjs:
 * G1 = x || y, 32-byte big-endian each; (0, 0) = infinity.
 * G2 = x.c1 || x.c0 || y.c1 || y.c0 (EIP-197 order); all zero = infinity.
 * Parsers return RK_OK or RK_EINPUT (non-canonical coordinate, not on the
 * curve, or - G2 - not in the subgroup). */
int g1_from_bytes(g1_affine *p, const uint8_t in[64]);
void g1_to_bytes(uint8_t out[64], const g1_affine *p);
int g2_from_bytes(g2_affine *p, const uint8_t in[128]);
void g2_to_bytes(uint8_t out[128], const g2_affine *p);

/* ------------------------------------------------------------------ MSM */
/* out = sum scalars[i] * points[i]; Pippenger with signed digits and bucket
 * sums, OpenMP across windows/chunks.  Deterministic: the result (a group
 * element) never depends on the thread count, and neither do its Jacobian
 * coordinates.  Infinity points and zero scalars are fine.  Returns RK_OK or
 * RK_EINTERNAL (allocation). */
int g1_msm(g1_jac *out, const g1_affine *points, const fr_t *scalars, size_t n);
int g2_msm(g2_jac *out, const g2_affine *points, const fr_t *scalars, size_t n);

/* ------------------------------------------------------------------ pairing */
/* Optimal ate pairing e(P, Q) = f_{6x+2,Q}(P) * l_{[6x+2]Q,pi(Q)}(P) *
 * l_{..,-pi^2(Q)}(P) raised to (q^12-1)/r exactly (the canonical value;
 * ffjavascript/snarkjs compute e^lambda, lambda = 2x(6x^2+3x+1), see
 * docs/bn254.md).  e(O, Q) = e(P, O) = 1.  Inputs must be on the curves / G2 in its
 * subgroup (the parsers guarantee it). */
void bn254_miller_loop(fq12_t *out, const g1_affine *p, const g2_affine *q);
void bn254_final_exp(fq12_t *out, const fq12_t *f);
void bn254_pairing(fq12_t *out, const g1_affine *p, const g2_affine *q);
/* 1 iff prod_i e(ps[i], qs[i]) == 1 (one shared final exponentiation);
 * n == 0 -> 1. */
int bn254_pairing_check(const g1_affine *ps, const g2_affine *qs, size_t n);

/* ------------------------------------------------------------------ FFT */
/* Domain of size n = 2^log_n: the powers of omega_n = w28^(2^(28-log_n)),
 * w28 = 5^((r-1)/2^28) (5 is Fr's smallest quadratic non-residue; the same
 * roots as snarkjs/ffjavascript).  log_n <= 28.
 * fr_fft: coefficients -> evaluations a(omega^i), natural order in and out.
 * fr_ifft: the inverse.  Coset variants evaluate over shift * <omega>.
 * In place; RK_OK, or RK_EINPUT (log_n > 28), RK_EINTERNAL (alloc).
 * Multithreaded; results do not depend on the thread count. */
void fr_root_of_unity(fr_t *w, unsigned log_n);
int fr_fft(fr_t *a, unsigned log_n);
int fr_ifft(fr_t *a, unsigned log_n);
int fr_coset_fft(fr_t *a, unsigned log_n, const fr_t *shift);
int fr_coset_ifft(fr_t *a, unsigned log_n, const fr_t *shift);

#endif
