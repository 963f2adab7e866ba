/* rvair.h - the RV32IM segment AIR: tables, public values and trace building
 * (docs/air.md is the specification; this header is the map).
 *
 * One segment of a guest run is proven by one multi-table STARK (lib/stark)
 * over the machine built by rvair_machine_build:
 *
 *   CPU    one row per constrained cycle: fetch (a memory read of the word at
 *          pc), in-AIR decode (32 instruction bits, one-hot op flags), the
 *          register reads/write and the load/store as memory accesses, and
 *          every RV32IM instruction's semantics (byte adder chains, an 8x8
 *          byte multiplier used by MUL*, the shifts and DIV/REM, lookups for
 *          AND/OR/XOR), pc flow, the SP1 syscalls;
 *   HINT   one row per word written by HINT_READ (prover-supplied values);
 *   PAGE   one row per 4 words of every page the segment touches: sends the
 *          initial and receives the final value of each word on the memory
 *          bus, and feeds both page contents through the Poseidon2 sponge;
 *   P2     one row per Poseidon2 permutation (all rounds in the row);
 *   BYTES  fixed 2^16-row table: byte pairs, 16-bit range, AND/OR/XOR.
 *
 * Memory consistency is one LogUp bus of (address, timestamp, lo16, hi16):
 * each access receives the previous (address, ts', value') and sends
 * (address, ts, value) with ts' < ts range-checked.  Registers, the
 * committed-digest words and the deferred-proof words are memory cells at
 * addresses 4i+1, 4i+2, 4i+3 (never a memory word address, which is 0 mod 4);
 * their boundary values are public values.  Page contents enter as Poseidon2
 * leaf digests (public values), which the receipt verifier links to the pre-
 * and post-state commitments with the segment's Merkle multiproof.
 */
#ifndef RAIKO_RVAIR_H
#define RAIKO_RVAIR_H

#include <stddef.h>
#include <stdint.h>

#include "air/air.h"
#include "common/err.h"
#include "field/field.h"
#include "hash/poseidon2.h"
#include "rv/rv.h"

enum { RVAIR_T_CPU = 0, RVAIR_T_HINT, RVAIR_T_PAGE, RVAIR_T_P2, RVAIR_T_BYTES, RVAIR_N_TABLES };

/* Buses, in the order rvair_machine_build creates them (ids 0..). */
enum { RVAIR_BUS_MEM = 0, RVAIR_BUS_BYTE, RVAIR_BUS_R16, RVAIR_BUS_P2, RVAIR_BUS_LEAF,
       RVAIR_BUS_HINT, RVAIR_BUS_END, RVAIR_BUS_HALT, RVAIR_N_BUSES };

/* ---- public values ----
 * [0] pc at the start, [1] pc after the last cycle (0 after HALT),
 * [2] cycles, [3] halted (0/1), [4..5] exit code lo16/hi16, [6..15] the
 * claim's labels (image id, segment index lo16/hi16), [16..19] the executable range:
 * text_lo lo16/hi16, text_hi lo16/hi16 (every CPU row's pc lies in it, no store or HINT_READ
 * word does), then RVAIR_N_CELLS state cells x 5: pre lo16, pre hi16, post lo16, post hi16,
 * timestamp of the last access (0 if untouched); cells 0..31 = x0..x31,
 * 32..39 committed-digest words, 40..47 deferred-proof words;
 * then per touched page (sorted, distinct): page number, pre-leaf digest (8),
 * post-leaf digest (8). */
#define RVAIR_PUB_PC_PRE 0
#define RVAIR_PUB_PC_POST 1
#define RVAIR_PUB_CYCLES 2
#define RVAIR_PUB_HALTED 3
#define RVAIR_PUB_EXIT 4
#define RVAIR_PUB_LABEL 6   /* image id (8), segment index lo16, hi16: no constraint reads
                             * them; they are public values so that the transcript binds
                             * the proof to the claim's labels */
