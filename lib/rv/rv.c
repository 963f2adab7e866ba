/* rv.c - RV32IM machine: memory, input stream, SP1 syscalls, the reference
 * stepper and the fast loop (loop.inc).  See rv.h and docs/exec.md. */
#include "rv/rv_sys.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { LOOP_LIMIT = 0, LOOP_HALT, LOOP_MODE, LOOP_ERROR };

/* ---- arithmetic shared by both interpreters (RISC-V spec semantics) ---- */
static inline uint32_t sra32(uint32_t a, uint32_t s)
{
    /* arithmetic shift without relying on implementation-defined >> of negatives */
    return (a >> s) | ((a >> 31) ? ~(0xFFFFFFFFu >> s) : 0);
}
static inline uint32_t mulh32(uint32_t a, uint32_t b)
{
    return (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int64_t)(int32_t)b) >> 32);
}
static inline uint32_t mulhsu32(uint32_t a, uint32_t b)
{
    return (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int64_t)(uint64_t)b) >> 32);
}
static inline uint32_t div32(uint32_t a, uint32_t b)
{
    if (b == 0)
        return 0xFFFFFFFFu;
    if (a == 0x80000000u && b == 0xFFFFFFFFu)
        return a; /* overflow: the quotient is the dividend */
    return (uint32_t)((int32_t)a / (int32_t)b);
}
static inline uint32_t rem32(uint32_t a, uint32_t b)
{
    if (b == 0)
        return a;
    if (a == 0x80000000u && b == 0xFFFFFFFFu)
        return 0;
    return (uint32_t)((int32_t)a % (int32_t)b);
}

/* ---- faults ---- */
int rv_fault(rv_machine *m, rk_err *e, uint32_t pc, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    uint32_t word = 0;
    if (pc >= RV_MEM_LO && pc <= RV_MEM_END - 4 && !(pc & 3))
        memcpy(&word, m->mem + pc, 4);
    m->fault_is_internal = 0;
    snprintf(m->fault, sizeof m->fault, "guest fault at pc 0x%08x (insn 0x%08x): %s", pc, word, why);
    return rk_fail(e, RK_EFALSE, "%s", m->fault);
}

int rv_unsupported(rv_machine *m, rk_err *e, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    m->fault_is_internal = 1;
    snprintf(m->fault, sizeof m->fault, "at pc 0x%08x: %s", m->pc, why);
    return rk_fail(e, RK_EINTERNAL, "%s", m->fault);
}

/* ---- input stream ---- */
void rv_stream_init(rv_stream *s) { memset(s, 0, sizeof *s); }

void rv_stream_free(rv_stream *s)
{
    for (size_t i = s->head; i < s->n; i++)
        free(s->items[i].data);
    free(s->items);
    rv_stream_init(s);
}

static rv_item *stream_slot(rv_stream *s, int front)
{
    if (front && s->head > 0)
        return &s->items[--s->head];
    if (s->n == s->cap || front) {
        size_t live = s->n - s->head, cap = s->cap * 2 + 8;
        rv_item *ni = malloc(cap * sizeof *ni);
        if (!ni)
            return NULL;
        /* keep room in front so a run of push_front stays amortized */
        size_t off = front ? cap / 2 : 0;
        if (live)
            memcpy(ni + off, s->items + s->head, live * sizeof *ni);
        free(s->items);
        s->items = ni;
        s->cap = cap;
        s->head = off;
        s->n = off + live;
        if (front)
            return &s->items[--s->head];
    }
    return &s->items[s->n++];
}

static int stream_push(rv_stream *s, const void *p, uint32_t len, int front)
{
    uint8_t *d = malloc(len ? len : 1);
    if (!d)
        return RK_EINTERNAL;
    rv_item *it = stream_slot(s, front);
    if (!it) {
        free(d);
        return RK_EINTERNAL;
    }
    if (len)
        memcpy(d, p, len);
    it->data = d;
    it->len = len;
    return RK_OK;
}

int rv_stream_push_back(rv_stream *s, const void *p, uint32_t len) { return stream_push(s, p, len, 0); }
int rv_stream_push_front(rv_stream *s, const void *p, uint32_t len) { return stream_push(s, p, len, 1); }

