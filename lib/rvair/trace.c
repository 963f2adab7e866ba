/* trace.c - building the segment AIR's traces from the executor's step
 * records (rv_step_rec), mirroring cpu.c / tables.c column for column.
 *
 * The builder keeps its own copy of the state cells and of every page the
 * segment may touch, with the timestamp of each word's last access, so that
 * every memory-bus access gets its previous timestamp and value.  It checks
 * its own results against the executor's record (a mismatch is an internal
 * error: the two would disagree on RV32IM). */
#include "rvair/rvair_int.h"
#include "stark/stark.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define MIN_LOG_H 4

/* The rows invert only small integers: rd's index (< 32) and byte sums (<= 4 * 255).  A
 * table of them replaces an exponentiation per inverse (a fifth of the replay's time). */
#define INV_SMALL (4 * 255 + 1)
#define PAR_MIN_CYCLES ((uint64_t)1 << 15) /* shorter segments fill their rows as the steps come */

struct rvair_builder {
    uint32_t pc0, pc;
    uint32_t text_lo, text_hi; /* the executable range (constant: part of the state) */
    uint32_t cell[RVAIR_N_CELLS], cell_pre[RVAIR_N_CELLS], cell_ts[RVAIR_N_CELLS];
    uint32_t n_pages;
    uint32_t *pages;
    uint32_t *pre, *cur, *wts; /* n_pages * 256 words each */
    bb_t *cpu;
    size_t n_cpu, cap_cpu;
    bb_t *hint;
    size_t n_hint, cap_hint;
    uint64_t clk;
    int halted;
    uint32_t exit_code;
    bb_t inv_small[INV_SMALL]; /* 1/v for v < INV_SMALL (0 for 0): every inverse a row needs */
    /* the parallel replay (see "parallel replay" below); chunk 0: rows filled step by step */
    size_t chunk;
    struct step_log *log;
    size_t n_log, cap_log;
    uint8_t *hint_bytes;
    size_t n_hint_bytes, cap_hint_bytes;
    struct snapshot *snaps;
    size_t n_snaps, cap_snaps;
    /* word_index's cache: the last pages looked up (by the page's low 2 bits) and their first
     * word's index; code and data mostly stay on a few pages */
    uint32_t wi_pg[4];
    long wi_base[4];
};

/* One logged step of the parallel replay: the executor's record and where its hint bytes
 * are in hint_bytes (HINT_NONE: none). */
#define HINT_NONE UINT32_MAX
typedef struct step_log {
    rv_step_rec rec;
    uint32_t hint_off;
} step_log;

/* The builder's state before cycle n_cpu: all that filling the following rows needs. */
typedef struct snapshot {
    size_t n_cpu, n_hint;
    uint64_t clk;
    uint32_t pc, exit_code;
    int halted;
    uint32_t cell[RVAIR_N_CELLS], cell_ts[RVAIR_N_CELLS];
    uint32_t *cur, *wts; /* n_pages * RV_PAGE_WORDS each */
} snapshot;

static unsigned log_height(size_t n)
{
    unsigned l = MIN_LOG_H;
    while (((size_t)1 << l) < n)
        l++;
    return l;
}

void rvair_log_heights(uint64_t cycles, uint32_t n_pages, unsigned lh[RVAIR_N_TABLES])
{
    lh[RVAIR_T_CPU] = cycles >> 40 ? STARK_MAX_LOG_HEIGHT + 1 : log_height((size_t)cycles);
    lh[RVAIR_T_HINT] = STARK_MAX_LOG_HEIGHT;
    lh[RVAIR_T_PAGE] = log_height((size_t)n_pages * 64);
    lh[RVAIR_T_P2] = log_height((size_t)n_pages * 128);
    lh[RVAIR_T_BYTES] = RVAIR_BYTES_LOG;
}

static int grow_rows(bb_t **rows, size_t *cap, size_t need, size_t width)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 1024;
    while (nc < need)
        nc *= 2;
    bb_t *p = realloc(*rows, nc * width * sizeof(bb_t));
    if (!p)
        return -1;
    *rows = p;
    *cap = nc;
    return 0;
}

int rvair_builder_new(rvair_builder **bp, uint32_t pc, uint32_t text_lo, uint32_t text_hi,
                      const uint32_t regs[32], const uint32_t committed[8],
                      const uint32_t deferred[8], const uint32_t *pages, uint32_t n_pages,
                      const uint8_t *page_data, rk_err *e)
{
    rvair_builder *b = calloc(1, sizeof *b);
    if (!b)
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    b->pc0 = b->pc = pc;
    b->text_lo = text_lo;
    b->text_hi = text_hi;
    for (uint32_t v = 0; v < INV_SMALL; v++)
        b->inv_small[v] = bb_inv(bb_from_u32(v));
    for (int i = 0; i < 32; i++)
        b->cell[i] = regs[i];
    for (int i = 0; i < 8; i++) {
        b->cell[32 + i] = committed[i];
        b->cell[40 + i] = deferred[i];
    }
    memcpy(b->cell_pre, b->cell, sizeof b->cell);
    b->n_pages = n_pages;
    for (int i = 0; i < 4; i++)
        b->wi_pg[i] = UINT32_MAX; /* no page: addresses have 32 - RV_PAGE_LOG bits of page */
    size_t words = (size_t)n_pages * RV_PAGE_WORDS;
    b->pages = malloc((n_pages ? n_pages : 1) * sizeof *b->pages);
    b->pre = malloc((words ? words : 1) * 4);
    b->cur = malloc((words ? words : 1) * 4);
    b->wts = calloc(words ? words : 1, 4);
    if (!b->pages || !b->pre || !b->cur || !b->wts) {
        rvair_builder_free(b);
        return rk_fail(e, RK_EINTERNAL, "out of memory for %u pages", n_pages);
    }
    for (uint32_t i = 0; i < n_pages; i++) {
        if (pages[i] >= RVAIR_PAGE_LIMIT || (i && pages[i] <= pages[i - 1])) {
            rvair_builder_free(b);
            return rk_fail(e, RK_EINPUT, "page list not sorted, distinct and below 0x%08x", RV_MEM_END);
        }
        b->pages[i] = pages[i];
    }
    for (size_t w = 0; w < words; w++) {
        const uint8_t *p = page_data + 4 * w;
        b->pre[w] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    }
    memcpy(b->cur, b->pre, words * 4);
    *bp = b;
    return RK_OK;
}