#define RVAIR_PUB_TEXT 16    /* text_lo lo16, hi16, text_hi lo16, hi16 */
#define RVAIR_PUB_CELLS 20
#define RVAIR_N_CELLS 48
#define RVAIR_CELL_WIDTH 5
#define RVAIR_PUB_PAGES (RVAIR_PUB_CELLS + RVAIR_N_CELLS * RVAIR_CELL_WIDTH)
#define RVAIR_PAGE_WIDTH 17
#define RVAIR_MAX_PAGES (1u << 16) /* 64 MiB touched per segment */
/* Page numbers must lie below this (the last page wholly under RV_MEM_END). */
#define RVAIR_PAGE_LIMIT (RV_MEM_END >> RV_PAGE_LOG)

static inline unsigned rvair_n_public(uint32_t n_pages)
{
    return RVAIR_PUB_PAGES + n_pages * RVAIR_PAGE_WIDTH;
}
/* Memory-bus address of state cell c (0..47). */
static inline uint32_t rvair_cell_addr(unsigned c)
{
    return c < 32 ? 4 * c + 1 : c < 40 ? 4 * (c - 32) + 2 : 4 * (c - 40) + 3;
}

/* Build and finalize the machine for a segment touching n_pages pages (the
 * number of public values depends on it; the tables do not).  m must be
 * uninitialized; free it with air_machine_free. */
int rvair_machine_build(air_machine *m, uint32_t n_pages, rk_err *e);

/* The BYTES table's preprocessed columns (2^16 rows x RVAIR_BYTES_PRE), malloc'ed. */
#define RVAIR_BYTES_LOG 16
#define RVAIR_BYTES_PRE 5
bb_t *rvair_bytes_preprocessed(void);

/* ---- the boundary of a segment (what the receipt carries besides the proof) ---- */
typedef struct rvair_boundary {
    p2_digest image_id;     /* labels of the claim (bound by the transcript) */
    uint32_t index;
    uint32_t pc_pre, pc_post;
    uint32_t text_lo, text_hi; /* the executable range: part of both states (so of the image id) */
    uint64_t cycles;
    uint32_t halted, exit_code;
    uint32_t cell_pre[RVAIR_N_CELLS], cell_post[RVAIR_N_CELLS], cell_ts[RVAIR_N_CELLS];
    uint32_t n_pages;
    uint32_t *pages;        /* sorted, distinct (owned) */
    p2_digest *leaf_pre;    /* per page (owned) */
    p2_digest *leaf_post;
} rvair_boundary;

void rvair_boundary_init(rvair_boundary *b);
void rvair_boundary_free(rvair_boundary *b);
/* The boundary's rules on the executable range that the AIR cannot state (the verifier's
 * native checks, lib/receipt): the range is 4-aligned with 32 <= text_lo < text_hi <=
 * 0x78000000 (what the AIR's limb comparisons assume), and a segment that does not halt
 * ends inside it (the AIR checks the pc of every row it has, not the pc after the last one:
 * without this a segment ending with a jump out of the program would verify, where the
 * executor faults at that jump and no next segment could start).  RK_EFALSE, named. */
int rvair_boundary_check(const rvair_boundary *b, rk_err *e);
/* The public values of a boundary (rvair_n_public(b->n_pages) elements). */
int rvair_publics(const rvair_boundary *b, bb_t **out, rk_err *e);
/* The log heights the traces of a segment with this many cycles and touched pages have:
 * CPU, PAGE, P2 and BYTES are fixed by them (the verifier insists, so that a prover
 * cannot pad a table and weaken the extension-field terms of docs/stark.md); HINT's
 * real rows are not in the claim, so its entry is the largest height allowed. */
void rvair_log_heights(uint64_t cycles, uint32_t n_pages, unsigned lh[RVAIR_N_TABLES]);

/* ---- traces ---- */
typedef struct rvair_trace {
    unsigned log_h[RVAIR_N_TABLES];
    bb_t *main[RVAIR_N_TABLES];   /* row-major, internal form (owned) */
    rvair_boundary bnd;
    /* rvair_builder_finish's time (seconds): the logged rows filled on the threads, the other
     * tables' rows, the lookup multiplicities */
    double fill_s, tables_s, count_s;
} rvair_trace;

void rvair_trace_init(rvair_trace *tr);
void rvair_trace_free(rvair_trace *tr);

/* The trace builder: start from a pre-state (pc, the executable range [text_lo, text_hi),
 * cells, the content of every page the segment may touch), feed the executor's step records
 * in order, then finish.  Pages are given sorted; content is n_pages * 1 KiB.  The builder
 * fills rows for whatever the records say (a pc outside the range, a write into it): the
 * constraints, not the builder, are what refuse such a run (rvair_check names them). */