/* ---- memory and page tracking ---- */
uint32_t rv_load32(const rv_machine *m, uint32_t addr)
{
    uint32_t v = 0;
    if (addr <= RV_MEM_END - 4)
        memcpy(&v, m->mem + addr, 4);
    return v;
}

void rv_store32(rv_machine *m, uint32_t addr, uint32_t v)
{
    if (addr <= RV_MEM_END - 4)
        memcpy(m->mem + addr, &v, 4);
}

static void rv_redecode(rv_machine *m, uint32_t addr)
{
    /* decode the program word at addr into the pre-decoded copy (set-up, and an unconstrained
     * block's undo: code is immutable, so nothing else changes it) */
    uint32_t wa = addr & ~3u, w;
    memcpy(&w, m->mem + wa, 4);
    rv_insn d = rv_decode(w);
    if (d.rd == 0)
        d.rd = 32;
    m->code[(wa - m->text_lo) >> 2] = d;
}

/* First touch of page pg in this epoch: remember its content (segment
 * pre-image, or the undo copy of an unconstrained block). */
static int rv_touch(rv_machine *m, uint32_t pg)
{
    const uint8_t *src = m->mem + (size_t)pg * RV_PAGE_SIZE;
    if (m->unconstrained) {
        if (m->unc_n == m->unc_cap) {
            size_t cap = m->unc_cap * 2 + 16;
            uint32_t *p = realloc(m->unc_pages, cap * sizeof *p);
            if (!p) return RK_EINTERNAL;
            m->unc_pages = p;
            uint32_t *o = realloc(m->unc_old_epoch, cap * sizeof *o);
            if (!o) return RK_EINTERNAL;
            m->unc_old_epoch = o;
            uint8_t *d = realloc(m->unc_data, cap * RV_PAGE_SIZE);
            if (!d) return RK_EINTERNAL;
            m->unc_data = d;
            m->unc_cap = cap;
        }
        m->unc_pages[m->unc_n] = pg;
        m->unc_old_epoch[m->unc_n] = m->page_epoch[pg];
        memcpy(m->unc_data + m->unc_n * RV_PAGE_SIZE, src, RV_PAGE_SIZE);
        m->unc_n++;
    } else {
        if (m->n_touched == m->cap_touched) {
            size_t cap = m->cap_touched * 2 + 64;
            uint32_t *p = realloc(m->touched, cap * sizeof *p);
            if (!p) return RK_EINTERNAL;
            m->touched = p;
            uint8_t *d = realloc(m->touched_pre, cap * RV_PAGE_SIZE);
            if (!d) return RK_EINTERNAL;
            m->touched_pre = d;
            m->cap_touched = cap;
        }
        m->touched[m->n_touched] = pg;
        memcpy(m->touched_pre + m->n_touched * RV_PAGE_SIZE, src, RV_PAGE_SIZE);
        m->n_touched++;
    }
    m->page_epoch[pg] = m->epoch;
    return RK_OK;
}

/* [addr, addr + n) meets [lo, hi) (n > 0; 64-bit sums: no wrap) */
static int meets_text(const rv_machine *m, uint32_t addr, uint64_t n)
{
    return n && addr < m->text_hi && (uint64_t)addr + n > m->text_lo;
}

int rv_write_check(rv_machine *m, rk_err *e, uint32_t addr, uint32_t n, const char *what)
{
    if (meets_text(m, addr, n))
        return rv_fault(m, e, m->pc, "%s: buffer [0x%08x, +%u) overlaps the program [0x%08x, 0x%08x)", what,
                        addr, n, m->text_lo, m->text_hi);
    return RK_OK;
}

int rv_sys_words(rv_machine *m, rk_err *e, uint32_t addr, uint32_t nwords, const char *what)
{
    if (addr & 3)
        return rv_fault(m, e, m->pc, "%s: unaligned pointer 0x%08x", what, addr);
    return rv_access_range(m, e, addr, 4 * nwords, what);
}

int rv_sys_out_words(rv_machine *m, rk_err *e, uint32_t addr, uint32_t nwords, const char *what)
{
    int rc = rv_sys_words(m, e, addr, nwords, what);
    return rc ? rc : rv_write_check(m, e, addr, 4 * nwords, what);
}

void rv_track_reset(rv_machine *m)
{
    m->n_touched = 0;
    m->epoch += 2; /* epoch + 1 is reserved for an unconstrained block inside it */
}