int rvair_builder_reserve(rvair_builder *b, uint64_t cycles, rk_err *e)
{
    if (cycles == 0 || cycles > ((uint64_t)1 << 25) || b->n_cpu)
        return RK_OK; /* nothing sensible to reserve: grow as we go */
    size_t h = (size_t)1 << log_height((size_t)cycles);
    if (h <= b->cap_cpu)
        return RK_OK;
    bb_t *p = malloc(h * CPU_WIDTH * sizeof(bb_t));
    if (!p)
        return rk_fail(e, RK_EINTERNAL, "out of memory for the CPU trace (%zu rows)", h);
    free(b->cpu);
    b->cpu = p;
    b->cap_cpu = h;
    /* long segments: the rows are filled on the threads at the end (the parallel replay);
     * about 4 chunks per thread, at least 2^13 cycles each */
    int threads = omp_get_max_threads();
    if (threads > 1 && cycles >= PAR_MIN_CYCLES) {
        size_t nch = 4 * (size_t)threads > 64 ? 64 : 4 * (size_t)threads, c = (cycles + nch - 1) / nch;
        rvair_builder_set_parallel(b, c < 8192 ? 8192 : c);
        /* the step log at its final length (no doubling copies of a few hundred MB) */
        step_log *q = realloc(b->log, cycles * sizeof *q);
        if (q) {
            b->log = q;
            b->cap_log = cycles;
        }
    }
    return RK_OK;
}

void rvair_builder_free(rvair_builder *b)
{
    if (!b)
        return;
    free(b->pages);
    free(b->pre);
    free(b->cur);
    free(b->wts);
    free(b->cpu);
    free(b->hint);
    free(b->log);
    free(b->hint_bytes);
    for (size_t k = 0; k < b->n_snaps; k++) {
        free(b->snaps[k].cur);
        free(b->snaps[k].wts);
    }
    free(b->snaps);
    free(b);
}

/* index of the word at addr (multiple of 4), or -1 if its page is not in the segment */
static long word_index(rvair_builder *b, uint32_t addr)
{
    uint32_t pg = addr >> RV_PAGE_LOG;
    const long off = (long)((addr & (RV_PAGE_SIZE - 1)) >> 2);
    if (b->wi_pg[pg & 3] == pg)
        return b->wi_base[pg & 3] + off;
    size_t lo = 0, hi = b->n_pages;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (b->pages[mid] < pg)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == b->n_pages || b->pages[lo] != pg)
        return -1;
    b->wi_pg[pg & 3] = pg;
    b->wi_base[pg & 3] = (long)(lo * RV_PAGE_WORDS);
    return b->wi_base[pg & 3] + off;
}

static void set_bytes(bb_t *row, unsigned col, uint32_t v, int n)
{
    for (int k = 0; k < n; k++)
        row[col + k] = bb_from_u32((v >> (8 * k)) & 0xFF);
}

static void set_access(bb_t *row, int slot, uint32_t ts, uint32_t prev)
{
    uint32_t d = ts - prev - 1;
    row[CPU_PTS + slot] = bb_from_u32(prev);
    row[CPU_DLO + slot] = bb_from_u32(d & 0xFFFF);
    row[CPU_DHI + slot] = bb_from_u32(d >> 16);
}

/* carries of the byte-wise sum x + y into row[col..col+4) */
static void set_carries(bb_t *row, unsigned col, uint32_t x, uint32_t y)
{
    uint32_t c = 0;
    for (int k = 0; k < 4; k++) {
        c = ((x >> (8 * k)) & 0xFF) + ((y >> (8 * k)) & 0xFF) + c;
        c >>= 8;
        row[col + k] = bb_from_u32(c);
    }
}

/* 1/v (0 for 0), v < INV_SMALL. */
static bb_t inv_or_zero(const rvair_builder *b, uint32_t v) { return b->inv_small[v]; }

static uint32_t bsum(uint32_t v) { return (v & 0xFF) + ((v >> 8) & 0xFF) + ((v >> 16) & 0xFF) + (v >> 24); }

/* 8x8 byte product with carries, exactly as the AIR's multiplier */
static void set_product(bb_t *row, uint32_t mx, uint32_t my, uint32_t my4, uint32_t sx, uint32_t sy)
{
    uint64_t X[8], Y[8];
    for (int i = 0; i < 8; i++) {
        X[i] = i < 4 ? (mx >> (8 * i)) & 0xFF : 255u * sx;
        Y[i] = i < 4 ? (my >> (8 * i)) & 0xFF : 255u * sy;
    }
    Y[4] += my4;
    set_bytes(row, CPU_MX, mx, 4);
    set_bytes(row, CPU_MY, my, 4);
    row[CPU_MY + 4] = bb_from_u32(my4);
    row[CPU_SX] = bb_from_u32(sx);
    row[CPU_SY] = bb_from_u32(sy);
    uint64_t c = 0;
    for (int k = 0; k < 8; k++) {
        uint64_t s = c;
        for (int i = 0; i <= k; i++)
            s += X[i] * Y[k - i];
        row[CPU_PP + k] = bb_from_u32((uint32_t)(s & 0xFF));
        c = s >> 8;
        row[CPU_CM + k] = bb_from_u32((uint32_t)c);
    }
}

static uint32_t pp_word(const bb_t *row, int hi)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++)
        v |= bb_to_u32(row[CPU_PP + 4 * hi + k]) << (8 * k);
    return v;
}

static int is_op(int op, const int *l)
{
    for (; *l; l++)
        if (*l == op)
            return 1;
    return 0;
}

/* The instruction classes fill_step and advance share. */
static const int L_LOAD[] = {RV_LB, RV_LH, RV_LW, RV_LBU, RV_LHU, 0};
static const int L_STORE[] = {RV_SB, RV_SH, RV_SW, 0};
static const int L_NORD[] = {RV_BEQ, RV_BNE, RV_BLT, RV_BGE, RV_BLTU, RV_BGEU, RV_SB, RV_SH, RV_SW,
                             RV_FENCE, RV_ECALL, 0}; /* no rd written */

/* What fill_step and advance check before a step: the machine runs, the record is the next
 * step, and the CPU rows have room for it. */
static int step_begin(rvair_builder *b, const rv_step_rec *rec, rk_err *e)
{
    if (b->halted)
        return rk_fail(e, RK_EINTERNAL, "rvair: step after HALT");
    if (rec->pc != b->pc)
        return rk_fail(e, RK_EINTERNAL, "rvair: step at pc 0x%08x, expected 0x%08x", rec->pc, b->pc);
    if (grow_rows(&b->cpu, &b->cap_cpu, b->n_cpu + 1, CPU_WIDTH))
        return rk_fail(e, RK_EINTERNAL, "out of memory for the CPU trace");
    return RK_OK;
}

/* A syscall the executor ran (a precompile) but this AIR has no table for: exit 3, named. */
static int sys_unprovable(rk_err *e, uint32_t code, uint32_t pc)
{
    const char *name = rv_syscall_name(code);
    return rk_fail(e, RK_EINTERNAL, "syscall %s (0x%08x) at pc 0x%08x was executed but is not provable yet",
                   name ? name : "?", code, pc);
}

/* le16's columns at dcol for x + d = y (limbs xl <= 65536, xh, yl, yh < 2^16): d's limbs
 * wrap mod 2^16 when x > y, so they are always 16-bit values and only le16's high-limb
 * identity fails (a run that leaves the rules is refused by a named constraint, not by a
 * lookup that is not a range value). */
