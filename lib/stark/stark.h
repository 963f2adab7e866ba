/* stark.h - prove and verify a multi-table AIR machine (lib/air) with FRI (lib/fri).
 *
 * Usage:
 *   air_machine m;  ... build tables ...;  air_machine_finalize(&m, &e);
 *   stark_pk pk;  stark_pk_init(&pk);
 *   stark_keygen(&m, &params, pre_traces, pre_log_heights, &pk, &e);   // once per machine
 *   rk_buf proof; rk_buf_init(&proof);
 *   stark_prove(&pk, traces, log_heights, publics, NULL, &proof, &e);  // per statement
 *   stark_verify(&m, &pk.vk, publics, proof.data, proof.len, &e);      // RK_OK / RK_EFALSE
 *
 * Traces are row-major base-field matrices in internal (Montgomery) form:
 * traces[t] has 2^log_heights[t] rows and m.tables[t]->main_width columns.
 * Tables with preprocessed columns have the height fixed at keygen
 * (pre_log_heights[t]); the others may vary per proof (the heights are in the
 * proof and in the transcript).  Heights: 2^log_final_poly_len .. 2^26 rows.
 *
 * The proof bytes are a canonical layout (docs/stark.md): every count is
 * implied by the machine, the vk and the heights; every word is a canonical
 * field element; trailing bytes are rejected.  Proving is deterministic:
 * identical bytes for identical inputs, whatever the thread count.
 */
#ifndef RAIKO_STARK_H
#define RAIKO_STARK_H

#include <stddef.h>
#include <stdint.h>

#include "air/air.h"
#include "common/buf.h"
#include "common/err.h"
#include "fri/fri.h"
#include "merkle/merkle.h"

#define STARK_MAX_LOG_HEIGHT 26
#define STARK_VK_MAGIC 0x4b565352u /* "RSVK" */

/* The verifying key: the FRI parameters, the preprocessed commitment and a digest of
 * the AIR itself (stark_air_digest).  Its digest (stark_vk_digest) opens the transcript
 * and every proof, so a proof made under another key does not verify under this one. */
typedef struct stark_vk {
    fri_params fri;             /* fri.log_arity is the effective value (1..4; keygen: 1) */
    uint32_t n_tables;
    uint32_t *pre_log_heights;  /* per table; meaningful only when pre_width > 0 */
    p2_digest pre_root;         /* commitment to all preprocessed columns (zero if none) */
    int has_pre;
    p2_digest air_digest;       /* stark_air_digest of the machine the key was made for */
} stark_vk;

/* The proving key: the vk plus the preprocessed LDEs and their tree. */
typedef struct stark_pk {
    stark_vk vk;
    const air_machine *m;       /* borrowed */
    bb_t **pre_trace;           /* per table, owned copies (NULL without pre columns) */
    bb_t **pre_lde;             /* per table, bit-reversed coset LDE */
    merkle_tree pre_tree;
} stark_pk;

void stark_vk_init(stark_vk *vk);
void stark_vk_free(stark_vk *vk);
void stark_pk_init(stark_pk *pk);
void stark_pk_free(stark_pk *pk);

/* Commit the preprocessed columns.  pre_traces[t] / pre_log_heights[t] are
 * ignored for tables without preprocessed columns (may be NULL if none has).
 * m must be finalized and must outlive pk. */
int stark_keygen(const air_machine *m, const fri_params *fri, const bb_t *const *pre_traces,
                 const unsigned *pre_log_heights, stark_pk *pk, rk_err *e);

/* The same with FRI folding arity up to 2^fri_log_arity per round (1..4):
 * fewer Merkle paths per query, so smaller proofs and fewer hashes to verify. */
int stark_keygen_ex(const air_machine *m, const fri_params *fri, unsigned fri_log_arity,
                    const bb_t *const *pre_traces, const unsigned *pre_log_heights, stark_pk *pk,
                    rk_err *e);

