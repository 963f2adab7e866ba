/* r1cs.h - rank-1 constraint systems over BN254's Fr: a builder with
 * witness assignment, a satisfaction check, and the circom/snarkjs .r1cs and
 * .wtns files (docs/groth16.md).
 *
 * Variables are numbered as circom/snarkjs number them: 0 is the constant 1,
 * then the public variables (1..n_public), then the private ones.  Every
 * constraint says <A,w> * <B,w> = <C,w> for the full assignment w.
 *
 * Building: allocate variables with their witness values (a gadget computes
 * the value of every variable it creates - the "hint" - and constrains it),
 * form linear combinations, enforce constraints.  Builder calls never fail
 * one by one: an error (out of memory, a linear combination that grew past
 * R1CS_LC_MAX terms, a public variable after a private one) is kept in the
 * system and reported by r1cs_status(), so gadget code stays straight-line.
 */
#ifndef RAIKO_R1CS_R1CS_H
#define RAIKO_R1CS_R1CS_H

#include <stddef.h>
#include <stdint.h>

#include "bn254/bn254.h"
#include "common/buf.h"
#include "common/err.h"

typedef struct r1cs_term {
    uint32_t var;
    fr_t coef;
} r1cs_term;

/* A linear combination with inline storage (no allocation; gadgets keep them
 * on the stack).  Terms are merged by variable when added. */
#define R1CS_LC_MAX 48
typedef struct r1cs_lc {
    uint32_t n;
    int overflow; /* a term did not fit: the builder records an error on use */
    r1cs_term t[R1CS_LC_MAX];
} r1cs_lc;

typedef struct r1cs {
    uint32_t n_vars;        /* including variable 0 (the constant 1) */
    uint32_t n_public;      /* variables 1..n_public are public */
    uint32_t n_outputs;     /* the first n_outputs public variables are "outputs" (.r1cs header only) */
    uint32_t n_constraints;
    fr_t *w;                /* witness, n_vars values (NULL for a system read from a .r1cs) */
    size_t w_cap;
    uint64_t *row;          /* row[3c+m] = first term of matrix m (0 A, 1 B, 2 C) of constraint c; row[3n] = end */
    size_t row_cap;
    r1cs_term *terms;
    size_t n_terms, terms_cap;
    rk_err err;             /* first builder error (code RK_OK while none) */
} r1cs;

void r1cs_init(r1cs *cs);   /* empty system holding variable 0 = 1 */
void r1cs_free(r1cs *cs);
/* RK_OK, or the first builder error (message names the problem). */
int r1cs_status(const r1cs *cs, rk_err *e);

/* New public / private variable with the given witness value (NULL = 0).
 * All public variables must be created before the first private one. */
uint32_t r1cs_public(r1cs *cs, const fr_t *value);
uint32_t r1cs_private(r1cs *cs, const fr_t *value);
/* The witness value of a variable (0 is 1). */
const fr_t *r1cs_value(const r1cs *cs, uint32_t var);

/* Linear combinations. */
void r1cs_lc_zero(r1cs_lc *l);
void r1cs_lc_var(r1cs_lc *l, uint32_t var);                       /* l = var */
void r1cs_lc_const(r1cs_lc *l, const fr_t *c);                    /* l = c * 1 */
void r1cs_lc_add_term(r1cs_lc *l, uint32_t var, const fr_t *coef); /* l += coef * var */
void r1cs_lc_add_var(r1cs_lc *l, uint32_t var);                   /* l += var */
void r1cs_lc_add_const(r1cs_lc *l, const fr_t *c);                /* l += c */
void r1cs_lc_add_lc(r1cs_lc *l, const r1cs_lc *o, const fr_t *scale); /* l += scale * o (scale NULL = 1) */
void r1cs_lc_scale(r1cs_lc *l, const fr_t *s);
void r1cs_lc_eval(const r1cs *cs, const r1cs_lc *l, fr_t *out);   /* <l, w> */

/* Enforce a * b = c.  b NULL means the constant 1 (a linear constraint). */
void r1cs_enforce(r1cs *cs, const r1cs_lc *a, const r1cs_lc *b, const r1cs_lc *c);
/* Common shapes: out = x * y (new private variable, value computed), and x = y. */
uint32_t r1cs_mul(r1cs *cs, const r1cs_lc *x, const r1cs_lc *y);
void r1cs_enforce_equal(r1cs *cs, const r1cs_lc *x, const r1cs_lc *y);

/* RK_OK if the witness satisfies every constraint, RK_EFALSE otherwise
 * (message: the first failing constraint), RK_EINPUT if there is no witness
 * or the builder had an error. */
int r1cs_check(const r1cs *cs, rk_err *e);
/* The same for an external witness (w: n_vars values, w[0] must be 1). */
int r1cs_check_witness(const r1cs *cs, const fr_t *w, size_t n, rk_err *e);

/* .r1cs (circom format, version 1): header, constraints, identity wire map.
 * Coefficients are stored as canonical little-endian integers. */
int r1cs_write_r1cs(const r1cs *cs, rk_buf *out, rk_err *e);
/* Parse a .r1cs into cs (r1cs_init'ed; replaced; no witness; on error left empty).  Checks the prime is
 * BN254's r, every wire id < nVars, every coefficient canonical. */
int r1cs_read_r1cs(r1cs *cs, const uint8_t *buf, size_t len, const char *name, rk_err *e);

/* .wtns (version 2): n values, canonical little-endian. */
int r1cs_write_wtns(const fr_t *w, size_t n, rk_buf *out, rk_err *e);
/* Parse a .wtns: *w (malloc'ed, free()) gets *n values.  Rejects another
 * prime, non-canonical values, w[0] != 1. */
int r1cs_read_wtns(fr_t **w, size_t *n, const uint8_t *buf, size_t len, const char *name, rk_err *e);

/* Files by path (atomic writes). */
int r1cs_save_r1cs(const r1cs *cs, const char *path, rk_err *e);
int r1cs_load_r1cs(r1cs *cs, const char *path, rk_err *e);
int r1cs_save_wtns(const fr_t *w, size_t n, const char *path, rk_err *e);
int r1cs_load_wtns(fr_t **w, size_t *n, const char *path, rk_err *e);

#endif