static void set_le16(bb_t *row, unsigned dcol, uint32_t xl, uint32_t xh, uint32_t yl, uint32_t yh)
{
    uint32_t dl = (yl - xl) & 0xFFFF, c = (xl + dl - yl) >> 16, dh = (yh - xh - c) & 0xFFFF;
    row[dcol] = bb_from_u32(dl);
    row[dcol + 1] = bb_from_u32(dh);
    row[dcol + 2] = bb_from_u32(c);
}

/* outside_text's columns for the word address a: s = 0 (a + 4 <= text_lo) when a is below
 * text_lo, else s = 1 (text_hi <= a). */
static void set_outside(const rvair_builder *b, bb_t *row, unsigned scol, unsigned dcol, uint32_t a)
{
    uint32_t s = a >= b->text_lo;
    row[scol] = bb_from_u32(s);
    if (s)
        set_le16(row, dcol, b->text_hi & 0xFFFF, b->text_hi >> 16, a & 0xFFFF, a >> 16);
    else
        set_le16(row, dcol, (a & 0xFFFF) + 4, a >> 16, b->text_lo & 0xFFFF, b->text_lo >> 16);
}

/* One step with its row: the state advances and row n_cpu (and any hint rows) is filled. */

static int fill_step(rvair_builder *b, const rv_step_rec *rec, const uint8_t *hint_data, rk_err *e)
{
    static const int L_ALUI[] = {RV_ADDI, RV_SLTI, RV_SLTIU, RV_XORI, RV_ORI, RV_ANDI, RV_SLLI, RV_SRLI, RV_SRAI, 0};
    static const int L_BR[] = {RV_BEQ, RV_BNE, RV_BLT, RV_BGE, RV_BLTU, RV_BGEU, 0};
    static const int L_SLTS[] = {RV_SLT, RV_SLTI, RV_SLTU, RV_SLTIU, 0};
    static const int L_SGN[] = {RV_SLT, RV_SLTI, RV_BLT, RV_BGE, 0};
    static const int L_SH[] = {RV_SLL, RV_SLLI, RV_SRL, RV_SRLI, RV_SRA, RV_SRAI, 0};
    static const int L_SHL[] = {RV_SLL, RV_SLLI, 0};
    static const int L_MULS[] = {RV_MUL, RV_MULH, RV_MULHSU, RV_MULHU, 0};
    static const int L_DIVS[] = {RV_DIV, RV_DIVU, RV_REM, RV_REMU, 0};

    int rc = step_begin(b, rec, e);
    if (rc)
        return rc;
    bb_t *row = b->cpu + b->n_cpu * CPU_WIDTH;
    memset(row, 0, CPU_WIDTH * sizeof(bb_t));
    uint64_t clk = ++b->clk;
    if (clk >= (1u << 25))
        return rk_fail(e, RK_EINPUT, "segment longer than 2^25 cycles");
    uint32_t ts0 = (uint32_t)(4 * clk), pc = rec->pc, word = rec->word;
    rv_insn d = rv_decode(word);
    int op = d.op;
    if (op < RV_LUI || op > RV_ECALL)
        return rk_fail(e, RK_EINTERNAL, "rvair: no AIR for instruction 0x%08x at 0x%08x", word, pc);
    row[CPU_REAL] = bb_one();
    row[CPU_CLK] = bb_from_u32((uint32_t)clk);
    row[CPU_PCQ] = bb_from_u32((pc & 0xFF) >> 2);
    row[CPU_PC1] = bb_from_u32((pc >> 8) & 0xFF);
    row[CPU_PC2] = bb_from_u32((pc >> 16) & 0xFF);
    row[CPU_PC3] = bb_from_u32(pc >> 24);
    set_le16(row, CPU_XLO, b->text_lo & 0xFFFF, b->text_lo >> 16, pc & 0xFFFF, pc >> 16);
    set_le16(row, CPU_XHI, (pc & 0xFFFF) + 4, pc >> 16, b->text_hi & 0xFFFF, b->text_hi >> 16);
    for (int i = 0; i < 32; i++)
        row[CPU_W + i] = bb_from_u32((word >> i) & 1);
    row[CPU_FLAG(op)] = bb_one();
    uint32_t im = rvair_imm(op, word);
    set_bytes(row, CPU_IM, im, 4);
    int ecall = op == RV_ECALL;
    uint32_t rdf = (word >> 7) & 31;
    uint32_t a = b->cell[ecall ? 5 : d.rs1], bv = b->cell[ecall ? 10 : d.rs2];
    uint32_t ob = is_op(op, L_ALUI) ? im : bv;
    set_bytes(row, CPU_A, a, 4);
    set_bytes(row, CPU_B, bv, 4);
    set_bytes(row, CPU_OB, ob, 4);
    row[CPU_SA] = bb_from_u32(a >> 31);
    row[CPU_SB] = bb_from_u32(ob >> 31);
    row[CPU_RD0] = bb_from_u32(rdf == 0);
    row[CPU_RDINV] = inv_or_zero(b, rdf);

    /* fetch, rs1, rs2 */
    long wi = word_index(b, pc);
    if (wi < 0)
        return rk_fail(e, RK_EINPUT, "instruction fetch at 0x%08x: page not in the segment", pc);
    if (b->cur[wi] != word)
        return rk_fail(e, RK_EINTERNAL, "rvair: fetched word differs at 0x%08x", pc);
    set_access(row, 0, ts0, b->wts[wi]);
    b->wts[wi] = ts0;
    unsigned c1 = ecall ? 5 : d.rs1, c2 = ecall ? 10 : d.rs2;
    set_access(row, 1, ts0, b->cell_ts[c1]);
    b->cell_ts[c1] = ts0;
    set_access(row, 2, ts0 + 1, b->cell_ts[c2]);
    b->cell_ts[c2] = ts0 + 1;

    uint32_t r = 0, t = 0, next = pc + 4, mo = 0, mn = 0;
    int has_rd = !is_op(op, L_NORD), taken = 0, mema = 0;
    unsigned rd_cell = rdf;
    int sys = -1;
    uint32_t sgnflip = is_op(op, L_SGN) ? 0x80000000u : 0;

    switch (op) {
    case RV_LUI: r = im; break;
    case RV_AUIPC: r = pc + im; set_carries(row, CPU_CA, pc, im); break;
    case RV_JAL: r = pc + 4; set_carries(row, CPU_CA, pc, 4); next = pc + im; break;
    case RV_JALR:
        t = a + im;
        set_carries(row, CPU_CA, a, im);
        r = pc + 4;
        next = t & ~1u;
        row[CPU_LSB] = bb_from_u32(t & 1);
        break;
    case RV_ADD: case RV_ADDI: r = a + ob; set_carries(row, CPU_CA, a, ob); break;
    case RV_SUB: r = a - ob; set_carries(row, CPU_CA, r, ob); break;
    case RV_XOR: case RV_XORI: r = a ^ ob; break;
    case RV_OR: case RV_ORI: r = a | ob; break;
    case RV_AND: case RV_ANDI: r = a & ob; break;
    default: break;
    }
    if (is_op(op, L_SLTS) || is_op(op, L_BR)) {
        t = a - ob;
        set_carries(row, CPU_CA, t, ob ^ sgnflip);
        uint32_t lt = (a ^ sgnflip) < (ob ^ sgnflip);
        if (is_op(op, L_SLTS))
            r = lt;
        else {
            taken = op == RV_BEQ ? a == ob : op == RV_BNE ? a != ob : (op == RV_BLT || op == RV_BLTU) ? lt : !lt;
            if (taken)
                next = pc + im;
        }
    }
    if (is_op(op, L_LOAD) || is_op(op, L_STORE)) {
        t = a + im;
        set_carries(row, CPU_CA, a, im);
        mema = 1;
        uint32_t wa = t & ~3u, sh = (t & 3) * 8;
        long mi = word_index(b, wa);
        if (mi < 0)
            return rk_fail(e, RK_EINPUT, "memory access at 0x%08x: page not in the segment", t);
        mo = b->cur[mi];
        mn = mo;
        if (op == RV_SB)
            mn = (mo & ~(0xFFu << sh)) | ((bv & 0xFF) << sh);
        else if (op == RV_SH)
            mn = (mo & ~(0xFFFFu << sh)) | ((bv & 0xFFFF) << sh);
        else if (op == RV_SW)
            mn = bv;
        uint32_t raw = mo >> sh;
        r = op == RV_LB ? (uint32_t)(int32_t)(int8_t)raw : op == RV_LH ? (uint32_t)(int32_t)(int16_t)raw
          : op == RV_LBU ? (raw & 0xFF) : op == RV_LHU ? (raw & 0xFFFF) : raw;
        if (rec->mem == 0 || rec->mem_addr != wa || rec->mem_before != mo || rec->mem_after != mn)
            return rk_fail(e, RK_EINTERNAL, "rvair: memory access differs at pc 0x%08x", pc);
        set_access(row, 3, ts0 + 2, b->wts[mi]);
        b->wts[mi] = ts0 + 2;
        b->cur[mi] = mn;
        if (is_op(op, L_STORE))
            set_outside(b, row, CPU_WS, CPU_WD, wa);
    }
    if (is_op(op, L_SH)) {
        uint32_t s = ob & 31, u = is_op(op, L_SHL) ? s : 32 - s;
        for (int i = 0; i < 5; i++)
            row[CPU_SBIT + i] = bb_from_u32((s >> i) & 1);
        row[CPU_SHHI] = bb_from_u32((ob & 0xFF) >> 5);
        for (int i = 0; i < 3; i++)
            row[CPU_U + i] = bb_from_u32((u >> i) & 1);
        row[CPU_E + (u >> 3)] = bb_one();
        row[CPU_POW] = bb_from_u32(1u << (u & 7));
        uint32_t y = u == 32 ? 0 : 1u << u;
        int sra = op == RV_SRA || op == RV_SRAI;
        set_product(row, a, y, u == 32, sra ? a >> 31 : 0, 0);
        r = pp_word(row, !is_op(op, L_SHL));
    } else {
        row[CPU_POW] = bb_one(); /* (1 + u0)(1 + 3 u1)(1 + 15 u2) with u = 0 */
    }
    if (is_op(op, L_MULS)) {
        uint32_t sx = (op == RV_MULH || op == RV_MULHSU) ? a >> 31 : 0, sy = op == RV_MULH ? ob >> 31 : 0;
        set_product(row, a, ob, 0, sx, sy);
        r = pp_word(row, op != RV_MUL);
    }
    if (is_op(op, L_DIVS)) {
        int sg = op == RV_DIV || op == RV_REM;
        uint32_t q, rm, sq = 0;
        if (bv == 0) {
            q = 0xFFFFFFFFu;
            rm = a;
            sq = sg;
        } else if (sg && a == 0x80000000u && bv == 0xFFFFFFFFu) {
            q = 0x80000000u;
            rm = 0;
            sq = 0; /* the quotient is +2^31 */
        } else if (sg) {
            q = (uint32_t)((int32_t)a / (int32_t)bv);
            rm = (uint32_t)((int32_t)a % (int32_t)bv);
            sq = q >> 31;
        } else {
            q = a / bv;
            rm = a % bv;
        }
        uint32_t srm = rm >> 31, sb = bv >> 31, de = sg ? srm == sb : 1;
        set_bytes(row, CPU_Q, q, 4);
        set_bytes(row, CPU_RM, rm, 4);
        row[CPU_SQ] = bb_from_u32(sq);
        row[CPU_DE] = bb_from_u32(de);
        t = de ? rm - bv : rm + bv;
        if (de)
            set_carries(row, CPU_CA, t, bv);
        else
            set_carries(row, CPU_CA, rm, bv);
        set_product(row, q, bv, 0, sg ? sq : 0, sg ? sb : 0);
        /* chain D: P + rm_ext = a_ext over 8 bytes */
        uint32_t c = 0;
        for (int k = 0; k < 8; k++) {
            uint32_t rmx = k < 4 ? (rm >> (8 * k)) & 0xFF : sg ? 255u * srm : 0;
            c = bb_to_u32(row[CPU_PP + k]) + rmx + c;
            c >>= 8;
            row[CPU_CD + k] = bb_from_u32(c);
        }
        row[CPU_BZ] = bb_from_u32(bv == 0);
        row[CPU_BINV] = inv_or_zero(b, bsum(bv));
        row[CPU_RMZ] = bb_from_u32(rm == 0);
        row[CPU_RMINV] = inv_or_zero(b, bsum(rm));
        row[CPU_DCHK] = bb_from_u32(sg && bv != 0);
        r = (op == RV_DIV || op == RV_DIVU) ? q : rm;
    }
    row[CPU_SRM] = bb_from_u32(bb_to_u32(row[CPU_RM + 3]) >> 7);

    if (ecall) {
        static const uint32_t codes[RVAIR_N_SYS] = {RV_SYS_HALT, RV_SYS_WRITE, RV_SYS_ENTER_UNCONSTRAINED,
                                                    RV_SYS_EXIT_UNCONSTRAINED, RV_SYS_COMMIT,
                                                    RV_SYS_COMMIT_DEFERRED_PROOFS, RV_SYS_HINT_LEN,
                                                    RV_SYS_HINT_READ};
        for (int k = 0; k < RVAIR_N_SYS; k++)
            if (codes[k] == a)
                sys = k;
        if (sys < 0)
            return sys_unprovable(e, a, pc);
        row[CPU_SYS + sys] = bb_one();
        mo = mn = b->cell[11];
        set_access(row, 3, ts0 + 2, b->cell_ts[11]);
        b->cell_ts[11] = ts0 + 2;
        switch (sys) {
        case RVAIR_SYS_HALT:
            b->halted = 1;
            b->exit_code = bv;
            next = 0;
            break;
        case RVAIR_SYS_ENTER: case RVAIR_SYS_EXIT: has_rd = 1; rd_cell = 5; r = 0; break;
        case RVAIR_SYS_HINT_LEN: has_rd = 1; rd_cell = 5; r = rec->rd_val; break;
        case RVAIR_SYS_COMMIT: case RVAIR_SYS_COMMIT_DEFERRED:
            if (bv >= 8)
                return rk_fail(e, RK_EINTERNAL, "rvair: COMMIT index %u", bv);
            has_rd = 1;
            rd_cell = (sys == RVAIR_SYS_COMMIT ? 32 : 40) + bv;
            r = mo;
            break;
        case RVAIR_SYS_HINT_READ: {
            uint32_t len = mo, nw = (uint32_t)(((uint64_t)len + 3) / 4), pad = 4 * nw - len;
            t = bv;
            mema = 1;
            set_carries(row, CPU_CA, bv, 0);
            row[CPU_NW] = bb_from_u32(nw);
            row[CPU_PAD] = bb_from_u32(pad & 1);
            row[CPU_PAD + 1] = bb_from_u32(pad >> 1);
            row[CPU_NZ] = bb_from_u32(nw != 0);
            if (nw && !hint_data)
                return rk_fail(e, RK_EINTERNAL, "rvair: HINT_READ without its data");
            if (grow_rows(&b->hint, &b->cap_hint, b->n_hint + nw, HINT_WIDTH))
                return rk_fail(e, RK_EINTERNAL, "out of memory for the hint trace");
            for (uint32_t i = 0; i < nw; i++) {
                bb_t *h = b->hint + (b->n_hint++) * HINT_WIDTH;
                memset(h, 0, HINT_WIDTH * sizeof(bb_t));
                uint32_t addr = bv + 4 * i, v = 0;
                for (uint32_t k = 0; k < 4 && 4 * i + k < len; k++)
                    v |= (uint32_t)hint_data[4 * i + k] << (8 * k);
                long hi = word_index(b, addr);
                if (hi < 0)
                    return rk_fail(e, RK_EINPUT, "HINT_READ at 0x%08x: page not in the segment", addr);
                uint32_t prev = b->wts[hi], old = b->cur[hi], dd = ts0 + 2 - prev - 1;
                h[HINT_REAL] = bb_one();
                h[HINT_FIRST] = bb_from_u32(i == 0);
                h[HINT_LAST] = bb_from_u32(i == nw - 1);
                h[HINT_TS] = bb_from_u32(ts0 + 2);
                h[HINT_ADDR] = bb_from_u32(addr);
                h[HINT_REM] = bb_from_u32(nw - i);
                for (uint32_t g = 0; g < 3; g++)
                    h[HINT_GE + g] = bb_from_u32(pad > g);
                set_bytes(h, HINT_V, v, 4);
                h[HINT_PTS] = bb_from_u32(prev);
                h[HINT_PLO] = bb_from_u32(old & 0xFFFF);
                h[HINT_PHI] = bb_from_u32(old >> 16);
                h[HINT_DLO] = bb_from_u32(dd & 0xFFFF);
                h[HINT_DHI] = bb_from_u32(dd >> 16);
                h[HINT_AL] = bb_from_u32(addr & 0xFFFF);
                h[HINT_AH] = bb_from_u32(addr >> 16);
                set_outside(b, h, HINT_WS, HINT_WD, addr);
                b->cur[hi] = v;
                b->wts[hi] = ts0 + 2;
            }
            break;
        }
        default: break;
        }
    }
    if (mema) {
        row[CPU_TQ] = bb_from_u32((t & 0xFF) >> 2);
        row[CPU_OH + (t & 3)] = bb_one();
        row[CPU_MB] = bb_from_u32((t & 0xFFFF) < 32);
    }
    set_bytes(row, CPU_MO, mo, 4);
    set_bytes(row, CPU_MN, mn, 4);
    {
        uint32_t off = t & 3, lb0 = mema ? (mo >> (8 * off)) & 0xFF : 0;
        uint32_t lb1 = mema && (off == 0 || off == 2) ? (mo >> (8 * off + 8)) & 0xFF : 0;
        row[CPU_LB0] = bb_from_u32(lb0);
        row[CPU_LB1] = bb_from_u32(lb1);
        row[CPU_LS0] = bb_from_u32(lb0 >> 7);
        row[CPU_LS1] = bb_from_u32(lb1 >> 7);
    }
    set_bytes(row, CPU_T, t, 4);
    row[CPU_ST] = bb_from_u32(t >> 31);
    uint32_t ts_ = bsum(t);
    row[CPU_TEQ] = bb_from_u32(ts_ == 0);
    row[CPU_TINV] = inv_or_zero(b, ts_);
    row[CPU_TAKEN] = bb_from_u32((uint32_t)taken);
    set_bytes(row, CPU_R, r, 4);

    /* chain N */
    if (sys != RVAIR_SYS_HALT) {
        uint32_t inc = (op == RV_JAL || taken) ? im : 4;
        set_carries(row, CPU_CN, pc, inc);
        set_bytes(row, CPU_NPB, op == RV_JALR ? next : pc + inc, 4);
    }

    /* rd write */
    if (has_rd) {
        uint32_t v = (ecall || rd_cell != 0) ? r : 0;
        row[CPU_ROLD] = bb_from_u32(b->cell[rd_cell] & 0xFFFF);
        row[CPU_ROLD + 1] = bb_from_u32(b->cell[rd_cell] >> 16);
        set_access(row, 4, ts0 + 3, b->cell_ts[rd_cell]);
        b->cell_ts[rd_cell] = ts0 + 3;
        b->cell[rd_cell] = v;
        if (!ecall && rd_cell != 0 && v != rec->rd_val)
            return rk_fail(e, RK_EINTERNAL, "rvair: %s at 0x%08x computes 0x%08x, executor 0x%08x",
                           rv_op_name(op), pc, v, rec->rd_val);
    }
    if (next != rec->next_pc)
        return rk_fail(e, RK_EINTERNAL, "rvair: %s at 0x%08x goes to 0x%08x, executor 0x%08x",
                       rv_op_name(op), pc, next, rec->next_pc);
    b->pc = next;
    b->n_cpu++;
    return RK_OK;
}