/* vk serialization (canonical; decode rejects anything else).  Layout in docs/stark.md. */
int stark_vk_encode(const stark_vk *vk, rk_buf *out, rk_err *e);
int stark_vk_decode(const uint8_t *p, size_t len, stark_vk *vk, rk_err *e);

/* The digest of a finalized machine's constraint system: a canonical serialization of
 * the buses and their arities and, per table, the column counts, the LogUp batches,
 * every DAG node, the constraint list and the interactions (docs/stark.md, "Keys"),
 * hashed with Poseidon2.  Names and labels are not part of it.  The public-value count
 * and the public interactions are not either: they belong to the statement (the
 * segment AIR's grow with its page count; docs/stark.md 5.1 says why that is sound).
 * About 6 ms for the segment AIR.  RK_EINTERNAL on OOM. */
int stark_air_digest(const air_machine *m, p2_digest *out, rk_err *e);
/* The key's digest: Poseidon2 over the vk's canonical encoding (stark_vk_encode). */
int stark_vk_digest(const stark_vk *vk, p2_digest *out, rk_err *e);

/* Wall seconds of the prover's phases (for -v/--json and tuning; the phases of docs/stark.md). */
typedef struct stark_phase_times {
    double check;    /* the prover's own constraint and LogUp balance checks */
    double main;     /* main traces: LDE and commit */
    double perm;     /* LogUp permutation traces: build, LDE, commit */
    double quotient; /* quotient values, their NTTs, commit */
    double open;     /* openings at zeta */
    double fri;      /* FRI: DEEP reduction, folds and commits, queries */
} stark_phase_times;

typedef struct stark_prove_opts {
    /* TEST ONLY: skip the prover's own check that the traces satisfy every
     * constraint and that the LogUp sums balance, so tests can show that a
     * bad trace does not yield a verifying proof.  Never set in production. */
    int test_skip_constraint_check;
    stark_phase_times *times; /* optional: filled by stark_prove */
    /* optional (the tools' --progress): called as each phase ends, with its
     * name ("check", "main", "perm", "quotient", "open", "fri") */
    void (*progress)(void *ctx, const char *phase_done);
    void *progress_ctx;
} stark_prove_opts;

/* Prove; appends the proof bytes to out.  RK_EINPUT if a trace has a wrong
 * shape or violates a constraint (the message names the table, the
 * constraint index and the row), RK_EINTERNAL on OOM. */
int stark_prove(const stark_pk *pk, const bb_t *const *traces, const unsigned *log_heights,
                const bb_t *publics, const stark_prove_opts *opts, rk_buf *out, rk_err *e);

/* The LogUp program of a table (for lib/gpu's gpu_logup_dev): accumulator j < n_inter gets
 * interaction j's denominator beta + bus_j + sum_k gamma^(k+1) v_jk (beta = ch[AIR_CH_BETA],
 * gamma^k = ch[AIR_CH_GAMMA1 + k - 1]), accumulator n_inter + j its multiplicity. */
int stark_logup_program(const air_table *tb, const bb4_t *ch, const bb_t *publics, air_program *p, rk_err *e);

/* Verify.  RK_OK, RK_EFALSE (the proof is false or malformed; message says
 * which check), RK_EINPUT (the machine and vk do not match). */
int stark_verify(const air_machine *m, const stark_vk *vk, const bb_t *publics,
                 const uint8_t *proof, size_t len, rk_err *e);

/* Conjectured security of a vk's parameters (= fri_security_bits). */
unsigned stark_security_bits(const stark_vk *vk);

/* A proof's table heights (log2, n_tables of them) as the proof states them, for a caller
 * that binds them to its claim before stark_verify (which checks them for range only).
 * RK_EFALSE when the proof is too short to hold them. */
int stark_proof_log_heights(const uint8_t *proof, size_t len, size_t n_tables, unsigned *out, rk_err *e);

/* ---- shared by the prover and the verifier (not for AIR authors) ---- */

