/* rv.h - RV32IM interpreter with SP1's guest ABI (docs/exec.md).
 *
 * Two interpreters share one decoder and one machine state:
 *  - rv_run: the fast path.  Every word of the program's executable range is
 *    decoded once into an rv_insn array indexed by (pc - text_lo) / 4; the
 *    loop is a switch over pre-decoded ops and never allocates.  With
 *    m->track set it also records, per segment, every 1 KiB page the run
 *    touches (instruction fetch, load, store) with its content before the
 *    first touch: that is what a segment file needs.
 *  - rv_step: one instruction at a time, fetched from memory and decoded on
 *    the spot, reporting what it did (rv_step_rec).  Segment replay uses it
 *    (the future trace builder hooks in there); tests run both and compare.
 *
 * Memory is SP1's map: one flat, lazily mapped region [0, RV_MEM_END);
 * loads and stores must be aligned and lie in [32, RV_MEM_END).  Registers
 * x0..x31 start at 0; x0 reads 0 and ignores writes.  Code is immutable and
 * fetched only from the executable range [text_lo, text_hi) (the ELF's; part
 * of the state digest).  A guest fault (bad access, illegal instruction,
 * EBREAK, jump outside the program or running off its end, a store or a
 * syscall's output buffer meeting the program, unknown syscall) stops the run
 * with RK_EFALSE and a message naming pc, word and reason; rv_run and rv_step
 * give the same message.
 */
#ifndef RAIKO_RV_H
#define RAIKO_RV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/err.h"
#include "elf/elf.h"

#define RV_MEM_LO 32u                 /* first addressable byte (0..31 = registers in SP1) */
#define RV_MEM_END 0x78000000u        /* first byte past guest memory (SP1 MAX_MEMORY) */
#define RV_PAGE_LOG 10                /* 1 KiB pages: the unit of the memory commitment */
#define RV_PAGE_SIZE (1u << RV_PAGE_LOG)
#define RV_PAGE_WORDS (RV_PAGE_SIZE / 4)
#define RV_ADDR_BITS 31               /* the committed space is [0, 2^31) > RV_MEM_END */
#define RV_NUM_PAGES (1u << (RV_ADDR_BITS - RV_PAGE_LOG))

/* An executable range a state may hold: 4-aligned, non-empty, inside [RV_MEM_LO, RV_MEM_END)
 * (what the AIR's 16-bit limb comparisons assume; elf_image's range always is).  One test for
 * the segment parser and the receipt verifier. */
static inline int rv_text_ok(uint32_t lo, uint32_t hi)
{
    return !(lo & 3) && !(hi & 3) && lo >= RV_MEM_LO && lo < hi && hi <= RV_MEM_END;
}

#define RV_UNCONSTRAINED_MAX (1ull << 32) /* cycles one unconstrained block may run */

/* SP1 syscall codes (t0), matched on the full 32-bit value. */
enum rv_syscall_code {
    RV_SYS_HALT = 0x00000000u,
    RV_SYS_WRITE = 0x00000002u,
    RV_SYS_ENTER_UNCONSTRAINED = 0x00000003u,
    RV_SYS_EXIT_UNCONSTRAINED = 0x00000004u,
    RV_SYS_COMMIT = 0x00000010u,
    RV_SYS_COMMIT_DEFERRED_PROOFS = 0x0000001Au,
    RV_SYS_HINT_LEN = 0x000000F0u,
    RV_SYS_HINT_READ = 0x000000F1u
};

/* Write file descriptors (SP1 v4+, and the pre-v4 legacy values). */
enum { RV_FD_STDOUT = 1, RV_FD_STDERR = 2, RV_FD_PUBLIC_VALUES_V3 = 3, RV_FD_HINT_V3 = 4,
       RV_FD_PUBLIC_VALUES = 13, RV_FD_HINT = 14, RV_FD_FP_SQRT = 20, RV_FD_FP_INV = 21,
       RV_FD_ECRECOVER_V1 = 5, RV_FD_ECRECOVER_V2 = 7 /* SP1 v1-v3 hooks */ };

/* Which SP1 executor generation's I/O the guest expects (docs/exec.md): only
 * fd 4 differs today (v1-v3 append its bytes to the input stream, v4 and v5
 * push them to the front).  0, the default, is v4/v5. */
enum { RV_ABI_V4 = 0, RV_ABI_V3 = 3 };

/* The SP1 name of a syscall code ("SHA_EXTEND"), NULL if unknown. */
const char *rv_syscall_name(uint32_t code);

enum rv_op {
    RV_ILLEGAL = 0, RV_LUI, RV_AUIPC, RV_JAL, RV_JALR,
    RV_BEQ, RV_BNE, RV_BLT, RV_BGE, RV_BLTU, RV_BGEU,
    RV_LB, RV_LH, RV_LW, RV_LBU, RV_LHU, RV_SB, RV_SH, RV_SW,
    RV_ADDI, RV_SLTI, RV_SLTIU, RV_XORI, RV_ORI, RV_ANDI, RV_SLLI, RV_SRLI, RV_SRAI,
    RV_ADD, RV_SUB, RV_SLL, RV_SLT, RV_SLTU, RV_XOR, RV_SRL, RV_SRA, RV_OR, RV_AND,
    RV_MUL, RV_MULH, RV_MULHSU, RV_MULHU, RV_DIV, RV_DIVU, RV_REM, RV_REMU,
    RV_FENCE, RV_ECALL, RV_EBREAK,
    RV_RVC,     /* a compressed (16-bit) encoding: not supported */
    RV_FALLOFF, /* sentinel after the last word of the program */
    RV_OP_COUNT
};