/* ---- the parallel replay ----
 * Filling a row is most of a cycle's cost and needs only the state before the cycle.  So for
 * long segments the steps are logged, and rvair_builder_step only advances the state
 * (advance(): pc, clock, registers and memory words with their timestamps, the hint-row
 * count), saving it every `chunk` cycles; rvair_builder_finish then fills each chunk's rows
 * from its snapshot on the threads with the serial code (fill_step) and checks that the chunk
 * ends in the state the next snapshot (or the end) holds, so advance() and fill_step() cannot
 * drift apart silently.  Rows are the same whatever the chunk or the thread count. */

/* The state changes of fill_step, without the row.  Values the row would compute (rd, the
 * stored word, the next pc) are taken from the executor's record; fill_step checks them. */
static int advance(rvair_builder *b, const rv_step_rec *rec, const uint8_t *hint_data, rk_err *e)
{
    int rc = step_begin(b, rec, e);
    if (rc)
        return rc;
    uint64_t clk = ++b->clk;
    if (clk >= (1u << 25))
        return rk_fail(e, RK_EINPUT, "segment longer than 2^25 cycles");
    uint32_t ts0 = (uint32_t)(4 * clk), pc = rec->pc, word = rec->word;
    rv_insn d = rv_decode(word);
    int op = d.op;
    if (op < RV_LUI || op > RV_ECALL)
        return rk_fail(e, RK_EINTERNAL, "rvair: no AIR for instruction 0x%08x at 0x%08x", word, pc);
    int ecall = op == RV_ECALL;
    uint32_t rdf = (word >> 7) & 31, a = b->cell[ecall ? 5 : d.rs1], bv = b->cell[ecall ? 10 : d.rs2];
    long wi = word_index(b, pc);
    if (wi < 0)
        return rk_fail(e, RK_EINPUT, "instruction fetch at 0x%08x: page not in the segment", pc);
    b->wts[wi] = ts0;
    b->cell_ts[ecall ? 5 : d.rs1] = ts0;
    b->cell_ts[ecall ? 10 : d.rs2] = ts0 + 1;
    uint32_t r = rec->rd_val;
    int has_rd = !is_op(op, L_NORD);
    unsigned rd_cell = rdf;
    if (is_op(op, L_LOAD) || is_op(op, L_STORE)) {
        uint32_t t = a + rvair_imm(op, word);
        long mi = word_index(b, t & ~3u);
        if (mi < 0)
            return rk_fail(e, RK_EINPUT, "memory access at 0x%08x: page not in the segment", t);
        b->wts[mi] = ts0 + 2;
        if (is_op(op, L_STORE))
            b->cur[mi] = rec->mem_after;
    }
    if (ecall) {
        b->cell_ts[11] = ts0 + 2;
        uint32_t mo = b->cell[11];
        switch (a) {
        case RV_SYS_HALT:
            b->halted = 1;
            b->exit_code = bv;
            break;
        case RV_SYS_ENTER_UNCONSTRAINED: case RV_SYS_EXIT_UNCONSTRAINED: has_rd = 1; rd_cell = 5; r = 0; break;
        case RV_SYS_HINT_LEN: has_rd = 1; rd_cell = 5; break;
        case RV_SYS_COMMIT: case RV_SYS_COMMIT_DEFERRED_PROOFS:
            if (bv >= 8)
                return rk_fail(e, RK_EINTERNAL, "rvair: COMMIT index %u", bv);
            has_rd = 1;
            rd_cell = (a == RV_SYS_COMMIT ? 32 : 40) + bv;
            r = mo;
            break;
        case RV_SYS_HINT_READ: {
            uint32_t len = mo, nw = (uint32_t)(((uint64_t)len + 3) / 4);
            if (nw && !hint_data)
                return rk_fail(e, RK_EINTERNAL, "rvair: HINT_READ without its data");
            for (uint32_t i = 0; i < nw; i++) {
                uint32_t addr = bv + 4 * i, v = 0;
                for (uint32_t k = 0; k < 4 && 4 * i + k < len; k++)
                    v |= (uint32_t)hint_data[4 * i + k] << (8 * k);
                long hi = word_index(b, addr);
                if (hi < 0)
                    return rk_fail(e, RK_EINPUT, "HINT_READ at 0x%08x: page not in the segment", addr);
                b->cur[hi] = v;
                b->wts[hi] = ts0 + 2;
            }
            b->n_hint += nw;
            break;
        }
        case RV_SYS_WRITE: break;
        default: return sys_unprovable(e, a, rec->pc); /* before its memory effects are missed */
        }
    }
    if (has_rd) {
        b->cell_ts[rd_cell] = ts0 + 3;
        b->cell[rd_cell] = (ecall || rd_cell != 0) ? r : 0;
    }
    b->pc = rec->next_pc;
    b->n_cpu++;
    return RK_OK;
}