/* log2 of a table's quotient degree: ceil(log2(max(max_degree - 1, 1))). */
unsigned stark_log_quotient_degree(const air_table *t);
/* Check that machine m matches vk (table count, heights, blowup vs degree, the AIR digest). */
int stark_check_machine(const air_machine *m, const stark_vk *vk, rk_err *e);
/* The transcript's opening: the key's digest, the public values, the heights. */
void stark_observe_instance(chal *c, const air_machine *m, const p2_digest *vk_digest, const bb_t *publics,
                            const unsigned *log_heights);
/* ---- LogUp rules (each in one place; docs/stark.md 4.3) ----
 * An interaction's denominator is beta + bus + sum_k gamma^(k+1) v_k, with
 * ch[AIR_CH_BETA] = beta and ch[AIR_CH_GAMMA1 + k] = gamma^(k+1).  Its row-independent
 * part beta + bus: */
static inline bb4_t stark_logup_den_base(const bb4_t *ch, uint32_t bus)
{
    return bb4_add(ch[AIR_CH_BETA], bb4_from_base(bb_from_u32(bus)));
}
/* The whole denominator from extension-valued values v[value nodes] (a point evaluation). */
bb4_t stark_logup_den_point(const air_interaction *it, const bb4_t *ch, const bb4_t *v);
/* The public interactions' LogUp sum: sum over m->pub's interactions of +-mult/den,
 * evaluated from the public values (the verifier's term, and the prover's own balance
 * check).  per_bus (NULL, or n_buses sums) gets each term added to its bus too.
 * RK_OK, RK_EFALSE (a zero denominator), RK_EINTERNAL (out of memory). */
int stark_public_logup_sum(const air_machine *m, const bb_t *publics, const bb4_t *ch, bb4_t *sum,
                           bb4_t *per_bus);

/* An extension element from the values of its 4 base-coefficient columns:
 * sum_j parts[j] * X^j. */
bb4_t stark_ext_from_parts(const bb4_t *parts);

/* Where one table's opened values sit in its block of the proof (extension elements:
 * preprocessed, main and permutation columns at zeta and zeta*g, then the quotient chunks'
 * parts at zeta); base NULL only counts them.  Returns the count. */
typedef struct stark_topen {
    const bb4_t *pre[2], *main[2], *perm[2], *quot;
    size_t n;
} stark_topen;
size_t stark_table_open_layout(const air_table *tb, unsigned log_qd, const bb4_t *base, stark_topen *o);
/* The FRI batch layout (docs/stark.md 5.6), shared by the prover and the verifier: the
 * batches in order preprocessed (if any), main, permutation (if any), quotient; within a
 * batch the tables in order, each matrix with its LDE height, width, points (zeta and
 * zeta g; the quotient zeta only) and opened values.  The caller gives per table its log
 * height, opened values (op) and two points (pts[t]), and arrays of 4 n_tables slots
 * (widths, lh, np, pts_out, vals, tab: the table of each slot); fb[0..4) gets every field
 * but root, tree and d_mats, and commit[k] which commitment batch k opens (0 preprocessed,
 * 1 main, 2 permutation, 3 quotient).  Returns the number of batches. */
size_t stark_fri_layout(const air_machine *m, const unsigned *log_n, unsigned log_blowup, const stark_topen *op,
                        const bb4_t *const *pts, size_t *widths, unsigned *lh, unsigned *np, const bb4_t **pts_out,
                        const bb4_t **vals, size_t *tab, fri_batch *fb, int *commit);

/* The out-of-domain check of one table (the verifier's, and the prover's check of its own
 * openings): sum_i alpha^i C_i(zeta) == Z_H(zeta) * sum_t zeta^(t n) Q_t(zeta), with
 * ch[AIR_CH_CUMSUM] the table's cumulative sum.  RK_OK, RK_EFALSE, RK_EINTERNAL (out of memory). */
int stark_table_check_at_zeta(const air_table *tb, unsigned log_n, unsigned log_qd, const stark_topen *o,
                              const bb_t *publics, const bb4_t *ch, bb4_t alpha, bb4_t zeta);

#endif