/* Make [addr, addr+n) accessible for a syscall: bounds, and tracking / presence. */
int rv_access_range(rv_machine *m, rk_err *e, uint32_t addr, uint32_t n, const char *what)
{
    if (n == 0)
        return RK_OK;
    if (addr < RV_MEM_LO || (uint64_t)addr + n > RV_MEM_END)
        return rv_fault(m, e, m->pc, "%s: buffer [0x%08x, +%u) outside guest memory", what, addr, n);
    for (uint32_t pg = addr >> RV_PAGE_LOG; pg <= (addr + n - 1) >> RV_PAGE_LOG; pg++) {
        if (m->page_epoch[pg] == m->epoch)
            continue;
        if (m->strict_pages)
            return rv_fault(m, e, m->pc, "%s: page 0x%08x is not in the segment file", what,
                            pg << RV_PAGE_LOG);
        if ((m->track || m->unconstrained) && rv_touch(m, pg))
            return rk_fail(e, RK_EINTERNAL, "out of memory tracking pages");
    }
    return RK_OK;
}

/* ---- syscalls ---- */
typedef int (*rv_syscall_fn)(rv_machine *m, rk_err *e);

static int sys_halt(rv_machine *m, rk_err *e)
{
    if (m->unconstrained)
        return rv_fault(m, e, m->pc, "HALT inside an unconstrained block");
    m->exit_code = m->x[10];
    m->halted = 1;
    m->pc = 0; /* SP1: HALT sets next_pc = 0 */
    return RK_OK;
}

static int sys_write(rv_machine *m, rk_err *e)
{
    uint32_t fd = m->x[10], p = m->x[11], n = m->x[12];
    if (n && (p < RV_MEM_LO || (uint64_t)p + n > RV_MEM_END))
        return rv_fault(m, e, m->pc, "WRITE: buffer [0x%08x, +%u) outside guest memory", p, n);
    /* WRITE's bytes are not part of the proven state: the replay skips it */
    if (m->replay)
        goto done;
    const uint8_t *src = m->mem + p;
    switch (fd) {
    case RV_FD_STDOUT:
        if (m->out_stdout && n) fwrite(src, 1, n, m->out_stdout);
        break;
    case RV_FD_STDERR:
        if (m->out_stderr && n) fwrite(src, 1, n, m->out_stderr);
        break;
    case RV_FD_PUBLIC_VALUES:
    case RV_FD_PUBLIC_VALUES_V3:
        /* bytes written in an unconstrained block never reach the guest's digest */
        if (!m->unconstrained)
            rk_buf_put(&m->public_values, src, n);
        if (m->public_values.oom)
            return rk_fail(e, RK_EINTERNAL, "out of memory for public values");
        break;
    case RV_FD_HINT_V3:
        /* SP1 v1-v3 executors append fd-4 hints; v4+ (and v5's deprecated-hooks mode) push them in front */
        if (m->abi == RV_ABI_V3) {
            if (rv_stream_push_back(&m->input, src, n))
                return rk_fail(e, RK_EINTERNAL, "out of memory for the input stream");
            break;
        }
        /* fall through */
    case RV_FD_HINT:
        if (rv_stream_push_front(&m->input, src, n))
            return rk_fail(e, RK_EINTERNAL, "out of memory for the input stream");
        break;
    case RV_FD_FP_SQRT: {
        int rc = rv_hook_fp_sqrt(m, e, src, n);
        if (rc)
            return rc;
        break;
    }
    case RV_FD_ECRECOVER_V1:
    case RV_FD_ECRECOVER_V2: {
        int rc = rv_hook_ecrecover(m, e, src, n, fd == RV_FD_ECRECOVER_V2);
        if (rc)
            return rc;
        break;
    }
    case RV_FD_FP_INV: {
        int rc = rv_hook_fp_inv(m, e, src, n);
        if (rc)
            return rc;
        break;
    }
    default:
        if (fd >= 15 && fd <= 21) {
            m->fault_is_internal = 1;
            snprintf(m->fault, sizeof m->fault, "WRITE to SP1 hook fd %u is not supported yet", fd);
            return rk_fail(e, RK_EINTERNAL, "%s", m->fault);
        }
        return rv_fault(m, e, m->pc, "WRITE to unknown file descriptor %u", fd);
    }
done:
    m->pc += 4;
    return RK_OK;
}