static int take_snapshot(rvair_builder *b)
{
    if (b->n_snaps == b->cap_snaps) {
        size_t nc = b->cap_snaps ? 2 * b->cap_snaps : 16;
        snapshot *q = realloc(b->snaps, nc * sizeof *q);
        if (!q)
            return -1;
        b->snaps = q;
        b->cap_snaps = nc;
    }
    snapshot *s = &b->snaps[b->n_snaps];
    size_t words = (size_t)b->n_pages * RV_PAGE_WORDS;
    s->cur = malloc((words ? words : 1) * sizeof *s->cur);
    s->wts = malloc((words ? words : 1) * sizeof *s->wts);
    if (!s->cur || !s->wts) {
        free(s->cur);
        free(s->wts);
        return -1;
    }
    memcpy(s->cur, b->cur, words * sizeof *s->cur);
    memcpy(s->wts, b->wts, words * sizeof *s->wts);
    s->n_cpu = b->n_cpu;
    s->n_hint = b->n_hint;
    s->clk = b->clk;
    s->pc = b->pc;
    s->exit_code = b->exit_code;
    s->halted = b->halted;
    memcpy(s->cell, b->cell, sizeof s->cell);
    memcpy(s->cell_ts, b->cell_ts, sizeof s->cell_ts);
    b->n_snaps++;
    return 0;
}

