/* segment.h - cutting a guest run into segment files, and replaying one
 * segment from its file alone (docs/exec.md, docs/formats.md "Segment").
 *
 * A segment is at most 2^po2 constrained cycles of the run.  Its file
 * (container kind RK_KIND_SEGMENT) holds the claim in the meta block - image
 * id, index, po2, cycles, start/end pc, halted flag, exit code, pre- and
 * post-state digests - and in the payload everything needed to re-execute
 * it: the program's executable range (part of the state, so of the image id),
 * registers and digest words at the start, the pre-state memory root,
 * every page the segment touches (fetch, load, store) with its content
 * before the segment and a multiproof against that root, and the advice
 * tape (HINT_LEN results and HINT_READ items).  Consecutive segments chain:
 * post_state of segment i == pre_state of segment i+1; segment 0's
 * pre_state is the image id.
 */
#ifndef RAIKO_SEGMENT_H
#define RAIKO_SEGMENT_H

#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/err.h"
#include "container/container.h"
#include "elf/elf.h"
#include "memstate/memstate.h"
#include "rv/rv.h"

#define SEG_KIND_VERSION 2 /* 2: the payload opens with the executable range (in the state) */
#define SEG_META_LEN 128
#define SEG_PO2_MIN 10
#define SEG_PO2_MAX 24
#define SEG_PO2_DEFAULT 20
/* The default cycle limit of a split: a guest that never halts must not fill
 * the disk with segments.  The limit is 4096 segments of 2^po2 cycles, at
 * most 2^32 cycles (2^32 at the default po2; far beyond a block's run). */
#define SEG_MAX_SEGMENTS_DEFAULT 4096u
#define SEG_MAX_CYCLES_CAP (1ull << 32)
#define SEG_MAX_CYCLES_NONE UINT64_MAX

/* The claim: the segment file's meta block. */
typedef struct seg_claim {
    p2_digest image_id;
    uint32_t index, po2;
    uint64_t cycles;
    uint32_t start_pc, end_pc;
    uint32_t halted;    /* 1 iff this segment ends with HALT (the last one) */
    uint32_t exit_code; /* a0 at HALT; 0 unless halted */
    p2_digest pre_state, post_state;
} seg_claim;

void seg_claim_encode(const seg_claim *c, uint8_t out[SEG_META_LEN]);
/* Parse and check a meta block (lengths, canonical digests, po2 range,
 * cycles in 1..2^po2, flags 0/1).  name is used in messages. */
int seg_claim_decode(seg_claim *c, const uint8_t *meta, size_t len, const char *name, rk_err *e);

/* A parsed segment file.  Pointers point into file.payload (owned). */
typedef struct segment {
    seg_claim claim;
    uint32_t text_lo, text_hi; /* the program's executable range (the state's; rv_text_ok) */
    uint32_t regs[32], committed[8], deferred[8];
    p2_digest pre_root;
    size_t n_pages;
    uint32_t *pages;           /* sorted, distinct page numbers (owned) */
    const uint8_t *page_data;  /* n_pages * 1 KiB, content before the segment */
    size_t n_sib;
    p2_digest *sib;            /* multiproof of pages against pre_root (owned) */
    const uint8_t *tape_lens;  /* n_lens u32 */
    size_t n_lens;
    const uint8_t *tape_items; /* n_items x (u32 len, bytes) */
    size_t tape_items_len, n_items;
    rk_file file;
} segment;

void seg_init(segment *s);
void seg_free(segment *s);
/* Read and parse a segment file (structure only; seg_replay checks the rest). */
int seg_load(segment *s, const char *path, rk_err *e);
int seg_decode(segment *s, const rk_file *f, const char *name, rk_err *e);

/* Called after every replayed instruction (the trace builder's hook);
 * a non-zero return stops the replay with that code. */
typedef int (*seg_step_fn)(void *ctx, const rv_step_rec *rec);

/* Re-execute the segment from its file alone and check every claim: the
 * pages against the pre-state root, the pre-state digest, exactly
 * claim.cycles instructions (halting iff claim.halted), the advice tape
 * fully used, and the post-state digest.  RK_EFALSE when the file's claims
 * do not hold, RK_EINPUT when it is malformed.  cb may be NULL. */
int seg_replay(const segment *s, seg_step_fn cb, void *ctx, rk_err *e);

/* ---- splitting ---- */
typedef struct split_opts {
    unsigned po2;
    const char *out_dir;    /* NULL: execute only, write nothing */
    int64_t only_segment;   /* >= 0: write just this segment's file (no manifest) */
    /* a run longer than this is a guest fault (RK_EFALSE): 0 means the
     * default limit (split_default_max_cycles), SEG_MAX_CYCLES_NONE none */
    uint64_t max_cycles;
    /* a directory that holds an earlier split (manifest.yaml, seg-*.rseg) is
     * refused (RK_EINPUT) unless force, which removes those files first
     * (manifest first); a --segment K write (only_segment >= 0) replaces just
     * its own file */
    int force;
    int sp1_abi;            /* RV_ABI_*: the SP1 generation's fd-4 order (advice only: not in the files) */
    const char *program;    /* name recorded in the manifest */
    FILE *guest_stdout, *guest_stderr;
    /* progress hook, after each segment is queued for writing (may be NULL);
     * payload_bytes is the uncompressed payload size */
    void (*on_segment)(void *ctx, const seg_claim *c, size_t n_pages, size_t payload_bytes);
    void *ctx;
} split_opts;

typedef struct split_result {
    p2_digest image_id;
    uint64_t total_cycles;
    uint64_t n_segments;       /* segments of the run (counted even when not written) */
    int halted;
    uint32_t exit_code;
    uint32_t committed[8], deferred[8];
    rk_buf public_values;      /* bytes the guest wrote to fd 13 */
    seg_claim *claims;         /* per written segment (all, unless only_segment) */
    size_t n_claims;
    uint64_t bytes_written;
    char fault[320];           /* the guest fault, when split_run returned RK_EFALSE */
} split_result;

void split_result_init(split_result *r);
void split_result_free(split_result *r);

/* The image id of a program: state digest of memory image + entry pc. */
int split_image_id(const elf_image *im, p2_digest *out, rk_err *e);

/* Run im on input (items are consumed) and, with out_dir (created with its
 * parents), write seg-NNNNN.rseg files and manifest.yaml there.  RK_OK when the guest
 * halted (any exit code: see r->exit_code); RK_EFALSE on a guest fault
 * (r->fault); RK_EINPUT / RK_EINTERNAL otherwise.  On any error, files this
 * call wrote are removed. */
int split_run(const elf_image *im, rv_stream *input, const split_opts *o, split_result *r, rk_err *e);

/* The default cycle limit at this po2: min(4096 << po2, 2^32). */
uint64_t split_default_max_cycles(unsigned po2);

/* "seg-00042.rseg" */
void seg_file_name(uint64_t index, char out[32]);

#endif