static int sys_enter_unconstrained(rv_machine *m, rk_err *e)
{
    if (m->replay) {
        /* the proof never sees the block: ENTER returns 0 and execution skips it */
        m->x[5] = 0;
        m->pc += 4;
        return RK_OK;
    }
    if (m->unconstrained)
        return rv_fault(m, e, m->pc, "ENTER_UNCONSTRAINED inside an unconstrained block");
    memcpy(m->unc_x, m->x, sizeof m->unc_x);
    m->unc_pc = m->pc;
    m->unc_epoch = m->epoch;
    m->unc_n = 0;
    m->unc_cycles = 0;
    m->unconstrained = 1;
    m->epoch = m->unc_epoch + 1;
    m->x[5] = 1;
    m->pc += 4;
    return RK_OK;
}

static int sys_exit_unconstrained(rv_machine *m, rk_err *e)
{
    if (m->unconstrained) {
        /* undo in reverse so that the oldest copy of a page wins */
        for (size_t i = m->unc_n; i-- > 0;) {
            uint32_t pg = m->unc_pages[i];
            memcpy(m->mem + (size_t)pg * RV_PAGE_SIZE, m->unc_data + i * RV_PAGE_SIZE, RV_PAGE_SIZE);
            m->page_epoch[pg] = m->unc_old_epoch[i];
            if (m->code) {
                uint32_t a = pg << RV_PAGE_LOG;
                for (uint32_t w = 0; w < RV_PAGE_SIZE; w += 4)
                    if (a + w - m->text_lo < m->text_hi - m->text_lo)
                        rv_redecode(m, a + w);
            }
        }
        memcpy(m->x, m->unc_x, sizeof m->unc_x);
        m->pc = m->unc_pc;
        m->epoch = m->unc_epoch;
        m->unc_n = 0;
        m->unconstrained = 0;
    }
    m->x[5] = 0;
    m->pc += 4;
    return RK_OK;
}

static int sys_commit(rv_machine *m, rk_err *e)
{
    uint32_t i = m->x[10];
    if (i >= 8)
        return rv_fault(m, e, m->pc, "COMMIT word index %u (must be 0..7)", i);
    m->committed[i] = m->x[11];
    m->pc += 4;
    return RK_OK;
}

static int sys_commit_deferred(rv_machine *m, rk_err *e)
{
    uint32_t i = m->x[10];
    if (i >= 8)
        return rv_fault(m, e, m->pc, "COMMIT_DEFERRED_PROOFS word index %u (must be 0..7)", i);
    m->deferred[i] = m->x[11];
    m->pc += 4;
    return RK_OK;
}

static int sys_hint_len(rv_machine *m, rk_err *e)
{
    uint32_t len;
    if (m->replay) {
        len = rk_rd_u32(&m->replay_lens);
        if (m->replay_lens.bad)
            return rv_fault(m, e, m->pc, "HINT_LEN: the segment's advice tape is exhausted");
    } else {
        len = m->input.head < m->input.n ? m->input.items[m->input.head].len : 0xFFFFFFFFu;
        if (m->record_tape && !m->unconstrained)
            rk_buf_u32(&m->tape_lens, len);
    }
    m->x[5] = len;
    m->pc += 4;
    return RK_OK;
}

static int sys_hint_read(rv_machine *m, rk_err *e)
{
    uint32_t p = m->x[10], len = m->x[11];
    if (p & 3)
        return rv_fault(m, e, m->pc, "HINT_READ to unaligned address 0x%08x", p);
    const uint8_t *src;
    uint32_t have;
    rv_item it = {0, 0};
    if (m->replay) {
        have = rk_rd_u32(&m->replay_items);
        src = rk_rd_bytes(&m->replay_items, have);
        if (m->replay_items.bad)
            return rv_fault(m, e, m->pc, "HINT_READ: the segment's advice tape is exhausted");
    } else {
        if (m->input.head == m->input.n)
            return rv_fault(m, e, m->pc, "HINT_READ of %u bytes but the input stream is empty", len);
        it = m->input.items[m->input.head];
        have = it.len;
        src = it.data;
    }
    if (have != len)
        return rv_fault(m, e, m->pc, "HINT_READ of %u bytes but the next input item has %u", len, have);
    uint32_t padded = (uint32_t)(((uint64_t)len + 3) & ~3ull);
    int rc = rv_access_range(m, e, p, padded, "HINT_READ");
    if (!rc)
        rc = rv_write_check(m, e, p, padded, "HINT_READ");
    if (rc)
        return rc;
    if (!m->replay) {
        m->input.head++;
        if (m->record_tape && !m->unconstrained) {
            rk_buf_u32(&m->tape_items, len);
            rk_buf_put(&m->tape_items, src, len);
        }
    }
    if (len) {
        memcpy(m->mem + p, src, len);
        memset(m->mem + p + len, 0, padded - len);
    }
    m->sys_mem_addr = p;
    m->sys_mem_len = padded;
    free(it.data);
    if (m->tape_items.oom || m->tape_lens.oom)
        return rk_fail(e, RK_EINTERNAL, "out of memory recording the advice tape");
    m->pc += 4;
    return RK_OK;
}