/* 1 iff the builder is in snapshot s's state. */
static int in_state(const rvair_builder *b, const snapshot *s)
{
    size_t words = (size_t)b->n_pages * RV_PAGE_WORDS;
    return b->n_cpu == s->n_cpu && b->n_hint == s->n_hint && b->clk == s->clk && b->pc == s->pc &&
           b->halted == s->halted && b->exit_code == s->exit_code && !memcmp(b->cell, s->cell, sizeof s->cell) &&
           !memcmp(b->cell_ts, s->cell_ts, sizeof s->cell_ts) && !memcmp(b->cur, s->cur, words * sizeof *s->cur) &&
           !memcmp(b->wts, s->wts, words * sizeof *s->wts);
}

void rvair_builder_set_parallel(rvair_builder *b, size_t chunk_cycles)
{
    if (!b->n_cpu) /* only before the first step */
        b->chunk = chunk_cycles;
}

int rvair_builder_step(rvair_builder *b, const rv_step_rec *rec, const uint8_t *hint_data, rk_err *e)
{
    if (!b->chunk)
        return fill_step(b, rec, hint_data, e);
    if (b->n_cpu % b->chunk == 0 && take_snapshot(b))
        return rk_fail(e, RK_EINTERNAL, "out of memory for the replay's snapshots");
    if (b->n_log == b->cap_log) {
        size_t nc = b->cap_log ? 2 * b->cap_log : 4096;
        step_log *q = realloc(b->log, nc * sizeof *q);
        if (!q)
            return rk_fail(e, RK_EINTERNAL, "out of memory for the replay's log");
        b->log = q;
        b->cap_log = nc;
    }
    step_log *l = &b->log[b->n_log++];
    l->rec = *rec;
    l->hint_off = HINT_NONE;
    /* HINT_READ's bytes (a1 = cell 11 of them) may not outlive this call: keep a copy */
    if (hint_data && rec->insn.op == RV_ECALL && b->cell[5] == RV_SYS_HINT_READ) {
        size_t len = b->cell[11];
        if (b->n_hint_bytes + len > b->cap_hint_bytes) {
            size_t nc = b->cap_hint_bytes ? 2 * b->cap_hint_bytes : 4096;
            while (nc < b->n_hint_bytes + len)
                nc *= 2;
            uint8_t *q = realloc(b->hint_bytes, nc);
            if (!q)
                return rk_fail(e, RK_EINTERNAL, "out of memory for the replay's log");
            b->hint_bytes = q;
            b->cap_hint_bytes = nc;
        }
        memcpy(b->hint_bytes + b->n_hint_bytes, hint_data, len);
        l->hint_off = (uint32_t)b->n_hint_bytes;
        b->n_hint_bytes += len;
    }
    return advance(b, rec, hint_data, e);
}

