/* aggregate.h - joining segment receipts into one receipt for a range of a
 * run (docs/formats.md "Aggregate", docs/distributed.md).
 *
 * An aggregate claims: the program (image id), a contiguous range of segment
 * indices first..last, the state before segment `first` and after segment
 * `last`, whether the run halted at `last` (and its exit code and
 * public-values digest), and the cycles of the range.  A range is COMPLETE
 * when it starts at segment 0 (whose pre-state must be the image id) and
 * ends with the segment that halted: then the claim is about the whole run.
 *
 * Kind version 1 (this file): an aggregate CARRIES its segment receipts, in
 * index order, and verifying it verifies every one of them and the chain.
 * Its size grows with the run.  A later constant-size recursive aggregate
 * will be kind version 2 with the same claim and the same CLI.
 *
 * Inputs to agg_build may be segment receipts and aggregates in any order;
 * an aggregate input contributes its receipts (after being verified), so
 * aggregation is a tree: aggregate(agg(0..7), agg(8..15)).
 */
#ifndef RAIKO_AGGREGATE_H
#define RAIKO_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "container/container.h"
#include "hash/poseidon2.h"
#include "receipt/receipt.h"

#define AGG_KIND_VERSION 1
#define AGG_META_LEN 160
#define AGG_MODE_CARRIES_RECEIPTS 1   /* the proof is the list of segment receipts */
#define AGG_MAX_SEGMENTS (1u << 20)

typedef struct agg_claim {
    p2_digest image_id;
    uint32_t first, last;              /* segment indices, inclusive */
    p2_digest pre_state, post_state;
    uint32_t halted, exit_code;
    uint32_t committed[8];             /* public-values digest words after `last` */
    uint64_t cycles;                   /* sum over the range */
    uint32_t mode;                     /* AGG_MODE_* */
    unsigned security_bits;            /* not stored: set by agg_verify / agg_build to the least
                                          conjectured FRI security of the receipts it verified */
} agg_claim;

void agg_claim_encode(const agg_claim *c, uint8_t out[AGG_META_LEN]);
int agg_claim_decode(agg_claim *c, const uint8_t *meta, size_t len, const char *name, rk_err *e);
/* 1 iff the claim covers a whole run: starts at segment 0 and halted. */
int agg_claim_complete(const agg_claim *c);

/* The chain rules, on segment claims sorted by index (names for messages):
 * one image id, consecutive indices (gaps and duplicates named), each
 * post-state equal to the next pre-state, segment 0 starting from the image
 * id, no segment after a halted one.  Fills out (mode left 0).  RK_EFALSE
 * naming the first broken rule. */
int agg_check_chain(const rcpt_claim *claims, const char *const *names, size_t n, agg_claim *out,
                    rk_err *e);

/* Read, verify and join the receipt/aggregate files at paths into one
 * aggregate file f (kind RK_KIND_AGGREGATE).  RK_EFALSE when an input does
 * not verify or the inputs do not chain; RK_EINPUT for unreadable input.
 * min_bits: refuse receipts proven below this conjectured security. */
int agg_build(const char *const *paths, size_t n_paths, unsigned min_bits, rk_file *f, agg_claim *claim,
              rk_err *e);

/* Verify an aggregate file: every carried receipt, the chain, and that the
 * claim in meta is exactly the chain's.  RK_OK valid, RK_EFALSE invalid,
 * RK_EINPUT malformed. */
int agg_verify(const rk_file *f, const char *name, unsigned min_bits, agg_claim *claim, rk_err *e);
/* Optional progress report (the tools' --progress): called after each segment
 * receipt agg_verify / agg_build has verified, with its name and how many so
 * far.  NULL (the default) reports nothing.  Not thread-safe: set it once. */
typedef void (*agg_progress_fn)(void *ctx, const char *name, size_t verified);
void agg_set_progress(agg_progress_fn fn, void *ctx);

#endif