#include "precompile_hash.inc"

/* The dispatch table: every SP1 v5 code, so that an unsupported precompile is
 * named.  A precompile is added by giving its entry a handler (and a table in
 * the segment proof). */
static const struct rv_syscall_def {
    uint32_t code;
    const char *name;
    rv_syscall_fn fn;
} rv_syscalls[] = {
    {0x00000000, "HALT", sys_halt},
    {0x00000002, "WRITE", sys_write},
    {0x00000003, "ENTER_UNCONSTRAINED", sys_enter_unconstrained},
    {0x00000004, "EXIT_UNCONSTRAINED", sys_exit_unconstrained},
    {0x00300105, "SHA_EXTEND", sys_sha_extend},
    {0x00010106, "SHA_COMPRESS", sys_sha_compress},
    {0x00010107, "ED_ADD", NULL},
    {0x00000108, "ED_DECOMPRESS", NULL},
    {0x00010109, "KECCAK_PERMUTE", sys_keccak_permute},
    {0x0001010A, "SECP256K1_ADD", rv_sys_secp256k1_add},
    {0x0000010B, "SECP256K1_DOUBLE", rv_sys_secp256k1_double},
    {0x0000010C, "SECP256K1_DECOMPRESS", rv_sys_secp256k1_decompress},
    {0x0001010E, "BN254_ADD", rv_sys_bn254_add},
    {0x0000010F, "BN254_DOUBLE", rv_sys_bn254_double},
    {0x00000010, "COMMIT", sys_commit},
    {0x0000001A, "COMMIT_DEFERRED_PROOFS", sys_commit_deferred},
    {0x0000001B, "VERIFY_SP1_PROOF", NULL},
    {0x0000011C, "BLS12381_DECOMPRESS", NULL},
    {0x0001011D, "UINT256_MUL", rv_sys_uint256_mul},
    {0x0001011E, "BLS12381_ADD", NULL},
    {0x0000011F, "BLS12381_DOUBLE", NULL},
    {0x00010120, "BLS12381_FP_ADD", NULL},
    {0x00010121, "BLS12381_FP_SUB", NULL},
    {0x00010122, "BLS12381_FP_MUL", NULL},
    {0x00010123, "BLS12381_FP2_ADD", NULL},
    {0x00010124, "BLS12381_FP2_SUB", NULL},
    {0x00010125, "BLS12381_FP2_MUL", NULL},
    {0x00010126, "BN254_FP_ADD", rv_sys_bn254_fp_add},
    {0x00010127, "BN254_FP_SUB", rv_sys_bn254_fp_sub},
    {0x00010128, "BN254_FP_MUL", rv_sys_bn254_fp_mul},
    {0x00010129, "BN254_FP2_ADD", rv_sys_bn254_fp2_add},
    {0x0001012A, "BN254_FP2_SUB", rv_sys_bn254_fp2_sub},
    {0x0001012B, "BN254_FP2_MUL", rv_sys_bn254_fp2_mul},
    {0x0001012C, "SECP256R1_ADD", NULL},
    {0x0000012D, "SECP256R1_DOUBLE", NULL},
    {0x0000012E, "SECP256R1_DECOMPRESS", NULL},
    {0x0001012F, "U256XU2048_MUL", NULL},
    {0x000000F0, "HINT_LEN", sys_hint_len},
    {0x000000F1, "HINT_READ", sys_hint_read},
};