/* Fill the logged rows, chunk by chunk on the threads (see above); the first failing chunk's
 * error is the one reported. */
static int fill_parallel(rvair_builder *b, rk_err *e)
{
    const size_t K = b->n_snaps, words = (size_t)b->n_pages * RV_PAGE_WORDS;
    if (!b->chunk || !K)
        return RK_OK;
    if (grow_rows(&b->hint, &b->cap_hint, b->n_hint, HINT_WIDTH))
        return rk_fail(e, RK_EINTERNAL, "out of memory for the hint trace");
    rk_err *errs = calloc(K, sizeof *errs);
    int *rcs = calloc(K, sizeof *rcs);
    if (!errs || !rcs) {
        free(errs);
        free(rcs);
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    }
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t k = 0; k < K; k++) {
        const snapshot *s = &b->snaps[k];
        rvair_builder L = *b; /* shares the rows (cpu, hint: big enough, never reallocated here) */
        L.chunk = 0;
        L.n_cpu = s->n_cpu;
        L.n_hint = s->n_hint;
        L.clk = s->clk;
        L.pc = s->pc;
        L.exit_code = s->exit_code;
        L.halted = s->halted;
        memcpy(L.cell, s->cell, sizeof L.cell);
        memcpy(L.cell_ts, s->cell_ts, sizeof L.cell_ts);
        L.cur = malloc((words ? words : 1) * sizeof *L.cur);
        L.wts = malloc((words ? words : 1) * sizeof *L.wts);
        int rc = RK_OK;
        if (!L.cur || !L.wts) {
            rc = rk_fail(&errs[k], RK_EINTERNAL, "out of memory");
        } else {
            memcpy(L.cur, s->cur, words * sizeof *L.cur);
            memcpy(L.wts, s->wts, words * sizeof *L.wts);
            size_t end = k + 1 < K ? b->snaps[k + 1].n_cpu : b->n_log;
            for (size_t i = s->n_cpu; i < end && !rc; i++) {
                const step_log *l = &b->log[i];
                rc = fill_step(&L, &l->rec, l->hint_off == HINT_NONE ? NULL : b->hint_bytes + l->hint_off, &errs[k]);
            }
            int same = 0;
            if (!rc) {
                if (k + 1 < K) {
                    same = in_state(&L, &b->snaps[k + 1]);
                } else { /* the end: the builder's own state */
                    snapshot fin = {b->n_cpu, b->n_hint, b->clk, b->pc, b->exit_code, b->halted, {0}, {0}, b->cur, b->wts};
                    memcpy(fin.cell, b->cell, sizeof fin.cell);
                    memcpy(fin.cell_ts, b->cell_ts, sizeof fin.cell_ts);
                    same = in_state(&L, &fin);
                }
                if (!same)
                    rc = rk_fail(&errs[k], RK_EINTERNAL, "rvair: the parallel replay of cycles %zu..%zu ends in "
                                 "another state than the serial one", s->n_cpu, end);
            }
        }
        free(L.cur);
        free(L.wts);
        rcs[k] = rc;
    }
    int rc = RK_OK;
    for (size_t k = 0; k < K && !rc; k++)
        if ((rc = rcs[k]))
            *e = errs[k];
    free(errs);
    free(rcs);
    /* the log and the snapshots are spent: give their memory back before the tables are built */
    for (size_t k = 0; k < K; k++) {
        free(b->snaps[k].cur);
        free(b->snaps[k].wts);
    }
    free(b->snaps);
    free(b->log);
    free(b->hint_bytes);
    b->snaps = NULL;
    b->log = NULL;
    b->hint_bytes = NULL;
    b->n_snaps = b->cap_snaps = b->n_log = b->cap_log = b->n_hint_bytes = b->cap_hint_bytes = 0;
    b->chunk = 0;
    return rc;
}


static void words_of_page(const uint32_t *w, bb_t *limbs, int j)
{
    for (int i = 0; i < 4; i++) {
        limbs[2 * i] = bb_from_u32(w[4 * j + i] & 0xFFFF);
        limbs[2 * i + 1] = bb_from_u32(w[4 * j + i] >> 16);
    }
}