typedef struct rvair_builder rvair_builder;
int rvair_builder_new(rvair_builder **bp, uint32_t pc, uint32_t text_lo, uint32_t text_hi,
                      const uint32_t regs[32],
                      const uint32_t committed[8], const uint32_t deferred[8],
                      const uint32_t *pages, uint32_t n_pages, const uint8_t *page_data,
                      rk_err *e);
/* Optional: the segment's cycle count, so the CPU rows are allocated once at their final
 * (power-of-two) height and handed to the trace without a copy.  Call before the first step. */
int rvair_builder_reserve(rvair_builder *b, uint64_t cycles, rk_err *e);
/* The parallel replay: with chunk_cycles > 0 (set before the first step), rvair_builder_step
 * only logs the step and advances the state, and rvair_builder_finish fills the rows on the
 * threads, chunk_cycles at a time from saved states; 0 fills each row as its step comes.
 * Same traces either way.  rvair_builder_reserve picks it for segments of 2^15 cycles and more
 * when there are several threads. */
void rvair_builder_set_parallel(rvair_builder *b, size_t chunk_cycles);
/* hint_data: for HINT_READ, the item bytes written (len = a1), else NULL. */
int rvair_builder_step(rvair_builder *b, const rv_step_rec *rec, const uint8_t *hint_data,
                       rk_err *e);
/* Lay out all tables (padding to powers of two), compute the page digests and
 * the lookup multiplicities; tr receives everything.  Frees b. */
int rvair_builder_finish(rvair_builder *b, const air_machine *m, rvair_trace *tr, rk_err *e);
void rvair_builder_free(rvair_builder *b);

/* The BYTES table's multiplicities, counted from every byte and 16-bit lookup the other tables
 * make (rvair_builder_finish calls it; the rows are cut in pieces on the threads, same counts
 * for any thread count).  RK_EINPUT names the first row (table, row, interaction) whose
 * lookup is not a byte operation or a 16-bit value. */
int rvair_count_lookups(const air_machine *m, rvair_trace *tr, const bb_t *bytes_pre, rk_err *e);

/* Check every constraint of every table on its trace and that each bus
 * balances (exact multiset check over the base field, no randomness): the
 * prover's own check, with a message naming table, constraint and row.
 * RK_EFALSE when something does not hold. */
int rvair_check(const air_machine *m, const rvair_trace *tr, const bb_t *bytes_pre, rk_err *e);

/* CPU column indices (exposed for the soundness tests, which tamper with
 * single cells).  See docs/air.md for each column's meaning. */