const char *rv_syscall_name(uint32_t code)
{
    for (size_t i = 0; i < sizeof rv_syscalls / sizeof rv_syscalls[0]; i++)
        if (rv_syscalls[i].code == code)
            return rv_syscalls[i].name;
    return NULL;
}

static int rv_ecall(rv_machine *m, rk_err *e)
{
    uint32_t code = m->x[5];
    for (size_t i = 0; i < sizeof rv_syscalls / sizeof rv_syscalls[0]; i++) {
        if (rv_syscalls[i].code != code)
            continue;
        if (!rv_syscalls[i].fn) {
            m->fault_is_internal = 1;
            snprintf(m->fault, sizeof m->fault,
                     "syscall %s (0x%08x) at pc 0x%08x is not supported yet", rv_syscalls[i].name,
                     code, m->pc);
            return rk_fail(e, RK_EINTERNAL, "%s", m->fault);
        }
        return rv_syscalls[i].fn(m, e);
    }
    return rv_fault(m, e, m->pc, "unknown syscall 0x%08x in t0", code);
}

/* ---- the fast loops ---- */
#define LOOP_TRACK 0
#define LOOP_NAME loop_plain
#include "loop.inc"
#undef LOOP_TRACK
#undef LOOP_NAME
#define LOOP_TRACK 1
#define LOOP_NAME loop_track
#include "loop.inc"
#undef LOOP_TRACK
#undef LOOP_NAME

int rv_run(rv_machine *m, uint64_t max_cycles, rk_err *e)
{
    if (!m->code)
        return rk_fail(e, RK_EINTERNAL, "rv_run on a machine without a program");
    uint64_t left = max_cycles;
    while (!m->halted) {
        uint64_t ran = 0;
        int r;
        if (m->unconstrained) {
            r = loop_track(m, RV_UNCONSTRAINED_MAX - m->unc_cycles, &ran, e);
            m->unc_cycles += ran;
            if (r == LOOP_LIMIT)
                return rv_fault(m, e, m->pc, "unconstrained block ran over %llu cycles",
                                (unsigned long long)RV_UNCONSTRAINED_MAX);
        } else {
            if (left == 0)
                break;
            r = m->track ? loop_track(m, left, &ran, e) : loop_plain(m, left, &ran, e);
            left -= ran;
            m->cycles += ran;
        }
        if (r == LOOP_ERROR)
            return e ? e->code : RK_EFALSE;
        if (r == LOOP_LIMIT)
            break;
    }
    return RK_OK;
}

/* ---- the reference stepper ---- */
static int step_page(rv_machine *m, rk_err *e, uint32_t addr)
{
    uint32_t pg = addr >> RV_PAGE_LOG;
    if (m->page_epoch[pg] == m->epoch)
        return RK_OK;
    if (m->strict_pages)
        return rv_fault(m, e, m->pc, "page 0x%08x is not in the segment file", pg << RV_PAGE_LOG);
    if ((m->track || m->unconstrained) && rv_touch(m, pg))
        return rk_fail(e, RK_EINTERNAL, "out of memory tracking pages");
    return RK_OK;
}