int rvair_builder_finish(rvair_builder *b, const air_machine *m, rvair_trace *tr, rk_err *e)
{
    rvair_trace_init(tr);
    rvair_boundary *bd = &tr->bnd;
    int rc = RK_EINTERNAL;
    if (b->n_cpu == 0) {
        rvair_builder_free(b);
        return rk_fail(e, RK_EINPUT, "empty segment");
    }
    double t0 = omp_get_wtime();
    if ((rc = fill_parallel(b, e))) {
        rvair_builder_free(b);
        return rc;
    }
    double t1 = omp_get_wtime();
    rc = RK_EINTERNAL;
    /* CPU */
    unsigned lc = log_height(b->n_cpu);
    tr->log_h[RVAIR_T_CPU] = lc;
    /* rows already at the final height (rvair_builder_reserve) are handed over, not copied */
    int adopt_cpu = b->cap_cpu == ((size_t)1 << lc);
    if (adopt_cpu) {
        tr->main[RVAIR_T_CPU] = b->cpu;
        b->cpu = NULL;
        b->cap_cpu = 0;
    } else {
        tr->main[RVAIR_T_CPU] = calloc((size_t)CPU_WIDTH << lc, sizeof(bb_t));
    }
    unsigned lh = log_height(b->n_hint);
    tr->log_h[RVAIR_T_HINT] = lh;
    tr->main[RVAIR_T_HINT] = calloc((size_t)HINT_WIDTH << lh, sizeof(bb_t));
    unsigned lp = log_height((size_t)b->n_pages * 64);
    tr->log_h[RVAIR_T_PAGE] = lp;
    tr->main[RVAIR_T_PAGE] = calloc((size_t)PAGE_WIDTH << lp, sizeof(bb_t));
    unsigned l2 = log_height((size_t)b->n_pages * 128);
    tr->log_h[RVAIR_T_P2] = l2;
    tr->main[RVAIR_T_P2] = calloc((size_t)P2T_WIDTH << l2, sizeof(bb_t));
    tr->log_h[RVAIR_T_BYTES] = RVAIR_BYTES_LOG;
    tr->main[RVAIR_T_BYTES] = calloc((size_t)BYTES_WIDTH << RVAIR_BYTES_LOG, sizeof(bb_t));
    bd->pages = malloc((b->n_pages ? b->n_pages : 1) * sizeof *bd->pages);
    bd->leaf_pre = malloc((b->n_pages ? b->n_pages : 1) * sizeof *bd->leaf_pre);
    bd->leaf_post = malloc((b->n_pages ? b->n_pages : 1) * sizeof *bd->leaf_post);
    for (int i = 0; i < RVAIR_N_TABLES; i++)
        if (!tr->main[i])
            goto oom;
    if (!bd->pages || !bd->leaf_pre || !bd->leaf_post)
        goto oom;

    bb_t *cpu = tr->main[RVAIR_T_CPU];
    size_t hc = (size_t)1 << lc;
    if (adopt_cpu) {
        memset(cpu + b->n_cpu * CPU_WIDTH, 0, (hc - b->n_cpu) * CPU_WIDTH * sizeof(bb_t));
    } else {
        memcpy(cpu, b->cpu, b->n_cpu * CPU_WIDTH * sizeof(bb_t));
    }
    for (size_t i = b->n_cpu; i < hc; i++) {
        cpu[i * CPU_WIDTH + CPU_CLK] = bb_from_u32((uint32_t)(i + 1));
        cpu[i * CPU_WIDTH + CPU_RD0] = bb_one();
        cpu[i * CPU_WIDTH + CPU_POW] = bb_one();
    }
    cpu[(b->n_cpu - 1) * CPU_WIDTH + CPU_LASTREAL] = bb_one();
    if (b->n_hint)
        memcpy(tr->main[RVAIR_T_HINT], b->hint, b->n_hint * HINT_WIDTH * sizeof(bb_t));

    /* PAGE and P2 */
    bb_t *pg = tr->main[RVAIR_T_PAGE], *p2 = tr->main[RVAIR_T_P2];
    /* page k owns PAGE rows 64k.. and P2 rows 128k..: the pages are independent */
#pragma omp parallel for schedule(dynamic, 4) if (b->n_pages >= 8)
    for (uint32_t k = 0; k < b->n_pages; k++) {
        size_t p2row = (size_t)k * 128;
        const uint32_t *pre = b->pre + (size_t)k * RV_PAGE_WORDS, *cur = b->cur + (size_t)k * RV_PAGE_WORDS;
        const uint32_t *ts = b->wts + (size_t)k * RV_PAGE_WORDS;
        bb_t st_pre[16] = {0}, st_post[16] = {0};
        for (int j = 0; j < 64; j++) {
            bb_t *row = pg + ((size_t)k * 64 + j) * PAGE_WIDTH;
            row[PAGE_REAL] = bb_one();
            row[PAGE_FIRST] = bb_from_u32(j == 0);
            row[PAGE_LAST] = bb_from_u32(j == 63);
            row[PAGE_PG] = bb_from_u32(b->pages[k]);
            row[PAGE_J] = bb_from_u32((uint32_t)j);
            for (int w = 0; w < 4; w++) {
                bb_t *c = row + PAGE_WORDS + 5 * w;
                c[0] = bb_from_u32(pre[4 * j + w] & 0xFFFF);
                c[1] = bb_from_u32(pre[4 * j + w] >> 16);
                c[2] = bb_from_u32(ts[4 * j + w]);
                c[3] = bb_from_u32(cur[4 * j + w] & 0xFFFF);
                c[4] = bb_from_u32(cur[4 * j + w] >> 16);
            }
            bb_t in[16];
            words_of_page(pre, in, j);
            for (int i = 0; i < 8; i++)
                in[8 + i] = row[PAGE_CAP_PRE + i] = st_pre[8 + i];
            rvair_p2_fill_row(p2 + (p2row++) * P2T_WIDTH, in, st_pre);
            p2[(p2row - 1) * P2T_WIDTH + P2T_MULT] = bb_one();
            for (int i = 0; i < 16; i++)
                row[PAGE_OUT_PRE + i] = st_pre[i];
            words_of_page(cur, in, j);
            for (int i = 0; i < 8; i++)
                in[8 + i] = row[PAGE_CAP_POST + i] = st_post[8 + i];
            rvair_p2_fill_row(p2 + (p2row++) * P2T_WIDTH, in, st_post);
            p2[(p2row - 1) * P2T_WIDTH + P2T_MULT] = bb_one();
            for (int i = 0; i < 16; i++)
                row[PAGE_OUT_POST + i] = st_post[i];
        }
        bd->pages[k] = b->pages[k];
        memcpy(bd->leaf_pre[k].v, st_pre, sizeof bd->leaf_pre[k].v);
        memcpy(bd->leaf_post[k].v, st_post, sizeof bd->leaf_post[k].v);
    }
    {
        bb_t zero[16] = {0}, out[16];
        size_t h2 = (size_t)1 << l2, p2row = (size_t)b->n_pages * 128;
        if (p2row < h2) {
            rvair_p2_fill_row(p2 + p2row * P2T_WIDTH, zero, out);
            for (size_t i = p2row + 1; i < h2; i++)
                memcpy(p2 + i * P2T_WIDTH, p2 + p2row * P2T_WIDTH, P2T_WIDTH * sizeof(bb_t));
        }
    }

    /* boundary */
    bd->pc_pre = b->pc0;
    bd->pc_post = b->pc;
    bd->text_lo = b->text_lo;
    bd->text_hi = b->text_hi;
    bd->cycles = b->clk;
    bd->halted = (uint32_t)b->halted;
    bd->exit_code = b->halted ? b->exit_code : 0;
    memcpy(bd->cell_pre, b->cell_pre, sizeof bd->cell_pre);
    memcpy(bd->cell_post, b->cell, sizeof bd->cell_post);
    memcpy(bd->cell_ts, b->cell_ts, sizeof bd->cell_ts);
    bd->n_pages = b->n_pages;
    rvair_builder_free(b);
    b = NULL;

    double t2 = omp_get_wtime();
    {
        bb_t *pre = rvair_bytes_preprocessed();
        if (!pre)
            goto oom;
        rc = rvair_count_lookups(m, tr, pre, e);
        free(pre);
        if (rc) {
            rvair_trace_free(tr);
            return rc;
        }
    }
    tr->fill_s = t1 - t0;
    tr->tables_s = t2 - t1;
    tr->count_s = omp_get_wtime() - t2;
    return RK_OK;
oom:
    rvair_builder_free(b);
    rvair_trace_free(tr);
    return rk_fail(e, RK_EINTERNAL, "out of memory for the segment traces");
}

void rvair_trace_init(rvair_trace *tr)
{
    memset(tr, 0, sizeof *tr);
    rvair_boundary_init(&tr->bnd);
}

void rvair_trace_free(rvair_trace *tr)
{
    for (int i = 0; i < RVAIR_N_TABLES; i++)
        free(tr->main[i]);
    rvair_boundary_free(&tr->bnd);
    memset(tr, 0, sizeof *tr);
}