enum {
    CPU_REAL = 0, CPU_LASTREAL, CPU_CLK,
    CPU_PCQ, CPU_PC1, CPU_PC2, CPU_PC3,   /* pc bytes: byte0 = 4 * pcq */
    CPU_NPB,                              /* 4: next pc bytes */
    CPU_W = CPU_NPB + 4,                  /* 32 instruction bits */
    CPU_F = CPU_W + 32,                   /* one flag per rv_op RV_LUI..RV_ECALL */
    CPU_IM = CPU_F + (RV_ECALL - RV_LUI + 1), /* 4 immediate bytes */
    CPU_OB = CPU_IM + 4,                  /* operand b bytes */
    CPU_A = CPU_OB + 4,                   /* rs1 value bytes */
    CPU_B = CPU_A + 4,                    /* rs2 value bytes */
    CPU_R = CPU_B + 4,                    /* result bytes */
    CPU_T = CPU_R + 4,                    /* aux bytes: address / difference / target */
    CPU_CA = CPU_T + 4,                   /* carries of adder chain A */
    CPU_CN = CPU_CA + 4,                  /* carries of the next-pc chain N */
    CPU_LSB = CPU_CN + 4,
    CPU_RD0, CPU_RDINV,
    CPU_TEQ, CPU_TINV, CPU_TAKEN, CPU_SA, CPU_SB, CPU_ST,
    CPU_PTS,                              /* 5 previous timestamps: fetch, rs1, rs2, mem, rd */
    CPU_DLO = CPU_PTS + 5, CPU_DHI = CPU_DLO + 5,
    CPU_TQ = CPU_DHI + 5, CPU_OH, CPU_MB = CPU_OH + 4, CPU_MO, CPU_MN = CPU_MO + 4,
    CPU_LB0 = CPU_MN + 4, CPU_LB1, CPU_LS0, CPU_LS1,
    CPU_MX, CPU_MY = CPU_MX + 4, CPU_SX = CPU_MY + 5, CPU_SY, CPU_PP, CPU_CM = CPU_PP + 8,
    CPU_SBIT = CPU_CM + 8, CPU_SHHI = CPU_SBIT + 5, CPU_U, CPU_E = CPU_U + 3, CPU_POW = CPU_E + 5,
    CPU_Q, CPU_RM = CPU_Q + 4, CPU_SQ = CPU_RM + 4, CPU_SRM, CPU_CD,
    CPU_RMZ = CPU_CD + 8, CPU_RMINV, CPU_BZ, CPU_BINV, CPU_DE, CPU_DCHK,
    CPU_SYS,                              /* 8 syscall flags, RVAIR_SYS_* order */
    CPU_NW = CPU_SYS + 8, CPU_PAD, CPU_NZ = CPU_PAD + 2,
    CPU_ROLD,                             /* rd's previous value (lo16, hi16): free, matched by the bus */
    /* the executable range (docs/air.md "CPU", "text range"): pc - text_lo and
     * text_hi - 4 - pc as 16-bit limbs (lo, hi) and the low limbs' carry */
    CPU_XLO = CPU_ROLD + 2, CPU_XHI = CPU_XLO + 3,
    CPU_WS = CPU_XHI + 3,                 /* stores: below text_lo (0) or at/above text_hi (1), */
    CPU_WD,                               /* and the difference's limbs (lo, hi) and carry */
    CPU_WIDTH = CPU_WD + 3
};
enum { RVAIR_SYS_HALT = 0, RVAIR_SYS_WRITE, RVAIR_SYS_ENTER, RVAIR_SYS_EXIT, RVAIR_SYS_COMMIT,
       RVAIR_SYS_COMMIT_DEFERRED, RVAIR_SYS_HINT_LEN, RVAIR_SYS_HINT_READ, RVAIR_N_SYS };
#define CPU_FLAG(op) (CPU_F + (op) - RV_LUI)

enum { HINT_REAL = 0, HINT_FIRST, HINT_LAST, HINT_TS, HINT_ADDR, HINT_REM, HINT_GE /* 3 */,
       HINT_V = HINT_GE + 3, HINT_PTS = HINT_V + 4, HINT_PLO, HINT_PHI, HINT_DLO, HINT_DHI,
       HINT_AL, HINT_AH,     /* ADDR's 16-bit limbs */
       HINT_WS, HINT_WD,     /* ADDR outside the executable range: as CPU_WS, CPU_WD (3) */
       HINT_WIDTH = HINT_WD + 3 };

enum { PAGE_REAL = 0, PAGE_FIRST, PAGE_LAST, PAGE_PG, PAGE_J,
       PAGE_WORDS /* 4 x (init lo, init hi, final ts, final lo, final hi) */,
       PAGE_CAP_PRE = PAGE_WORDS + 20, PAGE_OUT_PRE = PAGE_CAP_PRE + 8,
       PAGE_CAP_POST = PAGE_OUT_PRE + 16, PAGE_OUT_POST = PAGE_CAP_POST + 8,
       PAGE_WIDTH = PAGE_OUT_POST + 16 };

/* P2: input (16), then per full round 16 cubes + 16 S-box outputs, per
 * partial round 1 cube + 1 S-box output, then the multiplicity. */
#define P2T_IN 0
#define P2T_WIDTH (16 + 8 * 32 + 13 * 2 + 1)
#define P2T_MULT (P2T_WIDTH - 1)
/* Fill one P2 row from its 16 inputs (internal form); out receives the output state. */
void rvair_p2_fill_row(bb_t *row, const bb_t in[16], bb_t out[16]);

enum { BYTES_M_PAIR = 0, BYTES_M_R16, BYTES_M_AND, BYTES_M_OR, BYTES_M_XOR, BYTES_WIDTH };

#endif
