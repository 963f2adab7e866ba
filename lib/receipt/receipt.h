/* receipt.h - segment receipts: the claim, the file layout, proving one
 * segment and verifying a receipt (docs/formats.md "Receipt", docs/air.md).
 *
 * A receipt is container kind RK_KIND_RECEIPT.  Its meta block is the claim
 * (readable without decompressing); its payload holds the FRI parameters, the
 * segment's boundary (pc, registers and digest words before and after, the
 * touched pages with their Poseidon2 leaf digests before and after, the
 * multiproof of those pages), and the STARK proof of the RV32IM segment AIR
 * (lib/rvair).  Verification recomputes both Merkle roots and both state
 * digests from the boundary, turns the boundary into the AIR's public values
 * and verifies the STARK proof: the claim holds iff all of it checks.
 */
#ifndef RAIKO_RECEIPT_H
#define RAIKO_RECEIPT_H

#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "container/container.h"
#include "fri/fri.h"
#include "hash/poseidon2.h"
#include "rvair/rvair.h"
#include "segment/segment.h"
#include "stark/stark.h"

#define RCPT_KIND_VERSION 3 /* 2: proofs open with the verifying-key digest (docs/stark.md);
                             * 3: the boundary holds the executable range (docs/air.md) */
#define RCPT_META_LEN 148

/* What a segment receipt proves. */
typedef struct rcpt_claim {
    p2_digest image_id;
    uint32_t index;
    p2_digest pre_state, post_state;   /* memstate state digests */
    uint32_t halted, exit_code;
    uint32_t committed[8];             /* public-values digest words after the segment */
    uint64_t cycles;
} rcpt_claim;

void rcpt_claim_encode(const rcpt_claim *c, uint8_t out[RCPT_META_LEN]);
int rcpt_claim_decode(rcpt_claim *c, const uint8_t *meta, size_t len, const char *name, rk_err *e);

/* A parsed receipt. */
typedef struct receipt {
    rcpt_claim claim;
    fri_params fri;
    rvair_boundary bnd;
    size_t n_sib;
    p2_digest *sib;         /* owned */
    const uint8_t *proof;   /* into file.payload */
    size_t proof_len;
    rk_file file;
} receipt;

void rcpt_init(receipt *r);
void rcpt_free(receipt *r);
/* Parse (structure and canonical encoding only; rcpt_verify checks the rest). */
int rcpt_decode(receipt *r, const rk_file *f, const char *name, rk_err *e);

typedef struct rcpt_prove_opts {
    /* TEST ONLY (the soundness tests' cheating prover): called on the built
     * traces and boundary before proving; with skip_checks the prover's own
     * checks (rvair_check, stark's constraint check, the boundary against the
     * segment's claim) are skipped, so a tampered trace is proven anyway. */
    void (*tamper)(rvair_trace *tr, void *ctx);
    void *tamper_ctx;
    int skip_checks;
    /* also run rvair_check (exact per-constraint and per-bus diagnosis) before
     * proving; stark_prove checks constraints and bus balance in any case */
    int full_check;
    /* optional (raiko-prove-seg --progress): called as each phase of the proof
     * ends: "machine", "replay", "trace", "key", then stark_prove's phases */
    void (*progress)(void *ctx, const char *phase_done);
    void *progress_ctx;
} rcpt_prove_opts;

typedef struct rcpt_stats {
    uint64_t cycles;
    size_t proof_bytes;
    double trace_s, prove_s;
    /* trace_s by phase: the machine and key, the replay (serial), filling its rows (threads),
     * the other tables, the lookup multiplicities */
    double key_s, replay_s, fill_s, tables_s, count_s;
    stark_phase_times phases; /* prove_s by phase */
} rcpt_stats;

/* Re-execute s (seg_replay), build the traces, check them, prove, and fill
 * f with the receipt (kind RK_KIND_RECEIPT).  opts and stats may be NULL. */
int rcpt_prove_segment(const segment *s, const fri_params *fri, const rcpt_prove_opts *opts, rk_file *f,
                       rcpt_stats *stats, rk_err *e);

/* Verify a receipt.  RK_OK valid, RK_EFALSE invalid (e says why), RK_EINPUT
 * malformed.  min_bits: refuse FRI parameters below this conjectured security. */
int rcpt_verify(const receipt *r, unsigned min_bits, rk_err *e);

#endif
