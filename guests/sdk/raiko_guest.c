/* raiko_guest.c - the guest SDK runtime (see raiko_guest.h). */
#include "raiko_guest.h"

#ifndef RK_PICOLIBC
extern char _end[];
static uintptr_t heap_next;
#endif
static rk_sha256 pv_hash;

#define MAX_MEMORY 0x78000000u

void __rk_start(void);
void __rk_start(void)
{
    rk_sha256_init(&pv_hash);
    rk_halt((uint32_t)main());
}

/* picolibc's glue overrides this to flush its stdio buffers */
__attribute__((weak)) void rk_flush_hook(void);
__attribute__((weak)) void rk_flush_hook(void) {}

#ifdef RK_PICOLIBC
void *malloc(size_t n);
void *rk_alloc(size_t n)
{
    void *p = malloc(n); /* one heap: picolibc's malloc owns [_end, MAX_MEMORY) */
    if (!p)
        rk_panic("out of guest memory");
    return p;
}
#else
void *rk_alloc(size_t n)
{
    if (!heap_next)
        heap_next = ((uintptr_t)_end + 15) & ~(uintptr_t)15;
    uintptr_t p = heap_next;
    if (n > MAX_MEMORY - p)
        rk_panic("out of guest memory");
    heap_next = (p + n + 15) & ~(uintptr_t)15;
    return (void *)p;
}
#endif

uint32_t rk_hint_len(void) { return rk_syscall(RK_SYS_HINT_LEN, 0, 0, 0); }

void rk_hint_read(void *buf4, uint32_t len) { rk_syscall(RK_SYS_HINT_READ, (uint32_t)(uintptr_t)buf4, len, 0); }

void *rk_read_item(uint32_t *len)
{
    uint32_t n = rk_hint_len();
    if (n == 0xFFFFFFFFu) {
        *len = 0;
        return 0;
    }
    void *p = rk_alloc(((size_t)n + 3) & ~(size_t)3);
    rk_hint_read(p, n);
    *len = n;
    return p;
}

uint32_t rk_read_u32(uint32_t dflt)
{
    if (rk_hint_len() != 4)
        return dflt;
    uint32_t v;
    rk_hint_read(&v, 4);
    return v;
}

void rk_write(uint32_t fd, const void *p, uint32_t n) { rk_syscall(RK_SYS_WRITE, fd, (uint32_t)(uintptr_t)p, n); }

void rk_print(const char *s) { rk_write(RK_FD_STDOUT, s, (uint32_t)strlen(s)); }

void rk_commit(const void *p, uint32_t n)
{
    rk_write(RK_FD_PUBLIC_VALUES, p, n);
    rk_sha256_update(&pv_hash, p, n);
}

void rk_commit_u32(uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    rk_commit(b, 4);
}

void rk_halt(uint32_t code)
{
    uint8_t d[32];
    rk_flush_hook();
    rk_sha256_final(&pv_hash, d);
    for (uint32_t i = 0; i < 8; i++) {
        uint32_t w = (uint32_t)d[4 * i] | (uint32_t)d[4 * i + 1] << 8 | (uint32_t)d[4 * i + 2] << 16 |
                     (uint32_t)d[4 * i + 3] << 24;
        rk_syscall(RK_SYS_COMMIT, i, w, 0);
    }
    for (uint32_t i = 0; i < 8; i++)
        rk_syscall(RK_SYS_COMMIT_DEFERRED_PROOFS, i, 0, 0);
    rk_syscall(RK_SYS_HALT, code, 0, 0);
    for (;;)
        ;
}

void rk_panic(const char *msg)
{
    rk_write(RK_FD_STDERR, msg, (uint32_t)strlen(msg));
    rk_write(RK_FD_STDERR, "\n", 1);
    rk_halt(1);
}

int rk_enter_unconstrained(void) { return (int)rk_syscall(RK_SYS_ENTER_UNCONSTRAINED, 0, 0, 0); }
void rk_exit_unconstrained(void) { rk_syscall(RK_SYS_EXIT_UNCONSTRAINED, 0, 0, 0); }
void rk_hint_push(const void *p, uint32_t n) { rk_write(RK_FD_HINT, p, n); }

/* ---- field hooks (SP1 v5's fd 20/21): [len BE u32 | operands BE] ---- */
static uint32_t hook_buf[4 + 3 * 64 / 4 + 1];

static void hook_call(uint32_t fd, const uint8_t *const *ops, int k, uint32_t len)
{
    uint8_t *b = (uint8_t *)hook_buf;
    b[0] = (uint8_t)(len >> 24); b[1] = (uint8_t)(len >> 16); b[2] = (uint8_t)(len >> 8); b[3] = (uint8_t)len;
    for (int i = 0; i < k; i++)
        memcpy(b + 4 + i * len, ops[i], len);
    rk_write(fd, b, 4 + (uint32_t)k * len);
}

void rk_fp_inv_hint(uint8_t *out, const uint8_t *elem, const uint8_t *mod, uint32_t len)
{
    const uint8_t *ops[2] = {elem, mod};
    if (len > 64)
        rk_panic("rk_fp_inv_hint: len > 64");
    hook_call(RK_FD_FP_INV, ops, 2, len);
    if (rk_hint_len() != len)
        rk_panic("rk_fp_inv_hint: no answer");
    rk_hint_read(hook_buf, len);
    memcpy(out, hook_buf, len);
}

int rk_fp_sqrt_hint(uint8_t *out, const uint8_t *elem, const uint8_t *mod, const uint8_t *nqr, uint32_t len)
{
    const uint8_t *ops[3] = {elem, mod, nqr};
    if (len > 64)
        rk_panic("rk_fp_sqrt_hint: len > 64");
    hook_call(RK_FD_FP_SQRT, ops, 3, len);
    if (rk_hint_len() != 1)
        rk_panic("rk_fp_sqrt_hint: no answer");
    rk_hint_read(hook_buf, 1);
    int status = ((uint8_t *)hook_buf)[0];
    if (rk_hint_len() != len)
        rk_panic("rk_fp_sqrt_hint: no root");
    rk_hint_read(hook_buf, len);
    memcpy(out, hook_buf, len);
    return status;
}

/* ---- freestanding libc pieces (picolibc brings its own) ---- */
#ifndef RK_PICOLIBC
void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if ((((uintptr_t)dp | (uintptr_t)sp) & 3) == 0) {
        for (; n >= 4; n -= 4, dp += 4, sp += 4)
            *(uint32_t *)dp = *(const uint32_t *)sp;
    }
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if (dp < sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

void *memset(void *d, int c, size_t n)
{
    uint8_t *dp = d;
    if (((uintptr_t)dp & 3) == 0) {
        uint32_t w = (uint8_t)c * 0x01010101u;
        for (; n >= 4; n -= 4, dp += 4)
            *(uint32_t *)dp = w;
    }
    while (n--)
        *dp++ = (uint8_t)c;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
#endif