int rv_step(rv_machine *m, rv_step_rec *rec, rk_err *e)
{
    rv_step_rec r;
    memset(&r, 0, sizeof r);
    uint32_t pc = m->pc, *x = m->x;
    if (m->halted)
        return rk_fail(e, RK_EINTERNAL, "rv_step on a halted machine");
    /* code is fetched only from the program's executable range, as rv_run's pre-decoded array
     * (loop.inc): falling through its end is the same fault, and a jump out of it faults at the
     * jump (below) */
    if (pc == m->text_hi)
        return rv_fault(m, e, pc, "ran off the end of the program");
    if ((pc & 3) || pc - m->text_lo >= m->text_hi - m->text_lo)
        return rv_fault(m, e, pc, "instruction fetch from 0x%08x outside the program [0x%08x, 0x%08x)", pc,
                        m->text_lo, m->text_hi);
    int rc = step_page(m, e, pc);
    if (rc)
        return rc;
    memcpy(&r.word, m->mem + pc, 4);
    rv_insn d = rv_decode(r.word);
    r.pc = pc;
    r.insn = d;
    uint32_t a = x[d.rs1], b = x[d.rs2], imm = (uint32_t)d.imm, next = pc + 4, v = 0;
    int wr = 1, jump = 0; /* writes rd; transfers control (a taken branch or a jump) */
    r.rs1_val = a;
    r.rs2_val = b;
    switch (d.op) {
    case RV_LUI: v = imm; break;
    case RV_AUIPC: v = pc + imm; break;
    case RV_JAL: v = pc + 4; next = pc + imm; jump = 1; break;
    case RV_JALR: v = pc + 4; next = (a + imm) & ~1u; jump = 1; break;
    case RV_BEQ: case RV_BNE: case RV_BLT: case RV_BGE: case RV_BLTU: case RV_BGEU: {
        int t = d.op == RV_BEQ ? a == b : d.op == RV_BNE ? a != b
              : d.op == RV_BLT ? (int32_t)a < (int32_t)b : d.op == RV_BGE ? (int32_t)a >= (int32_t)b
              : d.op == RV_BLTU ? a < b : a >= b;
        if (t) {
            next = pc + imm;
            jump = 1;
        }
        wr = 0;
        break;
    }
    case RV_LB: case RV_LH: case RV_LW: case RV_LBU: case RV_LHU:
    case RV_SB: case RV_SH: case RV_SW: {
        uint32_t ad = a + imm;
        uint32_t size = (d.op == RV_LB || d.op == RV_LBU || d.op == RV_SB) ? 1
                      : (d.op == RV_LH || d.op == RV_LHU || d.op == RV_SH) ? 2 : 4;
        int store = d.op >= RV_SB;
        if ((ad & (size - 1)) || ad < RV_MEM_LO || ad > RV_MEM_END - size)
            return rv_fault(m, e, pc, "%s of %u byte%s at bad address 0x%08x",
                            store ? "store" : "load", size, size > 1 ? "s" : "", ad);
        if (store && meets_text(m, ad, size)) /* code is immutable (loop.inc's STORE_TEXT_CHECK) */
            return rv_fault(m, e, pc, "store of %u byte%s at 0x%08x inside the program [0x%08x, 0x%08x)", size,
                            size > 1 ? "s" : "", ad, m->text_lo, m->text_hi);
        if ((rc = step_page(m, e, ad)))
            return rc;
        uint32_t wa = ad & ~3u, word, sh = (ad & 3) * 8;
        memcpy(&word, m->mem + wa, 4);
        r.mem = store ? 2 : 1;
        r.mem_addr = wa;
        r.mem_before = r.mem_after = word;
        if (store) {
            uint32_t mask = size == 4 ? 0xFFFFFFFFu : ((1u << (size * 8)) - 1) << sh;
            word = (word & ~mask) | ((b << sh) & mask);
            memcpy(m->mem + wa, &word, 4);
            r.mem_after = word;
            wr = 0;
        } else {
            uint32_t raw = word >> sh;
            v = d.op == RV_LB ? (uint32_t)(int32_t)(int8_t)raw
              : d.op == RV_LH ? (uint32_t)(int32_t)(int16_t)raw
              : d.op == RV_LBU ? (raw & 0xFF) : d.op == RV_LHU ? (raw & 0xFFFF) : raw;
        }
        break;
    }
    case RV_ADDI: v = a + imm; break;
    case RV_SLTI: v = (int32_t)a < (int32_t)imm; break;
    case RV_SLTIU: v = a < imm; break;
    case RV_XORI: v = a ^ imm; break;
    case RV_ORI: v = a | imm; break;
    case RV_ANDI: v = a & imm; break;
    case RV_SLLI: v = a << imm; break;
    case RV_SRLI: v = a >> imm; break;
    case RV_SRAI: v = sra32(a, imm); break;
    case RV_ADD: v = a + b; break;
    case RV_SUB: v = a - b; break;
    case RV_SLL: v = a << (b & 31); break;
    case RV_SLT: v = (int32_t)a < (int32_t)b; break;
    case RV_SLTU: v = a < b; break;
    case RV_XOR: v = a ^ b; break;
    case RV_SRL: v = a >> (b & 31); break;
    case RV_SRA: v = sra32(a, b & 31); break;
    case RV_OR: v = a | b; break;
    case RV_AND: v = a & b; break;
    case RV_MUL: v = a * b; break;
    case RV_MULH: v = mulh32(a, b); break;
    case RV_MULHSU: v = mulhsu32(a, b); break;
    case RV_MULHU: v = (uint32_t)(((uint64_t)a * b) >> 32); break;
    case RV_DIV: v = div32(a, b); break;
    case RV_DIVU: v = b ? a / b : 0xFFFFFFFFu; break;
    case RV_REM: v = rem32(a, b); break;
    case RV_REMU: v = b ? a % b : a; break;
    case RV_FENCE: wr = 0; break;
    case RV_ECALL:
        r.syscall = x[5];
        m->sys_mem_addr = m->sys_mem_len = 0;
        rc = rv_ecall(m, e);
        r.sys_mem_addr = m->sys_mem_addr;
        r.sys_mem_len = m->sys_mem_len;
        if (rc)
            return rc;
        if (!m->unconstrained)
            m->cycles++;
        r.next_pc = m->pc;
        r.rd_val = x[5];
        if (rec)
            *rec = r;
        return RK_OK;
    case RV_EBREAK: return rv_fault(m, e, pc, "EBREAK");
    case RV_RVC: return rv_fault(m, e, pc, "compressed (RVC) instruction; the guest must be built for rv32im");
    default: return rv_fault(m, e, pc, "illegal instruction");
    }
    /* as loop.inc's JUMP: the target is an aligned address inside the program */
    if (jump && ((next & 3) || next - m->text_lo >= m->text_hi - m->text_lo))
        return rv_fault(m, e, pc, "jump to 0x%08x outside the program [0x%08x, 0x%08x)", next, m->text_lo,
                        m->text_hi);
    if (wr && d.rd != 0) {
        x[d.rd] = v;
        r.rd_val = v;
    }
    m->pc = next;
    if (!m->unconstrained)
        m->cycles++;
    r.next_pc = next;
    if (rec)
        *rec = r;
    return RK_OK;
}