typedef struct rv_insn {
    uint8_t op, rd, rs1, rs2;
    int32_t imm;
} rv_insn;

/* Decode one instruction word (RV_ILLEGAL for anything not in RV32IM). */
rv_insn rv_decode(uint32_t word);
const char *rv_op_name(int op);

/* One input-stream item (SP1 stdin: a deque of byte vectors). */
typedef struct rv_item {
    uint8_t *data;
    uint32_t len;
} rv_item;

typedef struct rv_stream {
    rv_item *items; /* items[head .. n) are pending */
    size_t head, n, cap;
} rv_stream;

void rv_stream_init(rv_stream *s);
void rv_stream_free(rv_stream *s);
int rv_stream_push_back(rv_stream *s, const void *p, uint32_t len);
int rv_stream_push_front(rv_stream *s, const void *p, uint32_t len);

/* What one rv_step did, for the trace builder.  Register values are those
 * read before and written by the instruction; mem_* describe the load or
 * store word (aligned address, word before and after). */
typedef struct rv_step_rec {
    uint32_t pc, next_pc, word;
    rv_insn insn;
    uint32_t rs1_val, rs2_val, rd_val;   /* rd_val: value written (0 when rd == 0) */
    int mem;                             /* 0 none, 1 load, 2 store */
    uint32_t mem_addr, mem_before, mem_after;
    uint32_t syscall;                    /* t0 at an ecall, else 0 */
    uint32_t sys_mem_addr, sys_mem_len;  /* bytes an ecall wrote (HINT_READ: the item, zero-padded
                                            to words); read them from memory after the step */
} rv_step_rec;

typedef struct rv_machine {
    uint32_t x[33];           /* x[32]: where pre-decoded writes to x0 go */
    uint32_t pc;
    uint32_t committed[8];    /* COMMIT words: the public-values digest */
    uint32_t deferred[8];     /* COMMIT_DEFERRED_PROOFS words */
    uint64_t cycles;          /* constrained instructions executed */
    int halted;
    uint32_t exit_code;

    uint8_t *mem;             /* [0, RV_MEM_END), mmap'd, zero until written */
    uint32_t text_lo, text_hi;
    rv_insn *code;            /* (text_hi - text_lo) / 4 + 1 entries; NULL in replay */

    /* Page tracking (segments): page_epoch[p] == epoch means page p was
     * touched in the current segment (or, in replay, is present). */
    int track;
    uint32_t *page_epoch;
    uint32_t epoch;
    uint32_t *touched;        /* page numbers in first-touch order */
    uint8_t *touched_pre;     /* their content before the first touch */
    size_t n_touched, cap_touched;

    /* Unconstrained mode (ENTER/EXIT_UNCONSTRAINED): state to restore. */
    int unconstrained;
    uint64_t unc_cycles;
    uint32_t unc_x[32], unc_pc, unc_epoch;
    uint32_t *unc_pages, *unc_old_epoch;
    uint8_t *unc_data;
    size_t unc_n, unc_cap;

    /* I/O */
    rv_stream input;
    rk_buf public_values;     /* bytes written to fd 13 (and legacy 3) */
    FILE *out_stdout, *out_stderr; /* where guest fd 1 / 2 go (NULL = dropped) */
    int abi;                  /* RV_ABI_*: SP1 generation whose fd-4 order to follow */

    /* Advice tape of the current segment: HINT_LEN results and HINT_READ
     * items, recorded when record_tape is set, replayed when replay is set. */
    int record_tape, replay;
    rk_buf tape_lens, tape_items;
    rk_rd replay_lens, replay_items;

    int strict_pages;         /* rv_step: touching a page not marked present is an error */
    uint32_t sys_mem_addr, sys_mem_len; /* set by syscalls that write memory (for rv_step_rec) */
    int fault_is_internal;    /* last stop was our limitation (unsupported syscall), not the guest */
    char fault[320];          /* last guest fault, one line */
} rv_machine;

/* Set up a machine to run im: memory loaded, pc = entry, code pre-decoded. */
int rv_machine_init(rv_machine *m, const elf_image *im, rk_err *e);
/* Set up an empty machine (no program, all memory zero): for segment replay. */
int rv_machine_init_empty(rv_machine *m, rk_err *e);
void rv_machine_free(rv_machine *m);

/* Run until the guest halts or max_cycles more constrained instructions ran.
 * RK_OK: check m->halted.  RK_EFALSE: guest fault (e: "guest fault at pc ...").
 * RK_EINTERNAL: an unsupported syscall or out of memory. */
int rv_run(rv_machine *m, uint64_t max_cycles, rk_err *e);

/* Execute one constrained instruction with the reference interpreter
 * (decode from memory).  rec may be NULL.  Same error convention as rv_run. */
int rv_step(rv_machine *m, rv_step_rec *rec, rk_err *e);

/* Start a new tracking epoch: forget touched pages (segment boundary). */
void rv_track_reset(rv_machine *m);

/* Word access helpers for tools and tests (no checks beyond the bounds). */
uint32_t rv_load32(const rv_machine *m, uint32_t addr);
void rv_store32(rv_machine *m, uint32_t addr, uint32_t v);

#endif