/* ---- set-up ---- */
static int machine_alloc(rv_machine *m, rk_err *e)
{
    memset(m, 0, sizeof *m);
    void *p = mmap(NULL, RV_MEM_END, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return rk_fail(e, RK_EINTERNAL, "cannot reserve %u bytes of guest memory", RV_MEM_END);
    m->mem = p;
    m->page_epoch = calloc(RV_NUM_PAGES, sizeof *m->page_epoch);
    if (!m->page_epoch) {
        munmap(m->mem, RV_MEM_END);
        m->mem = NULL;
        return rk_fail(e, RK_EINTERNAL, "out of memory");
    }
    m->epoch = 2;
    rv_stream_init(&m->input);
    rk_buf_init(&m->public_values);
    rk_buf_init(&m->tape_lens);
    rk_buf_init(&m->tape_items);
    return RK_OK;
}

int rv_machine_init_empty(rv_machine *m, rk_err *e) { return machine_alloc(m, e); }

int rv_machine_init(rv_machine *m, const elf_image *im, rk_err *e)
{
    int rc = machine_alloc(m, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < im->n_regions; i++)
        memcpy(m->mem + im->regions[i].vaddr, im->regions[i].data, im->regions[i].len);
    m->text_lo = im->text_lo;
    m->text_hi = im->text_hi;
    size_t nw = (im->text_hi - im->text_lo) / 4;
    m->code = malloc((nw + 1) * sizeof *m->code);
    if (!m->code) {
        rv_machine_free(m);
        return rk_fail(e, RK_EINTERNAL, "out of memory decoding the program");
    }
    for (size_t i = 0; i < nw; i++)
        rv_redecode(m, im->text_lo + 4 * (uint32_t)i);
    m->code[nw] = (rv_insn){RV_FALLOFF, 32, 0, 0, 0};
    m->pc = im->entry;
    return RK_OK;
}

void rv_machine_free(rv_machine *m)
{
    if (m->mem)
        munmap(m->mem, RV_MEM_END);
    free(m->page_epoch);
    free(m->code);
    free(m->touched);
    free(m->touched_pre);
    free(m->unc_pages);
    free(m->unc_old_epoch);
    free(m->unc_data);
    rv_stream_free(&m->input);
    rk_buf_free(&m->public_values);
    rk_buf_free(&m->tape_lens);
    rk_buf_free(&m->tape_items);
    memset(m, 0, sizeof *m);
}
